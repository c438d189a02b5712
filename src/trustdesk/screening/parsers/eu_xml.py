"""The EU Financial Sanctions Files (FSF) consolidated list in its XML form (version 1.1).

Downloaded from https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content
with a `token` query parameter: the FSF site shows a public one to visitors who are not logged in,
which works in practice but is not a documented contract, so an operator may need their own. The
per-entry `source_url` is the address without the token. Root `<export generationDate=…>` in the
namespace http://eu.europa.ec/fpi/fsd/export, one `sanctionEntity` per listing.

Choices an operator may need to know:

- `source_id` is the `logicalId`; the `euReferenceNumber` and a UN reference are in `extra`.
- The EU marks no primary name: the name is the first strong alias in Latin script (the first
  alias is often the Arabic one). Aliases are weak when `strong="false"` or when their remark
  says "low quality alias" (the EU keeps the UN's quality only in that remark). Script is read from
  the characters, never from `nameLanguage` (a Cyrillic alias is tagged "EN").
- Dates of birth: Gregorian ones keep their precision; a `yearRangeFrom/To` becomes every year in
  the range (up to 20, as for the UN), the range itself staying in `extra`. An ISLAMIC date is used
  only through the Gregorian `birthdate` the EU computed for it; a bare Hijri year is kept in
  `extra`, never converted here.
- `listed_on` is `designationDate`, else the earliest publication date of the acts the entry
  cites, which may be an amending act published after the listing.
- Remarks keep their line breaks; alias remarks are prefixed with the alias they describe; a
  remark reading only "none" is dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from lxml import etree

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.dates import parse_date, year_range
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers._xml import NameSorter, RootedXmlFormat, XmlFile
from trustdesk.screening.parsers.base import ParseReport
from trustdesk.screening.safety import children
from trustdesk.screening.text import clean, is_latin

EU_NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
EU_LIST_URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"

_TYPES = {"person": EntityType.PERSON, "enterprise": EntityType.ORGANIZATION}
_QUALITY = re.compile(r"\s*(good|low)\s+quality\s+al+i+as\b[\s;,.]*", re.IGNORECASE)
_UNKNOWN_COUNTRY = "00"


@dataclass(slots=True)
class _Facts:
    """What one sanctionEntity says besides its names, gathered as its children are read."""

    extra: list[tuple[str, str]]
    remarks: list[str]
    births: list[str]
    countries: list[str]


def _entry(
    element: etree._Element,
    path: Path,
    source: str,
    report: ParseReport,
    unknown: Counter[str],
) -> Entry:
    where = f"{path}:{element.sourceline}"
    logical_id = clean(element.get("logicalId"))
    if not logical_id:
        raise SourceFormatError(source, where, "a sanctionEntity without logicalId")
    subject = children(element, "subjectType")
    code = clean(subject[0].get("code")) if subject else ""
    if code not in _TYPES:
        raise SourceFormatError(
            source,
            where,
            f"sanctionEntity {logical_id}: subjectType '{code}' is not person/enterprise",
        )
    facts = _Facts(extra=_references(element), remarks=_remarks(element), births=[], countries=[])
    names = _names(element, logical_id, source, where, facts)
    for node in children(element, "citizenship"):
        facts.countries.append(_country(node, logical_id, unknown) or "")
    for node in children(element, "birthdate"):
        facts.births += _birth_dates(node, logical_id, facts.extra, report)
    addresses = [
        _address(node, logical_id, unknown, facts) for node in children(element, "address")
    ]
    identifiers = [
        ident
        for node in children(element, "identification")
        for ident in _identifiers(node, logical_id, unknown, facts.extra)
    ]
    regulations = children(element, "regulation")
    return Entry(
        source=source,
        source_id=logical_id,
        type=_TYPES[code],
        name=names.primary,
        aliases=names.strong(),
        weak_aliases=names.weak(),
        original_script_names=names.scripts(),
        countries=unique(facts.countries),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=tuple(dict.fromkeys(a for a in addresses if a is not None)),
        dates_of_birth=unique(facts.births),
        programs=unique(clean(r.get("programme")) for r in regulations),
        listed_on=_listed_on(element),
        remarks="\n".join(dict.fromkeys(facts.remarks)),
        source_url=EU_LIST_URL,
        extra=tuple(dict.fromkeys(facts.extra)),
    )


def _names(
    element: etree._Element, logical_id: str, source: str, where: str, facts: _Facts
) -> NameSorter:
    published: list[tuple[str, bool]] = []
    for node in children(element, "nameAlias"):
        whole = clean(node.get("wholeName")) or clean(
            " ".join(node.get(a, "") for a in ("firstName", "middleName", "lastName"))
        )
        remark = "\n".join(_lines(node))
        quality = _QUALITY.match(remark)
        weak = node.get("strong", "true").strip().lower() == "false"
        if quality:
            weak = weak or quality[1].lower() == "low"
            remark = remark[quality.end() :].strip()
        if not whole:
            continue
        published.append((whole, weak))
        if remark and remark.lower() != "none":
            facts.remarks.append(f"{whole}: {remark}")
        for key in ("function", "title", "gender"):
            if value := clean(node.get(key)):
                facts.extra.append((key, value))
    if not published:
        raise SourceFormatError(source, where, f"sanctionEntity {logical_id} has no nameAlias name")
    primary = next(
        (name for name, weak in published if not weak and is_latin(name)),
        next((name for name, weak in published if not weak), published[0][0]),
    )
    names = NameSorter(primary)
    for name, weak in published:
        names.add(name, weak=weak)
    return names


def _birth_dates(
    node: etree._Element, logical_id: str, extra: list[tuple[str, str]], report: ParseReport
) -> list[str]:
    """The Gregorian dates one birthdate element allows; everything else it says goes to extra."""
    if place := _place(node):
        extra.append(("place_of_birth", place))
    year, month, day = (clean(node.get(a)) for a in ("year", "monthOfYear", "dayOfMonth"))
    full = parse_date(node.get("birthdate"))
    found: list[str] = []
    label = ""
    if clean(node.get("calendarType")).upper() == "ISLAMIC":
        if hijri := "-".join(p.zfill(2) for p in (year, month, day) if p):
            extra.append(("date_of_birth_islamic", hijri))
            label = f"{hijri} (Islamic calendar)"
        # The EU's own Gregorian rendering, when it gave one, is the only safe conversion.
        if full and full[:4] != year.zfill(4):
            found.append(full)
    elif date := full or _partial_date(year, month, day):
        found.append(date)
    first, last = clean(node.get("yearRangeFrom")), clean(node.get("yearRangeTo"))
    if first or last:
        label = f"{first}/{last}"
        extra.append(("date_of_birth_range", label))
        years = year_range(first, last)
        if not years:
            report.warn(f"{logical_id}: birth years '{first}' to '{last}' not listed year by year")
        found += years
    note = " ".join(_lines(node))
    if clean(node.get("circa")).lower() == "true":
        note = f"circa {note}".strip()
    if note:
        shown = label or (found[0] if found else "undated")
        extra.append(("date_of_birth_note", f"{shown}: {note}"))
    return found


def _partial_date(year: str, month: str, day: str) -> str | None:
    """An ISO date as precise as the parts allow: a day without its month says nothing."""
    if not year:
        return None
    parts = [year, month.zfill(2) if month else "", day.zfill(2) if day and month else ""]
    return parse_date("-".join(p for p in parts if p))


def _address(
    node: etree._Element, logical_id: str, unknown: Counter[str], facts: _Facts
) -> Address | None:
    po_box = clean(node.get("poBox"))
    text = ", ".join(
        part.rstrip(",; ")  # "Vali-e asr St.," would give a double comma
        for part in (
            clean(node.get("street")),
            f"PO Box {po_box}" if po_box else "",
            clean(node.get("city")),
            clean(node.get("zipCode")),
            clean(node.get("region")),
            clean(node.get("place")),
            _country_description(node),
        )
        if part
    )
    if note := " ".join(_lines(node)):
        text = f"{text} ({note})" if text else note
    for info in children(node, "contactInfo"):
        if value := clean(info.get("value")):
            facts.extra.append((clean(info.get("key")).lower() or "contact", value))
    country = _country(node, logical_id, unknown)
    facts.countries.append(country or "")
    if not text:
        return None
    return Address(text=text, city=clean(node.get("city")) or None, country=country)


def _identifiers(
    node: etree._Element, logical_id: str, unknown: Counter[str], extra: list[tuple[str, str]]
) -> list[Identifier]:
    kind = clean(node.get("identificationTypeDescription")) or clean(
        node.get("identificationTypeCode")
    )
    kind = kind or "Identification"
    country = _country(node, logical_id, unknown)
    numbers = [
        n
        for n in (clean(node.get("number")), clean(node.get("latinNumber")))
        if any(ch.isalnum() for ch in n)
    ]
    notes = list(_lines(node))
    notes += [
        f"known {flag}"
        for flag, attr in (
            ("expired", "knownExpired"),
            ("false", "knownFalse"),
            ("lost", "reportedLost"),
            ("revoked", "revokedByIssuer"),
        )
        if clean(node.get(attr)).lower() == "true"
    ]
    if notes:
        label = f"{kind} {numbers[0]}" if numbers else kind
        extra.append(("identification_note", f"{label}: {'; '.join(notes)}"))
    return [Identifier(kind=kind, value=number, country=country) for number in unique(numbers)]


def _references(element: etree._Element) -> list[tuple[str, str]]:
    facts = [
        (key, value)
        for key, attr in (
            ("eu_reference_number", "euReferenceNumber"),
            ("un_reference_number", "unitedNationId"),
            ("designation_details", "designationDetails"),
        )
        if (value := clean(element.get(attr)))
    ]
    for regulation in children(element, "regulation"):
        if title := clean(regulation.get("numberTitle")):
            facts.append(("regulation", title))
        urls = (clean(url.text) for url in children(regulation, "publicationUrl"))
        facts += [("regulation_url", url) for url in urls if url]
    return facts


def _remarks(element: etree._Element) -> list[str]:
    text = "\n".join(_lines(element))
    return [text] if text and text.lower() != "none" else []


def _listed_on(element: etree._Element) -> str | None:
    if designated := parse_date(element.get("designationDate")):
        return designated
    published = [
        date
        for node in element.iter()
        if (date := parse_date(node.get("publicationDate"))) is not None
    ]
    return min(published, default=None)


def _country(node: etree._Element, logical_id: str, unknown: Counter[str]) -> str | None:
    code = clean(node.get("countryIso2Code")).upper()
    if not code or code == _UNKNOWN_COUNTRY:
        return None
    found = to_iso2(code) or to_iso2(clean(node.get("countryDescription")))
    if found is None:
        unknown[f"{code} ({logical_id})"] += 1
    return found


def _country_description(node: etree._Element) -> str:
    description = clean(node.get("countryDescription"))
    return "" if description.upper() == "UNKNOWN" else description


def _place(node: etree._Element) -> str:
    values = [clean(node.get(a)) for a in ("city", "region", "place")]
    return ", ".join(v for v in (*values, _country_description(node)) if v)


def _lines(node: etree._Element) -> Iterator[str]:
    """The lines of a node's `remark` children, each cleaned, empty ones dropped."""
    for remark in children(node, "remark"):
        yield from (line for raw in (remark.text or "").splitlines() if (line := clean(raw)))


class EuFsfXml(RootedXmlFormat):
    name: ClassVar[str] = "eu-fsf-xml"
    source: ClassVar[str] = "eu-fsf"
    version: ClassVar[str] = "1"
    label: ClassVar[str] = "EU Financial Sanctions Files (XML 1.1)"
    official_url: ClassVar[str | None] = f"{EU_LIST_URL}?token=dG9rZW4tMjAxNw"
    root: ClassVar[str] = "export"
    namespace: ClassVar[str | None] = EU_NAMESPACE

    entry_tags: ClassVar[tuple[str, ...]] = ("sanctionEntity",)
    no_entries: ClassVar[str] = "the list has no sanctionEntity"

    def on_first(self, element: etree._Element, at: XmlFile) -> None:
        stamp = element.getroottree().getroot().get("generationDate", "")
        at.report.published = parse_date(stamp)
        if at.report.published is None:
            at.report.warn(f"{at.path}: no readable generationDate on export ('{stamp}')")

    entry = staticmethod(_entry)


FORMATS = (EuFsfXml,)
