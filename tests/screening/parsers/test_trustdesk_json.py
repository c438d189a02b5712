import json
from pathlib import Path
from typing import Any

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.lists import shipped
from trustdesk.screening.parsers.base import HEAD_BYTES, ParseLimits, ParseReport
from trustdesk.screening.parsers.trustdesk_json import TrustdeskJson


def parse(path: Path, source: str = "trustdesk") -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        TrustdeskJson().parse({"main": path}, source=source, report=report, limits=ParseLimits())
    )
    return entries, report


def parse_shipped(source: str) -> tuple[dict[str, Entry], ParseReport]:
    with shipped(source).as_path() as path:
        entries, report = parse(path, source)
    return {entry.source_id: entry for entry in entries}, report


def a_document(**header: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "trustdesk-list",
        "format_version": 1,
        "source": "ca-nro",
        "title": "Named Research Organizations",
        "publisher": "Government of Canada",
        "edition": "2025-03-11",
        "checked": "2026-08-22",
        "source_url": "https://science.gc.ca/",
        "licence": "test licence",
        "attribution": "test attribution",
        "entries": [
            {"id": "beihang-university", "name": "Beihang University", "type": "organization"},
            {
                "id": "sharif-university-of-technology",
                "name": "Sharif University of Technology",
                "type": "organization",
                "aliases": ["SUT", "SUT", "Sharif University of Technology"],
                "countries": ["IR"],
            },
        ],
    }
    doc.update(header)
    return doc


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "list.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def with_entry(index: int, **fields: Any) -> dict[str, Any]:
    doc = a_document()
    doc["entries"][index].update(fields)
    return doc


# --- the shipped files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "count", "edition"),
    [
        ("ca-nro", 128, "2025-03-11"),
        ("us-dod-1286", 156, "2026-07-23"),
        ("aspi-unitracker", 159, "2020-08-22"),
    ],
)
def test_shipped_list_parses_with_its_count_and_edition(
    source: str, count: int, edition: str
) -> None:
    entries, report = parse_shipped(source)

    assert len(entries) == count
    assert report.declared_count == count
    assert report.published == edition
    assert {entry.source for entry in entries.values()} == {source}


def test_dod_1286_beihang() -> None:
    entries, _ = parse_shipped("us-dod-1286")

    beihang = entries["beihang-university"]

    assert beihang.key == "us-dod-1286:beihang-university"
    assert beihang.name == "Beihang University"
    assert beihang.type is EntityType.ORGANIZATION
    assert beihang.aliases == ("Beijing University of Aeronautics and Astronautics",)
    assert beihang.countries == ("CN",)
    assert beihang.categories == ("Table 1: foreign institution (section 1286(c)(8))",)
    assert beihang.source_url == (
        "https://www.cto.mil/wp-content/uploads/2026/07/FY25-Section-1286-List.pdf"
    )


def test_dod_1286_keeps_the_pdf_spelling_and_the_cas_parent() -> None:
    entries, _ = parse_shipped("us-dod-1286")

    xjtu = entries["xi-an-jiatong-university"]
    ict = entries["chinese-academy-of-sciences-cas-institute-of-computing-technology-ict"]
    talents = entries["thousand-talents-plan"]

    assert xjtu.name == "Xi’an Jiatong University"
    assert xjtu.aliases == ("Xi’an Jiaotong University",)
    assert ict.parent == "Chinese Academy of Sciences"
    assert "CAS ICT" in ict.aliases
    assert talents.countries == ()
    assert talents.categories == (
        "Table 2: foreign talent recruitment program (section 1286(c)(9))",
    )


def test_dod_1286_holds_only_the_latest_edition() -> None:
    entries, _ = parse_shipped("us-dod-1286")

    # FY24 names that FY25 removed or renamed.
    assert "mabna-institute" not in entries
    assert "lomonosov-moscow-state-university" not in entries
    assert "beijing-university-of-aeronautics-and-astronautics" not in entries
    assert entries["moscow-state-university"].aliases == (
        "M.V. Lomonosov Moscow State University",
        "Lomonosov Moscow State University",
    )


def test_aspi_nudt_splits_english_and_chinese_names() -> None:
    entries, _ = parse_shipped("aspi-unitracker")

    nudt = entries["national-university-of-defense-technology"]

    assert nudt.key == "aspi-unitracker:national-university-of-defense-technology"
    assert nudt.name == "National University of Defense Technology"
    assert nudt.original_script_names[0] == "中国人民解放军国防科技大学"
    assert "NUDT" in nudt.aliases
    assert nudt.countries == ("CN",)
    assert nudt.categories == ("Military",)
    assert nudt.parent == "Central Military Commission (CMC)"
    assert nudt.source_url == (
        "https://unitracker.aspi.org.au/universities/national-university-of-defense-technology"
    )
    assert nudt.remarks.startswith("Supervising agencies: Central Military Commission (CMC).")


def test_ca_nro_nudt_and_a_caep_subsidiary() -> None:
    entries, _ = parse_shipped("ca-nro")

    nudt = entries["national-university-of-defense-technology"]
    southwest = entries["caep-southwest-computing-center"]

    assert nudt.key == "ca-nro:national-university-of-defense-technology"
    assert nudt.aliases == (
        "NUDT",
        "Changsha Institute of Technology",
        "National Key Laboratory for Parallel and Distributed Processing",
        "Hunan Guofang Kei University",
    )
    # The Government's list gives Latin-script names only.
    assert nudt.original_script_names == ()
    assert nudt.categories == ("Named research organization",)
    assert southwest.name == "Southwest Computing Center"
    assert southwest.parent == "Chinese Academy of Engineering Physics"
    assert southwest.categories == (
        "Alias or subsidiary of Chinese Academy of Engineering Physics",
    )


def test_ca_nro_iranian_entry() -> None:
    entries, _ = parse_shipped("ca-nro")

    sharif = entries["sharif-university-of-technology"]

    assert sharif.countries == ("IR",)
    assert sharif.aliases == (
        "Arya-Mehr University of Technology",
        "SHFT",
        "SUT",
        "Sharif Technical University",
    )


# --- recognising the format --------------------------------------------------------------------


def test_role_and_source_come_from_the_head_of_a_shipped_file() -> None:
    with shipped("aspi-unitracker").as_path() as path:
        head = path.read_bytes()[:HEAD_BYTES]

    assert TrustdeskJson.role_for(path, head) == "main"
    assert TrustdeskJson.source_for(path, head) == "aspi-unitracker"


def test_other_json_is_not_claimed(tmp_path: Path) -> None:
    path = tmp_path / "entities.json"

    assert TrustdeskJson.role_for(path, b'{"id": "Q1", "schema": "Company"}') is None
    assert TrustdeskJson.role_for(path, b'{"format": "trustdesk-policy-pack"}') is None
    # The writer puts "format" first; a file re-sorted by another tool is not recognised.
    assert TrustdeskJson.role_for(path, b'{"entries": [], "format": "trustdesk-list"}') is None


def test_role_allows_a_bom_and_whitespace(tmp_path: Path) -> None:
    head = b'\xef\xbb\xbf\n  {\n  "format": "trustdesk-list",\n  "source": "ca-nro"'

    assert TrustdeskJson.role_for(tmp_path / "x.json", head) == "main"


# --- good input --------------------------------------------------------------------------------


def test_minimal_entry_gets_defaults_and_cleaned_aliases(tmp_path: Path) -> None:
    entries, report = parse(write(tmp_path, a_document()))

    assert entries[0] == Entry(
        source="ca-nro",
        source_id="beihang-university",
        type=EntityType.ORGANIZATION,
        name="Beihang University",
    )
    assert entries[1].aliases == ("SUT",)
    assert report.published == "2025-03-11"
    assert report.declared_count == 2


def test_explicit_source_must_match_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, a_document())

    assert parse(path, "ca-nro")[0][0].source == "ca-nro"
    with pytest.raises(
        SourceFormatError, match=r"the file is the 'ca-nro' list, not 'us-dod-1286'"
    ):
        parse(path, "us-dod-1286")


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (a_document(format="trustdesk-policy"), r'"format" is not "trustdesk-list"'),
        (a_document(format_version=2), r"format_version 2 is newer than this trustdesk reads"),
        (a_document(format_version="1"), r'"format_version" must be a positive integer'),
        (a_document(source="ofac-sdn"), r"unknown list source 'ofac-sdn'"),
        (a_document(edition="11 March 2025"), r'"edition" must be a date written YYYY-MM-DD'),
        (a_document(edition="2025-02-30"), r"\"edition\" '2025-02-30' is not a real date"),
        (a_document(checked="2024-01-01"), r'"checked" \(2024-01-01\) is before "edition"'),
        (a_document(entries=[]), r'"entries" must be a non-empty array'),
        (a_document(attribution=" "), r'"attribution" is empty'),
        (a_document(notes="x"), r"unknown header field\(s\): notes"),
    ],
)
def test_bad_header_is_refused(tmp_path: Path, doc: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceFormatError, match=message):
        parse(write(tmp_path, doc))


def test_missing_header_field_is_named(tmp_path: Path) -> None:
    doc = a_document()
    del doc["licence"]

    with pytest.raises(SourceFormatError, match=r"header field\(s\) missing: licence"):
        parse(write(tmp_path, doc))


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            with_entry(1, id="beihang-university"),
            r"entries\[1\] \(id 'beihang-university'\): duplicate id, first used by entries\[0\]",
        ),
        (
            with_entry(1, countries=["Iran"]),
            r"entries\[1\] \(id 'sharif-university-of-technology'\): country 'Iran' is not an "
            r"ISO 3166-1 alpha-2 code",
        ),
        (with_entry(1, countries=["ZZ"]), r"country 'ZZ' is not an ISO 3166-1 alpha-2 code"),
        (with_entry(1, countries=["IR", "IR"]), r"a country is given twice"),
        (with_entry(0, id=""), r"entries\[0\]: 'id' must be 1-200 letters"),
        (with_entry(0, id="ca-nro:beihang"), r"'id' must be 1-200 letters"),
        (with_entry(0, name="  "), r"entries\[0\] \(id 'beihang-university'\): 'name' is empty"),
        (with_entry(0, type="university"), r"unknown type 'university' \(one of organization"),
        (with_entry(0, type=["organization"]), r"unknown type \['organization'\]"),
        (with_entry(0, aliases="BUAA"), r"'aliases' must be an array of strings"),
        (with_entry(0, aliases=[None]), r"'aliases' must be an array of strings"),
        (with_entry(0, listed_on="2023-13-01"), r"'listed_on' '2023-13-01' is not an ISO 8601"),
        (with_entry(0, source_url="ftp://x"), r"'source_url' 'ftp://x' is not an http\(s\)"),
        (with_entry(0, risk="high"), r"entries\[0\] \(id 'beihang-university'\): unknown field"),
    ],
)
def test_bad_entry_is_refused_naming_index_and_id(
    tmp_path: Path, doc: dict[str, Any], message: str
) -> None:
    with pytest.raises(SourceFormatError, match=message):
        parse(write(tmp_path, doc))


def test_missing_name_is_named(tmp_path: Path) -> None:
    doc = a_document()
    del doc["entries"][1]["name"]

    with pytest.raises(
        SourceFormatError,
        match=r"entries\[1\] \(id 'sharif-university-of-technology'\): 'name' is missing",
    ):
        parse(write(tmp_path, doc))


def test_nothing_is_yielded_before_a_late_error(tmp_path: Path) -> None:
    path = write(tmp_path, with_entry(1, type="ship"))
    entries = TrustdeskJson().parse(
        {"main": path}, source="trustdesk", report=ParseReport(), limits=ParseLimits()
    )

    with pytest.raises(SourceFormatError, match=r"entries\[1\]"):
        next(entries)


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('{\n  "format": "trustdesk-list",\n  "source": ca-nro\n}\n')

    with pytest.raises(SourceFormatError, match=r"list\.json:3: malformed JSON: Expecting value"):
        parse(path)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    with shipped("ca-nro").as_path() as shipped_path:
        data = shipped_path.read_bytes()
    path = tmp_path / "ca-nro.json"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(SourceFormatError, match=r"ca-nro\.json:\d+: malformed JSON"):
        parse(path)


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    text = json.dumps(a_document()).replace('"title":', '"title": "x", "title":', 1)
    path = tmp_path / "list.json"
    path.write_text(text)

    with pytest.raises(SourceFormatError, match=r"the key 'title' appears twice in one object"):
        parse(path)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_bytes(json.dumps(a_document(), indent=1).encode().replace(b"Beihang", b"Beih\xe4ng"))

    with pytest.raises(SourceFormatError, match=r"list\.json:\d+: not valid UTF-8 \(byte 0xe4\)"):
        parse(path)


def test_json_array_is_not_a_list_file(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]")

    with pytest.raises(SourceFormatError, match=r"the JSON is not an object"):
        parse(path)


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, a_document())
    limits = ParseLimits(max_file_bytes=100)

    with pytest.raises(SourceFormatError, match=r"over the 100 bytes limit"):
        list(
            TrustdeskJson().parse(
                {"main": path}, source="trustdesk", report=ParseReport(), limits=limits
            )
        )
