"""Sign-in settings read from the environment, and the password hasher they choose."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from trustdesk.web.conf import auth, mail


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


def _clear_mail_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "USER", "PASSWORD", "SECURITY", "FROM"):
        monkeypatch.delenv(f"TRUSTDESK_EMAIL_{name}", raising=False)
    monkeypatch.delenv("TRUSTDESK_BASE_URL", raising=False)


def test_without_a_mail_host_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_mail_env(monkeypatch)

    cfg = mail.mail_settings(allowed_hosts=["trustdesk.uni.example"])

    assert (cfg.backend, cfg.configured, cfg.sender) == (
        "django.core.mail.backends.dummy.EmailBackend",
        False,
        "trustdesk@trustdesk.uni.example",
    )


def test_smtp_with_implicit_tls_and_a_mounted_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _clear_mail_env(monkeypatch)
    secret = tmp_path / "smtp"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("TRUSTDESK_EMAIL_HOST", "smtp.uni.example")
    monkeypatch.setenv("TRUSTDESK_EMAIL_SECURITY", "tls")
    monkeypatch.setenv("TRUSTDESK_EMAIL_PASSWORD_FILE", str(secret))

    cfg = mail.mail_settings(allowed_hosts=["localhost"])

    assert (cfg.backend, cfg.port, cfg.use_ssl, cfg.use_tls, cfg.password) == (
        "django.core.mail.backends.smtp.EmailBackend",
        465,
        True,
        False,
        "s3cret",
    )


def test_mail_security_must_be_known(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_mail_env(monkeypatch)
    monkeypatch.setenv("TRUSTDESK_EMAIL_SECURITY", "ssl")

    with pytest.raises(ImproperlyConfigured, match="expected starttls, tls or none"):
        mail.mail_settings(allowed_hosts=[])


@pytest.mark.parametrize(
    ("given", "embedded", "expected"),
    [
        ("", True, "http://127.0.0.1:8000"),
        ("", False, "https://trustdesk.uni.example"),
        ("https://td.uni.example/", False, "https://td.uni.example"),
    ],
)
def test_base_url(
    monkeypatch: pytest.MonkeyPatch, given: str, embedded: bool, expected: str
) -> None:
    monkeypatch.setenv("TRUSTDESK_BASE_URL", given)

    assert mail.base_url(embedded=embedded, allowed_hosts=[".trustdesk.uni.example"]) == expected
