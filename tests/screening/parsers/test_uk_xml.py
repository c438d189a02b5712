from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.uk_xml import UK_URL, UkSanctionsXml

REAL = "data/uk-sanctions-list/uk-sanctions-list.xml"

MINIMAL = """<?xml version="1.0" encoding="utf-8"?>
<Designations>
  <DateGenerated>{generated}</DateGenerated>
  <Designation>
    <DateDesignated>02/03/2024</DateDesignated>
    <UniqueID>RUS9999</UniqueID>
    <Names>
      <Name><Name1>José </Name1><Name6>PÉREZ </Name6><NameType>Primary name</NameType></Name>
      <Name><Name6>Pepe</Name6><NameType>Alias</NameType>{strength}</Name>
    </Names>
    <RegimeName>The Russia (Sanctions) (EU Exit) Regulations 2019</RegimeName>
    <IndividualEntityShip>{kind}</IndividualEntityShip>
  </Designation>
</Designations>
"""


def parse(path: Path) -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        UkSanctionsXml().parse(
            {"main": path}, source="uk-sanctions", report=report, limits=ParseLimits()
        )
    )
    return entries, report


@cache
def _real() -> tuple[tuple[Entry, ...], ParseReport]:
    entries, report = parse(shared_path(REAL))
    return tuple(entries), report


def real_entry(uid: str) -> Entry:
    entries, _ = _real()
    return next(e for e in entries if e.source_id == uid)


def minimal(*, generated: str = "07/09/2026", strength: str = "", kind: str = "Individual") -> str:
    return MINIMAL.format(generated=generated, strength=strength, kind=kind)


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "bad.xml"
    path.write_bytes(text.encode(encoding))
    return path


def test_real_list_counts_and_publication_date() -> None:
    entries, report = _real()

    assert len(entries) == 21
    assert Counter(e.type for e in entries) == {
        EntityType.PERSON: 14,
        EntityType.ORGANIZATION: 5,
        EntityType.VESSEL: 2,
    }
    assert report.published == "2026-09-07"
    assert report.declared_count is None
    assert report.warnings == [
        "BEL0174: a Name with no name parts (NameType 'Primary Name') left out",
        "RUS2701: date of birth '15/08/19yy' cannot be read; kept in extra",
    ]
    assert {e.source_url for e in entries} == {UK_URL}
    assert Counter(dict(e.extra).get("designation_source") for e in entries) == {
        "UN": 12,
        "UK": 8,
        "UK|UN": 1,
    }


def test_every_published_name_is_kept() -> None:
    tree = etree.parse(shared_path(REAL))
    rows = 0
    for designation in tree.iter("Designation"):
        entry = real_entry(designation.findtext("UniqueID", ""))
        names = {n.casefold() for n in (entry.name, *entry.aliases, *entry.weak_aliases)}
        for name in designation.iter("Name"):
            rows += 1
            parts = (name.findtext(f"Name{i}", "") for i in range(1, 7))
            text = " ".join(" ".join(parts).split())
            assert text == "" or text.casefold() in names
    assert rows == 95


def test_non_latin_names_sorted_by_their_script() -> None:
    entries, _ = _real()

    assert sum(len(e.original_script_names) for e in entries) == 17
    assert real_entry("GUB0009").aliases == ("Antonio Indjai", "António Injai", "António Indjai")
    assert real_entry("GUB0009").original_script_names == ()
    assert real_entry("RUS3379").aliases == (
        "Joint-stock Company SMK",
        "JSC SMK",
        "JSC STUPINO",
        'OAO "STUPINSKAYA METALLURGICHESKAYA KOMPANIYA"',
        "OAO CMK / AO CMK",
    )
    assert real_entry("RUS3379").original_script_names == ("Акционерное общество СМК",)


def test_entity_with_many_addresses() -> None:
    entry = real_entry("AFG0001")

    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE"
    assert len(entry.aliases) == 8
    assert entry.aliases[0] == "Haji Alim Hawala"
    assert entry.original_script_names == ("حاجی خيرالله و حاجی ستار صرافی",)
    assert entry.countries == ("AF", "AE", "IR")
    assert len(entry.addresses) == 16
    assert entry.addresses[0] == Address(
        "Ansari Market, 2nd Floor, Nimroz Province, Afghanistan", None, "AF"
    )
    assert entry.programs == ("The Afghanistan (Sanctions) (EU Exit) Regulations 2020",)
    assert entry.listed_on == "2012-06-29"
    assert entry.remarks.startswith("Afghan Money Service Provider License Number: 044.")
    assert entry.extra[:4] == (
        ("ofsi_group_id", "12703"),
        ("un_reference_number", "TAe.010"),
        ("designation_source", "UN"),
        ("sanction_imposed", "Asset freeze"),
    )


def test_unknown_day_and_month_lower_the_precision() -> None:
    assert real_entry("AFG0006").dates_of_birth == (
        *("1945", "1946", "1947", "1948", "1949", "1950"),
        *("1955", "1956", "1958", "1957"),
    )
    assert real_entry("RUS1683").dates_of_birth == ("1975",)
    assert real_entry("AQD0262").dates_of_birth == ("1958-09",)


def test_unknown_birth_year_is_kept_in_extra() -> None:
    entry = real_entry("RUS2701")

    assert entry.dates_of_birth == ()
    assert ("date_of_birth", "15/08/19yy") in entry.extra
    assert entry.addresses == (Address("Moscow, Russia", None, None),)


def test_second_primary_name_is_a_strong_alias() -> None:
    entry = real_entry("AFG0038")

    assert entry.name == "DIN MOHAMMAD HANIF"
    assert entry.aliases == (
        "IADENA MOHAMMAD",
        "IADENAMOHAMMAD NAZRI MOHAMMAD",
        "QARI DIN MOHAMMAD",
    )
    assert entry.dates_of_birth == ("1964-01-01", "1955")
    assert entry.identifiers == (Identifier("Passport", "D0009731"),)


def test_alias_strength_decides_weak_aliases() -> None:
    entry = real_entry("AQD0260")

    assert entry.aliases == (
        "Muhammad Jamal Abdu",
        "Muhammad Jamal Abdo Al Kashef",
        "Muhammad Jamal Abd-Al Rahim Al-Kashif",
        "Muhammad Jamal Abdo Al-Kashif",
        "Muhammad Jamal",
    )
    assert entry.weak_aliases == (
        "Muhammad Jamal Ahmad Abdu",
        "Muhammad Jamal Abduh",
        "Abu Ahmad",
        "Muhammad Jamal Abu Ahmad",
        "Mohammad Jamal Abdo Ahmed",
        "Abu Jamal",
        "Riyadh",
    )
    assert entry.identifiers == (Identifier("Passport", "6487"), Identifier("Passport", "388181"))
    assert (
        "passport_details",
        "Egypt issued in 1993, under name Muhammad Jamal Abd-Al Rahim Ahmad Al-Kashif",
    ) in entry.extra


def test_empty_primary_name_is_skipped() -> None:
    entry = real_entry("BEL0174")

    assert entry.name == "Pavel Ivanovich KAZAKOV"
    assert entry.aliases == ("Pavel Ivanavich KAZAKOU",)
    assert entry.original_script_names == ("Павел Іванавіч Казакоў", "Павел Иванович Казаков")
    assert entry.dates_of_birth == ("1977-06-11",)
    assert entry.listed_on == "2025-01-27"


def test_ship() -> None:
    entry = real_entry("DPR0075")

    assert entry.type is EntityType.VESSEL
    assert entry.name == "Petrel 8"
    assert entry.aliases == ("Jal Vahini", "Jal_Vahini", "Tian Tai 36")
    assert entry.identifiers == (Identifier("IMO", "9562233"),)
    assert entry.countries == ("KM",)
    assert entry.parent == "Global United Shipping India"
    assert entry.listed_on == "2017-10-03"
    assert entry.extra == (
        ("designation_source", "UN"),
        ("sanction_imposed", "Prohibition of port entry"),
        ("owner_operator", "Global United Shipping India"),
        ("previous_flag", "India"),
        ("type_of_ship", "Bulk Carrier"),
        ("tonnage", "7078"),
        ("length", "134.5"),
        ("year_built", "2011"),
    )


def test_designations_without_ofsi_group_id() -> None:
    entries, _ = _real()

    missing = [e.source_id for e in entries if "ofsi_group_id" not in dict(e.extra)]
    assert missing == ["DPR0075", "DPR0076", "RUS3379"]


def test_registration_numbers_packed_in_one_field() -> None:
    assert real_entry("GAC0072").identifiers == (
        Identifier("OGRN", "1247700291200"),
        Identifier("KPP", "770701001"),
        Identifier("INN", "9707028663"),
    )
    assert real_entry("RUS3379").identifiers == (
        Identifier("INN", "5045023416"),
        Identifier("OGRN", "1025005917551"),
    )


def test_recognised_by_content_not_name(tmp_path: Path) -> None:
    head = shared_path(REAL).read_bytes()[:65536]

    assert UkSanctionsXml.role_for(tmp_path / "download", head) == "main"
    ofsi_head = b'<?xml version="1.0"?>\n<ArrayOfFinancialSanctionsTarget>'
    assert UkSanctionsXml.role_for(tmp_path / "UK-Sanctions-List.xml", ofsi_head) is None


def test_minimal_file_parses(tmp_path: Path) -> None:
    entries, report = parse(
        write(tmp_path, minimal(strength="<AliasStrength>Low quality a.k.a</AliasStrength>"))
    )

    assert entries == [
        Entry(
            source="uk-sanctions",
            source_id="RUS9999",
            type=EntityType.PERSON,
            name="José PÉREZ",
            weak_aliases=("Pepe",),
            programs=("The Russia (Sanctions) (EU Exit) Regulations 2019",),
            listed_on="2024-03-02",
            source_url=UK_URL,
        )
    ]
    assert report.published == "2026-09-07"
    assert report.warnings == []


def test_unreadable_generation_date_is_warned(tmp_path: Path) -> None:
    _, report = parse(write(tmp_path, minimal(generated="sometime")))

    assert report.published is None
    assert report.warnings == [f"{tmp_path / 'bad.xml'}: DateGenerated 'sometime' cannot be read"]


def test_unknown_entity_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        SourceFormatError, match=r"bad\.xml:4: RUS9999: IndividualEntityShip 'Train'"
    ):
        parse(write(tmp_path, minimal(kind="Train")))


def test_designation_without_unique_id(tmp_path: Path) -> None:
    text = minimal().replace("<UniqueID>RUS9999</UniqueID>", "")

    with pytest.raises(SourceFormatError, match=r"bad\.xml:4: a Designation without UniqueID"):
        parse(write(tmp_path, text))


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    text = minimal()[: minimal().index("<RegimeName>")]

    with pytest.raises(SourceFormatError, match=r"bad\.xml:11: malformed XML"):
        parse(write(tmp_path, text))


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    text = minimal().replace("<Designations>", f"<!DOCTYPE d [{entities}]>\n<Designations>")

    with pytest.raises(SourceFormatError, match="declares a DOCTYPE or entities"):
        parse(write(tmp_path, text.replace("Pepe", "&a9;")))


def test_external_entity_is_refused(tmp_path: Path) -> None:
    doctype = '<!DOCTYPE d [<!ENTITY x SYSTEM "http://example.com/x">]>\n'
    text = minimal().replace("<Designations>", doctype + "<Designations>")

    with pytest.raises(SourceFormatError, match="declares a DOCTYPE or entities"):
        parse(write(tmp_path, text.replace("Pepe", "&x;")))


def test_un_list_is_not_claimed_and_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="x"/>')

    assert UkSanctionsXml.role_for(path, path.read_bytes()) is None
    with pytest.raises(SourceFormatError, match="the root element is <CONSOLIDATED_LIST>"):
        parse(path)


def test_utf16_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"the file is UTF-16, but .* are UTF-8"):
        parse(write(tmp_path, minimal(), encoding="utf-16"))


def test_latin1_bytes_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"bad\.xml:8: malformed XML: Invalid bytes"):
        parse(write(tmp_path, minimal(), encoding="latin-1"))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="the file is empty"):
        parse(write(tmp_path, ""))


def test_list_without_designations(tmp_path: Path) -> None:
    text = "<Designations><DateGenerated>07/09/2026</DateGenerated></Designations>"

    with pytest.raises(SourceFormatError, match="the list has no Designation"):
        parse(write(tmp_path, text))
