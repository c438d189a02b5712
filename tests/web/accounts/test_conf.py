"""Sign-in settings read from the environment, and the password hasher they choose."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from trustdesk.web.conf import auth


def test_argon2_hashes_passwords_first(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = auth.PASSWORD_HASHERS  # the test settings use a fast one

    encoded = make_password("a long pass phrase")

    assert auth.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("a long pass phrase", encoded)


def test_sso_is_off_without_an_issuer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTDESK_OIDC_ISSUER", raising=False)
    monkeypatch.delenv("TRUSTDESK_OIDC_DISCOVERY_URL", raising=False)
    assert auth.oidc_settings() is None


def test_sso_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("TRUSTDESK_OIDC_ISSUER", "https://login.microsoftonline.com/t1/v2.0/")
    monkeypatch.setenv("TRUSTDESK_OIDC_CLIENT_ID", "abc")
    monkeypatch.setenv("TRUSTDESK_OIDC_CLIENT_SECRET_FILE", str(secret))
    monkeypatch.setenv("TRUSTDESK_OIDC_SUBJECT_CLAIM", "oid")

    cfg = auth.oidc_settings()

    assert cfg == auth.OIDCSettings(
        issuer="https://login.microsoftonline.com/t1/v2.0",
        discovery_url="https://login.microsoftonline.com/t1/v2.0/.well-known/openid-configuration",
        client_id="abc",
        client_secret="from-a-file",
        subject_claim="oid",
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TRUSTDESK_OIDC_ISSUER": "https://idp.example"},
            "TRUSTDESK_OIDC_CLIENT_ID must be set for single sign-on",
        ),
        (
            {"TRUSTDESK_OIDC_DISCOVERY_URL": "https://idp.example/.well-known/x"},
            "TRUSTDESK_OIDC_ISSUER must be set with TRUSTDESK_OIDC_DISCOVERY_URL: "
            "ID tokens are checked against it",
        ),
        (
            {
                "TRUSTDESK_OIDC_ISSUER": "https://idp.example",
                "TRUSTDESK_OIDC_CLIENT_ID": "abc",
                "TRUSTDESK_OIDC_SCOPES": "email profile",
            },
            "TRUSTDESK_OIDC_SCOPES='email profile': must include openid, or no ID token is issued",
        ),
    ],
)
def test_incomplete_sso_settings_stop_start_up(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name in (
        "TRUSTDESK_OIDC_ISSUER",
        "TRUSTDESK_OIDC_DISCOVERY_URL",
        "TRUSTDESK_OIDC_CLIENT_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured) as exc:
        auth.oidc_settings()

    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("value", "locks"),
    [
        (None, [["username", "ip_address"]]),
        ("username", ["username"]),
        ("username+ip_address, ip_address", [["username", "ip_address"], "ip_address"]),
    ],
)
def test_lockout_by_reads_locks_counted_together_or_apart(
    monkeypatch: pytest.MonkeyPatch, value: str | None, locks: list[object]
) -> None:
    if value is None:
        monkeypatch.delenv("TRUSTDESK_LOCKOUT_BY", raising=False)
    else:
        monkeypatch.setenv("TRUSTDESK_LOCKOUT_BY", value)

    assert auth._lockout_parameters() == locks


@pytest.mark.parametrize("value", ["cookie", "username+username", "username+", ","])
def test_lockout_by_refuses_what_axes_cannot_count(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("TRUSTDESK_LOCKOUT_BY", value)

    with pytest.raises(ImproperlyConfigured, match=r"^TRUSTDESK_LOCKOUT_BY="):
        auth._lockout_parameters()


@pytest.mark.parametrize(
    ("env", "count"),
    [
        ({}, 0),
        ({"TRUSTDESK_PROXY_COUNT": "2"}, 0),  # not read unless behind a proxy
        ({"TRUSTDESK_BEHIND_PROXY": "true"}, 1),
        ({"TRUSTDESK_BEHIND_PROXY": "true", "TRUSTDESK_PROXY_COUNT": "2"}, 2),
    ],
)
def test_proxy_count_only_behind_a_proxy(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], count: int
) -> None:
    for name in ("TRUSTDESK_BEHIND_PROXY", "TRUSTDESK_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert auth._proxy_count() == count


def test_proxy_count_below_one_behind_a_proxy_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTDESK_BEHIND_PROXY", "true")
    monkeypatch.setenv("TRUSTDESK_PROXY_COUNT", "0")

    with pytest.raises(ImproperlyConfigured, match=r"^TRUSTDESK_PROXY_COUNT=0: behind a proxy"):
        auth._proxy_count()
