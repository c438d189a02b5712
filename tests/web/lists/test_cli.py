import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from django.utils import timezone

from tests.support import shared_path
from trustdesk.cli import main

pytestmark = pytest.mark.django_db

SDN = "data/ofac-sdn-csv/{day}/sdn.csv"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_lists_json_gives_snapshot_hash_date_and_counts() -> None:
    _run("lists", "import", str(shared_path("data/un-sc/UN_consolidated.xml")))

    code, out = _run("lists", "--json")

    assert code == 0
    un = next(row for row in json.loads(out) if row["source"] == "un-sc")
    assert un["published"] == "2026-02-27"
    assert len(un["hash"]) == 64
    assert un["counts"] == {
        "organization": 273,
        "person": 730,
        "vessel": 0,
        "aircraft": 0,
        "total": 1003,
    }
    assert un["snapshot"] == un["current"]["snapshot"]
    assert un["last_failure"] is None


def test_lists_diff_json_shows_the_eight_removals() -> None:
    for day in ("2024-05-02", "2024-05-03"):
        _run("lists", "import", str(shared_path(SDN.format(day=day))))

    code, out = _run("lists", "diff", "ofac-sdn", "--json")

    assert code == 0
    diff = json.loads(out)
    assert (len(diff["added"]), len(diff["removed"])) == (0, 8)
    assert set(diff) >= {"added", "removed", "changed", "old", "new"}
    for item in diff["changed"]:
        assert item["fields"], "a changed entry names the fields that changed"


def test_lists_diff_by_snapshot_ids_in_either_order() -> None:
    _run("lists", "import", str(shared_path(SDN.format(day="2024-05-01"))))
    _run("lists", "import", str(shared_path(SDN.format(day="2024-05-02"))))
    rows = json.loads(_run("lists", "--json")[1])
    new = next(r for r in rows if r["source"] == "ofac-sdn")["snapshot"]
    _, listing = _run("lists", "diff", "ofac-sdn", "--json")
    old = json.loads(listing)["old"]["snapshot"]

    code, out = _run("lists", "diff", "ofac-sdn", new[:8], old[:8], "--json")

    assert code == 0
    reverse = json.loads(out)
    assert (len(reverse["added"]), len(reverse["removed"])) == (0, 7)


def test_failed_import_exits_nonzero_and_is_shown_by_lists(tmp_path: Path) -> None:
    _run("lists", "import", str(shared_path("data/un-sc/UN_consolidated.xml")))
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(shared_path("data/un-sc/UN_consolidated.xml").read_bytes()[:50000])

    result = CliRunner().invoke(main, ["lists", "import", "--source", "un-sc", str(bad)])

    assert result.exit_code == 1
    assert "import failed, nothing stored" in result.output
    assert "consolidated.xml:" in result.output
    _code, out = _run("lists")
    assert "Failed since the current snapshot" in out
    assert "un-sc: import failed" in out


def test_lists_flags_expected_sources_that_are_missing() -> None:
    code, out = _run("lists")

    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert lines["un-sc"].endswith("never             MISSING")
    assert not lines["ca-nro"].endswith("MISSING")
    assert "Screening coverage is incomplete. Sanctions were not checked" in out


def test_lists_json_flags_missing_and_stale_sources(settings: object) -> None:
    _run("lists", "import", str(shared_path("data/un-sc/UN_consolidated.xml")))
    settings.TRUSTDESK_LIST_MAX_AGE_DAYS = {"un-sc": 1}  # type: ignore[attr-defined]

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        code, out = _run("lists", "--json")

    rows = {row["source"]: row for row in json.loads(out)}
    assert code == 0
    assert (rows["un-sc"]["stale"], rows["un-sc"]["age_days"], rows["un-sc"]["max_age_days"]) == (
        True,
        3,
        1,
    )
    assert rows["ofac-sdn"]["missing"] is True
    assert rows["ofac-sdn"]["current"] is None
    assert rows["ofac-sdn"]["expected"] is True
    assert (rows["ca-nro"]["missing"], rows["ca-nro"]["stale"]) == (False, False)
