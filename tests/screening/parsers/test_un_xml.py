import time
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.un_xml import UN_URL, UnScXml

REAL = "data/un-sc/UN_consolidated.xml"

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-02T03:04:05.000Z">
<INDIVIDUALS>
{individuals}</INDIVIDUALS>
<ENTITIES/>
</CONSOLIDATED_LIST>
"""
PERSON = """<INDIVIDUAL>
<FIRST_NAME>JOSÉ</FIRST_NAME>
<SECOND_NAME>PÉREZ</SECOND_NAME>
<REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>
<INDIVIDUAL_ALIAS><QUALITY>{quality}</QUALITY><ALIAS_NAME>Pepe</ALIAS_NAME></INDIVIDUAL_ALIAS>
</INDIVIDUAL>
"""


def parse(path: Path) -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        UnScXml().parse({"main": path}, source="un-sc", report=report, limits=ParseLimits())
    )
    return entries, report


@cache
def _real() -> tuple[tuple[Entry, ...], ParseReport]:
    entries, report = parse(shared_path(REAL))
    return tuple(entries), report


def real_entry(ref: str) -> Entry:
    entries, _ = _real()
    return next(e for e in entries if e.source_id == ref)


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "bad.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def minimal(quality: str = "Good") -> str:
    return MINIMAL.format(individuals=PERSON.format(quality=quality))


def test_real_list_counts_and_publication_date() -> None:
    entries, report = _real()

    assert len(entries) == 1003
    assert Counter(e.type for e in entries) == {
        EntityType.PERSON: 730,
        EntityType.ORGANIZATION: 273,
    }
    assert len({e.source_id for e in entries}) == 1003
    assert report.published == "2026-02-27"
    assert report.declared_count is None
    assert report.skipped == 0
    assert report.warnings == [
        "LYi.022: date of birth '30-35 years old' cannot be read; kept in extra",
        "QDi.291: date of birth '24/06/1402 (Hijri Calendar)' cannot be read; kept in extra",
        "QDi.306: date of birth 'Between Aug. and Sep. 1977' cannot be read; kept in extra",
        f"{shared_path(REAL)}: 'former Soviet Union' is not a known country (1×); "
        "left out of countries",
    ]
    assert {e.source_url for e in entries} == {UN_URL}


def test_every_non_latin_original_script_name_is_kept() -> None:
    published = [
        (listed.findtext("REFERENCE_NUMBER", ""), node.text or "")
        for listed in etree.parse(shared_path(REAL)).iter("INDIVIDUAL", "ENTITY")
        for node in listed.iter("NAME_ORIGINAL_SCRIPT")
    ]
    scripts = Counter(
        unicodedata.name(next(ch for ch in text if ch.isalpha())).split()[0]
        for _, text in published
    )
    assert len(published) == 378
    assert scripts == {"ARABIC": 366, "CYRILLIC": 11, "LATIN": 1}

    for ref, text in published:
        entry = real_entry(ref)
        if ref == "QDe.164":  # the one Latin "original script" repeats the primary name
            assert text not in entry.original_script_names
            assert entry.name == text
        else:
            assert " ".join(text.split()) in entry.original_script_names


def test_original_script_names_include_those_quoted_in_aliases() -> None:
    entries, _ = _real()
    found = Counter(
        unicodedata.name(next(ch for ch in name if ch.isalpha())).split()[0]
        for e in entries
        for name in e.original_script_names
    )

    assert found == {"ARABIC": 391, "CYRILLIC": 20, "CJK": 5}


def test_individual_with_strong_aliases_and_address_note() -> None:
    entry = real_entry("CDi.002")

    assert entry.type is EntityType.PERSON
    assert entry.name == "FRANK KAKOLELE BWAMBALE"
    assert entry.aliases == ("FRANK KAKORERE", "FRANK KAKORERE BWAMBALE", "AIGLE BLANC")
    assert entry.weak_aliases == ()
    assert entry.countries == ("CD",)
    assert entry.addresses == (
        Address("Kinshasa, Democratic Republic of the Congo (as of June 2016)", "Kinshasa", "CD"),
    )
    assert entry.dates_of_birth == ()
    assert entry.programs == ("DRC", "CD")
    assert entry.listed_on == "2005-11-01"
    assert entry.remarks.startswith(
        "Left the CNDP in January 2008. As of June 2011, resides in Kinshasa. Since 2010, "
        "Kakolele has been involved"
    )
    assert entry.extra == (("designation", "FARDC General"), ("gender", "Male"))


def test_low_quality_alias_is_weak() -> None:
    entry = real_entry("CDi.003")

    assert entry.name == "GASTON IYAMUREMYE"
    assert entry.aliases == ("Byiringiro Victor Rumuli", "Victor Rumuri", "Michel Byiringiro")
    assert entry.weak_aliases == ("Rumuli",)
    assert entry.countries == ("RW", "CD")
    assert entry.dates_of_birth == ("1948",)
    assert entry.extra == (
        ("designation", "FDLR Interim President"),
        ("designation", "FDLR-FOCA 1st Vice-President"),
        ("designation", "FDLR-FOCA Major General"),
        ("gender", "Male"),
        ("place_of_birth", "Musanze District, Northern Province, Rwanda"),
        ("place_of_birth", "Ruhengeri, Rwanda"),
    )


def test_birth_month_given_only_in_a_note() -> None:
    entry = real_entry("CDi.004")

    assert entry.dates_of_birth == ("1973-11",)
    assert entry.aliases == ("Colonel Innocent KAINA",)
    assert entry.weak_aliases == ("India Queen",)
    assert entry.countries == ("UG",)


def test_mixed_script_alias_and_passport() -> None:
    entry = real_entry("KPi.035")

    assert entry.name == "KIM CHOL SAM"
    assert entry.aliases == ("Jin Tiesan (金铁三)",)
    assert entry.original_script_names == ("金铁三",)
    assert entry.identifiers == (Identifier("Passport", "645120378", "KP"),)
    assert entry.dates_of_birth == ("1971-03-11",)
    assert entry.countries == ("KP",)
    assert entry.remarks.startswith(
        "Kim Chol Sam is a representative for Daedong Credit Bank (DCB) who has been involved in "
        "managing transactions"
    )


def test_between_ranges_become_every_year() -> None:
    entry = real_entry("TAi.002")

    assert entry.dates_of_birth == (
        *("1955", "1956", "1957", "1958"),
        *("1945", "1946", "1947", "1948", "1949", "1950"),
    )
    assert ("date_of_birth_range", "1955/1958 (Approximately)") in entry.extra
    assert ("date_of_birth_range", "1945/1950 (Approximately)") in entry.extra
    assert entry.original_script_names == ("محمد حسن آخوند",)


def test_month_note_refines_a_birth_year() -> None:
    assert real_entry("QDi.395").dates_of_birth == ("1958-09",)


def test_unreadable_birth_date_is_kept_in_extra() -> None:
    entry = real_entry("QDi.291")

    assert ("date_of_birth", "24/06/1402 (Hijri Calendar)") in entry.extra


def test_document_without_number_is_kept_as_text() -> None:
    entry = real_entry("QDi.060")

    assert entry.identifiers == ()
    assert ("document", "National Identification Number: 04643632 issued on 18 Jun. 1999") in (
        entry.extra
    )


def test_entity_with_script_quoted_in_an_alias_note() -> None:
    entry = real_entry("QDe.157")

    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "AL-KAWTHAR MONEY EXCHANGE"
    assert entry.aliases == ("Al Kawthar Co.", "Al Kawthar Company", "Al-Kawthar Hawala")
    assert entry.original_script_names == ("شركة الكوثر",)
    assert entry.addresses == (Address("Al-Qaim, Al Anbar Province, Iraq", "Al-Qaim", "IQ"),)
    assert entry.countries == ("IQ",)
    assert entry.programs == ("Al-Qaida", "QD")
    assert entry.listed_on == "2018-03-06"
    assert entry.extra == (("alias_note", "Al Kawthar Co.: in Arabic script: شركة الكوثر"),)


def test_latin_original_script_name_is_not_an_original_script_name() -> None:
    entry = real_entry("QDe.164")

    assert entry.name == "JAMAAH ANSHARUT DAULAH"
    assert entry.original_script_names == ()
    assert entry.aliases == ("Jemaah Anshorut Daulah", "Jamaah Ansharut Daulat")


def test_recognised_by_content_not_name(tmp_path: Path) -> None:
    head = shared_path(REAL).read_bytes()[:65536]

    assert UnScXml.role_for(tmp_path / "renamed.bin", head) == "main"
    assert UnScXml.role_for(tmp_path / "consolidated.xml", b"<sdnList>") is None
    assert UnScXml.role_for(tmp_path / "consolidated.xml", b"name,type\n") is None


def test_hostile_prolog_is_not_recognised_and_costs_nothing(tmp_path: Path) -> None:
    head = b"<?a?>" * 13_000 + b"!"

    started = time.monotonic()
    assert UnScXml.role_for(tmp_path / "consolidated.xml", head) is None
    assert time.monotonic() - started < 1


def test_minimal_file_parses(tmp_path: Path) -> None:
    entries, report = parse(write(tmp_path, minimal()))

    assert entries == [
        Entry(
            source="un-sc",
            source_id="QDi.999",
            type=EntityType.PERSON,
            name="JOSÉ PÉREZ",
            aliases=("Pepe",),
            programs=("QD",),
            source_url=UN_URL,
        )
    ]
    assert report.published == "2026-01-02"
    assert report.warnings == []


def test_unknown_alias_quality_is_warned(tmp_path: Path) -> None:
    entries, report = parse(write(tmp_path, minimal(quality="Medium")))

    assert entries[0].aliases == ("Pepe",)
    assert report.warnings == [
        "QDi.999: alias 'Pepe' has an unknown quality 'Medium'; kept as strong"
    ]


def test_entry_without_reference_number(tmp_path: Path) -> None:
    path = write(tmp_path, minimal().replace("<REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>", ""))

    with pytest.raises(
        SourceFormatError, match=r"bad\.xml:4: an INDIVIDUAL without REFERENCE_NUMBER"
    ):
        parse(path)


def test_entry_without_name(tmp_path: Path) -> None:
    text = minimal().replace("<FIRST_NAME>JOSÉ</FIRST_NAME>", "").replace("PÉREZ", " ")

    with pytest.raises(SourceFormatError, match=r"bad\.xml:4: INDIVIDUAL QDi\.999 has no name"):
        parse(write(tmp_path, text))


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    text = MINIMAL.format(individuals=PERSON.format(quality="Good") * 2)
    cut = text[: text.rindex("<ALIAS_NAME>")]

    with pytest.raises(SourceFormatError, match=r"bad\.xml:\d+: malformed XML") as caught:
        parse(write(tmp_path, cut))
    assert caught.value.location == f"{tmp_path / 'bad.xml'}:14"


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    text = minimal().replace("<CONSOLIDATED_LIST", f"<!DOCTYPE l [{entities}]>\n<CONSOLIDATED_LIST")
    path = write(tmp_path, text.replace("JOSÉ", "&a9;"))

    started = time.monotonic()
    with pytest.raises(SourceFormatError, match="declares a DOCTYPE or entities"):
        parse(path)
    assert time.monotonic() - started < 1


def test_external_entity_is_refused(tmp_path: Path) -> None:
    doctype = '<!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    text = minimal().replace("<CONSOLIDATED_LIST", doctype + "<CONSOLIDATED_LIST")

    with pytest.raises(SourceFormatError, match="declares a DOCTYPE or entities"):
        parse(write(tmp_path, text.replace("JOSÉ", "&x;")))


def test_doctype_hidden_past_the_first_64_kib_is_refused(tmp_path: Path) -> None:
    padding = f"<!-- {'x' * 70_000} -->\n"
    doctype = '<!DOCTYPE l [<!ENTITY x "JOSÉ">]>\n'
    text = minimal().replace("<CONSOLIDATED_LIST", padding + doctype + "<CONSOLIDATED_LIST")

    with pytest.raises(SourceFormatError, match="no root element in the first 64 KiB"):
        parse(write(tmp_path, text.replace("JOSÉ", "&x;")))


def test_another_lists_xml_is_not_claimed_and_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<?xml version='1.0'?>\n<Designations><Designation/></Designations>\n")

    assert UnScXml.role_for(path, path.read_bytes()) is None
    with pytest.raises(SourceFormatError, match=r"bad\.xml: the root element is <Designations>"):
        parse(path)


def test_utf16_declared_as_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, minimal(), encoding="utf-16")

    with pytest.raises(SourceFormatError, match=r"bad\.xml: the file is UTF-16, but .* are UTF-8"):
        parse(path)


def test_latin1_bytes_declared_as_utf8_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, minimal(), encoding="latin-1")

    with pytest.raises(SourceFormatError, match=r"bad\.xml:5: malformed XML: Invalid bytes"):
        parse(path)


def test_declared_latin1_is_refused(tmp_path: Path) -> None:
    text = minimal().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')

    with pytest.raises(SourceFormatError, match="declares the encoding 'ISO-8859-1'"):
        parse(write(tmp_path, text, encoding="latin-1"))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"bad\.xml: the file is empty"):
        parse(write(tmp_path, ""))


def test_garbage(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"bad\.xml: not XML"):
        parse(write(tmp_path, "\x7fELF garbage, not a list"))


def test_list_without_entries(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="the list has no INDIVIDUAL or ENTITY"):
        parse(write(tmp_path, MINIMAL.format(individuals="")))


def test_one_alias_field_with_several_spellings_gives_each_alone(tmp_path: Path) -> None:
    """'Mortaza Rezaie; Morteza Rezai' is two aliases; read as one, any two words fall inside it."""
    person = PERSON.replace(
        "<ALIAS_NAME>Pepe</ALIAS_NAME>",
        "<ALIAS_NAME>Pepe Perez; Pepito Peres b) J. Peres</ALIAS_NAME>",
    )
    path = write(tmp_path, MINIMAL.format(individuals=person.format(quality="Good")))
    [entry], _ = parse(path)
    assert entry.aliases == ("Pepe Perez", "Pepito Peres", "J. Peres")


def test_no_real_alias_holds_two_names() -> None:
    entries, _ = _real()
    assert not [a for e in entries for a in e.all_names() if ";" in a]
    assert "Morteza Rezai" in real_entry("IRi.033").aliases
