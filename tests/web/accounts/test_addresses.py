"""The client address the lockout counts: REMOTE_ADDR, or what the trusted proxies saw."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from trustdesk.web.accounts.addresses import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected", "why"),
    [
        (0, "198.51.100.1", "10.0.0.2", "not behind a proxy: the header is the client's claim"),
        (1, "198.51.100.1", "198.51.100.1", "one proxy: the address it appended"),
        (1, "192.0.2.9, 198.51.100.1", "198.51.100.1", "left of it: written by the client"),
        (2, "192.0.2.9, 198.51.100.1, 10.0.0.1", "198.51.100.1", "two proxies: second from right"),
        (2, "198.51.100.1", "10.0.0.2", "fewer hops than proxies: the nearest address"),
        (1, "", "10.0.0.2", "no header: the nearest address"),
        (1, "not-an-address", "10.0.0.2", "garbage: the nearest address"),
        (1, " 2001:db8::1 ", "2001:db8::1", "IPv6, spaces trimmed"),
    ],
)
def test_client_ip(
    settings: Settings, proxies: int, forwarded: str, expected: str, why: str
) -> None:
    settings.TRUSTDESK_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected, why
