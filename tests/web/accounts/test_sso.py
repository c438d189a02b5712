"""Single sign-on end to end against a real OIDC provider process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.web.accounts.conftest import MakeUser
from tests.web.accounts.oidc_provider import OIDCProviderProcess
from trustdesk.cli import main
from trustdesk.web.accounts import oidc
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.auth import OIDCSettings
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=False)

CALLBACK = "http://testserver/accounts/sso/callback/"
REFUSED = (
    "Single sign-on could not be completed: the answer from the sign-in provider did not match "
    "this sign-in attempt. Please start again."
)
JANE = {
    "sub": "f3a1c2d4-0001",
    "preferred_username": "jdoe",
    "email": "jane.doe@uni.example",
    "name": "Jane Doe",
    "given_name": "Jane",
    "family_name": "Doe",
    # What a provider might send to claim privilege; trustdesk must ignore all of it.
    "role": "admin",
    "roles": ["admin", "officer"],
    "groups": ["trustdesk-admins"],
}


@pytest.fixture(scope="module")
def provider() -> Iterator[OIDCProviderProcess]:
    with OIDCProviderProcess(
        client_id="trustdesk-test", client_secret="s3cret-for-tests", redirect_uri=CALLBACK
    ) as running:
        yield running


@pytest.fixture
def sso(settings: SettingsWrapper, provider: OIDCProviderProcess) -> OIDCProviderProcess:
    settings.TRUSTDESK_OIDC = OIDCSettings(
        issuer=provider.issuer,
        discovery_url=f"{provider.issuer}/.well-known/openid-configuration",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
    )
    provider.control(claims=JANE)
    return provider


def _to_provider(client: Client) -> str:
    """Start SSO in trustdesk; the provider's authorize URL it redirects the browser to."""
    response = client.get("/accounts/sso/login/", {"next": "/accounts/me/"})
    assert response.status_code == 302
    return str(response["Location"])


def _provider_answer(authorize_url: str) -> str:
    """Follow the browser to the provider over real HTTP; the callback URL it sends back."""
    answer = httpx.get(authorize_url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(CALLBACK)
    return location


def _back(client: Client, callback_url: str) -> object:
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def _sign_in(client: Client) -> object:
    return _back(client, _provider_answer(_to_provider(client)))


def test_first_sso_sign_in_creates_a_researcher_whatever_the_provider_claims(
    sso: OIDCProviderProcess,
) -> None:
    client = Client()

    response = _sign_in(client)

    user = User.objects.get()
    assert response.redirect_chain == [("/accounts/me/", 302)]  # type: ignore[attr-defined]
    assert response.wsgi_request.user == user  # type: ignore[attr-defined]
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "jdoe",
        "jane.doe@uni.example",
        "Jane",
        "Doe",
    )
    assert (user.sso_issuer, user.sso_subject) == (sso.issuer, "f3a1c2d4-0001")
    assert user.role == User.Role.RESEARCHER
    assert (user.is_staff, user.is_superuser, user.has_usable_password()) == (False, False, False)
    event = AuditEvent.objects.get(action="trustdesk.user.created")
    assert event.data == {"via": "sso", "issuer": sso.issuer, "role": "researcher"}
    assert sso.hits()["/token"] >= 1  # the code really was exchanged at the provider


def test_second_sso_sign_in_reuses_the_account_and_keeps_its_role(
    sso: OIDCProviderProcess, make_user: MakeUser
) -> None:
    _sign_in(Client())
    User.objects.filter(username="jdoe").update(role=User.Role.OFFICER)  # an admin raised it
    sso.control(claims={**JANE, "email": "j.doe@uni.example", "role": "researcher"})

    response = _sign_in(Client())

    user = User.objects.get()
    assert response.wsgi_request.user == user  # type: ignore[attr-defined]
    assert (user.role, user.email) == (User.Role.OFFICER, "j.doe@uni.example")
    assert AuditEvent.objects.filter(action="trustdesk.user.created").count() == 1
    assert AuditEvent.objects.get(action="trustdesk.user.updated").data == {
        "old": {"email": "jane.doe@uni.example"},
        "new": {"email": "j.doe@uni.example"},
    }


def test_a_local_account_with_the_same_email_is_not_taken_over(
    sso: OIDCProviderProcess, make_user: MakeUser
) -> None:
    local = make_user("jdoe", User.Role.ADMIN, password="a-long-local-password")
    local.email = "jane.doe@uni.example"
    local.save(update_fields=["email"])

    response = _sign_in(Client())

    signed_in = response.wsgi_request.user  # type: ignore[attr-defined]
    assert signed_in != local
    assert (signed_in.username, signed_in.role) == ("jdoe-2", User.Role.RESEARCHER)
    assert User.objects.count() == 2


def test_a_forged_state_is_refused(
    sso: OIDCProviderProcess, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    callback = _provider_answer(_to_provider(client))
    query = parse_qs(urlsplit(callback).query)
    forged = f"{CALLBACK}?{urlencode({'code': query['code'][0], 'state': 'forged-state'})}"

    response = _back(client, forged)

    assert response.redirect_chain == [("/accounts/login/", 302)]  # type: ignore[attr-defined]
    assert [str(m) for m in response.context["messages"]] == [REFUSED]  # type: ignore[attr-defined]
    assert not response.wsgi_request.user.is_authenticated  # type: ignore[attr-defined]
    assert User.objects.count() == 0
    assert "single sign-on refused: mismatching_state" in caplog.text


def test_a_callback_from_another_browser_is_refused(sso: OIDCProviderProcess) -> None:
    callback = _provider_answer(_to_provider(Client()))
    other = Client()  # has no state in its session: a login-CSRF attempt

    response = _back(other, callback)

    assert [str(m) for m in response.context["messages"]] == [REFUSED]  # type: ignore[attr-defined]
    assert User.objects.count() == 0


def test_an_id_token_with_the_wrong_nonce_is_refused(
    sso: OIDCProviderProcess, caplog: pytest.LogCaptureFixture
) -> None:
    sso.control(claims=JANE, misbehave="nonce")
    client = Client()

    response = _sign_in(client)

    assert [str(m) for m in response.context["messages"]] == [REFUSED]  # type: ignore[attr-defined]
    assert not response.wsgi_request.user.is_authenticated  # type: ignore[attr-defined]
    assert User.objects.count() == 0
    assert "single sign-on refused: invalid_claim: Invalid claim: 'nonce'" in caplog.text


def test_a_deactivated_sso_account_is_refused(sso: OIDCProviderProcess) -> None:
    _sign_in(Client())
    User.objects.filter(username="jdoe").update(is_active=False)

    response = _sign_in(Client())

    assert not response.wsgi_request.user.is_authenticated  # type: ignore[attr-defined]
    assert [str(m) for m in response.context["messages"]] == [  # type: ignore[attr-defined]
        "Your university account was recognised, but its trustdesk account is deactivated. "
        "Ask an administrator to restore it."
    ]


def test_the_sign_in_page_offers_sso_only_when_configured(
    settings: SettingsWrapper, sso: OIDCProviderProcess
) -> None:
    with_sso = Client().get("/accounts/login/").content.decode()
    settings.TRUSTDESK_OIDC = None
    without = Client().get("/accounts/login/").content.decode()

    assert "Sign in with your university account" in with_sso
    assert 'href="/accounts/sso/login/"' in with_sso
    assert "Sign in with your university account" not in without
    assert Client().get("/accounts/sso/login/").status_code == 404


def test_claims_map_by_configured_names() -> None:
    cfg = OIDCSettings(
        issuer="https://login.example/t/v2.0",
        discovery_url="https://login.example/t/v2.0/.well-known/openid-configuration",
        client_id="x",
        subject_claim="oid",
        username_claim="upn",
    )
    claims = {"sub": "pairwise", "oid": "0000-aaaa", "upn": "jd@uni.example", "name": "Jane Q Doe"}

    identity = oidc.identity_from_claims(claims, cfg)

    assert (identity.subject, identity.username, identity.first_name, identity.last_name) == (
        "0000-aaaa",
        "jd@uni.example",
        "Jane",
        "Q Doe",
    )


def test_a_wrong_client_secret_is_one_line_naming_the_variables(
    sso: OIDCProviderProcess, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    settings.TRUSTDESK_OIDC = OIDCSettings(
        issuer=sso.issuer,
        discovery_url=f"{sso.issuer}/.well-known/openid-configuration",
        client_id=sso.client_id,
        client_secret="",  # forgotten: the provider refuses the code exchange
    )

    response = _sign_in(Client())

    assert [str(m) for m in response.context["messages"]] == [oidc.MISCONFIGURED]  # type: ignore[attr-defined]
    assert not response.wsgi_request.user.is_authenticated  # type: ignore[attr-defined]
    (record,) = [r for r in caplog.records if r.name == "trustdesk.web.accounts.oidc"]
    assert record.getMessage().startswith("single sign-on: the provider refused trustdesk's client")
    assert "TRUSTDESK_OIDC_CLIENT_SECRET" in record.getMessage()
    assert "\n" not in record.getMessage()
    assert record.exc_info is None


def test_an_unreachable_discovery_url_is_one_line_naming_it(
    settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    closed = "http://127.0.0.1:9/.well-known/openid-configuration"  # discard port: nothing listens
    settings.TRUSTDESK_OIDC = OIDCSettings(
        issuer="http://127.0.0.1:9", discovery_url=closed, client_id="trustdesk"
    )

    response = Client().get("/accounts/sso/login/", follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]  # type: ignore[attr-defined]
    assert [str(m) for m in response.context["messages"]] == [  # type: ignore[attr-defined]
        "The sign-in provider cannot be reached just now. Try again later."
    ]
    (record,) = [r for r in caplog.records if r.name == "trustdesk.web.accounts.oidc"]
    assert record.getMessage().startswith(
        f"single sign-on could not start: discovery document {closed}: "
    )
    assert "\n" not in record.getMessage()
    assert record.exc_info is None


def _sso_check(settings: SettingsWrapper, **changes: str) -> tuple[int, str, str]:
    settings.TRUSTDESK_OIDC = replace(settings.TRUSTDESK_OIDC, **changes)
    result = CliRunner().invoke(main, ["sso", "check"])
    return result.exit_code, result.stdout, result.stderr


def test_sso_check_says_the_provider_answers_and_the_callback_to_register(
    sso: OIDCProviderProcess, settings: SettingsWrapper
) -> None:
    settings.ALLOWED_HOSTS = ["trustdesk.uni.example"]

    code, out, err = _sso_check(settings)

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Single sign-on: {sso.issuer} answers; client {sso.client_id}.",
        "Callback address to register at the provider: "
        "https://trustdesk.uni.example/accounts/sso/callback/",
    ]
    assert reverse("accounts:sso_callback") == oidc.CALLBACK_PATH


def test_sso_check_names_an_issuer_that_differs_from_the_providers(
    sso: OIDCProviderProcess, settings: SettingsWrapper
) -> None:
    code, _, err = _sso_check(settings, issuer=f"{sso.issuer}/common")

    assert code == 1
    assert err.splitlines() == [
        f"single sign-on: the provider's issuer is {sso.issuer!r} but TRUSTDESK_OIDC_ISSUER is "
        f"'{sso.issuer}/common': set it to the provider's"
    ]


def test_sso_check_names_a_missing_client_secret(
    sso: OIDCProviderProcess, settings: SettingsWrapper
) -> None:
    code, _, err = _sso_check(settings, client_secret="")

    assert code == 1
    assert err.splitlines() == [
        "single sign-on: TRUSTDESK_OIDC_CLIENT_SECRET is empty but the provider authenticates "
        "clients with client_secret_basic: every sign-in would be refused"
    ]


def test_sso_check_names_an_unreachable_discovery_url(settings: SettingsWrapper) -> None:
    closed = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.TRUSTDESK_OIDC = OIDCSettings(
        issuer="http://127.0.0.1:9", discovery_url=closed, client_id="trustdesk"
    )

    result = CliRunner().invoke(main, ["sso", "check"])

    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"single sign-on: discovery document {closed}: ")


def test_sso_check_when_sso_is_off(settings: SettingsWrapper) -> None:
    settings.TRUSTDESK_OIDC = None

    result = CliRunner().invoke(main, ["sso", "check"])

    assert (result.exit_code, result.stdout) == (
        0,
        "Single sign-on is off: TRUSTDESK_OIDC_ISSUER is not set.\n",
    )
