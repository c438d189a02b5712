"""Download list files safely: atomically, within size and time limits, with plain-language errors.

This is the one module through which trustdesk reaches the network for lists, so tests fake the
outside world here (a local server, or an httpx transport) and nowhere deeper. No Django.

A file is streamed into a temporary file beside its destination and renamed into place only when
complete and plausible, so a failed download never leaves a partial file and never replaces a good
one. The request itself (redirects followed by hand, https never stepping down to http, capped and
sniffed bodies, plain-language connection errors) is trustdesk.net's, shared with the travel-advice
refresh; this module words its refusals for a list download.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from trustdesk import __version__, net
from trustdesk.web.lists.sources import Download

Progress = Callable[[int, int | None], None]
RoleProgress = Callable[[str, int, int | None], None]

USER_AGENT = f"trustdesk/{__version__} (list update)"
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
    active = client if client is not None else net.new_client(USER_AGENT)
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
    active = client if client is not None else net.new_client(USER_AGENT)
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


def _open(client: httpx.Client, url: str, timeout: float, max_redirects: int) -> httpx.Response:
    """The final response of a successful request, its body not yet read; the caller closes it."""
    try:
        response = net.open_stream(client, url, timeout=timeout, max_redirects=max_redirects)
    except net.RedirectLoop as exc:
        back = redact_url(str(exc.target))  # the address may carry a token; the error is logged
        raise DownloadError(
            url, f"redirect loop: {exc.host} sends the download back to {back}"
        ) from None
    except net.ConnectionBroken as exc:
        raise DownloadError(url, f"the request to {exc.host} failed: {exc.detail}") from None
    except net.FetchError as exc:
        raise DownloadError(url, exc.reason) from None
    if not response.is_success:
        response.close()
        raise DownloadError(url, f"{net.host(response.url)} answered {net.status(response)}")
    return response


def _declared_length(url: str, response: httpx.Response, max_bytes: int) -> int | None:
    raw = response.headers.get("Content-Length")
    if raw is None:
        return None
    try:
        total = int(raw)
    except ValueError:
        raise DownloadError(
            url, f"{net.host(response.url)} sent a bad Content-Length {raw!r}"
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
    host = net.host(response.url)
    received = 0  # decoded bytes, what the limit and the progress count
    # Content-Length counts the bytes on the wire; with gzip it says nothing about the file's size
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    file_total = None if encoded else total
    if progress is not None:
        progress(0, file_total)
    try:
        for chunk in net.capped_chunks(response, max_bytes):
            received += len(chunk)
            out.write(chunk)
            if progress is not None:
                progress(received, file_total)
    except net.BodyTooLarge:
        reason = f"the file is larger than the download limit of {_size(max_bytes)}"
        raise DownloadError(url, reason) from None
    except net.HTMLInsteadOfData:
        raise DownloadError(
            url,
            f"{host} sent a web page (HTML) where a data file was expected — a captive portal, a "
            "login page or an error page; open the address in a browser to see it",
        ) from None
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


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"
