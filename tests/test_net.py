"""The shared HTTP client: addresses, redirects, connection errors, capped and sniffed bodies.

A local server on 127.0.0.1 where a real socket matters (redirect chains, timeouts, refused
connections); httpx.MockTransport where the outside world cannot be had locally (DNS, https).
"""

from __future__ import annotations

import gzip
import socket
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any, TypeVar

import httpx
import pytest

from tests.web.lists.httpserver import (
    LocalHTTPServer,
    body,
    html_page,
    redirect,
    slow,
    status,
)
from trustdesk import net

TIMEOUT = 0.5
E = TypeVar("E", bound=net.FetchError)


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv
        assert srv.errors == []


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with net.new_client("trustdesk-test/1") as c:
        yield c


def _mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=False)


def _open(client: httpx.Client, url: str, max_redirects: int = 5) -> httpx.Response:
    return net.open_stream(client, url, timeout=TIMEOUT, max_redirects=max_redirects)


def _error(kind: type[E], client: httpx.Client, url: str, **kw: int) -> E:
    with pytest.raises(kind) as info:
        _open(client, url, **kw).close()
    return info.value


# -- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://www.gov.uk/api/content", "www.gov.uk"),
        ("http://127.0.0.1:8080/x?token=s3cr3t", "127.0.0.1:8080"),
        ("http://[::1]:8080/x", "[::1]:8080"),
    ],
)
def test_host_names_only_where_the_trouble_is(url: str, shown: str) -> None:
    assert net.host(url) == shown
    assert net.host(httpx.URL(url)) == shown


@pytest.mark.parametrize(
    ("response", "shown"),
    [
        (httpx.Response(404), "404 Not Found"),
        (
            httpx.Response(503, extensions={"reason_phrase": b"Down for lunch"}),
            "503 Down for lunch",
        ),
        (httpx.Response(599), "599"),
    ],
)
def test_status_gives_the_standard_phrase_when_the_server_sent_none(
    response: httpx.Response, shown: str
) -> None:
    assert net.status(response) == shown


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("5", 5.0), ("0.5", 0.5), ("-3", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", None), (None, None)],
)
def test_retry_after_reads_seconds_and_leaves_dates_to_the_backoff(
    value: str | None, seconds: float | None
) -> None:
    assert net.retry_after(value) == seconds


# -- addresses ---------------------------------------------------------------------------------


ONLY_HTTP = "only http and https addresses can be downloaded, not"


@pytest.mark.parametrize(
    ("url", "reason", "invalid"),
    [
        ("ftp://ftp.example.org/sdn.csv", f"{ONLY_HTTP} ftp", False),
        ("file:///etc/passwd", f"{ONLY_HTTP} file", False),
        ("www.treasury.gov/sdn.csv", "not a web address: it should start with https://", False),
        ("https:///no-host", "not a web address: it names no host", False),
        ("http://a.test:port/", "not a valid web address: Invalid port: 'port'", True),
    ],
)
def test_only_absolute_http_addresses_are_fetched(url: str, reason: str, invalid: bool) -> None:
    with pytest.raises(net.AddressError) as info:
        net.require_http(url)

    assert (info.value.reason, info.value.url, info.value.invalid) == (reason, url, invalid)


def test_an_http_address_comes_back_parsed() -> None:
    assert net.require_http("https://www.gov.uk/x") == httpx.URL("https://www.gov.uk/x")


# -- the client and redirects ------------------------------------------------------------------


def test_the_client_names_trustdesk_and_leaves_redirects_to_open_stream(
    server: LocalHTTPServer,
) -> None:
    seen: list[dict[str, str]] = []

    def record(handler: Any) -> None:
        seen.append(dict(handler.headers))
        body(b"{}")(handler)

    server.route("/moved", redirect("/here"))
    url = server.route("/here", record)

    with net.new_client("trustdesk/9 (test)", accept="application/json", timeout=2) as client:
        moved = client.get(server.url("/moved"))
        client.get(url)

    assert moved.status_code == 302
    assert server.hits("/here") == 1
    assert (seen[0]["User-Agent"], seen[0]["Accept"]) == ("trustdesk/9 (test)", "application/json")


def test_follows_redirects_up_to_the_limit(server: LocalHTTPServer, client: httpx.Client) -> None:
    server.route("/file.csv", body(b"data\n"))
    for n in range(3):
        server.route(f"/r{n}", redirect(f"/r{n + 1}" if n < 2 else "/file.csv"))

    with closing(_open(client, server.url("/r0"), max_redirects=3)) as response:
        assert response.read() == b"data\n"
        assert response.url == server.url("/file.csv")
    error = _error(net.TooManyRedirects, client, server.url("/r0"), max_redirects=2)
    assert error.reason == f"more than 2 redirects, starting at {server.host}"
    assert (error.limit, error.start) == (2, httpx.URL(server.url("/r0")))


def test_an_error_status_is_returned_for_the_caller_to_judge(
    server: LocalHTTPServer, client: httpx.Client
) -> None:
    url = server.route("/gone", status(404, b"no\n"))

    with closing(_open(client, url)) as response:
        assert net.status(response) == "404 Not Found"


def test_a_redirect_loop_is_named_and_not_followed_round(
    server: LocalHTTPServer, client: httpx.Client
) -> None:
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))

    error = _error(net.RedirectLoop, client, server.url("/a"))

    assert (error.host, error.target) == (server.host, httpx.URL(server.url("/a")))
    assert (
        error.reason == f"redirect loop: {server.host} sends the request back to {server.url('/a')}"
    )
    assert server.hits("/a") == 1


def test_a_redirect_to_another_scheme_is_refused(
    server: LocalHTTPServer, client: httpx.Client
) -> None:
    url = server.route("/sdn.csv", redirect("ftp://ftp.example.org/sdn.csv"))

    error = _error(net.AddressError, client, url)

    assert error.reason == "only http and https addresses can be downloaded, not ftp"
    assert error.url == "ftp://ftp.example.org/sdn.csv"


def test_a_redirect_from_https_down_to_http_is_refused() -> None:
    def downgrade(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://lists.example.org/sdn.csv"})

    with _mock(downgrade) as client:
        error = _error(net.FetchError, client, "https://lists.example.org/sdn.csv")

    assert error.reason == (
        "lists.example.org redirects from https to unencrypted http (lists.example.org); refused"
    )
    assert not error.transient


# -- connection errors ---------------------------------------------------------------------------


def test_connection_refused_suggests_being_offline_and_is_not_retried(
    client: httpx.Client,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, not listening: refuses, and no one else takes it
        port = sock.getsockname()[1]

        error = _error(net.FetchError, client, f"http://127.0.0.1:{port}/x")

    assert (
        error.reason
        == f"could not connect to 127.0.0.1:{port}: connection refused — are you offline?"
    )
    assert not error.transient


def test_no_response_within_the_timeout_is_transient(
    server: LocalHTTPServer, client: httpx.Client
) -> None:
    url = server.route("/slow", slow(5))

    error = _error(net.FetchError, client, url)

    assert error.reason == f"no response from {server.host} within 0.5 s"
    assert error.transient


def test_a_connection_dropped_before_the_answer_is_transient() -> None:
    def hang_up(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected", request=request)

    with _mock(hang_up) as client:
        error = _error(net.ConnectionBroken, client, "https://www.gov.uk/x")

    assert (error.host, error.detail, error.transient) == (
        "www.gov.uk",
        "Server disconnected",
        True,
    )
    assert error.reason == "www.gov.uk broke off the connection: Server disconnected"


CERT = "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed"


@pytest.mark.parametrize(
    ("detail", "reason"),
    [
        ("[Errno -2] Name or service not known", "could not connect to h.test: no such host name"),
        ("nodename nor servname provided", "could not connect to h.test: no such host name"),
        (
            "[Errno -3] Temporary failure in name resolution",
            "could not connect to h.test: host names cannot be looked up",
        ),
        (
            "[Errno 101] Network is unreachable",
            "could not connect to h.test: [Errno 101] Network is unreachable",
        ),
    ],
)
def test_connect_errors_are_put_in_plain_words(detail: str, reason: str) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(detail, request=request)

    with _mock(fail) as client:
        error = _error(net.FetchError, client, "https://h.test/x")

    assert error.reason == f"{reason} — are you offline?"
    assert not error.transient


def test_an_unverifiable_certificate_points_at_a_proxy_not_at_being_offline() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(CERT, request=request)

    with _mock(fail) as client:
        error = _error(net.FetchError, client, "https://h.test/x")

    assert error.reason == (
        f"could not verify the certificate of h.test: {CERT} — a proxy or captive portal may be "
        "intercepting the connection"
    )


# -- bodies ----------------------------------------------------------------------------------------


def _chunked(*chunks: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    """A response whose body arrives in exactly these reads, as a slow network would give it."""
    request = httpx.Request("GET", "https://lists.test/f")
    return httpx.Response(200, headers=headers, stream=_Stream(chunks), request=request)


class _Stream(httpx.SyncByteStream):
    def __init__(self, chunks: tuple[bytes, ...]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


def test_a_body_within_the_limit_comes_through_whole() -> None:
    response = _chunked(b"name,remarks\n", b"ACME,<html> in a remark\n")

    assert b"".join(net.capped_chunks(response, 1000)) == b"name,remarks\nACME,<html> in a remark\n"


def test_a_body_is_capped_by_its_decoded_size() -> None:
    bomb = gzip.compress(b"0" * 100_000)  # small on the wire, large once inflated
    response = _chunked(bomb, headers={"Content-Encoding": "gzip"})
    got: list[bytes] = []

    with pytest.raises(net.BodyTooLarge) as info:
        got.extend(net.capped_chunks(response, 10_000))

    assert len(bomb) < 10_000
    assert sum(map(len, got)) <= 10_000
    assert (info.value.host, info.value.limit) == ("lists.test", 10_000)


@pytest.mark.parametrize(
    "chunks",
    [
        (b"<!DOCTYPE html><html><body>Sign in</body></html>",),
        (b"\xef\xbb\xbf\r\n  <!doctype HTML>\n<title>Error</title>",),
        (b"<head><title>Portal</title></head>",),
        (b"<body>Service unavailable</body>",),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">',),
    ],
)
def test_a_web_page_is_refused_before_any_of_it_is_passed_on(chunks: tuple[bytes, ...]) -> None:
    got: list[bytes] = []

    with pytest.raises(net.HTMLInsteadOfData) as info:
        got.extend(net.capped_chunks(_chunked(*chunks), 1 << 20))

    assert info.value.host == "lists.test"
    assert got == []


def test_a_web_page_split_across_reads_is_still_seen() -> None:
    got: list[bytes] = []

    with pytest.raises(net.HTMLInsteadOfData):
        got.extend(net.capped_chunks(_chunked(b"  <!DOC", b"TYPE html>", b"<p>hi</p>"), 1000))

    assert got == [b"  <!DOC"]  # too short to judge alone; nothing of the page itself got out


def test_html_may_be_let_through_when_a_caller_wants_pages() -> None:
    page = b"<!DOCTYPE html><p>ok</p>"

    assert b"".join(net.capped_chunks(_chunked(page), 100, refuse_html=False)) == page


def test_a_real_page_from_a_server_is_refused(
    server: LocalHTTPServer, client: httpx.Client
) -> None:
    url = server.route("/consolidated.xml", html_page())

    with closing(_open(client, url)) as response, pytest.raises(net.HTMLInsteadOfData):
        for _ in net.capped_chunks(response, 1 << 20):
            pass
