"""A real HTTP server on 127.0.0.1 for download tests, with scripted misbehaviour per path.

Usage, in a test module::

    @pytest.fixture
    def server() -> Iterator[LocalHTTPServer]:
        with LocalHTTPServer() as srv:
            yield srv

    def test_it(server: LocalHTTPServer) -> None:
        url = server.route("/sdn.csv", body(b"..."))

Each route is a function that writes one response through the request handler. The helpers below
build the usual ones: a file, a status code, a redirect, a slow answer, a body shorter than its
Content-Length, an HTML page, and a huge streamed body. Slow routes wake up when the server stops,
so a test that gave up waiting does not hold the suite.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

Route = Callable[["_Handler"], None]

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in to the guest network</title></head>"
    b"<body><form>Accept the terms to continue</form></body></html>\n"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping must not hold up the test's teardown

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.errors: list[BaseException] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, ConnectionError | TimeoutError):
            self.errors.append(exc)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one response per connection; a body may end at close

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.hits[path] += 1
        route = self.server.routes.get(path)
        if route is None:
            status(404, b"no such test route\n")(self)
            return
        # the client giving up first is what many tests are about
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def send_headers(self, code: int, headers: dict[str, str]) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()


class LocalHTTPServer:
    """A threaded server on 127.0.0.1 and a free port, serving the routes a test registers."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def host(self) -> str:
        """Host and port as trustdesk's error messages name them."""
        return self.base_url.removeprefix("http://")

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised in handlers other than the client hanging up."""
        return self._server.errors

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def route(self, path: str, route: Route) -> str:
        """Serve `route` at `path`; the full URL."""
        self._server.routes[path] = route
        return self.url(path)

    def hits(self, path: str) -> int:
        return self._server.hits[path]


def body(
    data: bytes,
    *,
    code: int = 200,
    content_type: str = "application/octet-stream",
    headers: dict[str, str] | None = None,
) -> Route:
    """Answer with `data` and a correct Content-Length."""

    def route(handler: _Handler) -> None:
        handler.send_headers(
            code,
            {"Content-Type": content_type, "Content-Length": str(len(data)), **(headers or {})},
        )
        handler.wfile.write(data)

    return route


def serve_file(path: Path, content_type: str = "application/octet-stream") -> Route:
    """Answer with the bytes of a file, read when requested."""

    def route(handler: _Handler) -> None:
        body(path.read_bytes(), content_type=content_type)(handler)

    return route


def status(code: int, data: bytes = b"") -> Route:
    """Answer with an HTTP status and an optional small plain-text body."""
    return body(data, code=code, content_type="text/plain")


def html_page(code: int = 200, data: bytes = HTML_PAGE) -> Route:
    """Answer with a web page, as a captive portal or a moved file's error page does."""
    return body(data, code=code, content_type="text/html; charset=utf-8")


def redirect(location: str, code: int = 302) -> Route:
    """Send the client on to `location` (absolute, or a path on this server)."""

    def route(handler: _Handler) -> None:
        handler.send_headers(code, {"Location": location, "Content-Length": "0"})

    return route


def slow(delay: float, data: bytes = b"late\n") -> Route:
    """Wait `delay` seconds before answering at all."""

    def route(handler: _Handler) -> None:
        if handler.server.stopping.wait(delay):
            return
        body(data)(handler)

    return route


def stall(first: bytes, delay: float, total: int) -> Route:
    """Send headers for `total` bytes and the `first` bytes, then go silent for `delay` seconds."""

    def route(handler: _Handler) -> None:
        handler.send_headers(200, {"Content-Length": str(total)})
        handler.wfile.write(first)
        handler.wfile.flush()
        handler.server.stopping.wait(delay)

    return route


def short_body(data: bytes, declared: int) -> Route:
    """Declare `declared` bytes, send only `data`, and close the connection."""

    def route(handler: _Handler) -> None:
        handler.send_headers(200, {"Content-Length": str(declared)})
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True

    return route


def huge(total: int, *, declare_length: bool = False, chunk: int = 1 << 16) -> Route:
    """Stream `total` bytes of CSV-like filler, with or without a Content-Length header."""
    block = (b"filler,row\n" * (chunk // 11 + 1))[:chunk]

    def route(handler: _Handler) -> None:
        headers = {"Content-Type": "text/csv"}
        if declare_length:
            headers["Content-Length"] = str(total)
        handler.send_headers(200, headers)
        sent = 0
        while sent < total and not handler.server.stopping.is_set():
            piece = block[: total - sent]
            handler.wfile.write(piece)
            sent += len(piece)

    return route
