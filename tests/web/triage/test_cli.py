"""`trustdesk triage` screens organisation answers against the loaded lists, as the web
questionnaire does, and says which lists it consulted; `--no-screen` skips it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustdesk.cli import main
from trustdesk.web.lists.services import list_snapshot_import

pytestmark = pytest.mark.django_db
HIT = "Harbin Institute of Technology"


def _answers(tmp_path: Path, partner: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(
        "engagement_kind: [research-collaboration]\n"
        f"partner_name: {json.dumps(partner)}\n"
        "partner_country: FR\n",
        encoding="utf-8",
    )
    return path


def _triage(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["triage", "--pack", "gb-base", *args])
    return result.exit_code, result.output


def test_organisation_answers_are_screened_and_the_lists_named(tmp_path: Path) -> None:
    code, out = _triage(str(_answers(tmp_path, HIT)), "--json")

    assert code == 0, out
    data = json.loads(out)
    screened = data["answer_screening"]
    assert screened["screened"] is True
    [answer] = screened["answers"]
    assert (answer["question"], answer["name"]) == ("partner_name", HIT)
    assert {h["entry_id"] for h in answer["hits"]} == {"harbin-institute-of-technology"}
    assert {h["source"] for h in answer["hits"]} == {"aspi-unitracker", "ca-nro", "us-dod-1286"}
    assert screened["coverage"]["sanctions_checked"] is False
    assert data["tier"]["id"] == "enhanced"


def test_the_text_output_says_what_was_screened_and_against_what(tmp_path: Path) -> None:
    code, out = _triage(str(_answers(tmp_path, f"{HIT[:3]}\u00ad{HIT[3:]}")))

    assert code == 0, out
    assert "Organisation answers screened against the loaded watch lists:" in out
    assert "  partner_name: 'Har\\xadbin Institute of Technology': 3 possible matches" in out
    assert "WARNING: coverage is incomplete. Sanctions were not checked" in out


def test_no_screen_skips_the_lists_and_says_so(tmp_path: Path) -> None:
    code, out = _triage(str(_answers(tmp_path, HIT)), "--no-screen", "--json")
    _, text = _triage(str(_answers(tmp_path, HIT)), "--no-screen")

    assert code == 0, out
    data = json.loads(out)
    assert data["answer_screening"] == {"screened": False}
    assert data["tier"]["id"] != "enhanced"
    assert "Organisation answers were not screened against the watch lists (--no-screen)." in text


def test_a_partner_name_with_nothing_to_screen_is_a_problem_not_a_clean_result(
    tmp_path: Path,
) -> None:
    code, out = _triage(str(_answers(tmp_path, "---")))

    assert code == 1
    assert "partner_name: organisation question expects an organisation name with a word" in out
    assert "no triage outcome" in out


def test_a_person_record_is_named_as_context_never_counted_as_a_match(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,aliases,type,countries,notes\nPP-1,Maria Kovalenko,,person,UA,A person\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[people], source="custom:people", actor="test:cli")

    code, out = _triage(str(_answers(tmp_path, "Maria Kovalenko")))

    assert code == 0, out
    assert "  partner_name: 'Maria Kovalenko': 0 possible matches" in out
    assert (
        "    context, not a hit (A person's record, not an organisation's): "
        "custom:people:PP-1  Maria Kovalenko"
    ) in out
