from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.eu_xml import EU_LIST_URL, EU_NAMESPACE, EuFsfXml

REAL = "data/eu-fsf/fsf.xml"

MINIMAL = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-08-05T16:47:04.449+02:00">
    <sanctionEntity designationDate="2024-01-02" euReferenceNumber="EU.1.2" logicalId="{id}">
        <regulation programme="RUS" publicationDate="2024-01-02"/>
        <subjectType code="{code}" classificationCode="P"/>
        <nameAlias wholeName="Иван Петров" nameLanguage="EN" strong="true"/>
        <nameAlias wholeName="Ivan Petrov" nameLanguage="" strong="true"/>
        <nameAlias wholeName="Vanya" strong="false"/>
        <birthdate calendarType="GREGORIAN" year="1970" monthOfYear="5" circa="false"/>
    </sanctionEntity>
</export>
"""


def parse(path: Path) -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(
        EuFsfXml().parse({"main": path}, source="eu-fsf", report=report, limits=ParseLimits())
    )
    return entries, report


@cache
def _real() -> tuple[tuple[Entry, ...], ParseReport]:
    entries, report = parse(shared_path(REAL))
    return tuple(entries), report


def real_entry(logical_id: str) -> Entry:
    entries, _ = _real()
    return next(e for e in entries if e.source_id == logical_id)


def minimal(*, logical_id: str = "99", code: str = "person") -> str:
    return MINIMAL.format(id=logical_id, code=code)


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "bad.xml"
    path.write_bytes(text.encode(encoding))
    return path


def test_real_list_counts_and_publication_date() -> None:
    entries, report = _real()

    assert len(entries) == 17
    assert Counter(e.type for e in entries) == {
        EntityType.PERSON: 10,
        EntityType.ORGANIZATION: 7,
    }
    assert report.published == "2026-08-05"
    assert report.declared_count is None
    assert report.warnings == []
    assert {e.source_url for e in entries} == {EU_LIST_URL}
    assert Counter(p for e in entries for p in e.programs) == {
        "IRN": 4,
        "IRQ": 2,
        "TAQA": 2,
        "UKR": 2,
        "COD": 1,
        "PRK": 1,
        "LBY": 1,
        "SYR": 1,
        "HR": 1,
        "MMR": 1,
        "SDNZ": 1,
    }


def test_every_name_alias_is_kept() -> None:
    aliases = 0
    for node in etree.parse(shared_path(REAL)).iter(f"{{{EU_NAMESPACE}}}sanctionEntity"):
        entry = real_entry(node.get("logicalId", ""))
        names = {
            n.casefold()
            for n in (entry.name, *entry.aliases, *entry.weak_aliases, *entry.original_script_names)
        }
        for alias in node.iter(f"{{{EU_NAMESPACE}}}nameAlias"):
            aliases += 1
            assert " ".join(alias.get("wholeName", "").split()).casefold() in names
    assert aliases == 45


def test_script_is_read_from_the_characters() -> None:
    entries, _ = _real()

    assert {e.source_id: e.original_script_names for e in entries if e.original_script_names} == {
        "514": ("عبد المنان آغا",),
        "6177": ("إبراهيم حسن طالع عسيري", "إبراهيم حسن طالع العسيري"),
        "7300": ("Анатолий Алексеевич СИДОРОВ",),  # tagged nameLanguage="EN"
        "126538": ("حسن قطانة",),
    }


def test_person_without_designation_date() -> None:
    entry = real_entry("13")

    assert entry.type is EntityType.PERSON
    assert entry.name == "Saddam Hussein Al-Tikriti"
    assert entry.aliases == ("Abu Ali", "Abou Ali")
    assert entry.countries == ("IQ",)
    assert entry.dates_of_birth == ("1937-04-28",)
    assert entry.programs == ("IRQ",)
    assert entry.listed_on == "2003-07-08"  # the regulation's publication date
    assert entry.remarks == "UNSC RESOLUTION 1483"
    assert entry.extra == (
        ("eu_reference_number", "EU.27.28"),
        ("regulation", "1210/2003 (OJ L169)"),
        (
            "regulation_url",
            "http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2003:169:0006:0023:EN:PDF",
        ),
        ("gender", "M"),
        ("place_of_birth", "al-Awja, near Tikrit, IRAQ"),
    )


def test_primary_name_is_the_first_strong_latin_alias() -> None:
    entry = real_entry("514")

    assert entry.name == "Abdul Manan Agha"
    assert entry.aliases == ("Abdul Manan",)
    assert entry.weak_aliases == ("Saiyid Abd al-Man", "Abdul Man’am Saiyid")
    assert entry.listed_on == "2001-10-17"
    assert entry.remarks == "Saiyid Abd al-Man: formerly listed a"
    assert ("title", "Haji") in entry.extra


def test_low_quality_remark_makes_a_weak_alias_and_islamic_dates() -> None:
    entry = real_entry("6177")

    assert entry.name == "Ibrahim al-'Asiri"
    assert entry.weak_aliases == ("Abu-Salaah", "Abosslah", "Abu Saleh")  # "low quality aliias"
    assert len(entry.aliases) == 9
    assert entry.dates_of_birth == ("1982-04-18", "1982-04-19")
    assert entry.countries == ("SA", "YE")
    assert entry.identifiers == (
        Identifier("National identification card", "1028745097", "SA"),
        Identifier("National passport", "F654645", "SA"),
    )
    assert ("date_of_birth_islamic", "1402-06-24") in entry.extra
    assert (
        "identification_note",
        "National passport F654645: Saudi Arabian passport number, issued on 30.4.2005, expired "
        "on 7.3.2010, issue date in Hijri Calendar 24.06.1426, expiry date in Hijri Calendar "
        "21.03.1431; known expired",
    ) in entry.extra


def test_bare_hijri_year_is_not_converted() -> None:
    entry = real_entry("127388")

    assert entry.dates_of_birth == ("1965", "1964")
    assert ("date_of_birth_islamic", "1343") in entry.extra
    assert ("date_of_birth_note", "1343 (Islamic calendar): Iranian Hijri calendar") in entry.extra


def test_year_range_becomes_every_year() -> None:
    entry = real_entry("155661")

    assert entry.dates_of_birth == tuple(str(year) for year in range(1960, 1980))
    assert ("date_of_birth_range", "1960/1979") in entry.extra
    assert ("date_of_birth_note", "1960/1979: (approx. 50 years old)") in entry.extra


def test_month_without_day() -> None:
    assert real_entry("6971").dates_of_birth == ("1960", "1961-08")


def test_double_space_address_and_placeholder_number() -> None:
    entry = real_entry("6428")

    assert entry.name == "Taghtiran Kashan Company"
    assert entry.aliases == ("Taghtiran",)
    assert entry.identifiers == ()  # the registration number is published as "-"
    assert entry.addresses == (
        Address(
            "Unit 2, No. 3, 2nd Alley, Asad Abadi St., Vali-e asr St., PO Box 14316, Teheran, "
            "IRAN (ISLAMIC REPUBLIC OF) (Principal place of business: Tehran, Iran)",
            "Teheran",
            "IR",
        ),
    )
    assert entry.remarks == (
        "Engineering firm that procures equipment for Iran's IR-40 heavy water research reactor. "
        "Date of listing 23.5.2011.\n"
        "Taghtiran: Associated entities: Defense Industries Organization (DIO)"
    )


def test_multi_line_remarks_keep_their_lines() -> None:
    entry = real_entry("161649")

    assert entry.type is EntityType.ORGANIZATION
    assert entry.remarks.split("\n") == [
        "Zadna International Company for Investment Limited: Type of entity: State Controlled "
        "Company.",
        "Date of registration: 1997.",
        "99 % owned by the Special Fund for the Social Security of the Armed Forces (SFSSAF), "
        "formerly known as the Charity Organisation for the Support of the Armed Forces",
        "Chairman (appointed in October 2021): General El Mirghani Idris Suleiman.",
        "Director-General (appointed in May 2023): Dr. Taha Hussein Yousef.",
    ]
    assert entry.addresses == (
        Address(
            "Doha Street Property 436, Manshia Doha Street, Khartoum, 11429, SUDAN",
            "Khartoum",
            "SD",
        ),
    )


def test_none_remark_is_dropped_and_un_reference_kept() -> None:
    assert real_entry("7300").remarks == ""
    assert ("un_reference_number", "LYi.28") in real_entry("118593").extra
    assert real_entry("118593").listed_on == "2018-11-29"


def test_recognised_by_content_and_namespace(tmp_path: Path) -> None:
    head = shared_path(REAL).read_bytes()[:65536]

    assert EuFsfXml.role_for(tmp_path / "content", head) == "main"
    other = b'<?xml version="1.0"?>\n<export xmlns="http://example.com/other">'
    assert EuFsfXml.role_for(tmp_path / "fsf.xml", other) is None


def test_minimal_file_parses(tmp_path: Path) -> None:
    entries, report = parse(write(tmp_path, minimal()))

    assert entries == [
        Entry(
            source="eu-fsf",
            source_id="99",
            type=EntityType.PERSON,
            name="Ivan Petrov",
            weak_aliases=("Vanya",),
            original_script_names=("Иван Петров",),
            dates_of_birth=("1970-05",),
            programs=("RUS",),
            listed_on="2024-01-02",
            source_url=EU_LIST_URL,
            extra=(("eu_reference_number", "EU.1.2"),),
        )
    ]
    assert report.published == "2026-08-05"


def test_entity_without_logical_id(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"bad\.xml:3: a sanctionEntity without logicalId"):
        parse(write(tmp_path, minimal(logical_id="")))


def test_unknown_subject_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        SourceFormatError, match=r"bad\.xml:3: sanctionEntity 99: subjectType 'vessel'"
    ):
        parse(write(tmp_path, minimal(code="vessel")))


def test_entity_without_names(tmp_path: Path) -> None:
    lines = [line for line in minimal().splitlines() if "nameAlias" not in line]

    with pytest.raises(SourceFormatError, match="sanctionEntity 99 has no nameAlias name"):
        parse(write(tmp_path, "\n".join(lines)))


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    text = minimal()[: minimal().index("<birthdate")]

    with pytest.raises(SourceFormatError, match=r"bad\.xml:9: malformed XML"):
        parse(write(tmp_path, text))


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    text = minimal().replace("<export", f"<!DOCTYPE e [{entities}]>\n<export")

    with pytest.raises(SourceFormatError, match="declares a DOCTYPE or entities"):
        parse(write(tmp_path, text.replace("Vanya", "&a9;")))


def test_external_entity_is_refused(tmp_path: Path) -> None:
    doctype = '<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/shadow">]>\n'
    text = minimal().replace("<export", doctype + "<export")

    with pytest.raises(SourceFormatError, match="declares a DOCTYPE or entities"):
        parse(write(tmp_path, text.replace("Vanya", "&x;")))


def test_wrong_namespace_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, minimal().replace(EU_NAMESPACE, "http://example.com/other"))

    assert EuFsfXml.role_for(path, path.read_bytes()) is None
    with pytest.raises(SourceFormatError, match=r"namespace 'http://example\.com/other'"):
        parse(path)


def test_uk_list_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<Designations><DateGenerated>07/09/2026</DateGenerated></Designations>")

    assert EuFsfXml.role_for(path, path.read_bytes()) is None
    with pytest.raises(SourceFormatError, match="the root element is <Designations>"):
        parse(path)


def test_utf16_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"the file is UTF-16, but .* are UTF-8"):
        parse(write(tmp_path, minimal(), encoding="utf-16"))


def test_latin1_bytes_name_the_line(tmp_path: Path) -> None:
    text = minimal().replace("Vanya", "Ványa")

    with pytest.raises(SourceFormatError, match=r"bad\.xml:8: malformed XML: Invalid bytes"):
        parse(write(tmp_path, text.replace("Иван Петров", "Ivan"), encoding="latin-1"))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="the file is empty"):
        parse(write(tmp_path, ""))


def test_list_without_entities(tmp_path: Path) -> None:
    text = f'<export xmlns="{EU_NAMESPACE}" generationDate="2026-08-05"/>'

    with pytest.raises(SourceFormatError, match="the list has no sanctionEntity"):
        parse(write(tmp_path, text))
