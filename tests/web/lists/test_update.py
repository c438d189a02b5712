import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.conf import settings

from tests.support import shared_path
from tests.web.lists.httpserver import (
    LocalHTTPServer,
    body,
    html_page,
    redirect,
    serve_file,
    status,
)
from trustdesk.cli import main
from trustdesk.web.lists import services
from trustdesk.web.lists.models import ImportRun, ListSource, Snapshot, Staging

pytestmark = pytest.mark.django_db

UN = "data/un-sc/UN_consolidated.xml"
OFAC_2021 = "data/ofac-sdn-csv-set-2021"


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _fast_timeouts(settings: pytest.FixtureRequest) -> None:
    settings.TRUSTDESK_DOWNLOAD_TIMEOUT = 1  # type: ignore[attr-defined]


def _update(source: str, url: str) -> services.UpdateResult:
    return services.list_source_update(sources=[source], actor="test", overrides={source: url})[0]


def _leftovers() -> list[Path]:
    return list((settings.HOME / "downloads").glob("**/*"))


def test_update_downloads_validates_and_imports(server: LocalHTTPServer) -> None:
    url = server.route("/consolidated.xml", serve_file(shared_path(UN)))

    result = _update("un-sc", url)

    assert result.error == ""
    assert [o.snapshot.total for o in result.outcomes] == [1003]
    assert ListSource.objects.get(key="un-sc").current == result.outcomes[0].snapshot
    assert ImportRun.objects.get(kind="update").status == ImportRun.Status.IMPORTED
    assert _leftovers() == []


def test_with_updates_staged_a_download_awaits_review(
    server: LocalHTTPServer, settings: pytest.FixtureRequest
) -> None:
    settings.TRUSTDESK_LIST_UPDATES_STAGE = True  # type: ignore[attr-defined]
    url = server.route("/consolidated.xml", serve_file(shared_path(UN)))

    result = _update("un-sc", url)

    assert result.error == ""
    [outcome] = result.outcomes
    assert (outcome.current, bool(outcome.staged)) == (False, True)
    assert ListSource.objects.get(key="un-sc").current is None
    assert ImportRun.objects.get(kind="update").status == ImportRun.Status.STAGED
    assert Staging.objects.get(public_id=outcome.staged).kind == "update"


def test_update_fetches_a_multi_file_set_from_a_mirror(server: LocalHTTPServer) -> None:
    folder = shared_path(OFAC_2021)
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        server.route(f"/mirror/{name}", serve_file(folder / name))

    result = _update("ofac-sdn", server.url("/mirror/"))

    assert result.error == ""
    snapshot = result.outcomes[0].snapshot
    assert snapshot.total == 8976
    assert sorted(f["role"] for f in snapshot.files) == ["add", "alt", "comments", "sdn"]


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (status(503), "answered 503"),
        (html_page(), "HTML"),
        (body(b"\x00\x01garbage" * 100), "consolidated.xml"),
        (
            body(b"<?xml version='1.0'?><CONSOLIDATED_LIST dateGenerated='x'><INDIV"),
            "malformed XML",
        ),
    ],
    ids=["http-503", "html-page", "binary-garbage", "truncated-xml"],
)
def test_a_failed_update_keeps_the_current_snapshot(
    server: LocalHTTPServer, route: object, expected: str
) -> None:
    good = _update("un-sc", server.route("/good.xml", serve_file(shared_path(UN))))
    current = good.outcomes[0].snapshot
    url = server.route("/consolidated.xml", route)  # type: ignore[arg-type]

    result = _update("un-sc", url)

    assert expected in result.error
    assert result.outcomes == ()
    assert ListSource.objects.get(key="un-sc").current == current
    assert Snapshot.objects.filter(source__key="un-sc").count() == 1
    assert ImportRun.objects.filter(kind="update", status="failed").count() == 1
    assert _leftovers() == []


def test_a_redirect_loop_is_a_clear_failure(server: LocalHTTPServer) -> None:
    server.route("/a", redirect(server.url("/b")))
    server.route("/b", redirect(server.url("/a")))

    result = _update("un-sc", server.url("/a"))

    assert "redirect" in result.error


def test_an_unreachable_server_says_so_plainly() -> None:
    result = _update("un-sc", "http://127.0.0.1:9/consolidated.xml")

    assert result.error.startswith("download failed: ")
    assert "could not connect" in result.error


def test_unknown_sources_are_refused_before_any_download() -> None:
    with pytest.raises(services.UnknownSource):
        services.list_source_update(sources=["un-sc", "no-such-list"], actor="test")

    assert ImportRun.objects.filter(kind="update").count() == 0


def test_shipped_lists_are_not_downloaded() -> None:
    result = services.list_source_update(sources=["ca-nro"], actor="test")[0]

    assert result.error == ""
    assert result.note == "ships with trustdesk and is updated with it"


def test_cli_update_exits_1_and_lists_shows_the_failure(
    server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        settings.TRUSTDESK_LIST_URL_OVERRIDES, "un-sc", server.route("/x.xml", status(500))
    )

    result = CliRunner().invoke(main, ["lists", "update", "un-sc"])

    assert result.exit_code == 1
    assert "un-sc: FAILED, never loaded, so it is not screened against: " in result.output
    assert "current snapshot still serves" not in result.output
    shown = CliRunner().invoke(main, ["lists"]).output
    assert "un-sc: update failed" in shown


def test_offline_update_of_a_loaded_list_says_the_current_snapshot_serves_once(
    server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    services.list_snapshot_import(paths=[shared_path(UN)], actor="test")
    broken = server.route("/x.xml", body(b"<?xml version='1.0'?><CONSOLIDATED_LIST><INDIV"))
    monkeypatch.setitem(settings.TRUSTDESK_LIST_URL_OVERRIDES, "un-sc", broken)
    # Nothing listens on the discard port: the download fails as it would offline.
    monkeypatch.setitem(settings.TRUSTDESK_LIST_URL_OVERRIDES, "eu-fsf", "http://127.0.0.1:9/e.xml")

    result = CliRunner().invoke(main, ["lists", "update", "un-sc", "eu-fsf"])

    assert result.exit_code == 1
    assert result.output.count("malformed XML") == 1
    assert result.output.count("could not connect") == 1
    assert "un-sc: FAILED, current snapshot still serves: " in result.output
    assert "eu-fsf: FAILED, never loaded, so it is not screened against: " in result.output
    assert "Screening coverage is incomplete." in result.output
    assert [r for r in caplog.records if r.name.startswith("trustdesk.web.lists")] == []


def test_update_json_says_whether_a_failed_source_was_ever_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(settings.TRUSTDESK_LIST_URL_OVERRIDES, "un-sc", "http://127.0.0.1:9/u.xml")

    result = CliRunner().invoke(main, ["lists", "update", "un-sc", "--json"])

    (row,) = json.loads(result.output)
    assert (row["ok"], row["never_loaded"]) == (False, True)
