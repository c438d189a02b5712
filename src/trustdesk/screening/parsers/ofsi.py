"""OFSI Consolidated List of Financial Sanctions Targets (HM Treasury), "2022 format" ConList.

Row 1 is `Last Updated` and the date (dd/mm/yyyy, the publication date), row 2 the header, and
then one row per *name*: every row repeats the target's details, and the rows sharing a `Group ID`
form one entry (`source_id` = Group ID). A target listed under two regimes, or with two dates of
birth, has its names repeated once per regime or date, and a group's rows need not be adjacent,
so the whole table is grouped in memory (plain strings only; the list is a few MB).

Names: the row whose `Alias Type` is `Primary name` gives the entry's name, `Name 1`…`Name 5`
then `Name 6` (the surname) joined with spaces. Every other spelling is a strong alias unless its
`Alias Quality` is `Low quality` (weak). `Name Non-Latin Script` values are original-script names.
Four groups have several different primary names (the first in file order wins, the rest become
aliases) and two have none (the first `Primary name variation` is used, with a warning).

`Nationality` and address `Country` give the countries; OFSI numbers multiple values
(`(1) Russia. (2) Ukraine`) and adds notes (`Iraq (previous address)`). `Other Information`
becomes the remarks; the UK Sanctions List reference, UN reference and gender found in it go to
`extra`, an IMO number to the identifiers and `Parent company` to `parent`.

OFSI published the same table as `ConList.csv` (UTF-8) and `ConList.xlsx`. OFSI stopped updating
the ConList when the UK moved to the FCDO's UK Sanctions List on 28 January 2026 (see `uk_xml`).
"""

from __future__ import annotations

import abc
import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import ClassVar
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ListFormat, ParseLimits, ParseReport, head_rows
from trustdesk.screening.safety import check_zip, iter_csv
from trustdesk.screening.text import split_names

# Each entry's `source_url`: OFSI has no page per target, and both files are this one list.
LIST_PAGE = (
    "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"
)
NAME_PARTS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_PARTS = (
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
)
COLUMNS = (
    *NAME_PARTS,
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    *ADDRESS_PARTS,
    "Other Information",
    "Group Type",
    "Alias Type",
    "Alias Quality",
    "Regime",
    "Listed On",
    "UK Sanctions List Date Designated",
    "Last Updated",
    "Group ID",
)
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "ship": EntityType.VESSEL,
}
_NUMBERED = re.compile(r"\(\d+\)")
_NOTE = re.compile(r"\([^()]*\)")
_FACT = re.compile(r"\(([^()]{2,40})\):\s*(.*?)(?=\s*\([^()]{2,40}\):|\Z)", re.DOTALL)
# Reference numbers lead free text in their fact ("BEL0045 and GHR0050. Listed under …"): the
# leading run of references is kept, the prose after it stays in the remarks.
_UK_REF = r"[A-Z]{2,4}\d{4}"
_UN_REF = r"[A-Za-z]{2,4}\.\d+"
_REFS = {
    "UK Sanctions List Ref": ("uk_sanctions_list_ref", _UK_REF),
    "UN Ref": ("un_ref", _UN_REF),
}
_HEADER_MARKERS = ("Name 6", "Group ID", "Alias Type")
_XLSX_ERRORS = (
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    OSError,
    ParseError,
    zipfile.BadZipFile,
    zlib.error,
)


@dataclass(frozen=True, slots=True)
class _Group:
    """The rows of one Group ID as plain strings, keyed by column name."""

    where: str
    rows: tuple[Mapping[str, str], ...]


class _OfsiConList(ListFormat):
    source: ClassVar[str] = "ofsi-conlist"
    version: ClassVar[str] = "2"  # 2: country spellings of other lists resolve too

    @abc.abstractmethod
    def _table(
        self, path: Path, source: str, limits: ParseLimits
    ) -> Iterator[tuple[str, list[str]]]:
        """Every row of the sheet as (location, cell texts), the two header rows included."""

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        path = files["main"]
        groups = _read_groups(self._table(path, source, limits), path, source, report)
        unknown: dict[str, int] = {}
        for group in groups:
            yield _entry(group, source, LIST_PAGE, report, unknown)
        for value, count in unknown.items():
            report.warn(f"{path}: country {value!r} not recognised ({count} rows); left out")


class OfsiXlsx(_OfsiConList):
    name: ClassVar[str] = "ofsi-conlist-xlsx"
    label: ClassVar[str] = "OFSI Consolidated List (ConList.xlsx)"
    official_url: ClassVar[str | None] = (
        "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx"
    )

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        if not head.startswith(b"PK\x03\x04") or b"xl/" not in head:
            return None
        # A zip's first bytes name its parts, not its content: peek at the first two rows, and
        # let the file name vouch for a workbook too damaged to peek into (parse then says why).
        try:
            first_rows = list(islice(xlsx_rows(path, cls.source, ParseLimits()), 2))
        except SourceFormatError:
            return "main" if "conlist" in _plain(path) else None
        return "main" if _looks_like_conlist([cells for _, cells in first_rows]) else None

    def _table(
        self, path: Path, source: str, limits: ParseLimits
    ) -> Iterator[tuple[str, list[str]]]:
        return xlsx_rows(path, source, limits)


class OfsiCsv(_OfsiConList):
    name: ClassVar[str] = "ofsi-conlist-csv"
    label: ClassVar[str] = "OFSI Consolidated List (ConList.csv)"
    official_url: ClassVar[str | None] = (
        "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"
    )

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        if b"\x00" in head[:1024]:
            return None
        return "main" if _looks_like_conlist(head_rows(head, 2)) else None

    def _table(
        self, path: Path, source: str, limits: ParseLimits
    ) -> Iterator[tuple[str, list[str]]]:
        for line, fields in iter_csv(path, source, limits):
            yield f"{path}:{line}", fields


def xlsx_rows(path: Path, source: str, limits: ParseLimits) -> Iterator[tuple[str, list[str]]]:
    """Rows of the workbook's Data sheet as plain strings, once the zip has passed its checks."""
    check_zip(path, source, limits, "workbook (.xlsx)")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise SourceFormatError(
            source, str(path), f"not a readable .xlsx workbook ({exc})"
        ) from exc
    try:
        sheet = book["Data"] if "Data" in book.sheetnames else book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield f"{path}: row {number}", [_cell(v) for v in values]
    except _XLSX_ERRORS as exc:
        raise SourceFormatError(source, str(path), f"the workbook is damaged ({exc})") from exc
    finally:
        book.close()


def _looks_like_conlist(rows: Sequence[Sequence[str]]) -> bool:
    if rows and rows[0] and rows[0][0].strip().casefold() == "last updated":
        rows = rows[1:]
    return bool(rows) and all(m in rows[0] for m in _HEADER_MARKERS)


def _plain(path: Path) -> str:
    return re.sub(r"[^a-z]", "", path.name.casefold())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_groups(
    table: Iterator[tuple[str, list[str]]], path: Path, source: str, report: ParseReport
) -> list[_Group]:
    """Check the two header rows, then gather every name row under its Group ID, in file order."""
    header_where, header = _header(table, path, source, report)
    positions = {name.strip(): i for i, name in enumerate(header) if name.strip()}
    missing = [c for c in COLUMNS if c not in positions]
    if missing:
        raise SourceFormatError(source, header_where, f"missing column(s): {', '.join(missing)}")
    groups: dict[str, list[Mapping[str, str]]] = {}
    first_seen: dict[str, str] = {}
    for where, cells in table:
        if not any(c.strip() for c in cells):
            continue
        row = {c: (cells[i].strip() if i < len(cells) else "") for c, i in positions.items()}
        group_id = row["Group ID"]
        if not group_id:
            raise SourceFormatError(source, where, "a name row without a Group ID")
        if not _latin_name(row) and not row["Name Non-Latin Script"]:
            raise SourceFormatError(source, where, f"a row of group {group_id} without a name")
        if row["Group Type"].casefold() not in _TYPES:
            raise SourceFormatError(
                source, where, f"unknown Group Type {row['Group Type']!r} in group {group_id}"
            )
        rows = groups.setdefault(group_id, [])
        if rows and rows[0]["Group Type"].casefold() != row["Group Type"].casefold():
            raise SourceFormatError(
                source,
                where,
                f"group {group_id} is {row['Group Type']!r} here but "
                f"{rows[0]['Group Type']!r} at {first_seen[group_id]}",
            )
        rows.append(row)
        first_seen.setdefault(group_id, where)
    if not groups:
        raise SourceFormatError(source, str(path), "the list has no entries")
    return [_Group(first_seen[g], tuple(rows)) for g, rows in groups.items()]


def _header(
    table: Iterator[tuple[str, list[str]]], path: Path, source: str, report: ParseReport
) -> tuple[str, list[str]]:
    first = next(table, None)
    if first is None:
        raise SourceFormatError(source, str(path), "the file is empty")
    where, cells = first
    label = cells[0].strip().casefold() if cells else ""
    if label == "last updated":
        published = parse_date(cells[1] if len(cells) > 1 else "")
        if published is None:
            raise SourceFormatError(source, where, "row 1 says 'Last Updated' but gives no date")
        report.published = published
        second = next(table, None)
        if second is None:
            raise SourceFormatError(source, str(path), "the file ends before its header row")
        return second
    if all(marker in cells for marker in _HEADER_MARKERS):
        report.warn(f"{where}: no 'Last Updated' row; the publication date is unknown")
        return first
    raise SourceFormatError(
        source, where, "not an OFSI ConList: expected 'Last Updated' and the date in row 1"
    )


def _latin_name(row: Mapping[str, str]) -> str:
    return " ".join(" ".join(row[p] for p in NAME_PARTS).split())


def _entry(
    group: _Group, source: str, list_url: str, report: ParseReport, unknown: dict[str, int]
) -> Entry:
    rows = group.rows
    group_id = rows[0]["Group ID"]
    primary = _primary(rows, group, report)
    # A name cell may hold two names: "MOSTOTREST; OPEN JOINT STOCK COMPANY 'MOSTOTREST'".
    name, *more = split_names(_latin_name(primary)) or [
        " ".join(primary["Name Non-Latin Script"].split())
    ]
    strong = more + [n for r in rows if not _low(r) for n in split_names(_latin_name(r))]
    weak = [n for r in rows if _low(r) for n in split_names(_latin_name(r))]
    aliases = tuple(a for a in unique(strong) if a != name)
    facts = _facts(rows)
    return Entry(
        source=source,
        source_id=group_id,
        type=_TYPES[primary["Group Type"].casefold()],
        name=name,
        aliases=aliases,
        weak_aliases=tuple(a for a in unique(weak) if a != name and a not in aliases),
        original_script_names=unique(r["Name Non-Latin Script"] for r in rows),
        countries=_countries([v for r in rows for v in (r["Nationality"], r["Country"])], unknown),
        identifiers=_identifiers(rows, facts),
        addresses=_addresses(rows),
        dates_of_birth=unique(parse_date(r["DOB"]) for r in rows),
        programs=unique(r["Regime"] for r in rows),
        listed_on=min(_dates(r["Listed On"] for r in rows), default=None),
        remarks="\n".join(unique(r["Other Information"] for r in rows)),
        source_url=list_url,
        parent=next((v for k, v in facts if k == "Parent company"), None),
        extra=_extra(rows, facts),
    )


def _primary(
    rows: Sequence[Mapping[str, str]], group: _Group, report: ParseReport
) -> Mapping[str, str]:
    for wanted in ("primary name", "primary name variation"):
        for row in rows:
            if row["Alias Type"].casefold() == wanted:
                if wanted != "primary name":
                    report.warn(
                        f"{group.where}: group {row['Group ID']} has no 'Primary name' row; "
                        f"named after its first {row['Alias Type']!r} row"
                    )
                return row
    report.warn(f"{group.where}: group {rows[0]['Group ID']} has no primary name; first row used")
    return rows[0]


def _low(row: Mapping[str, str]) -> bool:
    return row["Alias Quality"].casefold().startswith("low")


def _numbered(value: str) -> list[str]:
    """`(1) A. (2) B` -> ['A', 'B']; an unnumbered value is one item."""
    return [p.strip(" .;,") for p in _NUMBERED.split(value) if p.strip(" .;,")]


def _countries(values: Iterable[str], unknown: dict[str, int]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values:
        for part in _numbered(value):
            found = _country(part)
            if found:
                codes.extend(found)
            elif part not in ("-",):
                unknown[part] = unknown.get(part, 0) + 1
    return tuple(dict.fromkeys(codes))


def _country(text: str) -> list[str]:
    """Codes for one item: whole, without its notes, then as a list ('Germany. Russia')."""
    for candidate in (text, _NOTE.sub("", text).strip(" .,")):
        code = to_iso2(candidate)
        if code:
            return [code]
    pieces = [p.strip() for p in re.split(r"[.,;]", text) if p.strip()]
    codes = [to_iso2(p) for p in pieces]
    if len(pieces) > 1 and all(codes):
        return [c for c in codes if c]
    return []


def _identifiers(
    rows: Sequence[Mapping[str, str]], facts: Sequence[tuple[str, str]]
) -> tuple[Identifier, ...]:
    found: list[Identifier] = []
    for row in rows:
        for column, kind in (
            ("Passport Number", "passport"),
            ("National Identification Number", "national_id"),
        ):
            found.extend(Identifier(kind, v) for v in _numbered(row[column]) if v != "-")
    found.extend(Identifier("IMO", v) for k, v in facts if k == "IMO number")
    return tuple(dict.fromkeys(found))


def _addresses(rows: Sequence[Mapping[str, str]]) -> tuple[Address, ...]:
    found: list[Address] = []
    for row in rows:
        text = ", ".join(p for p in (" ".join(row[c].split()) for c in ADDRESS_PARTS) if p)
        if text:
            country = row["Country"]
            code = to_iso2(country) or to_iso2(_NOTE.sub("", country).strip())
            found.append(Address(text, None, code))
    return tuple(dict.fromkeys(found))


def _dates(values: Iterable[str]) -> list[str]:
    return [d for v in values if (d := parse_date(v))]


def _facts(rows: Sequence[Mapping[str, str]]) -> list[tuple[str, str]]:
    """`(Key):value` pairs of Other Information, in order, without repeats."""
    found: dict[tuple[str, str], None] = {}
    for text in unique(r["Other Information"] for r in rows):
        for key, value in _FACT.findall(text):
            cleaned = " ".join(value.split()).rstrip(" .")
            if cleaned:
                found.setdefault((key.strip(), cleaned), None)
    return list(found)


def _leading_refs(text: str, ref: str) -> list[str]:
    run = re.match(rf"{ref}(?:\s*(?:,|&|and)\s*{ref})*", text)
    return re.findall(ref, run[0]) if run else []


def _extra(
    rows: Sequence[Mapping[str, str]], facts: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for column, key in (
        ("Title", "title"),
        ("Position", "position"),
        ("Town of Birth", "town_of_birth"),
        ("Country of Birth", "country_of_birth"),
        ("Passport Details", "passport_details"),
        ("National Identification Details", "national_id_details"),
    ):
        pairs.extend((key, v) for v in unique(r[column] for r in rows))
    scripts = unique(
        " / ".join(p for p in (r["Non-Latin Script Type"], r["Non-Latin Script Language"]) if p)
        for r in rows
    )
    pairs.extend(("non_latin_script", s) for s in scripts)
    pairs.extend(("date_of_birth", d) for d in unique(r["DOB"] for r in rows) if not parse_date(d))
    designated = _dates(r["UK Sanctions List Date Designated"] for r in rows)
    if designated:
        pairs.append(("uk_designated_on", min(designated)))
    updated = _dates(r["Last Updated"] for r in rows)
    if updated:
        pairs.append(("last_updated", max(updated)))
    for fact, (key, ref) in _REFS.items():
        pairs.extend((key, r) for k, v in facts if k == fact for r in _leading_refs(v, ref))
    pairs.extend(("gender", v.capitalize()) for k, v in facts if k == "Gender")
    return tuple(dict.fromkeys(pairs))


FORMATS = (OfsiXlsx, OfsiCsv)
