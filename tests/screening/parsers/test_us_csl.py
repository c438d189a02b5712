import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.us_csl import UsCslCsv, UsCslJson

CURRENT = "data/us-csl-samples/consolidated.csv"
OLDER = "data/us-csl-samples/csl.csv"
LIST_FIELDS = ("programs", "alt_names", "citizenships", "dates_of_birth", "nationalities")


def parse_csv(path: Path, report: ParseReport | None = None) -> list[Entry]:
    return list(
        UsCslCsv().parse(
            {"main": path},
            source="us-csl",
            report=report if report is not None else ParseReport(),
            limits=ParseLimits(),
        )
    )


def parse_json(path: Path, report: ParseReport | None = None) -> list[Entry]:
    return list(
        UsCslJson().parse(
            {"main": path},
            source="us-csl",
            report=report if report is not None else ParseReport(),
            limits=ParseLimits(),
        )
    )


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def json_result(row: dict[str, str]) -> dict[str, Any]:
    """A real consolidated.csv row in the shape of the trade.gov API's `results` items."""
    result: dict[str, Any] = {k: v or None for k, v in row.items() if k != "_id"}
    result["id"] = row["_id"]
    for key in LIST_FIELDS:
        result[key] = split(row[key])
    result["places_of_birth"] = split(row["places_of_birth"])
    result["addresses"] = []
    for text in filter(None, re.split(r";(?! and )", row["addresses"])):
        *rest, last = [p.strip() for p in text.split(",")]
        country = last if len(last) == 2 and last.isupper() else None
        parts = rest if country else [*rest, last]
        result["addresses"].append(
            {
                "address": ", ".join(parts),
                "city": None,
                "state": None,
                "postal_code": None,
                "country": country,
            }
        )
    result["ids"] = []
    for item in split(row["ids"]):
        parts = [p.strip() for p in item.split(",")]
        country = parts[-1] if len(parts) > 2 and len(parts[-1]) == 2 else None
        number = parts[1:-1] if country else parts[1:]
        result["ids"].append(
            {
                "type": parts[0],
                "number": ", ".join(number),
                "country": country,
                "issue_date": None,
                "expiration_date": None,
            }
        )
    return result


def write_json(tmp_path: Path, data: object, name: str = "consolidated.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def real_json(tmp_path: Path) -> Path:
    with shared_path(CURRENT).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    data = {
        "results": [json_result(row) for row in rows],
        "total": len(rows),
        "sources_used": [
            {
                "source": "Entity List (EL) - Bureau of Industry and Security",
                "source_last_updated": "2025-06-20T00:00:00+00:00",
                "last_imported": "2025-06-24T13:00:05+00:00",
            },
            {
                "source": "Specially Designated Nationals (SDN) - Treasury Department",
                "source_last_updated": "2025-06-23T00:00:00+00:00",
                "last_imported": "2025-06-25T01:00:03+00:00",
            },
        ],
    }
    return write_json(tmp_path, data)


def test_current_layout_counts() -> None:
    report = ParseReport()

    entries = parse_csv(shared_path(CURRENT), report)

    assert len(entries) == 13
    assert Counter(e.categories for e in entries) == {
        ("SSI",): 3,
        ("PLC",): 2,
        ("ISN",): 1,
        ("UVL",): 1,
        ("MEU",): 1,
        ("SDN",): 1,
        ("DTC",): 1,
        ("DPL",): 1,
        ("FSE",): 1,
        ("EL",): 1,
    }
    assert Counter(e.type for e in entries) == {
        EntityType.ORGANIZATION: 7,
        EntityType.PERSON: 6,
    }
    assert report == ParseReport()  # no date, no count, nothing odd


def test_current_layout_sdn_row_field_by_field() -> None:
    entry = {e.source_id: e for e in parse_csv(shared_path(CURRENT))}["52291"]

    assert entry.source == "us-csl"
    assert entry.type is EntityType.PERSON
    assert entry.name == "RIM, Ryong Nam"
    assert entry.aliases == ()
    assert entry.countries == ("KP", "CN")
    assert entry.addresses == (
        Address("Shenyang, CN", None, "CN"),
        Address("Pyongyang, KP", None, "KP"),
    )
    assert entry.identifiers == (Identifier("Passport", "836238033", "KP"),)
    assert entry.dates_of_birth == ("1978-12-05",)
    assert entry.programs == ("Specially Designated Nationals (SDN) - Treasury Department", "NPWMD")
    assert entry.categories == ("SDN",)
    assert entry.listed_on is None
    assert entry.source_url == "https://sanctionslist.ofac.treas.gov/Home/SdnList"
    assert entry.extra == (
        (
            "secondary_sanctions_risk",
            "North Korea Sanctions Regulations, sections 510.201 and 510.210",
        ),
        ("gender", "Male"),
        (
            "transactions_prohibited_for_persons_owned_or_controlled_by_u_s_financial_institutions",
            "North Korea Sanctions Regulations section 510.214",
        ),
        (
            "source_information_url",
            "https://home.treasury.gov/policy-issues/financial-sanctions/specially-designated-"
            "nationals-and-blocked-persons-list-sdn-human-readable-lists",
        ),
    )


def test_current_layout_entity_list_row() -> None:
    entry = next(e for e in parse_csv(shared_path(CURRENT)) if e.categories == ("EL",))

    assert entry.source_id == "99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be"
    assert entry.type is EntityType.ORGANIZATION
    assert (
        entry.name
        == "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    )
    assert entry.aliases == (
        "Hebei Semiconductor Research Institute",
        "HSRI",
        "Hebei Institute of Semiconductors",
        "Hebei Semiconductor Institute",
        "Hebei Semiconductor",
        "CETC Research Institute 13",  # published as "and CETC Research Institute 13"
    )
    # one published address object that lists three streets
    assert entry.addresses == (
        Address(
            "113 Hezuo Road, Shijiazhuang, Hebei, China; and 21 Changsheng Street, Shijiazhuang, "
            "Hebei, China; and 21 Changsheng Road, Shijiazhuang, Hebei, China, Shijiazhuang, "
            "Hebei Province, CN",
            None,
            "CN",
        ),
    )
    assert entry.countries == ("CN",)
    assert entry.listed_on == "2018-08-01"
    assert entry.extra[:2] == (
        ("entity_type", "not stated"),
        ("federal_register_notice", "83 FR 37423; 87 FR 77505"),
    )


def test_current_layout_denied_person_and_nonproliferation_rows() -> None:
    by_code = {e.categories[0]: e for e in parse_csv(shared_path(CURRENT))}

    dpl = by_code["DPL"]
    assert dpl.name == "I. ASH"
    assert dpl.type is EntityType.PERSON
    assert dpl.listed_on == "2002-03-04"
    assert dpl.remarks == "50 YEAR DENIAL"
    assert ("entity_type", "inferred from name") in dpl.extra
    assert ("end_date", "2056-06-29") in dpl.extra
    isn = by_code["ISN"]
    assert isn.name == (
        "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof"
    )
    assert isn.aliases == ("Sinobright Import and Export Company",)
    assert by_code["DTC"].type is EntityType.PERSON  # Cesareo Estanislao Benitez
    assert by_code["FSE"].countries == ("TR",)


def test_older_layout_counts_and_keys() -> None:
    report = ParseReport()

    entries = parse_csv(shared_path(OLDER), report)

    assert len(entries) == 115
    assert len({e.source_id for e in entries}) == 115
    assert Counter(e.categories[0] for e in entries) == {
        "SDN": 28,
        "SSI": 26,
        "EL": 22,
        "PLC": 13,
        "DTC": 10,
        "DPL": 8,
        "UVL": 4,
        "ISN": 3,
        "CAP": 1,
    }
    keyed = [e.source_id for e in entries if not e.source_id.isdigit()]
    assert len(keyed) == 47
    assert all(re.fullmatch(r"h-[0-9a-f]{12}(-[2-9])?", k) for k in keyed)
    by_name = {e.name: e.source_id for e in entries}
    assert by_name["Guangdong University of Technology"] == "h-ca148661cfd4"


def test_older_layout_same_name_listed_five_times() -> None:
    entries = [e for e in parse_csv(shared_path(OLDER)) if e.name == "Gunther Migeotte"]

    assert [e.source_id for e in entries] == [
        "h-63d3c964f7dd",
        "h-63d3c964f7dd-2",
        "h-63d3c964f7dd-3",
        "h-63d3c964f7dd-4",
        "h-63d3c964f7dd-5",
    ]
    assert [e.listed_on for e in entries] == [
        "2010-06-28",
        "2010-07-01",
        "2010-06-30",
        "2010-06-28",
        "2010-06-29",
    ]


def test_older_layout_writes_ids_country_first() -> None:
    by_id = {e.source_id: e for e in parse_csv(shared_path(OLDER))}

    assert by_id["20264"].identifiers == (Identifier("Tax ID No.", "80-0890696", "US"),)
    assert by_id["23156"].type is EntityType.VESSEL
    assert by_id["23156"].identifiers == (
        Identifier("Vessel Registration Identification", "IMO 8898831", None),
    )
    assert ("vessel_flag", "Democratic People's Republic of Korea") in by_id["23156"].extra
    assert by_id["27304"].extra[:3] == (
        ("vessel_type", "Crude Oil Tanker"),
        ("vessel_flag", "Iran"),
        ("former_vessel_flag", "Panama"),
    )
    assert by_id["9696"].dates_of_birth == ("1965",)
    assert by_id["9696"].aliases == ("ABDEL JAWAD, Nasir Abdullah Odeh",)


def test_older_layout_windows_1252_punctuation_is_repaired_with_a_warning() -> None:
    path = shared_path(OLDER)
    report = ParseReport()

    entries = parse_csv(path, report)

    names = [e.name for e in entries if e.name.startswith("Gui")]
    assert "Gui’an New District Huawei Investment Co., Ltd., Guiyang, Guizhou" in names
    leib = next(e for e in entries if e.name == "A. Leib Ltd.")
    assert leib.addresses == (Address("HA’Assif 19, Binyamina, IL", None, "IL"),)
    assert report.warnings == [
        f"{path}:16: addresses: control characters read as Windows-1252: "
        "'HA’Assif 19, Binyamina, IL'",
        f"{path}:97: name: control characters read as Windows-1252: "
        "'Gui’an New District Huawei Investment Co., Ltd., Guiyang, Guizhou'",
    ]


def test_key_survives_other_rows_being_dropped(tmp_path: Path) -> None:
    real = shared_path(OLDER).read_text(encoding="utf-8").splitlines(keepends=True)
    full = {e.name: e.source_id for e in parse_csv(shared_path(OLDER))}
    path = tmp_path / "csl.csv"
    path.write_text(real[0] + real[7], encoding="utf-8")  # 3K Aviation, Entity List

    [entry] = parse_csv(path)

    assert entry.source_id == full["3K Aviation Consulting and Logistics"]


def test_role_for_csv_layouts() -> None:
    for relative in (CURRENT, OLDER):
        path = shared_path(relative)
        assert UsCslCsv.role_for(path, path.read_bytes()[:65536]) == "main"
        assert UsCslJson.role_for(path, path.read_bytes()[:65536]) is None
    dpl = shared_path("data/bis-dpl/dpl.txt")
    assert UsCslCsv.role_for(dpl, dpl.read_bytes()[:65536]) is None


def test_json_of_real_rows_gives_the_csv_entries(tmp_path: Path) -> None:
    path = real_json(tmp_path)
    report = ParseReport()

    from_json = parse_json(path, report)

    assert from_json == parse_csv(shared_path(CURRENT))
    assert report.declared_count == 13
    assert report.published == "2025-06-25"
    assert report.warnings == []
    assert UsCslJson.role_for(path, path.read_bytes()[:65536]) == "main"
    assert UsCslCsv.role_for(path, path.read_bytes()[:65536]) is None


def test_json_structured_address_keeps_its_city(tmp_path: Path) -> None:
    result = {
        "id": "1",
        "source": "Entity List (EL) - Bureau of Industry and Security",
        "name": "Example Institute",
        "addresses": [
            {
                "address": "1 Road",
                "city": "Harbin",
                "state": "Heilongjiang",
                "postal_code": "150001",
                "country": "CN",
            }
        ],
        "ids": [{"type": "Digital Currency Address - XBT", "number": "1Abc", "country": None}],
    }
    path = write_json(tmp_path, {"results": [result], "total": 1})

    [entry] = parse_json(path)

    assert entry.addresses == (Address("1 Road, Harbin, Heilongjiang, 150001, CN", "Harbin", "CN"),)
    assert entry.identifiers == (Identifier("Digital Currency Address - XBT", "1Abc", None),)


def test_json_without_ids_gets_stable_keys(tmp_path: Path) -> None:
    result = {
        "source": "ITAR Debarred (DTC) - State Department",
        "name": "A & C International Trade, Inc.",
    }
    path = write_json(tmp_path, {"results": [result, dict(result)]})

    entries = parse_json(path)

    assert [e.source_id for e in entries] == ["h-33bd3308c302", "h-33bd3308c302-2"]
    assert entries[0].type is EntityType.ORGANIZATION


def test_json_one_page_of_the_api_is_refused(tmp_path: Path) -> None:
    result = {"id": "1", "source": "Capta List (CAP) - Treasury Department", "name": "X BANK"}
    path = write_json(tmp_path, {"results": [result], "total": 50})

    with pytest.raises(
        SourceFormatError, match=r"consolidated\.json: holds 1 of the 50 results it declares"
    ):
        parse_json(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            [],
            r"consolidated\.json: not a Consolidated Screening List: expected an object with a "
            r'"results" list',
        ),
        ({"results": {}}, r"consolidated\.json: not a Consolidated Screening List"),
        ({"results": [], "total": "13"}, r"consolidated\.json: total: not a count: '13'"),
        ({"results": ["x"]}, r"consolidated\.json: results\[0\]: a result that is not an object"),
        ({"results": [{"source": "SDN", "name": ""}]}, r"results\[0\]: an entry without a name"),
        ({"results": [{"name": "X"}]}, r"results\[0\]: an entry without its source list"),
        (
            {"results": [{"source": "SDN", "name": "X", "alt_names": "Y; Z"}]},
            r"results\[0\]\.alt_names: expected a list",
        ),
        (
            {"results": [{"source": "SDN", "name": "X", "addresses": ["Moscow"]}]},
            r"results\[0\]\.addresses: expected a list of objects",
        ),
        (
            {"results": [{"source": "SDN", "name": ["X"]}]},
            r"results\[0\]\.name: expected text or a number",
        ),
    ],
)
def test_json_not_of_the_shape_is_refused(tmp_path: Path, data: object, message: str) -> None:
    path = write_json(tmp_path, data)

    with pytest.raises(SourceFormatError, match=message):
        parse_json(path)


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.json"
    path.write_text('{"results": [\n {"name": "X",\n', encoding="utf-8")

    with pytest.raises(SourceFormatError, match=r"consolidated\.json:3: malformed JSON: Expecting"):
        parse_json(path)


def test_json_in_latin1_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.json"
    path.write_bytes('{"results": [\n{"name": "Société"}]}'.encode("latin-1"))

    with pytest.raises(
        SourceFormatError, match=r"consolidated\.json:2: not valid UTF-8 \(byte 0xe9\)"
    ):
        parse_json(path)


def test_empty_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.json"
    path.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"consolidated\.json: the file is empty"):
        parse_json(path)


def test_csv_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_text("_id,source,name\n1,SDN,X\n", encoding="utf-8")

    with pytest.raises(
        SourceFormatError, match=r"consolidated\.csv:1: missing column\(s\): entity_number, type, "
    ):
        parse_csv(path)


def test_csv_row_cut_short_is_refused(tmp_path: Path) -> None:
    real = shared_path(CURRENT).read_text(encoding="utf-8")
    path = tmp_path / "consolidated.csv"
    cut = real.index('"Evren KAYAKIRAN"')
    path.write_text(real[:cut] + "\n", encoding="utf-8")

    with pytest.raises(
        SourceFormatError, match=r"consolidated\.csv:\d+: expected 29 fields, found"
    ):
        parse_csv(path)


def test_csv_cut_inside_a_quoted_last_field_is_refused(tmp_path: Path) -> None:
    real = shared_path(CURRENT).read_text(encoding="utf-8")
    cut = real.index("Passport, 836238033")
    path = tmp_path / "consolidated.csv"
    path.write_text(real[:cut] + "\n", encoding="utf-8")

    with pytest.raises(
        SourceFormatError, match=r"consolidated\.csv:6: the file ends inside a quoted field"
    ):
        parse_csv(path)


def test_csv_in_latin1_is_refused(tmp_path: Path) -> None:
    real = shared_path(OLDER).read_text(encoding="utf-8")
    path = tmp_path / "csl.csv"
    path.write_bytes(real.replace("\x92", "’").encode("cp1252"))

    with pytest.raises(SourceFormatError, match=r"csl\.csv:7: not valid UTF-8 \(byte 0xa7\)"):
        parse_csv(path)


def test_csv_entry_without_name_is_refused(tmp_path: Path) -> None:
    real = shared_path(CURRENT).read_text(encoding="utf-8")
    path = tmp_path / "consolidated.csv"
    path.write_text(real.replace('"Atlas Sanatgaran"', '""'), encoding="utf-8")

    with pytest.raises(SourceFormatError, match=r"consolidated\.csv:3: an entry without a name"):
        parse_csv(path)


def test_empty_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"consolidated\.csv: the file is empty"):
        parse_csv(path)
