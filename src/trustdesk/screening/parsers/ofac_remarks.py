"""The grammar of OFAC's Remarks: `; `-separated clauses in OFAC's fixed wording.

`DOB 10 Jan 1960; POB Tehran, Iran; Passport A123 (Iran); a.k.a. 'X'.` Many facts exist only
there in the legacy CSV; the XML carries the same facts in elements but the same spellings, so
both OFAC parsers read dates of birth, places, identifiers and countries with these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import Identifier

# Identifier labels as OFAC writes them (the XML's idType); longest first when matched.
_ID_KINDS = (
    "Passport", "Diplomatic Passport", "Stateless Person Passport", "Travel Document Number",
    "National ID No.", "National Foreign ID Number", "Personal ID Card", "Identification Number",
    "Identification Card", "Cedula No.", "D.N.I.", "SSN", "CURP #", "C.U.R.P.", "RFC", "R.F.C.",
    "NIT #", "RUC #", "Kenyan ID No.", "Bosnian Personal ID No.", "Turkish Identification Number",
    "Italian Fiscal Code", "Fiscal Code", "Electoral Registry No.", "Residency Number",
    "Refugee ID Card", "Immigration No.", "Birth Certificate Number", "Driver's License No.",
    "Cartilla de Servicio Militar Nacional", "Tax ID No.", "US FEIN", "V.A.T. Number",
    "Registration ID", "Registration Number", "Business Registration Number",
    "Business Registration Document #", "Public Registration Number", "Commercial Registry Number",
    "C.R. No.", "Company Number", "UK Company Number", "Chamber of Commerce Number",
    "Istanbul Chamber of Comm. No.", "Dubai Chamber of Commerce Membership No.",
    "Certificate of Incorporation Number", "Central Registration System Number",
    "Economic Register Number (CBLS)", "Government Gazette Number", "Legal Entity Number",
    "Unified Social Credit Code (USCC)", "Trade License No.", "License", "Enterprise Number",
    "Branch Unit Number", "Folio Mercantil No.", "Matricula Mercantil No", "D-U-N-S Number",
    "Afghan Money Service Provider License Number", "Serial No.", "SWIFT/BIC", "BIK (RU)", "ISIN",
    "Equity Ticker", "Vessel Registration Identification", "MMSI", "Other Vessel Call Sign",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Manufacturer's Serial Number (MSN)", "Aircraft Tail Number",
    "Previous Aircraft Tail Number", "Aircraft Mode S Transponder Code", "Website",
    "Email Address", "Phone Number", "RIF #", "C.U.I.", "Business Number",
    "Registered Charity No.",
)  # fmt: skip
_KINDS = r"Digital Currency Address - \w+|" + "|".join(
    re.escape(k) for k in sorted(_ID_KINDS, key=len, reverse=True)
)
_ID_KIND = re.compile(rf"^(?:{_KINDS})$")
_ID_CLAUSE = re.compile(rf"^(?P<kind>{_KINDS}) (?P<rest>.+)$")
_ID_REST = re.compile(r"^(?P<value>.+?)(?: \((?P<country>[^()]+)\))?(?: (?:issued|expires) .*)?$")
_TRAILING_COUNTRY = re.compile(r"^(?P<value>.+) \((?P<country>[^()]+)\)$")
_AKA = re.compile(r"^[afn]\.k\.a\. '(?P<name>.*)'$")
_FACT = re.compile(
    r"^(?P<key>DOB|POB|nationality|citizen|Nationality of Registration|Gender|Linked To:) "
    r"(?P<value>.+)$"
)
_COUNTRY_FACTS = {
    "nationality": "nationality",
    "citizen": "citizenship",
    "Nationality of Registration": "nationality_of_registration",
}
_DOB_RANGE = re.compile(r"^(?P<start>.+?)(?: to |(?<=\d{4})-(?=\d{4}$))(?P<end>.+)$")
_DOB_CIRCA = re.compile(r"^(?:circa|approximately|approx\.) ", re.IGNORECASE)
_MAX_DOB_YEARS = 30  # a wider range says nothing useful about age: keep only its end points
_ABBREVIATED_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:LTDA|CIA|C|CO|LTD|INC|CORP)\.$")


def ofac_place_country(place: str) -> str | None:
    """The country a place ends with: `Kinshasa, Congo, Democratic Republic of the` → CD."""
    parts = [p.strip() for p in place.split(",")]
    for size in (1, 2):
        if len(parts) >= size and (code := to_iso2(", ".join(parts[-size:]))):
            return code
    return None


def ofac_dates_of_birth(text: str) -> tuple[str, ...]:
    """ISO dates for OFAC's DOB wording; a range becomes every year it spans, so no age is missed.

    `10 Jan 1960`, `Jan 1960`, `1960`, `circa 1960`, `1955 to 1957`, `01 Jan 1960 to 31 Dec 1962`
    and `circa 1959-1961` are the spellings OFAC uses; anything else gives ().
    """
    value = _DOB_CIRCA.sub("", " ".join(text.split()))
    if m := _DOB_RANGE.match(value):
        start, end = parse_date(m["start"]), parse_date(m["end"])
        if start is None or end is None:
            return ()
        if start == end:
            return (start,)
        first, last = int(start[:4]), int(end[:4])
        if not 0 <= last - first <= _MAX_DOB_YEARS:
            return (start, end)
        return tuple(str(year) for year in range(first, last + 1))
    single = parse_date(value)
    return (single,) if single else ()


def ofac_identifier(kind: str, value: str, country: str | None = None) -> Identifier:
    """An Identifier in OFAC's own labels, except that IMO numbers get the kind `IMO`.

    OFAC files a vessel's IMO number under "Vessel Registration Identification" and a ship
    owner's under "Company Number" or "Identification Number", always as `IMO 1234567`; one
    kind lets the matcher compare them whatever label the publisher chose.
    """
    kind, value = " ".join(kind.split()).rstrip(" :"), " ".join(value.split())
    # The XML sometimes leaves idCountry empty and writes the country after the number.
    if country is None and (m := _TRAILING_COUNTRY.match(value)) and to_iso2(m["country"]):
        value, country = m["value"], m["country"]
    if value.startswith("IMO "):
        kind, value = "IMO", value[4:].strip()
    return Identifier(kind, value, to_iso2(country))


def is_identifier_kind(kind: str) -> bool:
    """Whether an OFAC idType names a document or registration number, not a descriptive fact."""
    return bool(_ID_KIND.match(" ".join(kind.split())))


@dataclass(slots=True)
class RemarkFacts:
    """What the Remarks clauses say, in Entry terms; `unread` holds DOBs the grammar missed."""

    weak_aliases: list[str] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


def parse_remarks(text: str, *, complete: bool = True) -> RemarkFacts:
    """Read OFAC's `; `-separated remark clauses; `complete=False` skips a last clause cut short.

    A leading `alt. ` marks a further value of the same kind and is read like the first.
    Clauses outside the grammar (sanctions notes, directives …) stay in the remarks text only.
    """
    facts = RemarkFacts()
    ended = text.endswith(".")
    clauses = text.removesuffix(".").split("; ") if text else []
    if not complete and clauses:
        clauses.pop()
    for index, raw in enumerate(clauses):
        clause = raw.strip().removeprefix("alt. ")
        if m := _AKA.match(clause):
            facts.weak_aliases.append(m["name"])
        elif m := _FACT.match(clause):
            last = ended and index == len(clauses) - 1
            _read_fact(facts, m["key"], m["value"].strip(), last_in_text=last)
        elif m := _ID_CLAUSE.match(clause):
            rest = _ID_REST.match(m["rest"])
            if rest:
                facts.identifiers.append(ofac_identifier(m["kind"], rest["value"], rest["country"]))
    return facts


def _read_fact(facts: RemarkFacts, key: str, value: str, *, last_in_text: bool) -> None:
    if key == "DOB":
        dates = ofac_dates_of_birth(value)
        facts.dates_of_birth.extend(dates)
        if not dates:
            facts.unread.append(value)
    elif key == "POB":
        facts.extra.append(("place_of_birth", value))
        if code := ofac_place_country(value):
            facts.countries.append(code)
    elif key in _COUNTRY_FACTS:
        facts.extra.append((_COUNTRY_FACTS[key], value))
        if code := to_iso2(value):
            facts.countries.append(code)
    elif key == "Gender":
        facts.extra.append(("gender", value))
    else:
        # OFAC's end-of-data period swallows a name's own final period ("… S.A."): keep it
        # where the name plainly ends in an abbreviation.
        if last_in_text and _ABBREVIATED_END.search(f"{value}."):
            value = f"{value}."
        facts.extra.append(("linked_to", value))
