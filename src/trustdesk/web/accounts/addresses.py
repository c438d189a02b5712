"""The address a sign-in came from, as the lockout counts it: the client's, not the proxy's.

Behind a reverse proxy every request arrives from the proxy, so a lock keyed on REMOTE_ADDR would
lock everyone out together. Each proxy appends the address it received the request from to
X-Forwarded-For; with N proxies of our own in front, the client is the N-th address from the
right of that header. Addresses further left were written by the client itself and could be
anything, so they are never read; without TRUSTDESK_BEHIND_PROXY the header is not read at all.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the one the trusted proxies saw (axes' callable)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTDESK_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through them all (or a proxy does not
        # set the header). The nearest address is the one nobody else could have written.
        return remote
    return _valid(forwarded[-proxies]) or remote
