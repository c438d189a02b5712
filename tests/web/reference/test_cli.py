"""`trustdesk policy travel-advice [update]` and `trustdesk triage` with stored travel advice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.web.lists.httpserver import LocalHTTPServer, status
from tests.web.reference.fcdo_api import WHOLE_ALL, FakeFCDO
from trustdesk.cli import main
from trustdesk.web.reference import selectors

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_update_prints_counts_and_the_countries_that_changed_level(
    fcdo: FakeFCDO, pack_path: Path
) -> None:
    fcdo.set("thailand", [WHOLE_ALL])

    code, out, _ = run("policy", "travel-advice", "update")

    snapshot = selectors.current_snapshot()
    assert code == 0
    assert snapshot is not None
    assert out.splitlines() == [
        f"FCDO travel advice: 6 countries from 6 FCDO pages; snapshot {snapshot.short_id} is now "
        "current.",
        "Changed level since the pack's shipped values (checked 2026-08-22):",
        "  Thailand (TH) 1 -> 4",
    ]


def test_update_json_and_an_unchanged_second_run(fcdo: FakeFCDO, pack_path: Path) -> None:
    run("policy", "travel-advice", "update")

    code, out, _ = run("policy", "travel-advice", "update", "--json")

    data = json.loads(out)
    assert code == 0
    assert (data["ok"], data["created"], data["current"]) == (True, False, True)
    assert data["countries"] == 6
    assert data["changes"] == []
    assert len(data["content_hash"]) == 64


def test_update_offline_fails_clearly_and_keeps_the_snapshot(
    fcdo: FakeFCDO, server: LocalHTTPServer, pack_path: Path
) -> None:
    run("policy", "travel-advice", "update")
    before = selectors.current_snapshot()
    assert before is not None
    server.route("/api/content/foreign-travel-advice", status(404))

    code, _, err = run("policy", "travel-advice", "update")

    assert code == 1
    assert err.startswith("Error: travel advice not updated: ")
    assert f"answered 404 Not Found for {fcdo.base_url}/foreign-travel-advice" in err
    assert f"({before.short_id}) stays current" in err
    assert selectors.current_snapshot() == before


def test_update_json_failure_before_any_snapshot(settings: object, pack_path: Path) -> None:
    settings.TRUSTDESK_TRAVEL_ADVICE_URL = "http://127.0.0.1:9/api/content"  # type: ignore[attr-defined]

    code, out, _ = run("policy", "travel-advice", "update", "--json")

    data = json.loads(out)
    assert code == 1
    assert data["ok"] is False
    assert data["error"].startswith("could not connect to 127.0.0.1:9: connection refused")
    assert data["kept"] == (
        "no snapshot yet: the pack's shipped values (checked 2026-08-22) stay in use"
    )


def test_status_text_shows_levels_and_the_level_4_and_3_countries(
    fcdo: FakeFCDO, pack_path: Path
) -> None:
    fcdo.set("thailand", [WHOLE_ALL])
    run("policy", "travel-advice", "update")

    code, out, _ = run("policy", "travel-advice")

    lines = out.splitlines()
    assert code == 0
    assert lines[0].endswith("; 6 countries.")
    assert lines[1:7] == [
        "Countries per level:",
        "  4     2  FCDO advises against all travel to the whole country",
        "  3     1  FCDO advises against all but essential travel to the whole country",
        "  2     1  FCDO advises against all travel to parts of the country",
        "  1     0  FCDO advises against all but essential travel to parts of the country",
        "  0     2  FCDO gives no advice against travel",
    ]
    assert "Level 4: Russia, Thailand" in lines
    assert "Level 3: Cuba" in lines


def test_status_json_before_any_refresh_shows_the_shipped_values(pack_path: Path) -> None:
    code, out, _ = run("policy", "travel-advice", "--json")

    data = json.loads(out)
    assert code == 0
    assert (data["origin"], data["snapshot"], data["checked"]) == ("pack", None, "2026-08-22")
    assert data["per_level"] == {"4": 1, "3": 1, "2": 1, "1": 1, "0": 2}
    assert [c["country"] for c in data["level_4"]] == ["RU"]


def test_triage_uses_the_stored_travel_advice_unless_told_not_to(
    fcdo: FakeFCDO, pack_path: Path, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("country: TH\npurpose: fieldwork\n", encoding="utf-8")
    fcdo.set("thailand", [WHOLE_ALL])
    run("policy", "travel-advice", "update")

    _, stored, _ = run("triage", "--pack", str(pack_path), str(answers), "--json")
    _, shipped, _ = run("triage", "--pack", str(pack_path), str(answers), "--json", "--shipped")

    assert [p["id"] for p in json.loads(stored)["processes"]] == ["travel-exemption"]
    assert json.loads(shipped)["processes"] == []
