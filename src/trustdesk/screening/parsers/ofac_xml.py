"""OFAC's `sdnList` XML: sdn.xml (the SDN list) and consolidated.xml (the non-SDN lists).

Both files share one schema whose namespace changes with OFAC's publishing system, so elements
are matched by local name only. The header is `publshInformation` (OFAC's spelling) with
`Publish_Date` (MM/DD/YYYY) and `Record_Count`. Names, types and facts are mapped exactly as the
legacy CSV parser maps them, so the same listing reads the same from either format.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import ClassVar

from lxml import etree

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers._xml import XmlFile, XmlListFormat
from trustdesk.screening.parsers.base import ParseReport
from trustdesk.screening.parsers.ofac_csv import DETAILS_URL
from trustdesk.screening.parsers.ofac_remarks import (
    is_identifier_kind,
    ofac_dates_of_birth,
    ofac_identifier,
    ofac_place_country,
)
from trustdesk.screening.safety import child_text, children, localname

_ROOT = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?"  # claimed so that parse() refuses it by name
    rb"<(?:[\w.-]+:)?sdnList[\s>/]",
    re.DOTALL,
)
_HEADERS = ("publshInformation", "publishInformation")  # OFAC's typo, and the spelling it means
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_LINKED_TO = re.compile(r"Linked To: ([^;)]+)")


class OfacXml(XmlListFormat):
    name: ClassVar[str] = "ofac-xml"
    source: ClassVar[str] = "ofac-cons"
    sources: ClassVar[tuple[str, ...]] = ("ofac-sdn",)
    version: ClassVar[str] = "1"
    label: ClassVar[str] = "OFAC sdnList XML"
    official_url: ClassVar[str | None] = (
        "https://www.treasury.gov/ofac/downloads/consolidated/consolidated.xml"
    )

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        return cls.roles[0] if _ROOT.match(head) else None

    @classmethod
    def source_for(cls, path: Path, head: bytes) -> str:
        """`sdn.xml` (or any name with an `sdn` word) is the SDN list; the schema cannot tell."""
        words = re.split(r"[^a-z0-9]+", path.stem.casefold())
        return "ofac-sdn" if "sdn" in words else cls.source

    entry_tags: ClassVar[tuple[str, ...]] = ("sdnEntry",)
    header_tags: ClassVar[tuple[str, ...]] = _HEADERS
    no_entries: ClassVar[str] = "no sdnEntry: not an OFAC sdnList file"

    # No check before streaming: the root regex above only recognises the file; the root is
    # checked on the first streamed element, where lxml has read it.
    def on_first(self, element: etree._Element, at: XmlFile) -> None:
        _check_root(element, at.path, at.source)

    def read_header(self, element: etree._Element, at: XmlFile) -> None:
        _read_header(element, at.path, at.source, at.report)

    @staticmethod
    def entry(
        element: etree._Element,
        path: Path,
        source: str,
        report: ParseReport,
        unknown_countries: Counter[str],
        /,
    ) -> Entry:
        """A country name `to_iso2` cannot map is dropped unwarned, as this parser always did."""
        return _entry(element, path, source, report)


FORMATS = (OfacXml,)


def _check_root(element: etree._Element, path: Path, source: str) -> None:
    root = localname(element.getroottree().getroot().tag)
    if root != "sdnList":
        raise SourceFormatError(
            source, str(path), f"the root element is <{root}>, not OFAC's <sdnList>"
        )


def _read_header(element: etree._Element, path: Path, source: str, report: ParseReport) -> None:
    where = f"{path}:{element.sourceline}"
    date = child_text(element, "Publish_Date")
    report.published = parse_date(date, us_order=True)
    if date and report.published is None:
        report.warn(f"{where}: Publish_Date {date!r} is not a MM/DD/YYYY date")
    count = child_text(element, "Record_Count")
    if count:
        if not count.isdigit():
            raise SourceFormatError(source, where, f"Record_Count {count!r} is not a number")
        report.declared_count = int(count)


def _name(element: etree._Element) -> str:
    """`LAST, First` as OFAC's CSV and search site display it; entities have a lastName only."""
    last, first = child_text(element, "lastName"), child_text(element, "firstName")
    return " ".join((f"{last}, {first}" if last and first else last or first).split())


def _items(element: etree._Element, outer: str, inner: str) -> list[etree._Element]:
    return [item for box in children(element, outer) for item in children(box, inner)]


def _entry(element: etree._Element, path: Path, source: str, report: ParseReport) -> Entry:
    where = f"{path}:{element.sourceline}"
    uid, name = child_text(element, "uid"), _name(element)
    if not uid.isdigit():
        raise SourceFormatError(source, where, f"sdnEntry without a numeric uid ({uid!r})")
    if not name:
        raise SourceFormatError(source, where, f"sdnEntry {uid} has no name")
    sdn_type = child_text(element, "sdnType")
    if sdn_type.casefold() not in _TYPES:
        raise SourceFormatError(source, where, f"sdnEntry {uid} has unknown sdnType {sdn_type!r}")
    strong, weak, alias_extra = _aliases(element)
    identifiers, countries, extra = _ids(element)
    for tag, key in (("nationalityList", "nationality"), ("citizenshipList", "citizenship")):
        for item in _items(element, tag, key):
            country = child_text(item, "country")
            extra.append((key, country))
            countries.append(to_iso2(country))
    dates: list[str] = []
    for item in _items(element, "dateOfBirthList", "dateOfBirthItem"):
        text = child_text(item, "dateOfBirth")
        found = ofac_dates_of_birth(text)
        if not found:
            report.warn(f"{where}: sdnEntry {uid}: date of birth {text!r} not understood")
        dates.extend(found)
    for item in _items(element, "placeOfBirthList", "placeOfBirthItem"):
        place = child_text(item, "placeOfBirth")
        extra.append(("place_of_birth", place))
        countries.append(ofac_place_country(place))
    vessel_ids, vessel_countries, vessel_extra = _vessel(element)
    addresses = [_address(item) for item in _items(element, "addressList", "address")]
    remarks = " ".join(child_text(element, "remarks").split())
    extra.extend(("linked_to", m.strip()) for m in _LINKED_TO.findall(remarks))
    title = child_text(element, "title")
    title_extra = [("title", title)] if title else []
    return Entry(
        source=source,
        source_id=uid,
        type=_TYPES[sdn_type.casefold()],
        name=name,
        aliases=tuple(a for a in unique(strong) if a != name),
        weak_aliases=tuple(w for w in unique(weak) if w != name and w not in strong),
        countries=unique([*countries, *vessel_countries, *(a.country for a in addresses)]),
        identifiers=tuple(dict.fromkeys(vessel_ids + identifiers)),
        addresses=tuple(dict.fromkeys(a for a in addresses if a.text)),
        dates_of_birth=unique(dates),
        programs=unique(child.text for child in _items(element, "programList", "program")),
        remarks=remarks,
        source_url=DETAILS_URL.format(uid),
        extra=tuple(dict.fromkeys(title_extra + vessel_extra + alias_extra + extra)),
    )


def _aliases(element: etree._Element) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Strong and weak names as OFAC categorises them; a strong f.k.a./n.k.a. is also noted."""
    strong: list[str] = []
    weak: list[str] = []
    extra: list[tuple[str, str]] = []
    for aka in _items(element, "akaList", "aka"):
        name = _name(aka)
        if not name:
            continue
        if child_text(aka, "category").casefold() == "weak":
            weak.append(name)
            continue
        strong.append(name)
        kind = child_text(aka, "type").replace(".", "").casefold()
        if kind in ("fka", "nka"):
            extra.append((kind, name))
    return strong, weak, extra


def _ids(
    element: etree._Element,
) -> tuple[list[Identifier], list[str | None], list[tuple[str, str]]]:
    """The idList mixes documents with facts (gender, sanctions notes): only documents are ids."""
    identifiers: list[Identifier] = []
    countries: list[str | None] = []
    extra: list[tuple[str, str]] = []
    for item in _items(element, "idList", "id"):
        kind = " ".join(child_text(item, "idType").split())
        value, country = child_text(item, "idNumber"), child_text(item, "idCountry")
        if not value:
            continue
        if kind == "Gender":
            extra.append(("gender", value))
        elif kind == "Nationality of Registration":
            extra.append(("nationality_of_registration", value))
            countries.append(to_iso2(value))
        elif is_identifier_kind(kind):
            identifiers.append(ofac_identifier(kind, value, country or None))
        else:
            label = kind.rstrip(" :-") or "id"
            extra.append((label, f"{value} ({country})" if country else value))
    return identifiers, countries, extra


def _vessel(
    element: etree._Element,
) -> tuple[list[Identifier], list[str | None], list[tuple[str, str]]]:
    info = children(element, "vesselInfo")
    if not info:
        return [], [], []
    call_sign = child_text(info[0], "callSign")
    flag = child_text(info[0], "vesselFlag")
    pairs = (
        ("vessel_type", child_text(info[0], "vesselType")),
        ("tonnage", child_text(info[0], "tonnage")),
        ("gross_registered_tonnage", child_text(info[0], "grossRegisteredTonnage")),
        ("vessel_flag", flag),
        ("vessel_owner", child_text(info[0], "vesselOwner")),
    )
    ids = [Identifier("Call Sign", call_sign)] if call_sign else []
    return ids, [to_iso2(flag)], [(key, value) for key, value in pairs if value]


def _address(item: etree._Element) -> Address:
    """The address worded as OFAC's CSV words it: street lines, `City, State Postal`, country."""
    street = _join(", ", *(child_text(item, f"address{i}") for i in (1, 2, 3)))
    city = child_text(item, "city")
    locality = _join(
        " ", _join(", ", city, child_text(item, "stateOrProvince")), child_text(item, "postalCode")
    )
    country = child_text(item, "country")
    text = " ".join(_join(", ", street, locality, country).split())
    return Address(text=text, city=city or None, country=to_iso2(country))


def _join(separator: str, *parts: str) -> str:
    return separator.join(part for part in parts if part)
