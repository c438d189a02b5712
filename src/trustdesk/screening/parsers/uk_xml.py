"""The UK Sanctions List (FCDO) in its official XML form: the single UK list since 28 Jan 2026.

Published at https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml (the FCDO's stable
address, linked from https://www.gov.uk/government/publications/the-uk-sanctions-list; earlier
served from docs.fcdo.gov.uk, so confirm it when a download fails). Root `<Designations>`, a
`<DateGenerated>` in dd/mm/yyyy, then one `<Designation>` per listing. There is no per-entry URL.

Choices an operator may need to know:

- `source_id` is the `UniqueID` (`AFG0001`); `OFSIGroupID` and `UNReferenceNumber` are cross
  references to other lists, kept in `extra`, not identifiers of the person.
- The first non-empty "Primary name" (any casing) is the name; further primary names and
  "Primary name variation"s are strong aliases; an "Alias" is weak only when its AliasStrength
  says "Low quality". `NameNonLatinScript` values written in Latin letters are aliases.
- Dates of birth use "dd"/"mm"/"00" for unknown parts and lose that precision (`dd/mm/1945` is
  1945); a date whose year is unknown (`15/08/19yy`) is warned about and kept in `extra`.
- `countries` are nationalities, address countries and, for ships, the current flag. A ship's
  first current owner/operator is its `parent`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import ClassVar

from lxml import etree

from trustdesk.screening.countries import country_codes, to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers._xml import NameSorter, RootedXmlFormat, XmlFile
from trustdesk.screening.parsers.base import ParseReport
from trustdesk.screening.safety import child_text, children
from trustdesk.screening.text import clean

UK_URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"

_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "ship": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_NAME_PARTS = ("Name1", "Name2", "Name3", "Name4", "Name5", "Name6")
_ADDRESS_PARTS = (*(f"AddressLine{i}" for i in range(1, 7)), "AddressPostalCode", "AddressCountry")
_NAME_TYPES = frozenset({"primary name", "primary name variation", "alias"})
_UNKNOWN_PART = re.compile(r"\b(?:dd|mm)\b", re.IGNORECASE)
# "OGRN: 1247700291200", "INN - 5045023416": a register's name, then its number.
_LABELLED_NUMBER = re.compile(r"^([A-Za-z][\w .()/]*?)\s*(?::|\s[-–])\s*(\S.*)$")
# (extra key, wrapper element, value element): published facts with no Entry field.
_FACTS = (
    ("title", "Titles", "Title"),
    ("phone", "PhoneNumbers", "PhoneNumber"),
    ("website", "Websites", "Website"),
    ("email", "EmailAddresses", "EmailAddress"),
)
_DETAIL_FACTS = (
    ("position", "Positions", "Position"),
    ("gender", "Genders", "Gender"),
    ("type_of_entity", "TypeOfEntities", "TypeOfEntity"),
    ("subsidiary", "Subsidiaries", "Subsidiary"),
    ("parent_company", "ParentCompanies", "ParentCompany"),
    ("owner_operator", "CurrentOwnerOperators", "CurrentOwnerOperator"),
    ("previous_flag", "PreviousFlags", "PreviousFlag"),
    ("type_of_ship", "TypeOfShipDetails", "TypeOfShip"),
    ("tonnage", "TonnageOfShipDetails", "TonnageOfShip"),
    ("length", "LengthOfShipDetails", "LengthOfShip"),
    ("year_built", "YearsBuilt", "YearBuilt"),
)


def _entry(
    element: etree._Element,
    path: Path,
    source: str,
    report: ParseReport,
    unknown_countries: Counter[str],
) -> Entry:
    where = f"{path}:{element.sourceline}"
    uid = child_text(element, "UniqueID")
    if not uid:
        raise SourceFormatError(source, where, "a Designation without UniqueID")
    kind = clean(child_text(element, "IndividualEntityShip"))
    if kind.casefold() not in _TYPES:
        raise SourceFormatError(
            source, where, f"{uid}: IndividualEntityShip '{kind}' is not Individual, Entity or Ship"
        )
    names = _names(element, uid, source, where, report)
    details = [d for group in element if str(group.tag).endswith("Details") for d in group]
    extra = _cross_references(element) + _facts(element, details)
    births: list[str] = []
    identifiers: list[Identifier] = []
    for detail in details:
        births += _birth_dates(detail, uid, extra, report)
        identifiers += _identifiers(detail, extra)
    addresses = [_address(node) for node in _address_nodes(element)]
    countries = _texts(details, "Nationalities", "Nationality")
    countries += [child_text(node, "AddressCountry") for node in _address_nodes(element)]
    countries += _texts(details, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip")
    owners = _texts(details, "CurrentOwnerOperators", "CurrentOwnerOperator")
    owners += _texts(details, "ParentCompanies", "ParentCompany")
    return Entry(
        source=source,
        source_id=uid,
        type=_TYPES[kind.casefold()],
        name=names.primary,
        aliases=names.strong(),
        weak_aliases=names.weak(),
        original_script_names=names.scripts(),
        countries=country_codes(countries, unknown_countries),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=tuple(dict.fromkeys(a for a in addresses if a is not None)),
        dates_of_birth=unique(births),
        programs=unique([child_text(element, "RegimeName")]),
        parent=owners[0] if owners else None,
        listed_on=parse_date(child_text(element, "DateDesignated")),
        remarks=clean(child_text(element, "OtherInformation")),
        source_url=UK_URL,
        extra=tuple(dict.fromkeys(extra)),
    )


def _names(
    element: etree._Element, uid: str, source: str, where: str, report: ParseReport
) -> NameSorter:
    """The designation's names, sorted; the first non-empty primary name is the entry's name."""
    published: list[tuple[str, str, str]] = []
    for group in children(element, "Names"):
        for node in children(group, "Name"):
            text = clean(" ".join(child_text(node, part) for part in _NAME_PARTS))
            shown_type = clean(child_text(node, "NameType"))
            name_type = shown_type.casefold()
            strength = clean(child_text(node, "AliasStrength")).casefold()
            if not text:
                report.warn(f"{uid}: a Name with no name parts (NameType '{shown_type}') left out")
                continue
            if name_type not in _NAME_TYPES:
                report.warn(
                    f"{uid}: '{text}' has an unknown NameType '{shown_type}'; kept as alias"
                )
            if strength and not strength.startswith(("good", "low")):
                report.warn(f"{uid}: '{text}' has an unknown AliasStrength; kept as strong")
            published.append((text, name_type, strength))
    if not published:
        raise SourceFormatError(source, where, f"Designation {uid} has no name")
    primaries = [text for text, name_type, _ in published if name_type == "primary name"]
    if not primaries:
        report.warn(f"{uid}: no Primary name; '{published[0][0]}' taken as the name")
    names = NameSorter(primaries[0] if primaries else published[0][0])
    for text, _, strength in published:
        names.add(text, weak=strength.startswith("low"))
    for group in children(element, "NonLatinNames"):
        for node in children(group, "NonLatinName"):
            names.add(child_text(node, "NameNonLatinScript"), weak=False)
    return names


def _birth_dates(
    detail: etree._Element, uid: str, extra: list[tuple[str, str]], report: ParseReport
) -> list[str]:
    found: list[str] = []
    for published in _texts([detail], "DOBs", "DOB"):
        date = parse_date(_UNKNOWN_PART.sub("00", published))
        if date is None:
            report.warn(f"{uid}: date of birth '{published}' cannot be read; kept in extra")
            extra.append(("date_of_birth", published))
        else:
            found.append(date)
    return found


def _identifiers(detail: etree._Element, extra: list[tuple[str, str]]) -> list[Identifier]:
    found: list[Identifier] = []
    documents = (
        ("Passport", "passport", "PassportDetails", "Passport"),
        (
            "National identifier",
            "national_identifier",
            "NationalIdentifierDetails",
            "NationalIdentifier",
        ),
    )
    for kind, key, wrapper, tag in documents:
        for group in children(detail, wrapper):
            for node in group:
                number = clean(child_text(node, f"{tag}Number"))
                info = clean(child_text(node, f"{tag}AdditionalInformation"))
                if number:
                    found.append(Identifier(kind=kind, value=number))
                if info:
                    extra.append((f"{key}_details", f"{number}: {info}" if number else info))
    found += [
        Identifier(kind="IMO", value=re.sub(r"^IMO\s*", "", imo, flags=re.IGNORECASE))
        for imo in _texts([detail], "IMONumbers", "IMONumber")
    ]
    for text in _texts(
        [detail], "BusinessRegistrationNumbers", "BusinessRegistrationNumber", raw=True
    ):
        found += _registrations(text)
    return found


def _registrations(text: str) -> list[Identifier]:
    """One Identifier per line: the FCDO packs "OGRN: …", "KPP: …", "INN: …" into one field."""
    found: list[Identifier] = []
    for line in filter(None, (clean(line) for line in text.splitlines())):
        labelled = _LABELLED_NUMBER.match(line)
        if labelled and any(ch.isdigit() for ch in labelled[2]):
            found.append(Identifier(kind=labelled[1], value=labelled[2]))
        else:
            found.append(Identifier(kind="Business registration number", value=line))
    return found


def _address(node: etree._Element) -> Address | None:
    text = ", ".join(part for tag in _ADDRESS_PARTS if (part := clean(child_text(node, tag))))
    if not text:
        return None
    return Address(text=text, country=to_iso2(child_text(node, "AddressCountry")))


def _address_nodes(element: etree._Element) -> list[etree._Element]:
    return [node for group in children(element, "Addresses") for node in children(group, "Address")]


def _cross_references(element: etree._Element) -> list[tuple[str, str]]:
    facts = [
        (key, value)
        for key, tag in (
            ("ofsi_group_id", "OFSIGroupID"),
            ("un_reference_number", "UNReferenceNumber"),
            ("designation_source", "DesignationSource"),
        )
        if (value := clean(child_text(element, tag)))
    ]
    sanctions = child_text(element, "SanctionsImposed").split("|")
    facts += [("sanction_imposed", s) for s in map(clean, sanctions) if s]
    if reasons := clean(child_text(element, "UKStatementofReasons")):
        facts.append(("statement_of_reasons", reasons))
    return facts


def _facts(element: etree._Element, details: list[etree._Element]) -> list[tuple[str, str]]:
    facts = [(key, v) for key, wrapper, tag in _FACTS for v in _texts([element], wrapper, tag)]
    for key, wrapper, tag in _DETAIL_FACTS:
        facts += [(key, v) for value in _texts(details, wrapper, tag) for v in _split(value)]
    for detail in details:
        for group in children(detail, "BirthDetails"):
            for node in children(group, "Location"):
                place = ", ".join(
                    part
                    for tag in ("TownOfBirth", "CountryOfBirth")
                    if (part := clean(child_text(node, tag)))
                )
                if place:
                    facts.append(("place_of_birth", place))
    return facts


def _split(value: str) -> list[str]:
    return [part for part in map(clean, value.split("|")) if part]


def _texts(
    parents: list[etree._Element], wrapper: str, tag: str, *, raw: bool = False
) -> list[str]:
    """Texts of `wrapper/tag` under each parent; `raw` keeps line breaks for the caller to split."""
    return [
        text
        for parent in parents
        for group in children(parent, wrapper)
        for node in children(group, tag)
        if (text := (node.text or "").strip() if raw else clean(node.text))
    ]


class UkSanctionsXml(RootedXmlFormat):
    name: ClassVar[str] = "uk-sanctions-xml"
    source: ClassVar[str] = "uk-sanctions"
    version: ClassVar[str] = "1"
    label: ClassVar[str] = "UK Sanctions List (FCDO XML)"
    official_url: ClassVar[str | None] = UK_URL
    root: ClassVar[str] = "Designations"

    entry_tags: ClassVar[tuple[str, ...]] = ("Designation",)
    header_tags: ClassVar[tuple[str, ...]] = ("DateGenerated",)
    no_entries: ClassVar[str] = "the list has no Designation"

    def read_header(self, element: etree._Element, at: XmlFile) -> None:
        at.report.published = parse_date(element.text)
        if at.report.published is None:
            at.report.warn(f"{at.path}: DateGenerated '{element.text}' cannot be read")

    entry = staticmethod(_entry)


FORMATS = (UkSanctionsXml,)
