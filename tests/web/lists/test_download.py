import gzip
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypedDict, Unpack

import httpx
import pytest

from tests.support import shared_path
from tests.web.lists.httpserver import (
    LocalHTTPServer,
    Route,
    body,
    html_page,
    huge,
    redirect,
    serve_file,
    short_body,
    slow,
    stall,
    status,
)
from trustdesk.web.lists.download import DownloadError, fetch, fetch_all
from trustdesk.web.lists.sources import Download

TIMEOUT = 0.5
LIMIT = 1 << 20
DATA = b'ent_num,name,type\n1,"ACME RESEARCH INSTITUTE",-0-\n2,"BETA LAB",-0-\n'
OLD = b"yesterday's list\n"


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv
        assert srv.errors == []


class Options(TypedDict, total=False):
    max_redirects: int
    progress: Callable[[int, int | None], None]
    client: httpx.Client


def _fetch(url: str, dest: Path, **options: Unpack[Options]) -> Path:
    return fetch(url, dest, timeout=TIMEOUT, max_bytes=LIMIT, **options)


def _error(url: str, dest: Path, **options: Unpack[Options]) -> DownloadError:
    with pytest.raises(DownloadError) as info:
        _fetch(url, dest, **options)
    return info.value


# -- success ---------------------------------------------------------------------------------


def test_downloads_a_file_and_reports_progress(server: LocalHTTPServer, tmp_path: Path) -> None:
    # given
    url = server.route("/sdn.csv", body(DATA))
    seen: list[tuple[int, int | None]] = []

    # when
    path = _fetch(
        url, tmp_path / "sdn.csv", progress=lambda done, total: seen.append((done, total))
    )

    # then
    assert path == tmp_path / "sdn.csv"
    assert path.read_bytes() == DATA
    assert seen[0] == (0, len(DATA))
    assert seen[-1] == (len(DATA), len(DATA))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sdn.csv"]


def test_downloads_a_real_published_list(server: LocalHTTPServer, tmp_path: Path) -> None:
    source = shared_path("data/bis-dpl/dpl.txt")
    url = server.route("/dpl/dpl.txt", serve_file(source, "text/plain"))

    path = _fetch(url, tmp_path / "dpl.txt")

    assert path.read_bytes() == source.read_bytes()


def test_progress_without_content_length_has_no_total(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    url = server.route("/stream.csv", huge(200_000))
    seen: list[tuple[int, int | None]] = []

    _fetch(url, tmp_path / "stream.csv", progress=lambda done, total: seen.append((done, total)))

    assert (tmp_path / "stream.csv").stat().st_size == 200_000
    assert {total for _, total in seen} == {None}
    assert seen[-1] == (200_000, None)


def test_follows_redirects_up_to_the_limit(server: LocalHTTPServer, tmp_path: Path) -> None:
    server.route("/file.csv", body(DATA))
    for n in range(3):
        server.route(f"/r{n}", redirect(f"/r{n + 1}" if n < 2 else "/file.csv"))

    assert _fetch(server.url("/r0"), tmp_path / "a.csv", max_redirects=3).read_bytes() == DATA
    error = _error(server.url("/r0"), tmp_path / "b.csv", max_redirects=2)
    assert error.reason == f"more than 2 redirects, starting at {server.host}"


def test_a_data_file_mentioning_html_later_is_accepted(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    data = b"name,remarks\nACME,<html> in a remark\n"
    url = server.route("/list.csv", body(data))

    assert _fetch(url, tmp_path / "list.csv").read_bytes() == data


# -- refusals and errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "ftp://ftp.example.org/sdn.csv",
            "only http and https addresses can be downloaded, not ftp",
        ),
        ("file:///etc/passwd", "only http and https addresses can be downloaded, not file"),
        ("www.treasury.gov/sdn.csv", "not a web address: it should start with https://"),
    ],
)
def test_refuses_addresses_that_are_not_http(url: str, reason: str, tmp_path: Path) -> None:
    error = _error(url, tmp_path / "sdn.csv")

    assert error.reason == reason
    assert list(tmp_path.iterdir()) == []


def test_connection_refused_suggests_being_offline(tmp_path: Path) -> None:
    # a bound socket that does not listen refuses connections, and no one else can take its port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

        error = _error(f"http://127.0.0.1:{port}/sdn.csv", tmp_path / "sdn.csv")

    assert error.reason == (
        f"could not connect to 127.0.0.1:{port}: connection refused — are you offline?"
    )


def test_unknown_host_name_suggests_being_offline(tmp_path: Path) -> None:
    # the resolver is outside world: faked at the transport, with the error a failed lookup gives
    def no_dns(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    with httpx.Client(transport=httpx.MockTransport(no_dns)) as client:
        error = _error(
            "https://www.treasury.gov/ofac/downloads/sdn.csv", tmp_path / "x", client=client
        )

    assert error.reason == (
        "could not connect to www.treasury.gov: no such host name — are you offline?"
    )
    assert str(error) == f"{error.reason} (https://www.treasury.gov/ofac/downloads/sdn.csv)"


def test_no_response_within_the_timeout(server: LocalHTTPServer, tmp_path: Path) -> None:
    url = server.route("/slow.csv", slow(5))

    error = _error(url, tmp_path / "slow.csv")

    assert error.reason == f"no response from {server.host} within 0.5 s"


def test_server_going_silent_mid_file_times_out(server: LocalHTTPServer, tmp_path: Path) -> None:
    url = server.route("/stall.csv", stall(b"x" * 100, 5, total=1000))

    error = _error(url, tmp_path / "stall.csv")

    assert error.reason == f"no response from {server.host} within 0.5 s, after 100 bytes"


@pytest.mark.parametrize(
    ("code", "shown"),
    [(404, "404 Not Found"), (403, "403 Forbidden"), (503, "503 Service Unavailable")],
)
def test_http_error_status_is_named(
    server: LocalHTTPServer, tmp_path: Path, code: int, shown: str
) -> None:
    url = server.route("/sdn.csv", status(code, b"try later\n"))

    error = _error(url, tmp_path / "sdn.csv")

    assert error.reason == f"{server.host} answered {shown}"


def test_redirect_loop(server: LocalHTTPServer, tmp_path: Path) -> None:
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))

    error = _error(server.url("/a"), tmp_path / "a.csv")

    assert (
        error.reason
        == f"redirect loop: {server.host} sends the download back to {server.url('/a')}"
    )
    assert server.hits("/a") == 1


def test_refuses_a_redirect_from_https_to_http(tmp_path: Path) -> None:
    def downgrade(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://lists.example.org/sdn.csv"})

    with httpx.Client(transport=httpx.MockTransport(downgrade)) as client:
        error = _error("https://lists.example.org/sdn.csv", tmp_path / "sdn.csv", client=client)

    assert error.reason == (
        "lists.example.org redirects from https to unencrypted http (lists.example.org); refused"
    )


def test_refuses_a_redirect_to_another_scheme(server: LocalHTTPServer, tmp_path: Path) -> None:
    url = server.route("/sdn.csv", redirect("ftp://ftp.example.org/sdn.csv"))

    error = _error(url, tmp_path / "sdn.csv")

    assert error.reason == "only http and https addresses can be downloaded, not ftp"


def test_declared_size_over_the_limit_fails_before_reading(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    url = server.route("/big.csv", huge(3 * LIMIT, declare_length=True))

    error = _error(url, tmp_path / "big.csv")

    assert error.reason == "the file is 3.0 MiB, more than the download limit of 1.0 MiB"


def test_streamed_body_over_the_limit_stops_at_the_limit(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    url = server.route("/endless.csv", huge(50 * LIMIT))
    seen: list[int] = []

    error = _error(url, tmp_path / "endless.csv", progress=lambda done, total: seen.append(done))

    assert error.reason == "the file is larger than the download limit of 1.0 MiB"
    assert max(seen) <= LIMIT


def test_compressed_body_is_limited_by_its_decoded_size(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    # a few KiB on the wire that inflate past the limit: a decompression bomb in miniature
    bomb = gzip.compress(b"0" * (3 * LIMIT))
    url = server.route("/bomb.csv", body(bomb, headers={"Content-Encoding": "gzip"}))

    error = _error(url, tmp_path / "bomb.csv")

    assert len(bomb) < LIMIT // 100
    assert error.reason == "the file is larger than the download limit of 1.0 MiB"


def test_compressed_body_is_saved_decoded_without_a_total(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    url = server.route("/sdn.csv", body(gzip.compress(DATA), headers={"Content-Encoding": "gzip"}))
    seen: list[tuple[int, int | None]] = []

    path = _fetch(
        url, tmp_path / "sdn.csv", progress=lambda done, total: seen.append((done, total))
    )

    assert path.read_bytes() == DATA
    assert seen[-1] == (len(DATA), None)


def test_body_shorter_than_content_length(server: LocalHTTPServer, tmp_path: Path) -> None:
    url = server.route("/short.csv", short_body(b"x" * 500, declared=2000))

    error = _error(url, tmp_path / "short.csv")

    assert (
        error.reason
        == f"{server.host} broke off after 500 bytes of 2.0 KiB: the file is incomplete"
    )


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html><html><body>Sign in</body></html>",
        b"\xef\xbb\xbf\r\n  <!doctype HTML>\n<title>Error</title>",
        b"<html><head></head><body>Service unavailable</body></html>",
        b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">',
    ],
)
def test_html_page_served_as_the_file_is_refused(
    server: LocalHTTPServer, tmp_path: Path, page: bytes
) -> None:
    url = server.route("/consolidated.xml", html_page(data=page))

    error = _error(url, tmp_path / "consolidated.xml")

    assert error.reason == (
        f"{server.host} sent a web page (HTML) where a data file was expected — a captive "
        "portal, a login page or an error page; open the address in a browser to see it"
    )


def test_empty_file_is_refused(server: LocalHTTPServer, tmp_path: Path) -> None:
    url = server.route("/sdn.csv", body(b""))

    error = _error(url, tmp_path / "sdn.csv")

    assert error.reason == f"{server.host} sent an empty file"


def test_missing_destination_directory_is_a_download_error(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    url = server.route("/sdn.csv", body(DATA))

    error = _error(url, tmp_path / "absent" / "sdn.csv")

    assert error.reason == f"could not write in {tmp_path / 'absent'}: No such file or directory"


def test_error_masks_secrets_in_the_address(server: LocalHTTPServer, tmp_path: Path) -> None:
    server.route("/content", status(401))
    url = server.url("/content?token=s3cr3t&lang=en").replace("http://", "http://op:pw@")

    error = _error(url, tmp_path / "fsf.xml")

    assert "s3cr3t" not in str(error)
    assert "pw" not in str(error)
    assert error.url == f"http://op:***@{server.host}/content?token=***&lang=en"


# -- atomicity ---------------------------------------------------------------------------------

FAILURES: dict[str, Route] = {
    "status": status(503),
    "truncated": short_body(b"x" * 500, declared=2000),
    "html": html_page(),
    "too large": huge(3 * LIMIT),
    "slow": slow(5),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_failed_download_leaves_the_destination_untouched(
    server: LocalHTTPServer, tmp_path: Path, failure: str
) -> None:
    # given yesterday's file in place
    dest = tmp_path / "sdn.csv"
    dest.write_bytes(OLD)
    url = server.route("/sdn.csv", FAILURES[failure])

    # when
    with pytest.raises(DownloadError):
        _fetch(url, dest)

    # then
    assert dest.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["sdn.csv"]


def test_successful_download_replaces_the_destination(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    dest = tmp_path / "sdn.csv"
    dest.write_bytes(OLD)
    url = server.route("/sdn.csv", body(DATA))

    _fetch(url, dest)

    assert dest.read_bytes() == DATA
    assert [p.name for p in tmp_path.iterdir()] == ["sdn.csv"]


# -- several files ---------------------------------------------------------------------------

OFAC_FILES = {"sdn": "sdn.csv", "add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"}


def _downloads(server: LocalHTTPServer, contents: dict[str, bytes]) -> list[Download]:
    result = []
    for role, name in OFAC_FILES.items():
        url = server.route(f"/ofac/{name}", body(contents[role]))
        result.append(Download(role, url, name))
    return result


def test_fetch_all_puts_every_file_in_one_fresh_directory(
    server: LocalHTTPServer, tmp_path: Path
) -> None:
    contents = {role: f"{role} rows\n".encode() for role in OFAC_FILES}
    seen: set[str] = set()

    paths = fetch_all(
        _downloads(server, contents),
        tmp_path,
        timeout=TIMEOUT,
        max_bytes=LIMIT,
        progress=lambda role, done, total: seen.add(role),
    )

    assert set(paths) == set(OFAC_FILES)
    assert {p.parent for p in paths.values()} == {next(tmp_path.iterdir())}
    assert {role: p.name for role, p in paths.items()} == OFAC_FILES
    assert {role: p.read_bytes() for role, p in paths.items()} == contents
    assert seen == set(OFAC_FILES)


def test_fetch_all_real_ofac_set(server: LocalHTTPServer, tmp_path: Path) -> None:
    folder = shared_path("data/ofac-sdn-csv-set-2021")
    contents = {role: (folder / name).read_bytes() for role, name in OFAC_FILES.items()}

    paths = fetch_all(_downloads(server, contents), tmp_path, timeout=TIMEOUT, max_bytes=8 * LIMIT)

    assert {role: p.read_bytes() for role, p in paths.items()} == contents


def test_fetch_all_cleans_up_when_one_file_fails(server: LocalHTTPServer, tmp_path: Path) -> None:
    contents = {role: f"{role} rows\n".encode() for role in OFAC_FILES}
    downloads = _downloads(server, contents)
    server.route("/ofac/alt.csv", status(404))

    with pytest.raises(DownloadError) as info:
        fetch_all(downloads, tmp_path, timeout=TIMEOUT, max_bytes=LIMIT)

    assert info.value.reason == f"{server.host} answered 404 Not Found"
    assert list(tmp_path.iterdir()) == []
    assert server.hits("/ofac/sdn_comments.csv") == 0


def test_fetch_all_refuses_an_empty_or_clashing_set(tmp_path: Path) -> None:
    same_name = [
        Download("sdn", "https://a.test/x.csv", "x.csv"),
        Download("add", "https://a.test/y", "x.csv"),
    ]

    with pytest.raises(ValueError, match="nothing to download"):
        fetch_all([], tmp_path, timeout=TIMEOUT, max_bytes=LIMIT)
    with pytest.raises(ValueError, match="two downloads share a filename"):
        fetch_all(same_name, tmp_path, timeout=TIMEOUT, max_bytes=LIMIT)
    assert list(tmp_path.iterdir()) == []
