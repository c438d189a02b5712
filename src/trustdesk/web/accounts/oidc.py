"""Single sign-on through one OpenID Connect provider (Entra ID, Shibboleth OP, Keycloak …).

Authlib's Django client does the protocol: discovery, the authorisation-code redirect with
`state`, `nonce` and PKCE kept in the session, the code exchange, and the ID token's signature
(against the provider's JWKS), issuer, audience, expiry and nonce. This module only turns verified
claims into an `SSOIdentity`; `services.sso_user_sign_in` decides which account that is.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest, HttpResponse
from joserfc.errors import JoseError
from requests import RequestException

from trustdesk.web.accounts import services
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.services import SSOIdentity
from trustdesk.web.conf.auth import OIDCSettings

log = logging.getLogger(__name__)

# Seconds a provider may take to answer discovery, JWKS, token or userinfo requests.
_TIMEOUT = 15


# Token-endpoint errors (RFC 6749 5.2) that mean the client id or secret is wrong, not the user.
_CLIENT_REFUSED = frozenset({"invalid_client", "unauthorized_client"})
MISCONFIGURED = (
    "Single sign-on is not set up correctly on this site. Please tell the administrators; "
    "you can sign in with a password if you have one."
)


class SSOFailed(Exception):
    """The provider's answer was refused; the message is safe to show to the person signing in."""


def config() -> OIDCSettings | None:
    """The configured provider, or None when single sign-on is off.

    Read with a default so that a settings module which does not compose `TRUSTDESK_OIDC` from
    `conf/auth.py` simply has no SSO rather than failing on every sign-in page.
    """
    value: OIDCSettings | None = getattr(settings, "TRUSTDESK_OIDC", None)
    return value


@functools.lru_cache(maxsize=4)
def _client(cfg: OIDCSettings) -> Any:
    """One Authlib client per configuration: it caches the discovery document and JWKS."""
    registry = OAuth()
    return registry.register(
        name="trustdesk",
        client_id=cfg.client_id,
        client_secret=cfg.client_secret,
        server_metadata_url=cfg.discovery_url,
        client_kwargs={
            "scope": cfg.scopes,
            "code_challenge_method": "S256",
            "default_timeout": _TIMEOUT,
        },
    )


def start(request: HttpRequest, cfg: OIDCSettings, *, redirect_uri: str) -> HttpResponse:
    """Send the browser to the provider, with fresh state, nonce and PKCE kept in the session."""
    try:
        response: HttpResponse = _client(cfg).authorize_redirect(request, redirect_uri)
    except (AuthlibBaseError, RequestException, RuntimeError, ValueError) as exc:
        # One line naming the address: an unreachable or mistyped discovery URL is the usual cause.
        log.warning(
            "single sign-on could not start: discovery document %s: %s", cfg.discovery_url, exc
        )
        raise SSOFailed(
            "The sign-in provider cannot be reached just now. Try again later."
        ) from exc
    return response


def finish(request: HttpRequest, cfg: OIDCSettings) -> SSOIdentity:
    """The identity the provider vouches for, after every check on its answer has passed."""
    client = _client(cfg)
    try:
        token = client.authorize_access_token(
            request, claims_options={"iss": {"essential": True, "values": [cfg.issuer]}}
        )
        id_claims = token.get("userinfo")
        if not id_claims:
            # Without a verified ID token there is no proof of who signed in, only an access token.
            raise SSOFailed("The sign-in provider sent no ID token.")
        claims = {**_userinfo(client, token, subject=id_claims["sub"]), **id_claims}
    except AuthlibBaseError as exc:
        if exc.error in _CLIENT_REFUSED:
            log.error(  # one line for the operator: the cause is configuration, not the user
                "single sign-on: the provider refused trustdesk's client (%s): check "
                "TRUSTDESK_OIDC_CLIENT_ID and TRUSTDESK_OIDC_CLIENT_SECRET",
                exc,
            )
            raise SSOFailed(MISCONFIGURED) from exc
        log.warning("single sign-on refused: %s", exc)
        raise SSOFailed(
            "Single sign-on could not be completed: the answer from the sign-in provider did "
            "not match this sign-in attempt. Please start again."
        ) from exc
    except JoseError as exc:
        log.warning("single sign-on refused: %s", exc)
        raise SSOFailed(
            "Single sign-on could not be completed: the answer from the sign-in provider did "
            "not match this sign-in attempt. Please start again."
        ) from exc
    except RequestException as exc:
        log.warning("single sign-on provider unreachable: %s", exc)
        raise SSOFailed(
            "The sign-in provider cannot be reached just now. Try again later."
        ) from exc
    return identity_from_claims(claims, cfg)


CALLBACK_PATH = "/accounts/sso/callback/"


def provider_check(cfg: OIDCSettings) -> list[str]:
    """What would make sign-in fail, found before anyone tries: one line per problem.

    Reads the provider's discovery document (as the first sign-in would) and compares it with
    the configuration: an issuer that differs (Entra's `common` endpoint, a realm typed wrong)
    otherwise fails every sign-in with a message about a mismatched answer.
    """
    try:
        metadata: dict[str, Any] = dict(_client(cfg).load_server_metadata())
    except (AuthlibBaseError, RequestException, RuntimeError, ValueError) as exc:
        return [f"discovery document {cfg.discovery_url}: {exc}"]
    problems = []
    issuer = str(metadata.get("issuer") or "")
    if issuer != cfg.issuer:
        problems.append(
            f"the provider's issuer is {issuer!r} but TRUSTDESK_OIDC_ISSUER is {cfg.issuer!r}: "
            "set it to the provider's"
        )
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if not cfg.client_secret and "none" not in methods:
        problems.append(
            "TRUSTDESK_OIDC_CLIENT_SECRET is empty but the provider authenticates clients with "
            f"{', '.join(methods)}: every sign-in would be refused"
        )
    return problems


def _userinfo(client: Any, token: dict[str, Any], *, subject: str) -> dict[str, Any]:
    """Claims some providers (Shibboleth's OP by default) give only at the userinfo endpoint.

    Used only when they are about the same subject as the ID token (OIDC Core 5.3.2).
    """
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return {}
    info = dict(client.userinfo(token=token))
    return info if info.get("sub") == subject else {}


def identity_from_claims(claims: dict[str, Any], cfg: OIDCSettings) -> SSOIdentity:
    """Who the person is, by the configured claim names; roles and groups are not read at all."""
    subject = str(claims.get(cfg.subject_claim) or "")
    if not subject:
        raise SSOFailed(f"The sign-in provider sent no {cfg.subject_claim!r} claim.")
    email = str(claims.get(cfg.email_claim) or "")
    first, last = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
    if not (first or last):
        first, _, last = str(claims.get(cfg.name_claim) or "").partition(" ")
    return SSOIdentity(
        issuer=cfg.issuer,
        subject=subject,
        username=str(claims.get(cfg.username_claim) or ""),
        email=email,
        first_name=first,
        last_name=last,
    )


class OIDCBackend(BaseBackend):
    """Signs in the account of a verified SSO identity; local passwords never reach it."""

    def authenticate(  # type: ignore[override]  # credentials are keyword-only by design
        self, request: HttpRequest | None, *, sso_identity: SSOIdentity | None = None
    ) -> User | None:
        if sso_identity is None:
            return None
        try:
            return services.sso_user_sign_in(identity=sso_identity)
        except services.AccountInactive:
            return None

    def get_user(self, user_id: int) -> User | None:
        # Deactivation takes effect on the user's next request, not at their next sign-in.
        return User.objects.filter(pk=user_id, is_active=True).first()
