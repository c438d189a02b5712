"""Sign-in behind a TLS-terminating proxy: the browser's https Origin passes the CSRF check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests import factories

PUBLIC = "trustdesk.uni.example"
# What a proxy such as nginx sends on: its upstream address as Host, the public one forwarded.
THROUGH_PROXY = {
    "HTTP_HOST": "127.0.0.1:8000",
    "HTTP_X_FORWARDED_HOST": PUBLIC,
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_FOR": "198.51.100.7",
}


def _settings_behind_proxy(tmp_path: Path) -> dict[str, str]:
    """The proxy settings composed from TRUSTDESK_BEHIND_PROXY, read in a fresh process."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env = {
        **clean,
        "TRUSTDESK_HOME": str(tmp_path),
        "TRUSTDESK_DATABASE_URL": "postgres://x@127.0.0.1/x",
        "TRUSTDESK_SECRET_KEY": "s" * 50,
        "TRUSTDESK_ALLOWED_HOSTS": PUBLIC,
        "TRUSTDESK_BEHIND_PROXY": "true",
    }
    code = (
        "import trustdesk.web.settings as s; "
        "print(repr(s.SECURE_PROXY_SSL_HEADER), s.USE_X_FORWARDED_HOST, s.CSRF_COOKIE_SECURE, "
        "s.ALLOWED_HOSTS, sep='|')"
    )
    out = subprocess.run(  # noqa: S603  # this interpreter, a fixed script
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    header, forwarded_host, secure_cookie, hosts = out.split("|")
    return {
        "header": header,
        "forwarded_host": forwarded_host,
        "secure": secure_cookie,
        "hosts": hosts,
    }


def test_behind_proxy_trusts_the_forwarded_scheme_and_host(tmp_path: Path) -> None:
    composed = _settings_behind_proxy(tmp_path)

    assert composed == {
        "header": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "forwarded_host": "True",
        "secure": "True",
        "hosts": f"['{PUBLIC}']",
    }


def _sign_in_through_proxy() -> tuple[int, str]:
    factories.make_user("rita", password="a long pass phrase")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", **THROUGH_PROXY)  # type: ignore[arg-type]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token, "the sign-in page has a CSRF token"
    response = client.post(
        "/accounts/login/",
        {"username": "rita", "password": "a long pass phrase", "csrfmiddlewaretoken": token[1]},
        HTTP_ORIGIN=f"https://{PUBLIC}",
        HTTP_REFERER=f"https://{PUBLIC}/accounts/login/",
        **THROUGH_PROXY,  # type: ignore[arg-type]
    )
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_sign_in_with_an_https_origin_through_the_proxy() -> None:
    with override_settings(
        ALLOWED_HOSTS=[PUBLIC],
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        USE_X_FORWARDED_HOST=True,
        CSRF_COOKIE_SECURE=True,
        SESSION_COOKIE_SECURE=True,
    ):
        status, _ = _sign_in_through_proxy()

    assert status == 302


@pytest.mark.django_db
def test_without_the_proxy_settings_the_origin_check_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What an operator saw before TRUSTDESK_BEHIND_PROXY was documented."""
    with override_settings(ALLOWED_HOSTS=[PUBLIC, "127.0.0.1"]):
        status, _ = _sign_in_through_proxy()

    assert status == 403
    assert f"Origin checking failed - https://{PUBLIC} does not match" in caplog.text
