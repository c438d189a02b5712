import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support import shared_path
from trustdesk.cli import main

pytestmark = pytest.mark.django_db

UN = "data/un-sc/UN_consolidated.xml"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_screen_explains_an_abbreviated_university() -> None:
    code, out = _run("screen", "Beijing Univ. of Aero. & Astro.", "--json")

    assert code == 0
    result = json.loads(out)
    top = result["matches"][0]
    assert top["name"] == "Beihang University"
    assert top["explanation"].startswith("'Beijing Univ. of Aero. & Astro.' matched ")
    assert f"'{top['matched_name']}'" in top["explanation"]
    assert "after expanding abbreviations" in top["explanation"]
    assert set(result["snapshots"]) == {"aspi-unitracker", "ca-nro", "us-dod-1286"}


def test_screen_takes_country_codes_in_either_case_and_refuses_unknown_ones() -> None:
    upper = json.loads(_run("screen", "NUDT", "--country", "CN", "--json")[1])
    lower = json.loads(_run("screen", "NUDT", "--country", "cn", "--json")[1])

    code, out = _run("screen", "NUDT", "--country", "QQ")

    assert upper["matches"] == lower["matches"]
    assert code == 2
    assert "'QQ' is not an ISO 3166-1 country code" in out


def test_generic_words_alone_make_no_hit() -> None:
    code, out = _run("screen", "University of Science and Technology", "--json")

    assert code == 0
    assert json.loads(out)["matches"] == []


def test_screen_file_jsonl_has_exactly_the_documented_shape(tmp_path: Path) -> None:
    _run("lists", "import", str(shared_path(UN)))
    names = tmp_path / "partners.csv"
    names.write_text(
        "id,name,type,country\n"
        "p1,Beihang University,organization,CN\n"
        "p2,University of Oxford,organization,GB\n"
        "p3,Al-Qaida,any,\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.jsonl"

    code, _ = _run("screen-file", str(names), "-o", str(out))

    assert code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p2", "p3"]
    assert all(set(line) == {"id", "query", "matches"} for line in lines)
    assert lines[1]["matches"] == []
    beihang = lines[0]["matches"][0]
    assert set(beihang) == {"source", "entry_id", "name", "matched_name", "score", "explanation"}
    assert ":" not in beihang["entry_id"]
    assert {m["source"] for m in lines[2]["matches"]} == {"un-sc"}
    scores = [m["score"] for m in lines[0]["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_screen_file_csv_neutralises_formulas(tmp_path: Path) -> None:
    names = tmp_path / "in.csv"
    names.write_text('ref,partner\nx1,"=HYPERLINK(""http://x"")"\n', encoding="utf-8")
    out = tmp_path / "out.csv"

    code, _ = _run(
        "screen-file", str(names), "-o", str(out), "--name-column", "partner", "--id-column", "ref"
    )

    assert code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:3] == ["id", "query", "source"]
    assert rows[1][:2] == ["x1", '\'=HYPERLINK("http://x")']


def test_screen_file_csv_neutralises_formulas_behind_leading_whitespace(tmp_path: Path) -> None:
    names = tmp_path / "in.csv"
    names.write_text('ref,partner\n" @SUM(A1)",Acme\n', encoding="utf-8")
    out = tmp_path / "out.csv"

    code, _ = _run(
        "screen-file", str(names), "-o", str(out), "--name-column", "partner", "--id-column", "ref"
    )

    assert code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[1][:2] == ["' @SUM(A1)", "Acme"]


def test_screen_file_errors_name_the_line_and_write_nothing(tmp_path: Path) -> None:
    names = tmp_path / "in.csv"
    names.write_text("id,name,type\n1,Acme,organization\n2,Bob,robot\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"

    code, output = _run("screen-file", str(names), "-o", str(out))

    assert code == 1
    assert "in.csv:3: unknown type 'robot'" in output
    assert "nothing was written" in output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [names]


def test_screen_file_without_the_name_column_says_how_to_fix_it(tmp_path: Path) -> None:
    names = tmp_path / "in.csv"
    names.write_text("id,organisation\n1,Acme\n", encoding="utf-8")

    code, output = _run("screen-file", str(names))

    assert code == 1
    assert "no 'name' column (columns are: id, organisation); name it with --name-column" in output


@pytest.mark.parametrize("name", ["", "---", "...", "  ", "\u00ad"])
def test_a_name_with_nothing_to_screen_exits_2_with_a_clear_message(name: str) -> None:
    code, out = _run("screen", "--", name)  # "--": a name starting with "-" is not an option

    assert code == 2
    assert "Invalid value for NAME: the name has nothing to screen" in out


def test_no_match_without_sanctions_lists_says_sanctions_were_not_checked() -> None:
    code, out = _run("screen", "Acme Widgets Oxford")

    assert code == 0
    assert out.startswith("No match at or above 0.")
    assert "WARNING: coverage is incomplete. Sanctions were not checked" in out
    assert "Not checked against uk-sanctions, un-sc, ofac-sdn" in out


def test_screen_json_has_a_coverage_object() -> None:
    code, out = _run("screen", "Acme Widgets Oxford", "--json")

    assert code == 0
    coverage = json.loads(out)["coverage"]
    assert coverage["complete"] is False
    assert coverage["sanctions_checked"] is False
    assert [c["source"] for c in coverage["consulted"]] == [
        "aspi-unitracker",
        "ca-nro",
        "us-dod-1286",
    ]
    assert all(c["snapshot_id"] and c["imported_at"] for c in coverage["consulted"])
    assert {"source": "un-sc", "kind": "sanctions"} in coverage["missing"]
    assert coverage["stale"] == []


def test_screen_with_the_un_list_loaded_names_it_among_the_lists_consulted() -> None:
    _run("lists", "import", str(shared_path(UN)))

    code, out = _run("screen", "Acme Widgets Oxford")

    assert code == 0
    assert "Sanctions were not checked" not in out
    assert "un-sc (published 2026-02-27)" in out


def test_screen_file_reports_a_wordless_name_as_an_error_not_a_clean_row(tmp_path: Path) -> None:
    names = tmp_path / "in.csv"
    names.write_text("id,name\n1,---\n2,Beihang University\n", encoding="utf-8")
    jsonl, table = tmp_path / "out.jsonl", tmp_path / "out.csv"

    code, output = _run("screen-file", str(names), "-o", str(jsonl))
    _run("screen-file", str(names), "-o", str(table))

    assert code == 0
    first, second = (json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines())
    assert first["error"]["code"] == "name_not_screenable"
    assert first["matches"] == []
    assert "error" not in second
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert rows[0][-1] == "error"
    assert rows[1][-1].startswith("name_not_screenable: the name has nothing to screen")
    assert "1 row(s) not screened" in output
    assert "WARNING: coverage is incomplete. Sanctions were not checked" in output


def _mixed_names(count: int) -> str:
    """A few hundred rows: listed names, near misses, ordinary names and an unscreenable one."""
    listed = ["Beihang University", "Al-Qaida", "National University of Defense Technology"]
    ordinary = ["University of Oxford", "Acme Trading Ltd", "Maria Garcia", "Zhang Wei"]
    lines = ["id,name,type,country"]
    for i in range(count):
        pick = i % 9
        if pick < 3:
            name, kind = listed[pick], "any"
        elif pick < 7:
            name, kind = ordinary[pick - 3], "any"
        elif pick == 7:
            name, kind = f"Harbin Institute {i} of Technology", "organization"
        else:
            name, kind = "---", ""
        lines.append(f"r{i},{name},{kind},")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_screen_file_with_workers_writes_what_one_process_writes(tmp_path: Path, fmt: str) -> None:
    _run("lists", "import", str(shared_path(UN)))
    names = tmp_path / "in.csv"
    names.write_text(_mixed_names(1300), encoding="utf-8")  # three chunks, the last one short
    one, two = tmp_path / f"one.{fmt}", tmp_path / f"two.{fmt}"

    code_one, out_one = _run("screen-file", str(names), "-o", str(one), "--format", fmt)
    code_two, out_two = _run(
        "screen-file", str(names), "-o", str(two), "--format", fmt, "--workers", "2"
    )

    assert (code_one, code_two) == (0, 0)
    assert two.read_bytes() == one.read_bytes()
    assert out_two == out_one
    assert "144 row(s) not screened" in out_two
    if fmt == "jsonl":
        ids = [json.loads(line)["id"] for line in two.read_text(encoding="utf-8").splitlines()]
        assert ids == [f"r{i}" for i in range(1300)]
        assert any('"un-sc"' in line for line in two.read_text(encoding="utf-8").splitlines())


def test_screen_file_with_workers_refuses_a_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    names = tmp_path / "in.csv"
    names.write_text(_mixed_names(1200) + "late,Acme,robot,\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"

    code, output = _run("screen-file", str(names), "-o", str(out), "--workers", "2")

    assert code == 1
    assert "unknown type 'robot'" in output
    assert "(nothing was written)" in output
    assert not out.exists()
