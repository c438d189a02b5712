"""Sign-in settings: password hashing, lockout after repeated failures, single sign-on (OIDC).

Variables (all optional; SSO is off until an issuer or discovery URL is set):

- `TRUSTDESK_LOCKOUT_FAILURES` failed sign-ins before a lock (default 5);
  `TRUSTDESK_LOCKOUT_MINUTES` how long the lock lasts (default 15);
  `TRUSTDESK_LOCKOUT_BY` what is locked (default `username+ip_address`: one account from one
  address); comma-separated locks, each a parameter or parameters joined by `+`, e.g.
  `username+ip_address,ip_address` also locks an address trying many accounts.
- `TRUSTDESK_BEHIND_PROXY` (default off) and `TRUSTDESK_PROXY_COUNT` (default 1, read only behind
  a proxy): how many reverse proxies of the installation's own stand in front, so the lockout
  counts the client's address from X-Forwarded-For instead of the proxy's.
- `TRUSTDESK_OIDC_ISSUER` the provider's issuer URL (Entra:
  `https://login.microsoftonline.com/<tenant>/v2.0`; Keycloak: `https://host/realms/<realm>`);
  `TRUSTDESK_OIDC_DISCOVERY_URL` when the discovery document is not at
  `<issuer>/.well-known/openid-configuration`;
  `TRUSTDESK_OIDC_CLIENT_ID`, `TRUSTDESK_OIDC_CLIENT_SECRET` (or `…_SECRET_FILE`);
  `TRUSTDESK_OIDC_SCOPES` (default `openid email profile`);
  `TRUSTDESK_OIDC_SUBJECT_CLAIM` the stable, never-reassigned id (default `sub`; Entra's `oid`
  is the same person across applications), `TRUSTDESK_OIDC_USERNAME_CLAIM` (default
  `preferred_username`), `TRUSTDESK_OIDC_EMAIL_CLAIM` (`email`), `TRUSTDESK_OIDC_NAME_CLAIM`
  (`name`); `TRUSTDESK_OIDC_LABEL` the sign-in button's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from trustdesk.web.env import env_bool, env_int, env_str

APPS: list[str] = ["axes"]  # django-axes: counts failed sign-ins and locks
# Turns the lockout that the axes backend flags during authenticate() into the lockout page.
MIDDLEWARE_AFTER_AUTH: list[str] = ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    # First, so a locked account or address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "trustdesk.web.accounts.oidc.OIDCBackend",
]

# Argon2id first: memory-hard, the OWASP recommendation. The others stay only to verify hashes made
# before it was first, which Django then rehashes with Argon2 at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# NCSC and NIST SP 800-63B: length and a deny-list of common passwords, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

_LOCKOUT_PARAMETERS = {"username", "ip_address"}


def _lockout_parameters() -> list[str | list[str]]:
    """TRUSTDESK_LOCKOUT_BY as axes reads it: each lock a parameter or a list counted together."""
    raw = env_str("TRUSTDESK_LOCKOUT_BY", "username+ip_address")
    locks: list[str | list[str]] = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        parts = [p.strip() for p in entry.split("+")]
        if not set(parts) <= _LOCKOUT_PARAMETERS or len(set(parts)) != len(parts):
            locks = []
            break
        locks.append(parts[0] if len(parts) == 1 else parts)
    if not locks:
        raise ImproperlyConfigured(
            f"TRUSTDESK_LOCKOUT_BY={raw!r}: expected locks such as username+ip_address, "
            "username or ip_address, comma-separated"
        )
    return locks


def _proxy_count() -> int:
    if not env_bool("TRUSTDESK_BEHIND_PROXY", False):
        return 0
    count = env_int("TRUSTDESK_PROXY_COUNT", 1)
    if count < 1:
        raise ImproperlyConfigured(
            f"TRUSTDESK_PROXY_COUNT={count}: behind a proxy there is at least one"
        )
    return count


AXES_FAILURE_LIMIT = env_int("TRUSTDESK_LOCKOUT_FAILURES", 5)
# A lock that lifts by itself: a permanent one would let anyone who knows a username lock its owner
# out until an admin intervenes.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TRUSTDESK_LOCKOUT_MINUTES", 15))
# By default an account is locked from the address the failures came from only (the pattern
# django-axes documents): a lock on the username alone lets anyone lock its owner out from
# everywhere, and one on the address alone locks everyone behind a shared NAT or proxy.
AXES_LOCKOUT_PARAMETERS = _lockout_parameters()
# Reverse proxies of our own in front (0: none), whose X-Forwarded-For entries are trusted.
TRUSTDESK_PROXY_COUNT = _proxy_count()
# The client's address for every lock and failure record (accounts/addresses.py).
AXES_CLIENT_IP_CALLABLE = "trustdesk.web.accounts.addresses.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # keeps every failure (time, address, user agent) on record
# Our page (429, in the site layout) instead of axes' bare text; it says how long the lock lasts.
AXES_LOCKOUT_CALLABLE = "trustdesk.web.accounts.views.locked_out"
AXES_ENABLE_ADMIN = False  # django.contrib.admin is not installed; lockouts show in trustdesk


@dataclass(frozen=True, slots=True)
class OIDCSettings:
    """Single sign-on through one OpenID Connect provider, read once at start-up."""

    issuer: str
    discovery_url: str
    client_id: str
    client_secret: str = ""
    scopes: str = "openid email profile"
    subject_claim: str = "sub"
    username_claim: str = "preferred_username"
    email_claim: str = "email"
    name_claim: str = "name"
    label: str = "Sign in with your university account"


def oidc_settings() -> OIDCSettings | None:
    """The SSO provider from TRUSTDESK_OIDC_*, or None when no issuer is configured."""
    issuer = env_str("TRUSTDESK_OIDC_ISSUER").rstrip("/")
    discovery = env_str("TRUSTDESK_OIDC_DISCOVERY_URL")
    if not issuer and not discovery:
        return None
    if not issuer:
        raise ImproperlyConfigured(
            "TRUSTDESK_OIDC_ISSUER must be set with TRUSTDESK_OIDC_DISCOVERY_URL: "
            "ID tokens are checked against it"
        )
    client_id = env_str("TRUSTDESK_OIDC_CLIENT_ID")
    if not client_id:
        raise ImproperlyConfigured("TRUSTDESK_OIDC_CLIENT_ID must be set for single sign-on")
    scopes = env_str("TRUSTDESK_OIDC_SCOPES", "openid email profile")
    if "openid" not in scopes.split():
        raise ImproperlyConfigured(
            f"TRUSTDESK_OIDC_SCOPES={scopes!r}: must include openid, or no ID token is issued"
        )
    defaults = OIDCSettings(issuer="", discovery_url="", client_id="")
    return OIDCSettings(
        issuer=issuer,
        discovery_url=discovery or f"{issuer}/.well-known/openid-configuration",
        client_id=client_id,
        client_secret=env_str("TRUSTDESK_OIDC_CLIENT_SECRET"),
        scopes=scopes,
        subject_claim=env_str("TRUSTDESK_OIDC_SUBJECT_CLAIM", defaults.subject_claim),
        username_claim=env_str("TRUSTDESK_OIDC_USERNAME_CLAIM", defaults.username_claim),
        email_claim=env_str("TRUSTDESK_OIDC_EMAIL_CLAIM", defaults.email_claim),
        name_claim=env_str("TRUSTDESK_OIDC_NAME_CLAIM", defaults.name_claim),
        label=env_str("TRUSTDESK_OIDC_LABEL", defaults.label),
    )


TRUSTDESK_OIDC = oidc_settings()
