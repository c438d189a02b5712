import csv
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.ofac_xml import FORMATS, OfacXml

CONS_XML = "data/ofac-consolidated/ofac.xml"


def parse(path: Path, source: str = "ofac-cons") -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        OfacXml().parse({"main": path}, source=source, report=report, limits=ParseLimits())
    )
    return entries, report


@cache
def consolidated() -> tuple[list[Entry], ParseReport]:
    return parse(shared_path(CONS_XML))


def by_id(entries: list[Entry]) -> dict[str, Entry]:
    return {entry.source_id: entry for entry in entries}


def head(path: Path) -> bytes:
    return path.read_bytes()[:65536]


# --- the real file ----------------------------------------------------------------------------


def test_consolidated_xml_counts_and_header() -> None:
    entries, report = consolidated()

    assert len(entries) == 442
    assert report.declared_count == 442 == len(entries)
    assert report.published == "2026-01-08"  # Publish_Date 01/08/2026 is month first
    assert Counter(e.type for e in entries) == {
        EntityType.ORGANIZATION: 363,
        EntityType.PERSON: 79,
    }
    # 1,072 strong akas; one of 18282's repeats its primary name and is not repeated here
    assert sum(len(e.aliases) for e in entries) == 1_071
    assert sum(len(e.weak_aliases) for e in entries) == 72
    assert report.warnings == []
    assert report.skipped == 0


def test_names_are_written_as_the_csv_writes_them() -> None:
    entries, _ = consolidated()
    with shared_path("data/ofac-consolidated/cons_prim.csv").open(newline="") as fh:
        csv_names = {row[0]: row[1] for row in csv.reader(fh) if len(row) > 1}

    assert {e.source_id: e.name for e in entries} == csv_names


def test_person_entry() -> None:
    entries, _ = consolidated()

    haniya = by_id(entries)["9639"]

    assert haniya.name == "HANIYA, Ismail Abdul Salah"
    assert haniya.type is EntityType.PERSON
    assert haniya.aliases == ("HANIYA, Ismail", "HANIYYA, Ismaeel")
    assert haniya.weak_aliases == ()
    assert haniya.dates_of_birth == ("1962",)
    assert haniya.programs == ("NS-PLC",)
    assert haniya.extra == (("place_of_birth", "Shati"),)
    assert haniya.source_url == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=9639"


def test_address_is_worded_like_the_csv() -> None:
    entries, _ = consolidated()

    nuaman = by_id(entries)["9642"]

    assert nuaman.addresses == (Address("Hebron, West Bank, Palestinian", "Hebron", "PS"),)
    assert nuaman.countries == ("PS",)


def test_entity_with_weak_alias_identifiers_and_facts() -> None:
    entries, _ = consolidated()

    bank = by_id(entries)["17014"]

    assert bank.name == "JOINT STOCK COMPANY RUSSIAN AGRICULTURAL BANK"
    assert bank.type is EntityType.ORGANIZATION
    assert bank.weak_aliases == ("RUSAG",)
    assert bank.aliases == (
        "RUSSIAN AGRICULTURAL BANK",
        "RUSSIAN AGRICULTURAL BANK OPEN JOINT STOCK COMPANY",
        "ROSSELKHOZBANK",
        "RUSSIAN AGRICULTURAL BANK OJSC",
    )
    assert bank.identifiers == (
        Identifier("Registration Number", "1027700342890", "RU"),
        Identifier("Government Gazette Number", "52750822", "RU"),
        Identifier("SWIFT/BIC", "RUAGRUMM"),
        Identifier("Website", "http://www.rshb.ru"),
    )
    assert ("Listing Date (EO 14024 Directive 3)", "24 Feb 2022") in bank.extra
    assert bank.addresses[0] == Address(
        "3, Gagarinsky Pereulok, Moscow 119034, Russia", "Moscow", "RU"
    )


def test_country_written_inside_the_id_number_is_split_off() -> None:
    entries, _ = consolidated()

    novatek = by_id(entries)["17064"]

    # <idNumber>1026303117642 (Russia)</idNumber> with no <idCountry>
    assert Identifier("Registration ID", "1026303117642", "RU") in novatek.identifiers


# --- recognising the file ---------------------------------------------------------------------


def test_role_and_source_from_name() -> None:
    path = shared_path(CONS_XML)

    assert OfacXml.role_for(path, head(path)) == "main"
    assert OfacXml.source_for(path, head(path)) == "ofac-cons"
    assert OfacXml.source_for(Path("sdn.xml"), head(path)) == "ofac-sdn"
    assert OfacXml.source_for(Path("consolidated.xml"), head(path)) == "ofac-cons"


@pytest.mark.parametrize(
    "relative",
    [
        "data/un-sc/UN_consolidated.xml",
        "data/eu-fsf/fsf.xml",
        "data/uk-sanctions-list/uk-sanctions-list.xml",
        "data/ofac-consolidated/cons_prim.csv",
    ],
)
def test_other_files_are_not_claimed(relative: str) -> None:
    path = shared_path(relative)

    assert OfacXml.role_for(path, head(path)) is None


# --- small files --------------------------------------------------------------------------

OLD_NS = "http://tempuri.org/sdnList.xsd"

VESSEL = """
  <sdnEntry>
    <uid>15036</uid>
    <lastName>ARTAVIL</lastName>
    <sdnType>Vessel</sdnType>
    <programList><program>IRAN</program></programList>
    <idList>
      <id><uid>1</uid><idType>Vessel Registration Identification</idType>
          <idNumber>IMO 9187629</idNumber></id>
      <id><uid>2</uid><idType>MMSI</idType><idNumber>572469210</idNumber></id>
      <id><uid>3</uid><idType>Gender</idType><idNumber>Male</idNumber></id>
    </idList>
    <akaList>
      <aka><uid>4</uid><type>f.k.a.</type><category>weak</category><lastName>ALPHA</lastName></aka>
      <aka><uid>5</uid><type>f.k.a.</type><category>strong</category>
           <lastName>ARTAVIL ONE</lastName></aka>
    </akaList>
    <vesselInfo>
      <callSign>T2EU4</callSign>
      <vesselType>Crude/Oil Products Tanker</vesselType>
      <vesselFlag>Iran</vesselFlag>
      <tonnage>99,144</tonnage>
      <grossRegisteredTonnage>56,068</grossRegisteredTonnage>
    </vesselInfo>
    <remarks>(Linked To: NATIONAL IRANIAN TANKER COMPANY)</remarks>
  </sdnEntry>"""

PERSON = """
  <sdnEntry>
    <uid>7846</uid>
    <firstName>Abid Hamid  Mahmud</firstName>
    <lastName>AL-TIKRITI</lastName>
    <sdnType>Individual</sdnType>
    <programList><program>IRAQ2</program></programList>
    <idList><id><uid>6</uid><idType>Passport</idType><idNumber>A1</idNumber>
      <idCountry>Iraq</idCountry></id></idList>
    <nationalityList><nationality><uid>7</uid><country>Iraq</country></nationality>
    </nationalityList>
    <dateOfBirthList>
      <dateOfBirthItem><uid>8</uid><dateOfBirth>circa 1957</dateOfBirth></dateOfBirthItem>
      <dateOfBirthItem><uid>9</uid><dateOfBirth>1960 to 1962</dateOfBirth></dateOfBirthItem>
    </dateOfBirthList>
    <placeOfBirthList><placeOfBirthItem><uid>10</uid>
      <placeOfBirth>al-Awja, near Tikrit, Iraq</placeOfBirth></placeOfBirthItem>
    </placeOfBirthList>
  </sdnEntry>"""


def sdn_list(entries: str, *, count: int = 2, ns: str = OLD_NS, root: str = "sdnList") -> str:
    return (
        f'<?xml version="1.0" standalone="yes"?>\n<{root} xmlns="{ns}">\n'
        f"  <publshInformation><Publish_Date>05/01/2024</Publish_Date>"
        f"<Record_Count>{count}</Record_Count></publshInformation>{entries}\n</{root}>\n"
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_older_namespace_vessel_and_person(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.xml", sdn_list(VESSEL + PERSON))

    (vessel, person), report = parse(path, source=OfacXml.source_for(path, head(path)))

    assert report.published == "2024-05-01"
    assert report.declared_count == 2
    assert vessel.source == "ofac-sdn"
    assert vessel.type is EntityType.VESSEL
    assert vessel.identifiers == (
        Identifier("Call Sign", "T2EU4"),
        Identifier("IMO", "9187629"),
        Identifier("MMSI", "572469210"),
    )
    assert vessel.aliases == ("ARTAVIL ONE",)
    assert vessel.weak_aliases == ("ALPHA",)
    assert vessel.countries == ("IR",)
    assert vessel.extra == (
        ("vessel_type", "Crude/Oil Products Tanker"),
        ("tonnage", "99,144"),
        ("gross_registered_tonnage", "56,068"),
        ("vessel_flag", "Iran"),
        ("fka", "ARTAVIL ONE"),
        ("gender", "Male"),
        ("linked_to", "NATIONAL IRANIAN TANKER COMPANY"),
    )
    assert person.name == "AL-TIKRITI, Abid Hamid Mahmud"
    assert person.dates_of_birth == ("1957", "1960", "1961", "1962")
    assert person.identifiers == (Identifier("Passport", "A1", "IQ"),)
    assert person.countries == ("IQ",)
    assert person.extra == (
        ("nationality", "Iraq"),
        ("place_of_birth", "al-Awja, near Tikrit, Iraq"),
    )


def test_truncated_xml_names_the_line(tmp_path: Path) -> None:
    text = sdn_list(VESSEL + PERSON)
    cut = text[: text.index("<dateOfBirthList>")]
    path = write(tmp_path / "sdn.xml", cut)
    last_line = cut.count("\n") + 1

    with pytest.raises(SourceFormatError, match=rf"sdn\.xml:{last_line}: malformed XML: "):
        parse(path)


def test_mismatched_tag_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.xml", sdn_list(VESSEL.replace("</sdnType>", "</sdnTyp>")))

    with pytest.raises(
        SourceFormatError,
        match=r"sdn\.xml:7: malformed XML: Opening and ending tag mismatch: sdnType",
    ):
        parse(path)


def test_doctype_with_entities_is_refused(tmp_path: Path) -> None:
    text = sdn_list(VESSEL.replace("ARTAVIL<", "&boom;<"), count=1).replace(
        "\n<sdnList",
        '\n<!DOCTYPE sdnList [<!ENTITY boom "BOOM"><!ENTITY a "&boom;&boom;">]>\n<sdnList',
    )
    path = write(tmp_path / "sdn.xml", text)

    assert OfacXml.role_for(path, head(path)) == "main"  # claimed, so the refusal is explicit
    with pytest.raises(SourceFormatError, match=r"sdn\.xml: the XML declares a DOCTYPE"):
        parse(path)


def test_wrong_root_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.xml", sdn_list(VESSEL, root="Sanctions"))

    assert OfacXml.role_for(path, head(path)) is None
    with pytest.raises(SourceFormatError, match=r"sdn\.xml: the root element is <Sanctions>"):
        parse(path)


def test_entry_without_uid(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.xml", sdn_list(VESSEL.replace("<uid>15036</uid>", "")))

    with pytest.raises(SourceFormatError, match=r"sdn\.xml:4: sdnEntry without a numeric uid"):
        parse(path)


def test_entry_without_name(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sdn.xml", sdn_list(VESSEL.replace("ARTAVIL</lastName>", "</lastName>"))
    )

    with pytest.raises(SourceFormatError, match=r"sdn\.xml:4: sdnEntry 15036 has no name"):
        parse(path)


def test_unknown_sdn_type(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.xml", sdn_list(VESSEL.replace(">Vessel<", ">Submarine<")))

    with pytest.raises(SourceFormatError, match=r"sdn\.xml:4: sdnEntry 15036 has unknown sdnType"):
        parse(path)


def test_bad_record_count(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.xml", sdn_list(VESSEL).replace(">2<", ">two<"))

    with pytest.raises(SourceFormatError, match=r"sdn\.xml:3: Record_Count 'two' is not a number"):
        parse(path)


def test_list_without_entries(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.xml", sdn_list("", count=0))

    with pytest.raises(SourceFormatError, match=r"sdn\.xml: no sdnEntry"):
        parse(path)


def test_latin1_bytes_in_a_utf8_document(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(sdn_list(PERSON.replace("Mahmud", "Mahm\xfbd")).encode("latin-1"))

    with pytest.raises(
        SourceFormatError, match=r"sdn\.xml:\d+: malformed XML: Invalid bytes in character encoding"
    ):
        parse(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"sdn\.xml: the file is empty"):
        parse(path)


def test_garbage(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(b"\x00\x01 not xml at all")

    assert OfacXml.role_for(path, head(path)) is None
    with pytest.raises(SourceFormatError, match=r"sdn\.xml:1: malformed XML"):
        parse(path)


def test_module_registers_the_format() -> None:
    registered = FORMATS

    assert registered == (OfacXml,)
