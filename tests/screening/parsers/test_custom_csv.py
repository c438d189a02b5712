import codecs
from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import HEAD_BYTES, ParseLimits, ParseReport
from trustdesk.screening.parsers.custom_csv import CustomCsv

HEADER = "id,name,aliases,type,countries,notes\n"

# The example of docs/custom-lists.md, verbatim.
DOCS_EXAMPLE = (
    HEADER + "DP-001,Example Institute of Applied Physics,EIAP;Example Applied Physics Institute,"
    "organization,CN,Declined by the Research Security Board on 2024-05-14 (minute 7)\n"
    'DP-002,Example Aerospace Design Bureau,"Example Aero Bureau;Пример КБ",,RU;BY,'
    '"Named in funder guidance, March 2024"\n'
    "DP-003,Jane Example,J. Example,person,GB,Former visiting researcher; see case 2023-118\n"
)


def _parse(path: Path, source: str = "custom:test") -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        CustomCsv().parse({"main": path}, source=source, report=report, limits=ParseLimits())
    )
    return entries, report


def _file(tmp_path: Path, text: str, name: str = "my-list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


# --- reading -------------------------------------------------------------------------------------


def test_docs_example_reads_field_by_field(tmp_path: Path) -> None:
    path = _file(tmp_path, DOCS_EXAMPLE)

    entries, report = _parse(path, source="custom:declined-partners")

    assert entries == [
        Entry(
            source="custom:declined-partners",
            source_id="DP-001",
            type=EntityType.ORGANIZATION,
            name="Example Institute of Applied Physics",
            aliases=("EIAP", "Example Applied Physics Institute"),
            countries=("CN",),
            remarks="Declined by the Research Security Board on 2024-05-14 (minute 7)",
        ),
        Entry(
            source="custom:declined-partners",
            source_id="DP-002",
            type=EntityType.ORGANIZATION,
            name="Example Aerospace Design Bureau",
            aliases=("Example Aero Bureau",),
            original_script_names=("Пример КБ",),
            countries=("RU", "BY"),
            remarks="Named in funder guidance, March 2024",
        ),
        Entry(
            source="custom:declined-partners",
            source_id="DP-003",
            type=EntityType.PERSON,
            name="Jane Example",
            aliases=("J. Example",),
            countries=("GB",),
            remarks="Former visiting researcher; see case 2023-118",
        ),
    ]
    assert report == ParseReport()


def test_columns_in_any_order_with_bom_names_and_types(tmp_path: Path) -> None:
    path = tmp_path / "my-list.csv"
    path.write_bytes(
        codecs.BOM_UTF8
        + (
            b"notes,countries,type,aliases,name,id\n"
            b',"Korea, North",Vessel,,SEA  EXAMPLE ,V1\n'
            b",,organisation,  Same Name ;Other, Same Name,O1\n"
            b",iran;IR;Islamic Republic of Iran,aircraft,,EP-ABC,A1\n"
        )
    )

    entries, _ = _parse(path)

    assert [(e.source_id, e.type, e.name, e.aliases, e.countries) for e in entries] == [
        ("V1", EntityType.VESSEL, "SEA EXAMPLE", (), ("KP",)),
        ("O1", EntityType.ORGANIZATION, "Same Name", ("Other",), ()),
        ("A1", EntityType.AIRCRAFT, "EP-ABC", (), ("IR",)),
    ]


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "my-list.csv"
    path.write_bytes(
        codecs.BOM_UTF16_LE + (HEADER + "1,Šimon Příklad,,person,CZ,\r\n").encode("utf-16-le")
    )

    entries, _ = _parse(path)

    assert CustomCsv.role_for(path, _head(path)) == "main"
    assert [(e.source_id, e.name, e.countries) for e in entries] == [
        ("1", "Šimon Příklad", ("CZ",))
    ]


def test_empty_rows_are_ignored(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "\n1,First,,,,\n,,,,,\n\n2,Second,,,,\n,,,,,\n")

    entries, report = _parse(path)

    assert [e.source_id for e in entries] == ["1", "2"]
    assert report.skipped == 0


def test_formula_like_names_are_kept_as_text_with_a_warning(tmp_path: Path) -> None:
    path = _file(
        tmp_path, HEADER + '1,"=HYPERLINK(""http://x"")",,,,\n2,Plain,@alias,,,\n3,Fine,,,,\n'
    )

    entries, report = _parse(path)

    assert [e.name for e in entries] == ['=HYPERLINK("http://x")', "Plain", "Fine"]
    assert entries[1].aliases == ("@alias",)
    assert report.warnings == [
        "2 entries have a name starting with =, +, - or @: stored as plain text, but check the "
        "file was not pasted from spreadsheet formulas"
    ]


# --- recognition -----------------------------------------------------------------------------


def test_only_the_exact_header_is_claimed(tmp_path: Path) -> None:
    exact = _file(tmp_path, "name,id,type,aliases,notes,countries\n1,X,,,,\n", "a.csv")
    extra = _file(tmp_path, HEADER.rstrip("\n") + ",comment\n1,X,,,,,\n", "b.csv")
    short = _file(tmp_path, "id,name\n1,X\n", "c.csv")
    upper = _file(tmp_path, HEADER.upper() + "1,X,,,,\n", "d.csv")

    assert CustomCsv.role_for(exact, _head(exact)) == "main"
    assert [CustomCsv.role_for(p, _head(p)) for p in (extra, short, upper)] == [None] * 3


def test_semicolon_separated_file_is_claimed_to_be_refused_clearly(tmp_path: Path) -> None:
    path = _file(tmp_path, "id;name;aliases;type;countries;notes\n1;X;;;;\n")

    assert CustomCsv.role_for(path, _head(path)) == "main"
    with pytest.raises(
        SourceFormatError,
        match=r"my-list\.csv:1: the columns are separated by semicolons: save the list as "
        r"comma-separated CSV",
    ):
        _parse(path)


def test_tab_separated_file_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "id\tname\taliases\ttype\tcountries\tnotes\n1\tX\t\t\t\t\n")

    with pytest.raises(SourceFormatError, match=r":1: the columns are separated by tabs"):
        _parse(path)


@pytest.mark.parametrize(
    "relative",
    [
        "opensanctions-ftm-sample/targets.simple.csv",
        "ofac-sdn-csv/2024-05-01/sdn.csv",
        "ofac-consolidated/cons_prim.csv",
        "us-csl-samples/consolidated.csv",
        "us-csl-samples/csl.csv",
        "bis-dpl/dpl.txt",
        "un-sc/UN_consolidated.xml",
    ],
)
def test_other_publishers_files_are_not_claimed(relative: str) -> None:
    path = shared_path(f"data/{relative}")

    assert CustomCsv.role_for(path, _head(path)) is None


# --- bad input -------------------------------------------------------------------------------


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = _file(tmp_path, "id,name,aliases,type,notes\n1,X,,,\n")

    with pytest.raises(SourceFormatError, match=r"my-list\.csv:1: missing column\(s\): countries$"):
        _parse(path)


def test_unknown_or_repeated_column_is_named(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER.rstrip("\n") + ",alias,id\n1,X,,,,,,1\n")

    with pytest.raises(
        SourceFormatError,
        match=r":1: unexpected or repeated column\(s\): alias, id; the header is exactly "
        r"id,name,aliases,type,countries,notes",
    ):
        _parse(path)


def test_bad_type_is_named(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "1,X,,,,\n2,Y,,company,,\n")

    with pytest.raises(
        SourceFormatError,
        match=r"my-list\.csv:3: type 'company' is not one of organization, person, vessel, "
        r"aircraft \(empty means organization\)",
    ):
        _parse(path)


def test_unknown_country_is_named_with_its_line(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "1,X,,,CN,\n2,Y,,,GB;Atlantis,\n")

    with pytest.raises(SourceFormatError, match=r"my-list\.csv:3: unknown country 'Atlantis'"):
        _parse(path)


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "A1,X,,,,\nA2,Y,,,,\nA1,Z,,,,\n")

    with pytest.raises(
        SourceFormatError, match=r"my-list\.csv:4: duplicate id 'A1': lines 2 and 4"
    ):
        _parse(path)


def test_row_without_id_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "1,X,,,,\n,Nameless Id,,,,\n")

    with pytest.raises(SourceFormatError, match=r"my-list\.csv:3: no id: every row needs one"):
        _parse(path)


def test_row_without_name_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "1,,Alias Only,,,\n")

    with pytest.raises(SourceFormatError, match=r"my-list\.csv:2: no name for id '1'"):
        _parse(path)


def test_unquoted_comma_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "1,Smith, Jones and Partners,,,,\n")

    with pytest.raises(
        SourceFormatError,
        match=r":2: 7 values where the header has 6 \(a value with a comma in it needs double",
    ):
        _parse(path)


def test_latin1_bytes_are_refused_on_their_line(tmp_path: Path) -> None:
    path = tmp_path / "my-list.csv"
    rows = "".join(f"{n},Entry number {n},,,,\n" for n in range(1, 600))
    path.write_bytes((HEADER + rows).encode() + "600,José Example,,,,\n".encode("latin-1"))

    with pytest.raises(
        SourceFormatError, match=r"my-list\.csv:601: not valid UTF-8 \(byte 0xe9\); save the file"
    ):
        _parse(path)


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "my-list.csv"
    path.write_bytes((HEADER + "1,X,,,,\n").encode("utf-16-le"))

    with pytest.raises(SourceFormatError, match=r"my-list\.csv: binary data, not text"):
        _parse(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "")

    with pytest.raises(SourceFormatError, match=r"my-list\.csv: the file is empty"):
        _parse(path)


def test_header_without_rows_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + ",,,,,\n")

    with pytest.raises(SourceFormatError, match=r"my-list\.csv: no rows under the header"):
        _parse(path)


def test_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "my-list.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00 an xlsx saved with a .csv name")

    with pytest.raises(SourceFormatError, match=r"my-list\.csv: binary data, not text \(is it a"):
        _parse(path)
