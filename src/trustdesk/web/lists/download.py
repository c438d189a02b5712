"""Download list files safely: atomically, within size and time limits, with plain-language errors.

This is the one module through which trustdesk reaches the network for lists, so tests fake the
outside world here (a local server, or an httpx transport) and nowhere deeper. No Django.

A file is streamed into a temporary file beside its destination and renamed into place only when
complete and plausible, so a failed download never leaves a partial file and never replaces a good
one. Redirects are followed by hand, to tell a loop from a long chain and to refuse a step down
from https to plain http.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import IO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from trustdesk import __version__
from trustdesk.web.lists.sources import Download

Progress = Callable[[int, int | None], None]
RoleProgress = Callable[[str, int, int | None], None]

USER_AGENT = f"trustdesk/{__version__} (list update)"
SNIFF_BYTES = 512  # enough to see past a BOM, an XML declaration and white space
_SECRET_WORDS = ("token", "key", "secret", "pass", "sig", "auth", "credential")


class DownloadError(Exception):
    """A list file could not be downloaded; the message tells an operator what happened.

    `url` has secrets (query tokens, passwords) masked, so the error can be logged and audited.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = redact_url(url)
        self.reason = reason
        super().__init__(f"{reason} ({self.url})")


def redact_url(url: str) -> str:
    """The URL with its password and secret-looking query values replaced by `***`."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
        query = urlencode(
            [
                (name, "***" if any(w in name.lower() for w in _SECRET_WORDS) else value)
                for name, value in parse_qsl(parts.query, keep_blank_values=True)
            ],
            safe="*",
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return "<unreadable address>"


def fetch(
    url: str,
    dest: Path,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int = 5,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> Path:
    """Download `url` to `dest` atomically, or raise DownloadError leaving `dest` as it was.

    `timeout` bounds each wait (connecting, each read), not the whole transfer; `max_bytes` bounds
    the decoded body. `progress` receives (bytes received, Content-Length or None).
    """
    _require_http(url, url)
    active = client if client is not None else _new_client()
    try:
        response = _open(active, url, timeout, max_redirects)
        try:
            total = _declared_length(url, response, max_bytes)
            return _save(
                url,
                response,
                dest,
                timeout=timeout,
                max_bytes=max_bytes,
                total=total,
                progress=progress,
            )
        finally:
            response.close()
    finally:
        if client is None:
            active.close()


def fetch_all(
    downloads: Sequence[Download],
    dest_dir: Path,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int = 5,
    progress: RoleProgress | None = None,
    client: httpx.Client | None = None,
) -> dict[str, Path]:
    """Download every file into a new temporary directory under `dest_dir`; role → path.

    The caller owns the directory (the parent of every returned path) and deletes it after the
    import. On any failure the directory and everything in it is removed before the error rises.
    """
    if not downloads:
        raise ValueError("nothing to download")
    for attr in ("role", "filename"):
        values = [getattr(d, attr) for d in downloads]
        if len(set(values)) != len(values):
            raise ValueError(f"two downloads share a {attr}: {values}")
    try:
        workdir = Path(tempfile.mkdtemp(prefix=".download-", dir=dest_dir))
    except OSError as exc:
        reason = f"could not create a download directory in {dest_dir}: {exc.strerror}"
        raise DownloadError(downloads[0].url, reason) from None
    active = client if client is not None else _new_client()
    try:
        paths: dict[str, Path] = {}
        for download in downloads:
            paths[download.role] = fetch(
                download.url,
                workdir / download.filename,
                timeout=timeout,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
                progress=_for_role(progress, download.role),
                client=active,
            )
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    finally:
        if client is None:
            active.close()
    return paths


def _for_role(progress: RoleProgress | None, role: str) -> Progress | None:
    if progress is None:
        return None
    return lambda done, total: progress(role, done, total)


def _new_client() -> httpx.Client:
    return httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False)


def _host(url: httpx.URL | str) -> str:
    parsed = httpx.URL(url) if isinstance(url, str) else url
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{host}:{parsed.port}" if parsed.port else host


def _require_http(original: str, url: httpx.URL | str) -> None:
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except httpx.InvalidURL as exc:
        raise DownloadError(original, f"not a valid web address: {exc}") from None
    if not parsed.scheme:
        raise DownloadError(original, "not a web address: it should start with https://")
    if parsed.scheme not in ("http", "https"):
        reason = f"only http and https addresses can be downloaded, not {parsed.scheme}"
        raise DownloadError(original, reason)
    if not parsed.host:
        raise DownloadError(original, "not a web address: it names no host")


def _open(client: httpx.Client, url: str, timeout: float, max_redirects: int) -> httpx.Response:
    """The final response of a successful request, its body not yet read; the caller closes it."""
    request = client.build_request("GET", url, timeout=httpx.Timeout(timeout))
    seen = {str(request.url)}
    response = _send(client, url, request, timeout)
    try:
        while response.next_request is not None:
            nxt = response.next_request
            response.close()
            _check_redirect(url, request, nxt, seen, max_redirects)
            seen.add(str(nxt.url))
            request = nxt
            response = _send(client, url, request, timeout)
        if not response.is_success:
            raise DownloadError(url, f"{_host(request.url)} answered {_status(response)}")
    except BaseException:
        response.close()
        raise
    return response


def _check_redirect(
    url: str, current: httpx.Request, nxt: httpx.Request, seen: set[str], max_redirects: int
) -> None:
    host = _host(current.url)
    _require_http(url, nxt.url)
    if str(nxt.url) in seen:
        back = redact_url(str(nxt.url))
        raise DownloadError(url, f"redirect loop: {host} sends the download back to {back}")
    if len(seen) > max_redirects:
        raise DownloadError(url, f"more than {max_redirects} redirects, starting at {_host(url)}")
    if current.url.scheme == "https" and nxt.url.scheme == "http":
        raise DownloadError(
            url, f"{host} redirects from https to unencrypted http ({_host(nxt.url)}); refused"
        )


def _send(client: httpx.Client, url: str, request: httpx.Request, timeout: float) -> httpx.Response:
    host = _host(request.url)
    try:
        return client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException:
        raise DownloadError(url, f"no response from {host} within {timeout:g} s") from None
    except httpx.ConnectError as exc:
        raise DownloadError(url, _connect_reason(host, exc)) from None
    except httpx.HTTPError as exc:
        raise DownloadError(url, f"the request to {host} failed: {exc}") from None


def _connect_reason(host: str, exc: httpx.ConnectError) -> str:
    detail = str(exc)
    lowered = detail.lower()
    if "certificate" in lowered:
        return (
            f"could not verify the certificate of {host}: {detail} — a proxy or captive portal "
            "may be intercepting the connection"
        )
    if "refused" in lowered:
        detail = "connection refused"
    elif "name or service not known" in lowered or "nodename nor servname" in lowered:
        detail = "no such host name"
    elif "temporary failure in name resolution" in lowered:
        detail = "host names cannot be looked up"
    return f"could not connect to {host}: {detail} — are you offline?"


def _status(response: httpx.Response) -> str:
    phrase = response.reason_phrase
    if not phrase:
        with contextlib.suppress(ValueError):
            phrase = HTTPStatus(response.status_code).phrase
    return f"{response.status_code} {phrase}".strip()


def _declared_length(url: str, response: httpx.Response, max_bytes: int) -> int | None:
    raw = response.headers.get("Content-Length")
    if raw is None:
        return None
    try:
        total = int(raw)
    except ValueError:
        raise DownloadError(
            url, f"{_host(response.url)} sent a bad Content-Length {raw!r}"
        ) from None
    if total > max_bytes:
        raise DownloadError(
            url,
            f"the file is {_size(total)}, more than the download limit of {_size(max_bytes)}",
        )
    return total


def _save(
    url: str,
    response: httpx.Response,
    dest: Path,
    *,
    timeout: float,
    max_bytes: int,
    total: int | None,
    progress: Progress | None,
) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise DownloadError(url, f"could not write in {dest.parent}: {exc.strerror}") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(
                url,
                response,
                out,
                timeout=timeout,
                max_bytes=max_bytes,
                total=total,
                progress=progress,
            )
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DownloadError(url, f"could not write {dest}: {exc.strerror}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def _stream(
    url: str,
    response: httpx.Response,
    out: IO[bytes],
    *,
    timeout: float,
    max_bytes: int,
    total: int | None,
    progress: Progress | None,
) -> None:
    host = _host(response.url)
    received = 0  # decoded bytes, what the limit and the progress count
    head = b""
    # Content-Length counts the bytes on the wire; with gzip it says nothing about the file's size
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    file_total = None if encoded else total
    if progress is not None:
        progress(0, file_total)
    try:
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > max_bytes:
                raise DownloadError(
                    url, f"the file is larger than the download limit of {_size(max_bytes)}"
                )
            if len(head) < SNIFF_BYTES:
                head += chunk[:SNIFF_BYTES]
                _refuse_html(url, host, head)
            out.write(chunk)
            if progress is not None:
                progress(received, file_total)
    except httpx.TimeoutException:
        got = _size(response.num_bytes_downloaded)
        reason = f"no response from {host} within {timeout:g} s, after {got}"
        raise DownloadError(url, reason) from None
    except (httpx.RemoteProtocolError, httpx.ReadError):
        got = _size(response.num_bytes_downloaded)
        expected = f" of {_size(total)}" if total is not None else ""
        reason = f"{host} broke off after {got}{expected}: the file is incomplete"
        raise DownloadError(url, reason) from None
    except httpx.DecodingError as exc:
        raise DownloadError(url, f"{host} sent a body that cannot be decoded: {exc}") from None
    if total is not None and response.num_bytes_downloaded != total:
        got = _size(response.num_bytes_downloaded)
        reason = f"{host} sent {got} of {_size(total)}: the file is incomplete"
        raise DownloadError(url, reason)
    if received == 0:
        raise DownloadError(url, f"{host} sent an empty file")


def _refuse_html(url: str, host: str, head: bytes) -> None:
    """Fail when the body is a web page: a captive portal, a login page or a moved file's notice."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml"):
        end = text.find(b"?>")
        text = text[end + 2 :].lstrip() if end >= 0 else b""
    if text.startswith((b"<!doctype html", b"<html")):
        raise DownloadError(
            url,
            f"{host} sent a web page (HTML) where a data file was expected — a captive portal, a "
            "login page or an error page; open the address in a browser to see it",
        )


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"
