"""An institution's own list: a small CSV that research-security staff keep by hand.

The layout is documented for users in docs/custom-lists.md: the header is exactly
`id,name,aliases,type,countries,notes`, in any order, comma-separated, UTF-8 (with or without
BOM) or UTF-16 with BOM. Detection claims only that exact header, so that no publisher's CSV is
ever read as a custom list; a semicolon- or tab-separated file with that header is claimed only
to be refused with a message saying how to save it.

A name such as `=HYPERLINK(…)` is kept as text: nothing here evaluates it, and trustdesk's own
CSV exports neutralise formulas. Such names are counted in a warning, since in a hand-kept list
they more likely mean a pasted spreadsheet formula than a real name.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from pathlib import Path

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.entries import EntityType, Entry, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ListFormat, ParseLimits, ParseReport
from trustdesk.screening.safety import check_header, iter_csv
from trustdesk.screening.text import is_latin

COLUMNS = ("id", "name", "aliases", "type", "countries", "notes")
_TYPES = {
    "": EntityType.ORGANIZATION,
    "organization": EntityType.ORGANIZATION,
    "organisation": EntityType.ORGANIZATION,
    "person": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_FORMULA_START = ("=", "+", "-", "@")


def _header_delimiter(head: bytes) -> str | None:
    """The delimiter under which the first line is exactly the custom header, if any."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        return None
    for delimiter in _DELIMITERS:
        cells = next(csv.reader([lines[0]], delimiter=delimiter), [])
        if sorted(cell.strip() for cell in cells) == sorted(COLUMNS):
            return delimiter
    return None


def _check_columns(path: Path, source: str, header: list[str]) -> dict[str, int]:
    if len(header) == 1:
        for delimiter, label in _DELIMITERS.items():
            if delimiter != "," and delimiter in header[0]:
                raise SourceFormatError(
                    source,
                    f"{path}:1",
                    f"the columns are separated by {label}: save the list as comma-separated "
                    "CSV (in Excel: 'CSV UTF-8 (Comma delimited)')",
                )
    cols = check_header(path, source, header, COLUMNS)
    names = [name.strip().lstrip("\ufeff") for name in header]
    odd = sorted({n for n in names if n not in COLUMNS or names.count(n) > 1})
    if odd:
        raise SourceFormatError(
            source,
            f"{path}:1",
            f"unexpected or repeated column(s): {', '.join(odd)}; the header is exactly "
            f"{','.join(COLUMNS)}",
        )
    return cols


def _split(value: str) -> tuple[str, ...]:
    return unique(value.split(";"))


def _countries(value: str, where: str, source: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for item in _split(value):
        code = to_iso2(item)
        if code is None:
            raise SourceFormatError(
                source,
                where,
                f"unknown country {item!r}: use an ISO code such as GB or an English name, and "
                "separate several with ';'",
            )
        found.setdefault(code, None)
    return tuple(found)


def _entry(row: list[str], cols: Mapping[str, int], where: str, source: str) -> Entry:
    def cell(name: str) -> str:
        return row[cols[name]].strip()

    ident, name = " ".join(cell("id").split()), " ".join(cell("name").split())
    if not ident:
        raise SourceFormatError(source, where, "no id: every row needs one")
    if not name:
        raise SourceFormatError(source, where, f"no name for id {ident!r}")
    kind = cell("type").casefold()
    if kind not in _TYPES:
        raise SourceFormatError(
            source,
            where,
            f"type {cell('type')!r} is not one of organization, person, vessel, aircraft "
            "(empty means organization)",
        )
    aliases = [alias for alias in _split(cell("aliases")) if alias != name]
    return Entry(
        source=source,
        source_id=ident,
        type=_TYPES[kind],
        name=name,
        aliases=tuple(a for a in aliases if is_latin(a)),
        original_script_names=tuple(a for a in aliases if not is_latin(a)),
        countries=_countries(cell("countries"), where, source),
        remarks=cell("notes"),
    )


class CustomCsv(ListFormat):
    """The institution's own list, kept as a CSV in the documented layout."""

    name = "custom-csv"
    source = "custom"
    version = "1"
    label = "custom list CSV"

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        return "main" if _header_delimiter(head) is not None else None

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        """Yield every row; the first bad row stops the import, naming its line."""
        path = files["main"]
        # Excel saves "Unicode text" as UTF-16: the one format that accepts it.
        rows = iter_csv(path, source, limits, allow_utf16=True)
        first = next(rows, None)
        if first is None:
            raise SourceFormatError(source, str(path), "no header row")
        header = first[1]
        cols = _check_columns(path, source, header)
        lines: dict[str, int] = {}
        formulas = 0
        for line, row in rows:
            if not any(value.strip() for value in row):
                continue  # spreadsheets save trailing empty rows as ",,,,,"
            where = f"{path}:{line}"
            if len(row) != len(header):
                hint = " (a value with a comma in it needs double quotes)" * (
                    len(row) > len(header)
                )
                raise SourceFormatError(
                    source, where, f"{len(row)} values where the header has {len(header)}{hint}"
                )
            entry = _entry(row, cols, where, source)
            if entry.source_id in lines:
                raise SourceFormatError(
                    source,
                    where,
                    f"duplicate id {entry.source_id!r}: lines {lines[entry.source_id]} and {line}",
                )
            lines[entry.source_id] = line
            formulas += any(n.startswith(_FORMULA_START) for n in entry.all_names())
            yield entry
        if not lines:
            raise SourceFormatError(source, str(path), "no rows under the header")
        if formulas:
            report.warn(
                f"{formulas} entries have a name starting with =, +, - or @: stored as plain "
                "text, but check the file was not pasted from spreadsheet formulas"
            )


FORMATS = (CustomCsv,)
