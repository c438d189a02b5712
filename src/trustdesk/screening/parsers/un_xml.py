"""The UN Security Council Consolidated List in its official XML form.

Published at https://scsanctions.un.org/resources/xml/en/consolidated.xml (root
`<CONSOLIDATED_LIST dateGenerated=…>`, then `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`). The
UN's per-entry web pages move between sites, so every entry points to the list itself.

Choices an operator may need to know:

- `source_id` is the permanent reference number (`QDi.001`); programmes are the `UN_LIST_TYPE`
  as published plus the committee prefix of that number (`Al-Qaida`, `QD`).
- Alias quality `Good`, `a.k.a.` and `f.k.a.` make strong aliases, `Low` weak ones. An alias with
  no Latin letters is an original-script name (a weak one stays weak); a Latin alias that quotes
  its original script in brackets (`Jin Tiesan (金铁三)`) is kept as published and the bracketed
  script is added to the original-script names, as is the script an alias note quotes ("in Arabic
  script: …"). A `NAME_ORIGINAL_SCRIPT` written in Latin letters is an alias.
- `countries` are the nationalities, then the address countries.
- Dates of birth keep the published precision; a `BETWEEN` range becomes every year in it (a
  matcher that compared only the two ends would dismiss a true match born in between), and the
  range itself is kept in `extra`. Dates that cannot be read (Hijri dates, "30-35 years old") are
  warned about and kept, as published, in `extra`.

The helpers it shares with the UK and EU parsers live in `parsers._xml` (root check, name
sorting) and `screening.text` (script detection).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import ClassVar

from lxml import etree

from trustdesk.screening.countries import country_codes, to_iso2
from trustdesk.screening.dates import parse_date, year_range
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers._xml import NameSorter, RootedXmlFormat, XmlFile
from trustdesk.screening.parsers.base import ParseReport
from trustdesk.screening.safety import child_text, children
from trustdesk.screening.text import clean, non_latin_runs

UN_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

_TYPES = {"INDIVIDUAL": EntityType.PERSON, "ENTITY": EntityType.ORGANIZATION}
_STRONG_QUALITIES = frozenset({"good", "a.k.a.", "f.k.a."})
_WEAK_QUALITIES = frozenset({"low"})
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")


def _generated_on(element: etree._Element, path: Path, report: ParseReport) -> str | None:
    stamp = element.getroottree().getroot().get("dateGenerated", "")
    published = parse_date(stamp)
    if published is None:
        report.warn(f"{path}: no readable dateGenerated on CONSOLIDATED_LIST ('{stamp}')")
    return published


def _entry(
    element: etree._Element,
    path: Path,
    source: str,
    report: ParseReport,
    unknown_countries: Counter[str],
) -> Entry:
    tag = str(element.tag)
    where = f"{path}:{element.sourceline}"
    ref = child_text(element, "REFERENCE_NUMBER")
    if not ref:
        raise SourceFormatError(source, where, f"an {tag} without REFERENCE_NUMBER")
    name = clean(" ".join(child_text(element, part) for part in _NAME_PARTS))
    if not name:
        raise SourceFormatError(source, where, f"{tag} {ref} has no name")
    names = NameSorter(name)
    name = names.primary
    for script_name in children(element, "NAME_ORIGINAL_SCRIPT"):
        names.add(script_name.text or "", weak=False)
    extra: list[tuple[str, str]] = []
    births: list[str] = []
    for alias in children(element, f"{tag}_ALIAS"):
        _alias(alias, ref, names, births, extra, report)
    for node in children(element, "INDIVIDUAL_DATE_OF_BIRTH"):
        births.extend(_birth_dates(node, ref, extra, report))
    countries = _values(element, "NATIONALITY")
    addresses: list[Address] = []
    for node in children(element, f"{tag}_ADDRESS"):
        countries.append(child_text(node, "COUNTRY"))
        if (address := _address(node)) is not None:
            addresses.append(address)
    extra += _person_facts(element)
    return Entry(
        source=source,
        source_id=ref,
        type=_TYPES[tag],
        name=name,
        aliases=names.strong(),
        weak_aliases=names.weak(),
        original_script_names=names.scripts(),
        countries=country_codes(countries, unknown_countries),
        identifiers=tuple(
            ident
            for node in children(element, "INDIVIDUAL_DOCUMENT")
            if (ident := _document(node, extra)) is not None
        ),
        addresses=tuple(dict.fromkeys(addresses)),
        dates_of_birth=unique(births),
        programs=unique([child_text(element, "UN_LIST_TYPE"), ref.split(".")[0][:2]]),
        listed_on=parse_date(child_text(element, "LISTED_ON")),
        remarks=clean(child_text(element, "COMMENTS1")),
        source_url=UN_URL,
        extra=tuple(extra),
    )


def _alias(
    node: etree._Element,
    ref: str,
    names: NameSorter,
    births: list[str],
    extra: list[tuple[str, str]],
    report: ParseReport,
) -> None:
    alias = clean(child_text(node, "ALIAS_NAME"))
    if not alias:
        return
    quality = clean(child_text(node, "QUALITY"))
    if quality.casefold() not in _STRONG_QUALITIES | _WEAK_QUALITIES:
        report.warn(f"{ref}: alias '{alias}' has an unknown quality '{quality}'; kept as strong")
    names.add(alias, weak=quality.casefold() in _WEAK_QUALITIES)
    if note := clean(child_text(node, "NOTE")):
        extra.append(("alias_note", f"{alias}: {note}"))
        if "script" in note.casefold():  # "in Arabic script: شركة الكوثر"
            for script_name in non_latin_runs(note):
                names.add(script_name, weak=quality.casefold() in _WEAK_QUALITIES)
    if born := parse_date(child_text(node, "DATE_OF_BIRTH")):
        births.append(born)
    place = _joined(child_text(node, "CITY_OF_BIRTH"), child_text(node, "COUNTRY_OF_BIRTH"))
    if place:
        extra.append(("place_of_birth", f"{place} (as {alias})"))


def _birth_dates(
    node: etree._Element, ref: str, extra: list[tuple[str, str]], report: ParseReport
) -> list[str]:
    """The ISO dates one INDIVIDUAL_DATE_OF_BIRTH allows; what they cannot say goes to extra."""
    kind = clean(child_text(node, "TYPE_OF_DATE")).upper()
    date, year = child_text(node, "DATE"), child_text(node, "YEAR")
    first, last = child_text(node, "FROM_YEAR"), child_text(node, "TO_YEAR")
    note = clean(child_text(node, "NOTE"))
    if first or last:
        years = year_range(first, last)
        extra.append(("date_of_birth_range", f"{first}/{last}" + (f" ({note})" if note else "")))
        if not years:
            report.warn(f"{ref}: birth years '{first}' to '{last}' not listed year by year")
        return years
    found = parse_date(date or year) if (date or year) else None
    if year and note and (finer := parse_date(f"{note} {year}")) and finer.startswith(year):
        found, note = finer, ""  # "Sep." with YEAR 1958 is September 1958
    elif not (date or year) and note:
        found = parse_date(note)
        note = "" if found else note
    if found is None:
        published = " ".join(part for part in (date, year, note) if part)
        if published:
            report.warn(f"{ref}: date of birth '{published}' cannot be read; kept in extra")
            extra.append(("date_of_birth", published))
        return []
    if kind == "APPROXIMATELY" or note:
        extra.append(("date_of_birth_note", f"{found}: {note or 'approximately'}"))
    return [found]


def _address(node: etree._Element) -> Address | None:
    text = _joined(*(child_text(node, part) for part in _ADDRESS_PARTS))
    if note := clean(child_text(node, "NOTE")):
        text = f"{text} ({note})" if text else note
    if not text:
        return None
    city = clean(child_text(node, "CITY")) or None
    return Address(text=text, city=city, country=to_iso2(child_text(node, "COUNTRY")))


def _document(node: etree._Element, extra: list[tuple[str, str]]) -> Identifier | None:
    kind = clean(child_text(node, "TYPE_OF_DOCUMENT")) or "Document"
    number = clean(child_text(node, "NUMBER"))
    details = [
        clean(child_text(node, "TYPE_OF_DOCUMENT2")),
        _prefixed("issued", child_text(node, "DATE_OF_ISSUE")),
        _prefixed("in", child_text(node, "CITY_OF_ISSUE")),
        clean(child_text(node, "NOTE")),
    ]
    detail = "; ".join(d for d in details if d)
    if not number:
        # The number, when there is one, is inside free text: kept for a reviewer to read.
        if detail:
            extra.append(("document", f"{kind}: {detail}"))
        return None
    if detail:
        extra.append(("document_note", f"{kind} {number}: {detail}"))
    issuer = child_text(node, "ISSUING_COUNTRY") or child_text(node, "COUNTRY_OF_ISSUE")
    return Identifier(kind=kind, value=number, country=to_iso2(issuer))


def _person_facts(element: etree._Element) -> list[tuple[str, str]]:
    facts = [("title", v) for v in _values(element, "TITLE")]
    facts += [("designation", v) for v in _values(element, "DESIGNATION")]
    if gender := clean(child_text(element, "GENDER")):
        facts.append(("gender", gender))
    for node in children(element, "INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = (child_text(node, p) for p in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))
        place = _joined(*parts)
        if note := clean(child_text(node, "NOTE")):
            place = f"{place} ({note})" if place else note
        if place:
            facts.append(("place_of_birth", place))
    return facts


def _values(element: etree._Element, wrapper: str) -> list[str]:
    return [
        text
        for group in children(element, wrapper)
        for value in children(group, "VALUE")
        if (text := clean(value.text or ""))
    ]


def _prefixed(prefix: str, text: str) -> str:
    return f"{prefix} {clean(text)}" if clean(text) else ""


def _joined(*parts: str) -> str:
    return ", ".join(c for part in parts if (c := clean(part)))


class UnScXml(RootedXmlFormat):
    name: ClassVar[str] = "un-sc-xml"
    source: ClassVar[str] = "un-sc"
    version: ClassVar[str] = "1"
    label: ClassVar[str] = "UN Security Council Consolidated List (XML)"
    official_url: ClassVar[str | None] = UN_URL
    root: ClassVar[str] = "CONSOLIDATED_LIST"

    entry_tags: ClassVar[tuple[str, ...]] = tuple(_TYPES)
    no_entries: ClassVar[str] = "the list has no INDIVIDUAL or ENTITY"

    def on_first(self, element: etree._Element, at: XmlFile) -> None:
        at.report.published = _generated_on(element, at.path, at.report)

    entry = staticmethod(_entry)


FORMATS = (UnScXml,)
