import codecs
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import HEAD_BYTES, ParseLimits, ParseReport
from trustdesk.screening.parsers.opensanctions import FtmJson, TargetsSimpleCsv

SAMPLE = "data/opensanctions-ftm-sample"


def _parse_ftm(path: Path) -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        FtmJson().parse({"main": path}, source="opensanctions", report=report, limits=ParseLimits())
    )
    return entries, report


def _parse_simple(path: Path) -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        TargetsSimpleCsv().parse(
            {"main": path}, source="opensanctions", report=report, limits=ParseLimits()
        )
    )
    return entries, report


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def _line(ident: str, schema: str, **props: object) -> str:
    data = {
        "id": ident,
        "caption": next(iter(props.get("name", [schema])), schema),  # type: ignore[call-overload]
        "schema": schema,
        "properties": props,
        "datasets": ["test"],
        "referents": [],
        "first_seen": "2024-01-02T00:00:00",
        "last_seen": "2024-05-06T07:08:09",
        "last_change": "2024-01-02T00:00:00",
        "target": schema != "Sanction",
    }
    return json.dumps(data, ensure_ascii=False)


def _write(path: Path, *lines: str) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


# --- recognition ------------------------------------------------------------------------------


def test_each_format_claims_only_its_own_sample_file() -> None:
    ftm = shared_path(f"{SAMPLE}/entities.ftm.json")
    simple = shared_path(f"{SAMPLE}/targets.simple.csv")
    nested = shared_path(f"{SAMPLE}/targets.nested.json")
    index = shared_path(f"{SAMPLE}/index.json")

    assert FtmJson.role_for(ftm, _head(ftm)) == "main"
    assert TargetsSimpleCsv.role_for(simple, _head(simple)) == "main"
    assert [FtmJson.role_for(p, _head(p)) for p in (simple, nested, index)] == [None] * 3
    assert [TargetsSimpleCsv.role_for(p, _head(p)) for p in (ftm, nested, index)] == [None] * 3


def test_a_renamed_ftm_file_is_recognised_by_content() -> None:
    ftm = shared_path(f"{SAMPLE}/entities.ftm.json")

    assert FtmJson.role_for(Path("download-20240314.jsonl"), _head(ftm)) == "main"


@pytest.mark.parametrize(
    "relative",
    [
        "un-sc/UN_consolidated.xml",
        "ofac-sdn-csv/2024-05-01/sdn.csv",
        "us-csl-samples/consolidated.csv",
        "bis-dpl/dpl.txt",
        "eu-fsf/fsf.xml",
    ],
)
def test_other_publishers_files_are_not_claimed(relative: str) -> None:
    path = shared_path(f"data/{relative}")

    assert FtmJson.role_for(path, _head(path)) is None
    assert TargetsSimpleCsv.role_for(path, _head(path)) is None


# --- FollowTheMoney JSON lines: the real sample ------------------------------------------------


def test_ftm_sample_gives_every_person_target_or_not() -> None:
    entries, report = _parse_ftm(shared_path(f"{SAMPLE}/entities.ftm.json"))

    assert len(entries) == 607
    assert Counter(e.type for e in entries) == {EntityType.PERSON: 607}
    assert Counter(e.categories[0] for e in entries) == {"target": 423, "non-target": 184}
    assert report.skipped == 756 + 102 + 100
    assert report.declared_count is None
    assert len({e.source_id for e in entries}) == 607


def test_ftm_sample_dates_from_last_seen_because_its_index_is_another_export() -> None:
    path = shared_path(f"{SAMPLE}/entities.ftm.json")

    _entries, report = _parse_ftm(path)

    assert report.published == "2024-03-14"
    assert report.warnings == [
        f"{path.parent / 'index.json'} describes another export (dataset 'wd_persons', updated "
        "'2024-03-10T15:37:28') than entities.ftm.json: not used for the publication date",
        "958 entities left out, not persons, organisations, vessels or aircraft: 756 Family, "
        "102 Occupancy, 100 Position",
        "184 of 607 entries are not targets of the dataset (relatives, associates): they carry "
        "the category 'non-target'",
        "190 entities give single values where FollowTheMoney has lists: read as one-value lists",
        "9 property names carry a schema prefix ('Person:alias'): read without it",
        "7 keys outside 'properties' that FollowTheMoney does not define ('references', "
        "'birthCountry', 'deathDate', 'secondName', 'title', …): left out",
        "18 property values are not text (objects, numbers): left out",
        "19 birth dates are not dates ('Unknown', 'unknown', '20th century', 'Not Available', "
        "'Not available', …): kept in extra as published, not used for matching",
        "6 country values are not countries ('Second Saudi State', 'Ottoman Empire', "
        "'Emirate of Nejd and Hasa', 'yo', 'Worldwide', …): left out",
    ]


def test_ftm_osama_bin_laden_splits_names_by_script() -> None:
    entries, _ = _parse_ftm(shared_path(f"{SAMPLE}/entities.ftm.json"))

    osama = next(e for e in entries if e.source_id == "Q1317")

    assert osama.name == "Osama bin Laden"
    assert osama.aliases[:3] == ("Osama", "Bin-Laden", "Osama bin Mohammed bin Awad bin Laden")
    assert len(osama.aliases) == 24
    assert "Osāma bin Muhammad bin ʿAwaḍ bin Lāden" in osama.aliases  # modifier letter ʿ is Latin
    assert osama.original_script_names[:3] == ("أسامة بن لادن", "Усама бен Ладен", "本·拉登")
    assert len(osama.original_script_names) == 25
    assert "ଓସାମା ବିନ୍ ଲାଡେନ" in osama.original_script_names
    assert osama.weak_aliases == ()
    assert osama.countries == ("SA",)  # nationality "yo" is no country
    assert osama.dates_of_birth == ("1957-03-10",)
    assert osama.identifiers == (Identifier("wikidataId", "Q1317"),)
    assert osama.categories == ("non-target",)
    assert osama.source_url == "https://www.opensanctions.org/entities/Q1317/"
    assert ("deathDate", "2011-05-02") in osama.extra
    assert osama.remarks.endswith("sibling of Bakr bin Laden (Q428820)")


def test_ftm_entity_without_name_property_takes_its_caption() -> None:
    entries, _ = _parse_ftm(shared_path(f"{SAMPLE}/entities.ftm.json"))

    abdullah = next(e for e in entries if e.source_id == "Q60195440")

    assert abdullah.name == "Abdullah bin Bandar bin Abdulaziz Al Saud"
    assert abdullah.aliases == (
        "Prince Abdullah Bin Bandar Bin Abdulaziz Al Sa‘ud",
        "Abdullah bin Bandar Al Saud",
    )
    assert abdullah.original_script_names == ("عبدالله بن بندر بن عبدالعزيز آل سعود",)
    assert abdullah.dates_of_birth == ("1986-08-07",)  # a single string, not a list
    assert abdullah.countries == ("SA",)
    assert abdullah.categories == ("target",)
    assert abdullah.extra[:2] == (
        ("dataset", "sa_wiki_peps_v2"),
        ("position", "Minister of National Guard"),
    )
    assert abdullah.extra[-1] == ("first_seen", "2024-03-14T11:31:42")


def test_ftm_schema_prefixed_properties_are_read() -> None:
    entries, _ = _parse_ftm(shared_path(f"{SAMPLE}/entities.ftm.json"))

    ministry = next(e for e in entries if e.source_id == "Q6866094")

    assert ministry.type == EntityType.PERSON  # as published, though it is a ministry
    assert ministry.name == "Ministry of Defense Saudi Arabia"
    assert ministry.aliases == (
        "Ministry of Defense and Aviation and General Inspection",
        "Ministry of Defense and General Inspection",
        "Defense Agency",
        "Military Circle",
    )
    assert ministry.original_script_names == ("وزارة الدفاع",)
    assert ministry.countries == ("SA",)
    assert ministry.dates_of_birth == ("1744",)


def test_ftm_weak_aliases_stay_apart_and_empty_names_vanish() -> None:
    entries, _ = _parse_ftm(shared_path(f"{SAMPLE}/entities.ftm.json"))
    by_id = {e.source_id: e for e in entries}

    faisal = by_id["Q5431095"]
    sultana = by_id["Q76367273"]

    assert faisal.name == "Faisal bin Turki bin Nasser"
    assert faisal.aliases == ("Faisal", "Faisal bin Turki Al Saud")
    assert faisal.weak_aliases == ("Abu Turki", "Kayhalan")
    assert faisal.original_script_names == (
        "فيصل بن تركي بن ناصر آل سعود",
        "فيصل بن تركي بن ناصر بن عبد العزيز آل سعود",
        "كحيلان",
    )
    assert sultana.aliases == ()
    assert sultana.weak_aliases == ()  # weakAlias: [""]
    assert sultana.original_script_names == (
        "سلطانة بنت تركي السديري",
        "سلطانة بنت تركي بن أحمد بن محمد الأحمد بن السديري",
    )
    assert sultana.dates_of_birth == ("1940-01-01",)
    assert ("deathDate", "2011-07-30") in sultana.extra


def test_ftm_unreadable_birth_date_is_kept_in_extra() -> None:
    entries, _ = _parse_ftm(shared_path(f"{SAMPLE}/entities.ftm.json"))

    with_bad_dates = [e for e in entries if any(k == "birthDate" for k, _ in e.extra)]

    assert len(with_bad_dates) == 19
    assert all(e.dates_of_birth == () for e in with_bad_dates)


# --- FollowTheMoney JSON lines: folded facts and the index -------------------------------------


def test_ftm_sanctions_identifications_and_addresses_are_folded_in(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "entities.ftm.json",
        _line("ofac-id-1", "Passport", holder=["ofac-1"], number=["P123"], country=["ir"]),
        _line(
            "ofac-1",
            "Company",
            name=["Example Trading LLC"],
            alias=["Example Trading"],
            abbreviation=["ETL"],
            jurisdiction=["ir"],
            imoNumber=["IMO 1234567"],
            addressEntity=["addr-1"],
            topics=["sanction"],
        ),
        _line("addr-1", "Address", full=["1 Example Street, Tehran"], city=["Tehran"]),
        _line(
            "ofac-s-1",
            "Sanction",
            entity=["ofac-1"],
            programId=["US-IRAN"],
            listingDate=["2019-11-04"],
            authority=["OFAC"],
        ),
        _line("ofac-s-2", "Sanction", entity=["elsewhere"], programId=["US-IRAN"]),
    )

    entries, report = _parse_ftm(path)

    assert len(entries) == 1
    company = entries[0]
    assert company.type == EntityType.ORGANIZATION
    assert company.name == "Example Trading LLC"
    assert company.aliases == ("Example Trading",)
    assert company.weak_aliases == ("ETL",)
    assert company.countries == ("IR",)
    assert company.identifiers == (
        Identifier("imoNumber", "IMO 1234567"),
        Identifier("passportNumber", "P123", "IR"),
    )
    assert company.addresses == (Address("1 Example Street, Tehran", "Tehran"),)
    assert company.programs == ("US-IRAN",)
    assert company.listed_on == "2019-11-04"
    assert company.categories == ("target", "sanction")
    assert ("sanctionAuthority", "OFAC") in company.extra
    assert report.skipped == 4
    assert report.published == "2024-05-06"
    assert report.warnings == [
        "folded into the entities they name, not entries themselves: 2 Sanction, 1 Passport, "
        "1 Address",
        "sanctions or identifications name 1 entities that are not persons, organisations, "
        "vessels or aircraft of this file: those facts are left out",
    ]


def test_ftm_vessels_and_aircraft(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "entities.ftm.json",
        _line("v1", "Vessel", name=["SEA EXAMPLE"], flag=["pa"], imoNumber=["9187629"]),
        _line("a1", "Airplane", name=["EP-ABC"], serialNumber=["1234"]),
    )

    entries, _ = _parse_ftm(path)

    assert [(e.type, e.name, e.countries) for e in entries] == [
        (EntityType.VESSEL, "SEA EXAMPLE", ("PA",)),
        (EntityType.AIRCRAFT, "EP-ABC", ()),
    ]


def test_ftm_index_that_lists_this_file_gives_the_date(tmp_path: Path) -> None:
    path = _write(tmp_path / "entities.ftm.json", _line("p1", "Person", name=["Jane Example"]))
    data = path.read_bytes()
    index = {
        "name": "test",
        "updated_at": "2024-06-01T10:00:00",
        "target_count": 1,
        "resources": [
            {
                "path": "entities.ftm.json",
                "size": len(data),
                "checksum": hashlib.sha1(data).hexdigest(),  # noqa: S324 -- as OpenSanctions
            }
        ],
    }
    (tmp_path / "index.json").write_text(json.dumps(index), encoding="utf-8")

    _entries, report = _parse_ftm(path)

    assert report.published == "2024-06-01"
    assert report.warnings == []


def test_ftm_unreadable_index_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path / "entities.ftm.json", _line("p1", "Person", name=["Jane Example"]))
    (tmp_path / "index.json").write_text("{not json", encoding="utf-8")

    _entries, report = _parse_ftm(path)

    assert report.published == "2024-05-06"
    assert report.warnings[0].startswith(f"{tmp_path / 'index.json'} ignored: Expecting")


# --- FollowTheMoney JSON lines: bad input ------------------------------------------------------


def test_ftm_bad_json_line_is_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "entities.ftm.json",
        _line("p1", "Person", name=["Jane Example"]),
        _line("p2", "Person", name=["John Example"]),
        '{"id": "p3", "schema": "Person", "properties": {"name": ["Cut off',
    )

    with pytest.raises(SourceFormatError, match=r"entities\.ftm\.json:3: not valid JSON"):
        _parse_ftm(path)


def test_ftm_bad_json_in_a_sanction_line_is_named_before_anything_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.ftm.json", '{"id": "s1", "schema": "Sanction", "properties": {')

    with pytest.raises(SourceFormatError, match=r"x\.ftm\.json:1: not valid JSON"):
        _parse_ftm(path)


def test_ftm_entity_without_id_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "entities.ftm.json",
        _line("p1", "Person", name=["Jane Example"]),
        '{"schema": "Person", "properties": {"name": ["No Id"]}}',
    )

    with pytest.raises(SourceFormatError, match=r"entities\.ftm\.json:2: entity without an 'id'"):
        _parse_ftm(path)


def test_ftm_entity_without_schema_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "entities.ftm.json", '{"id": "p1", "properties": {"name": ["X"]}}')

    with pytest.raises(SourceFormatError, match=r":1: entity 'p1' without a 'schema'"):
        _parse_ftm(path)


def test_ftm_person_without_any_name_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "entities.ftm.json", _line("p1", "Person", birthDate=["1970"]))

    with pytest.raises(SourceFormatError, match=r":1: Person 'p1' has no name"):
        _parse_ftm(path)


def test_ftm_json_array_is_not_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(json.dumps([{"id": "p1", "schema": "Person"}]), encoding="utf-8")

    with pytest.raises(SourceFormatError, match=r":1: not a JSON object: FollowTheMoney files"):
        _parse_ftm(path)


def test_ftm_pretty_printed_json_is_not_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(json.dumps({"id": "p1", "schema": "Person"}, indent=2), encoding="utf-8")

    with pytest.raises(SourceFormatError, match=r"entities\.ftm\.json:1: not valid JSON"):
        _parse_ftm(path)


def test_ftm_nested_json_is_refused(tmp_path: Path) -> None:
    nested = shared_path(f"{SAMPLE}/targets.nested.json")

    with pytest.raises(SourceFormatError, match=r"targets\.nested\.json:1: entity nested in"):
        _parse_ftm(nested)


def test_ftm_latin1_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    good = _line("p1", "Person", name=["Jane Example"])
    path.write_bytes(f"{good}\n".encode() + '{"id": "p2", "caption": "José"}\n'.encode("latin-1"))

    with pytest.raises(SourceFormatError, match=r":2: not valid UTF-8 \(byte 0xe9\)"):
        _parse_ftm(path)


def test_ftm_utf16_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(codecs.BOM_UTF16_LE + _line("p1", "Person", name=["X"]).encode("utf-16-le"))

    with pytest.raises(
        SourceFormatError, match=r"entities\.ftm\.json: the file is UTF-16; save it as UTF-8"
    ):
        _parse_ftm(path)


def test_ftm_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"entities\.ftm\.json: the file is empty"):
        _parse_ftm(path)


def test_ftm_file_without_matchable_entities_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "entities.ftm.json", _line("f1", "Family", person=["p1"]))

    with pytest.raises(SourceFormatError, match=r"no person, organisation, vessel or aircraft"):
        _parse_ftm(path)


def test_ftm_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(b"PK\x03\x04 this is a zip, not JSON\n")

    with pytest.raises(SourceFormatError, match=r"entities\.ftm\.json:1: not valid JSON"):
        _parse_ftm(path)


# --- targets.simple.csv ------------------------------------------------------------------------


def test_simple_csv_sample_gives_five_targets_dated_by_its_index() -> None:
    entries, report = _parse_simple(shared_path(f"{SAMPLE}/targets.simple.csv"))

    assert [e.source_id for e in entries] == ["Q296771", "Q307152", "Q307185", "Q317948", "Q61589"]
    assert report.published == "2024-03-10"
    assert report.declared_count == 5
    assert report.skipped == 0
    assert report.warnings == []


def test_simple_csv_saad_hariri_field_by_field() -> None:
    entries, _ = _parse_simple(shared_path(f"{SAMPLE}/targets.simple.csv"))

    hariri = entries[0]

    assert hariri == Entry(
        source="opensanctions",
        source_id="Q296771",
        type=EntityType.PERSON,
        name="Saad Hariri",
        aliases=("Hariri", "Sa'd al-Din"),
        countries=("FR", "LB", "SA"),
        identifiers=(Identifier("identifier", "Q296771"),),
        dates_of_birth=("1970-04-18",),
        categories=("target",),
        source_url="https://www.opensanctions.org/entities/Q296771/",
        extra=(
            ("dataset", "Wikidata Politically Exposed Persons"),
            ("first_seen", "2024-03-10T15:36:30"),
        ),
    )


def test_simple_csv_sample_spot_checks() -> None:
    entries, _ = _parse_simple(shared_path(f"{SAMPLE}/targets.simple.csv"))
    by_id = {e.source_id: e for e in entries}

    assert by_id["Q307185"].name == "Abd al-Aziz"
    assert by_id["Q307185"].aliases == ("Sheikh Abdulaziz al-Sheikh",)
    assert by_id["Q307185"].dates_of_birth == ("1943-02-10",)
    assert by_id["Q61589"].name == "Saleh Al-Fawzan"
    assert by_id["Q61589"].aliases == ("Salih",)
    assert by_id["Q61589"].countries == ("SA",)


def test_simple_csv_without_index_dates_by_last_seen(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_text(
        "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,"
        "emails,dataset,first_seen,last_seen,last_change\n"
        "NK-1,Company,Example Shipping Co,Example Shipping;Пример,,kp,Pyongyang,IMO 1;REG 2,"
        '"US-OFAC; DPRK3",,,OFAC SDN,2020-01-01,2024-02-03T04:05:06,2021-01-01\n'
        "NK-2,CryptoWallet,0xabc,,,,,,,,,OFAC SDN,2020-01-01,2024-02-01,2021-01-01\n",
        encoding="utf-8",
    )

    entries, report = _parse_simple(path)

    assert len(entries) == 1
    assert entries[0].type == EntityType.ORGANIZATION
    assert entries[0].aliases == ("Example Shipping",)
    assert entries[0].original_script_names == ("Пример",)
    assert entries[0].countries == ("KP",)
    assert entries[0].addresses == (Address("Pyongyang"),)
    assert entries[0].identifiers == (
        Identifier("identifier", "IMO 1"),
        Identifier("identifier", "REG 2"),
    )
    assert entries[0].programs == ("US-OFAC", "DPRK3")
    assert report.published == "2024-02-03"
    assert report.skipped == 1
    assert report.declared_count is None
    assert report.warnings == [
        "1 entities left out, not persons, organisations, vessels or aircraft: 1 CryptoWallet"
    ]


def test_simple_csv_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_text("id,schema,name,aliases,birth_date,countries\nQ1,Person,X,,,\n")

    with pytest.raises(
        SourceFormatError,
        match=r"targets\.simple\.csv:1: missing column\(s\): addresses, identifiers, sanctions, "
        r"dataset",
    ):
        _parse_simple(path)


def test_simple_csv_short_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_text(
        "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,dataset\n"
        "Q1,Person,Jane Example,,,,,,,ds\n"
        "Q2,Person,John Exa\n"
    )

    with pytest.raises(SourceFormatError, match=r"csv:3: 3 fields where the header has 10"):
        _parse_simple(path)


def test_simple_csv_row_without_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_text(
        "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,dataset\n"
        "Q1,Person,,,,,,,,ds\n"
    )

    with pytest.raises(SourceFormatError, match=r"csv:2: Person 'Q1' has no name"):
        _parse_simple(path)


def test_simple_csv_latin1_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_bytes(
        b"id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,dataset\n"
        + "Q1,Person,José Example,,,,,,,ds\n".encode("latin-1")
    )

    with pytest.raises(SourceFormatError, match=r"csv:2: not valid UTF-8 \(byte 0xe9\)"):
        _parse_simple(path)


def test_simple_csv_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"targets\.simple\.csv: the file is empty"):
        _parse_simple(path)
