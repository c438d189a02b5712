"""The defensive HTTP client every outbound fetch in trustdesk shares: lists and travel advice.

trustdesk reaches the network from two places (watch-list downloads in the web shell, FCDO travel
advice in the policy engine), and both must resist the same outside world: captive portals serving
HTML, endless or compressed bodies, redirect loops, a step down from https to http, and a network
that is simply not there. The rules live here once, so a fix reaches both. No Django and no
trustdesk.web (import-linter checks it), so the framework-free engines may use it too.

Errors are :class:`FetchError` with a plain-language ``reason``; callers wrap it in their own error
type. The subclasses carry what a caller needs to word a refusal its own way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import httpx

SNIFF_BYTES = 512  # enough to see past a BOM, an XML declaration and white space
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


class FetchError(Exception):
    """A request that yielded nothing usable; ``reason`` tells an operator what happened.

    ``transient`` marks what a retry may fix (a timeout, a dropped connection, a busy server), so
    a caller that retries need not list the causes again; ``retry_after`` is the server's wish in
    seconds, when it said one.
    """

    def __init__(
        self, reason: str, *, transient: bool = False, retry_after: float | None = None
    ) -> None:
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after
        super().__init__(reason)


class AddressError(FetchError):
    """An address that is not an absolute http or https URL; ``url`` is the one refused."""

    def __init__(self, reason: str, *, url: str, invalid: bool = False, detail: str = "") -> None:
        self.url = url
        #: True when the address could not be parsed at all (``detail`` says why).
        self.invalid = invalid
        self.detail = detail
        super().__init__(reason)


class RedirectLoop(FetchError):
    """A redirect back to an address already requested: ``host`` sends it back to ``target``."""

    def __init__(self, host: str, target: httpx.URL) -> None:
        self.host = host
        self.target = target
        super().__init__(f"redirect loop: {host} sends the request back to {target}")


class TooManyRedirects(FetchError):
    """A chain longer than ``limit`` redirects, starting at ``start``."""

    def __init__(self, limit: int, start: httpx.URL) -> None:
        self.limit = limit
        self.start = start
        super().__init__(f"more than {limit} redirects, starting at {host(start)}")


class ConnectionBroken(FetchError):
    """The server dropped the connection before answering; transient, as a retry may get through.

    Kept apart so a caller can word it as a failed request rather than a broken-off one.
    """

    def __init__(self, host: str, detail: str) -> None:
        self.host = host
        self.detail = detail
        super().__init__(f"{host} broke off the connection: {detail}", transient=True)


class BodyTooLarge(FetchError):
    """The decoded body passed ``limit`` bytes; reading stopped there."""

    def __init__(self, host: str, limit: int) -> None:
        self.host = host
        self.limit = limit
        super().__init__(f"{host} sent more than the limit of {limit:,} bytes")


class HTMLInsteadOfData(FetchError):
    """The body is a web page: a captive portal, a login page or an error page."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__(
            f"{host} sent a web page (HTML) where data was expected — a captive portal, a login "
            "page or an error page; open the address in a browser to see it"
        )


def new_client(
    user_agent: str,
    *,
    accept: str | None = None,
    timeout: float | None = None,
    connections: int | None = None,
) -> httpx.Client:
    """A client that names trustdesk and never follows a redirect by itself.

    Redirects are left to :func:`open_stream`, which checks every step. ``timeout`` and
    ``connections`` are left to httpx's defaults when not given (a caller may bound each request
    instead).
    """
    headers = {"User-Agent": user_agent}
    if accept is not None:
        headers["Accept"] = accept
    options: dict[str, Any] = {}
    if timeout is not None:
        options["timeout"] = httpx.Timeout(timeout)
    if connections is not None:
        options["limits"] = httpx.Limits(
            max_connections=connections, max_keepalive_connections=connections
        )
    return httpx.Client(headers=headers, follow_redirects=False, **options)


def host(url: httpx.URL | str) -> str:
    """``host[:port]`` for messages: where the trouble is, without paths or secrets.

    An IPv6 address is bracketed so its port cannot be read as part of it.
    """
    parsed = httpx.URL(url) if isinstance(url, str) else url
    name = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{name}:{parsed.port}" if parsed.port else name


def status(response: httpx.Response) -> str:
    """``404 Not Found``: the code with its phrase, the standard one when the server sent none."""
    phrase = response.reason_phrase
    if not phrase:
        with contextlib.suppress(ValueError):
            phrase = HTTPStatus(response.status_code).phrase
    return f"{response.status_code} {phrase}".strip()


def require_http(url: httpx.URL | str) -> httpx.URL:
    """``url`` parsed, or AddressError: only absolute http and https addresses may be fetched.

    A ``file:`` or ``ftp:`` address, from a configuration or a redirect, would read what it
    should not or talk a protocol nothing here hardens.
    """
    shown = str(url)
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except httpx.InvalidURL as exc:
        reason = f"not a valid web address: {exc}"
        raise AddressError(reason, url=shown, invalid=True, detail=str(exc)) from None
    if not parsed.scheme:
        raise AddressError("not a web address: it should start with https://", url=shown)
    if parsed.scheme not in ("http", "https"):
        reason = f"only http and https addresses can be downloaded, not {parsed.scheme}"
        raise AddressError(reason, url=shown)
    if not parsed.host:
        raise AddressError("not a web address: it names no host", url=shown)
    return parsed


def open_stream(
    client: httpx.Client, url: httpx.URL | str, *, timeout: float, max_redirects: int
) -> httpx.Response:
    """The final response to GET ``url``, of any status, its body not yet read; the caller closes.

    Redirects are followed by hand, to tell a loop from a long chain and to refuse a step to
    another scheme or down from https to plain http. ``timeout`` bounds each wait (connecting,
    each read) of every request, whatever the client's default.
    """
    request = client.build_request("GET", require_http(url), timeout=httpx.Timeout(timeout))
    start = request.url
    seen = {str(start)}
    response = send(client, request, timeout=timeout)
    try:
        while response.next_request is not None:
            nxt = response.next_request
            response.close()
            _check_redirect(start, request, nxt, seen, max_redirects)
            seen.add(str(nxt.url))
            request = nxt
            response = send(client, request, timeout=timeout)
    except BaseException:
        response.close()
        raise
    return response


def _check_redirect(
    start: httpx.URL,
    current: httpx.Request,
    nxt: httpx.Request,
    seen: set[str],
    max_redirects: int,
) -> None:
    require_http(nxt.url)
    if str(nxt.url) in seen:
        raise RedirectLoop(host(current.url), nxt.url)
    if len(seen) > max_redirects:
        raise TooManyRedirects(max_redirects, start)
    if current.url.scheme == "https" and nxt.url.scheme == "http":
        raise FetchError(
            f"{host(current.url)} redirects from https to unencrypted http ({host(nxt.url)}); "
            "refused"
        )


def send(client: httpx.Client, request: httpx.Request, *, timeout: float) -> httpx.Response:
    """``request`` sent without following redirects, its body left to stream; errors as reasons.

    A timeout or a dropped connection is transient. Being unable to connect is not: offline
    stays offline for the seconds a backoff lasts.
    """
    where = host(request.url)
    try:
        return client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException:
        raise FetchError(f"no response from {where} within {timeout:g} s", transient=True) from None
    except httpx.ConnectError as exc:
        raise FetchError(connect_reason(where, exc)) from None
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise ConnectionBroken(where, str(exc)) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"the request to {where} failed: {exc}") from None


def connect_reason(where: str, exc: httpx.ConnectError) -> str:
    """Why connecting to ``where`` failed, in words that point at the likely cause.

    A certificate that cannot be verified is usually a proxy or captive portal in the way; the
    rest is usually being offline, and the resolver's own words are translated.
    """
    detail = str(exc)
    lowered = detail.lower()
    if "certificate" in lowered:
        return (
            f"could not verify the certificate of {where}: {detail} — a proxy or captive portal "
            "may be intercepting the connection"
        )
    if "refused" in lowered:
        detail = "connection refused"
    elif "name or service not known" in lowered or "nodename nor servname" in lowered:
        detail = "no such host name"
    elif "temporary failure in name resolution" in lowered:
        detail = "host names cannot be looked up"
    return f"could not connect to {where}: {detail} — are you offline?"


def capped_chunks(
    response: httpx.Response, max_bytes: int, *, refuse_html: bool = True
) -> Iterator[bytes]:
    """The decoded body in chunks, stopping with BodyTooLarge before passing ``max_bytes``.

    The cap counts decoded bytes, so a small gzip bomb is stopped too. With ``refuse_html`` the
    first bytes are checked, and a web page raises HTMLInsteadOfData before any of it is yielded.
    httpx's own errors (timeouts, broken connections, bad encodings) pass through for the caller
    to word, since what was received by then matters to its message.
    """
    where = host(response.url)
    received = 0
    head = b""
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > max_bytes:
            raise BodyTooLarge(where, max_bytes)
        if refuse_html and len(head) < SNIFF_BYTES:
            head += chunk[:SNIFF_BYTES]
            if looks_like_html(head):
                raise HTMLInsteadOfData(where)
        yield chunk


def looks_like_html(head: bytes) -> bool:
    """Whether a body's first bytes are a web page, past a BOM, white space and an XML prolog."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml"):
        end = text.find(b"?>")
        text = text[end + 2 :].lstrip() if end >= 0 else b""
    return text.startswith(_HTML_STARTS)


def retry_after(value: str | None) -> float | None:
    """A Retry-After header's delay in seconds; None when absent or an HTTP date.

    A date would need the server's clock to agree with ours; the caller's own backoff is the
    safer guess then.
    """
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    return None
