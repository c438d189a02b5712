from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.web.lists import selectors, services
from trustdesk.web.lists.models import ImportRun, ListEntry, ListSource, Snapshot

pytestmark = pytest.mark.django_db

SDN = "data/ofac-sdn-csv/{day}/sdn.csv"


def _import(*paths: Path, source: str | None = None) -> list[services.ImportOutcome]:
    return services.list_snapshot_import(paths=list(paths), source=source, actor="test")


def test_import_stores_a_current_snapshot_with_counts() -> None:
    outcome = _import(shared_path(SDN.format(day="2024-05-01")))[0]

    assert outcome.created
    assert outcome.current
    snapshot = Snapshot.objects.get()
    assert snapshot.total == 14966
    assert snapshot.counts == {
        "aircraft": 383,
        "organization": 6883,
        "person": 6849,
        "vessel": 851,
    }
    assert ListSource.objects.get(key="ofac-sdn").current == snapshot
    assert ListEntry.objects.filter(snapshot=snapshot).count() == 14966
    assert ImportRun.objects.get().status == ImportRun.Status.IMPORTED


def test_importing_the_same_file_twice_creates_nothing_new() -> None:
    path = shared_path(SDN.format(day="2024-05-01"))
    first = _import(path)[0]

    again = _import(path)[0]

    assert not again.created
    assert again.snapshot == first.snapshot
    assert again.message.startswith("identical to the current snapshot")
    assert Snapshot.objects.count() == 1
    assert ListEntry.objects.count() == 14966


def test_daily_sdn_files_diff_plus_seven_then_minus_eight() -> None:
    for day in ("2024-05-01", "2024-05-02", "2024-05-03"):
        _import(shared_path(SDN.format(day=day)))
    first, second, third = Snapshot.objects.order_by("id")

    d1 = selectors.snapshot_diff(first, second)
    d2 = selectors.snapshot_diff(
        selectors.snapshot_get("ofac-sdn", "previous"),
        selectors.snapshot_get("ofac-sdn", "current"),
    )

    assert (len(d1.added), len(d1.removed)) == (7, 0)
    assert (len(d2.added), len(d2.removed)) == (0, 8)
    assert d2.old == second
    assert d2.new == third
    removed_types = {
        ListEntry.objects.get(snapshot=second, entry_id=i).entity_type for i, _ in d2.removed
    }
    assert removed_types == {"aircraft", "organization"}


def test_a_broken_row_late_in_the_file_stores_nothing(tmp_path: Path) -> None:
    good = shared_path(SDN.format(day="2024-05-01"))
    _import(good)
    broken = tmp_path / "sdn.csv"
    text = shared_path(SDN.format(day="2024-05-02")).read_bytes().rstrip(b"\x1a")
    broken.write_bytes(text + b'99999999,"BROKEN ROW\n')

    with pytest.raises(services.ImportFailed) as caught:
        _import(broken)

    assert "sdn.csv" in str(caught.value)
    assert Snapshot.objects.count() == 1
    assert ListEntry.objects.count() == 14966
    assert ListSource.objects.get(key="ofac-sdn").current.total == 14966
    failure = ImportRun.objects.get(status=ImportRun.Status.FAILED)
    assert failure.source_key == "ofac-sdn"
    assert "sdn.csv" in failure.error
    status = {s.key: s for s in selectors.source_status_list()}["ofac-sdn"]
    assert status.last_failure == failure


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text(
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
        '36,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    )

    with pytest.raises(services.ImportFailed, match=r"duplicate id '36' \(entries 1 and 2\)"):
        _import(path)

    assert Snapshot.objects.count() == 0
    assert ListEntry.objects.count() == 0


def test_an_unrecognised_file_is_recorded_as_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")

    with pytest.raises(services.ImportFailed, match="not a list file trustdesk can read"):
        _import(path)

    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    first_row = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    with path.open("wb") as fh:  # a sparse 3 GiB file: costs no disk
        fh.write(first_row)
        fh.truncate(3 << 30)

    with pytest.raises(services.ImportFailed, match=r"over the 1\.0 GiB limit"):
        _import(path)

    assert Snapshot.objects.count() == 0


def test_an_older_publication_is_kept_but_not_made_current(tmp_path: Path) -> None:
    real = shared_path("data/un-sc/UN_consolidated.xml")
    _import(real)
    current = ListSource.objects.get(key="un-sc").current
    older = tmp_path / "consolidated.xml"
    text = real.read_text(encoding="utf-8")
    older.write_text(
        text.replace('dateGenerated="2026-02-27', 'dateGenerated="2025-01-01', 1), encoding="utf-8"
    )

    outcome = _import(older)[0]

    assert outcome.created
    assert not outcome.current
    assert "older than the current snapshot" in outcome.message
    assert ListSource.objects.get(key="un-sc").current == current


def test_shipped_lists_load_once_on_first_use() -> None:
    first = services.shipped_lists_ensure()

    again = services.shipped_lists_ensure()

    assert sorted(o.source for o in first) == ["aspi-unitracker", "ca-nro", "us-dod-1286"]
    assert all(o.current for o in first)
    assert again == []
    assert ImportRun.objects.filter(kind="shipped").count() == 3
    nudt = ListEntry.objects.filter(
        snapshot__source__key="aspi-unitracker",
        name__icontains="National University of Defense Technology",
    )
    assert nudt.count() == 1


def test_imports_and_failures_are_in_the_audit_trail(tmp_path: Path) -> None:
    from trustdesk.web.core.audit import verify_chain
    from trustdesk.web.core.models import AuditEvent

    _import(shared_path("data/un-sc/UN_consolidated.xml"))
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(b"<?xml version='1.0'?><CONSOLIDATED_LIST dateGenerated='x'><INDIV")
    with pytest.raises(services.ImportFailed):
        _import(bad, source="un-sc")

    imported, failed = AuditEvent.objects.order_by("sequence")
    assert (imported.action, imported.actor_label) == ("trustdesk.list.imported", "test")
    assert imported.data["total"] == 1003
    assert imported.data["source"] == "un-sc"
    assert failed.action == "trustdesk.list.import_failed"
    assert failed.target_id == "un-sc"
    assert "malformed XML" in failed.data["error"]
    assert verify_chain().intact
