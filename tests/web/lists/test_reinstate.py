"""A list that goes back to an earlier content: the latest publication always becomes current.

Import v1 (lists R-1), then v2 (drops it), then a file byte-identical to v1: v1's snapshot is
current again and R-1 is screened again, whether the file came from `trustdesk lists import`,
the upload page (tests/web/ops/test_uploads.py) or `lists update`. A file that states an earlier
publication date than the current snapshot's stays not current, content seen before or not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.web.lists.httpserver import LocalHTTPServer, body
from trustdesk.cli import main
from trustdesk.screening.matching import Query
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.lists import screening, selectors, services
from trustdesk.web.lists.models import ImportRun, ListSource, Snapshot

pytestmark = pytest.mark.django_db

HEADER = "id,name,aliases,type,countries,notes\n"
R1 = "R-1,Harbin Example Institute of Technology,,organization,CN,\n"
R2 = "R-2,Example Aerospace Design Bureau,,organization,RU,\n"

UN = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="{date}T03:04:05.000Z">
<INDIVIDUALS/>
<ENTITIES>
{entities}</ENTITIES>
</CONSOLIDATED_LIST>
"""
ENTITY = (
    "<ENTITY><FIRST_NAME>{name}</FIRST_NAME><REFERENCE_NUMBER>{ref}</REFERENCE_NUMBER></ENTITY>\n"
)
UN_R1 = ENTITY.format(name="HARBIN EXAMPLE INSTITUTE OF TECHNOLOGY", ref="CDe.001")
UN_R2 = ENTITY.format(name="EXAMPLE AEROSPACE DESIGN BUREAU", ref="CDe.002")


def _csv(folder: Path, *rows: str) -> Path:
    folder.mkdir()
    path = folder / "watch.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _un(date: str, *entities: str) -> bytes:
    return UN.format(date=date, entities="".join(entities)).encode()


def _import(path: Path, source: str = "custom:watch") -> services.ImportOutcome:
    [outcome] = services.list_snapshot_import(paths=[path], source=source, actor="test")
    return outcome


def _screened_ids(name: str) -> set[str]:
    return {hit.entry_id for hit in screening.screen(Query(name=name)).hits}


def test_a_file_identical_to_an_earlier_snapshot_makes_it_current_again(tmp_path: Path) -> None:
    v1 = _import(_csv(tmp_path / "1", R1, R2))
    v2 = _import(_csv(tmp_path / "2", R2))
    assert "R-1" not in _screened_ids("Harbin Example Institute of Technology")

    again = _import(_csv(tmp_path / "3", R1, R2))

    assert again.snapshot == v1.snapshot
    assert (again.created, again.current, again.switched) == (False, True, True)
    assert again.message == (
        f"identical to the earlier snapshot {v1.snapshot.short_id}: made current again "
        "(2 entries; nothing new stored)"
    )
    source = ListSource.objects.get(key="custom:watch")
    assert source.current == v1.snapshot
    assert Snapshot.objects.count() == 2  # re-pointed, nothing stored twice
    assert ImportRun.objects.order_by("-id").first().status == ImportRun.Status.REINSTATED
    event = AuditEvent.objects.get(action="trustdesk.list.reinstated")
    assert event.target_id == str(v1.snapshot.public_id)
    assert event.data["replaced"] == str(v2.snapshot.public_id)
    assert "R-1" in _screened_ids("Harbin Example Institute of Technology")
    # The diff base is the snapshot it replaced: what came back is R-1.
    diff = selectors.snapshot_diff(
        selectors.snapshot_get("custom:watch", "previous"),
        selectors.snapshot_get("custom:watch", "current"),
    )
    assert diff.added == [("R-1", "Harbin Example Institute of Technology")]


def test_the_current_content_again_stays_unchanged(tmp_path: Path) -> None:
    first = _import(_csv(tmp_path / "1", R1))

    again = _import(_csv(tmp_path / "2", R1))

    assert (again.created, again.current, again.switched) == (False, True, False)
    assert again.message == (
        f"identical to the current snapshot {first.snapshot.short_id}: nothing new stored"
    )
    assert ImportRun.objects.order_by("-id").first().status == ImportRun.Status.UNCHANGED
    assert not AuditEvent.objects.filter(action="trustdesk.list.reinstated").exists()


def test_an_earlier_dated_file_seen_before_stays_not_current(tmp_path: Path) -> None:
    old = tmp_path / "old" / "consolidated.xml"
    old.parent.mkdir()
    old.write_bytes(_un("2026-01-02", UN_R1, UN_R2))
    first = _import(old, "un-sc")
    newer = tmp_path / "new" / "consolidated.xml"
    newer.parent.mkdir()
    newer.write_bytes(_un("2026-01-03", UN_R2))
    second = _import(newer, "un-sc")

    again = _import(old, "un-sc")

    assert again.snapshot == first.snapshot
    assert (again.current, again.switched) == (False, False)
    assert again.message == (
        f"identical to the earlier snapshot {first.snapshot.short_id}, published "
        "2026-01-02, older than the current snapshot (2026-01-03): kept, not made current"
    )
    assert ListSource.objects.get(key="un-sc").current == second.snapshot
    assert not AuditEvent.objects.filter(action="trustdesk.list.reinstated").exists()


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_import_of_an_earlier_content_makes_it_current(tmp_path: Path) -> None:
    paths = [_csv(tmp_path / n, *rows) for n, rows in (("1", (R1, R2)), ("2", (R2,)))]
    for path in paths:
        _cli("lists", "import", "--source", "custom:watch", str(path))
    v1 = ListSource.objects.get(key="custom:watch").previous

    code, out = _cli(
        "lists", "import", "--source", "custom:watch", str(_csv(tmp_path / "3", R1, R2))
    )

    assert code == 0
    assert out == (
        f"custom:watch {v1.short_id}: identical to the earlier snapshot {v1.short_id}: "
        "made current again (2 entries; nothing new stored)\n"
    )
    listed = {row["source"]: row for row in json.loads(_cli("lists", "--json")[1])}
    assert listed["custom:watch"]["snapshot"] == str(v1.public_id)


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


def test_update_back_to_an_earlier_content_makes_it_current(server: LocalHTTPServer) -> None:
    # Same publication day: a correction that dropped an entry, then took the drop back.
    versions = [_un("2026-01-02", UN_R1, UN_R2), _un("2026-01-02", UN_R2)]
    results = []
    for content in [*versions, versions[0]]:
        url = server.route("/consolidated.xml", body(content))
        [result] = services.list_source_update(
            sources=["un-sc"], actor="test", overrides={"un-sc": url}
        )
        results.append(result)

    first, _, last = (r.outcomes[0] for r in results)
    assert last.snapshot == first.snapshot
    assert (last.current, last.switched) == (True, True)
    assert ListSource.objects.get(key="un-sc").current == first.snapshot
    run = ImportRun.objects.order_by("-id").first()
    assert (run.kind, run.status) == ("update", ImportRun.Status.REINSTATED)
    assert "CDe.001" in _screened_ids("Harbin Example Institute of Technology")


def test_a_failure_before_the_reinstatement_is_not_shown_as_current(tmp_path: Path) -> None:
    _import(_csv(tmp_path / "1", R1))
    _import(_csv(tmp_path / "2", R2))
    with pytest.raises(services.ImportFailed):
        _import(_csv(tmp_path / "3"))  # no entries

    _import(_csv(tmp_path / "4", R1))

    status = {s.key: s for s in selectors.source_status_list()}["custom:watch"]
    assert status.last_failure is None
