"""BIS Denied Persons List: the tab-separated `dpl.txt` of the Bureau of Industry and Security.

One row per denied party *at one address*: a person denied at three addresses, or under three
spellings, fills three rows, and nothing in the file says they belong together. The file has no
ids, so each row gets a stable key (`stable_keys`), built in tiers from its most stable facts:

1. the normalised name (NFKC, case-folded, whitespace collapsed) — unique in most rows, and a
   name survives the edits BIS makes most often (renewals, new Federal Register citations);
2. for rows sharing a name: name + street, city, state, postal code and country;
3. for rows sharing both: also the effective date and the FR citation;
4. rows still alike (the real file repeats two rows byte for byte) get `-2`, `-3` … in file
   order, which is stable because such rows say the same thing.

The key is the first 16 hex digits of a SHA-256 of the tier's fields. Trade-off: a corrected
name gives a new key (shown as one removal and one addition), and so does the first row when a
second row with the same name is added later; effective date and FR citation are kept out of the
first tiers because temporary denial orders renew every 180 days with a new date and citation.

The file does not say whether a party is a person or a company. `entry_type` reads it from the
name: company words (LTD, GMBH, AIRLINES …), a web domain or a one-word name make an
organisation, anything else a person; every entry records `("entity_type", "inferred from
name")` in `extra` so that a reviewer knows it is a guess. Checked against all 581 rows of the
2022 file: the two misses it would make without the one-word and " - " rules were `TECHONWEB`
and `AVIASTAR - TU`.

The publication date is the latest `Last_Update` that is not in the future: the real file has
the typos `2922-09-01` and `3017-08-22` (and `0222-05-18`), which are skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import Address, Entry
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers._keys import embedded_aliases, entry_type, stable_keys
from trustdesk.screening.parsers.base import ListFormat, ParseLimits, ParseReport, head_rows
from trustdesk.screening.safety import check_header, iter_csv

# Each entry's `source_url`: BIS has no page per denial, so the list's own page.
LIST_PAGE = (
    "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/"
    "denied-persons-list"
)
COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
_ADDRESS_COLUMNS = ("Street_Address", "City", "State", "Postal_Code", "Country")

_YEAR = re.compile(r"(\d{4})\b")


def latest_plausible(
    dates: Iterable[tuple[int, str]], report: ParseReport, path: Path, column: str
) -> str | None:
    """The latest ISO date that is not in the future; future ones are typos worth a warning."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    best: str | None = None
    for line, raw in dates:
        if not raw.strip():
            continue
        iso = parse_date(raw)
        year = _YEAR.match(raw.strip())
        if iso is None and year and int(year[1]) > int(today[:4]):
            iso = raw.strip()  # parse_date refuses years past 2999; still a future-dated typo
        if iso is None:
            report.warn(f"{path}:{line}: {column} {raw!r} is not a plausible date; ignored")
        elif iso > today:
            report.warn(f"{path}:{line}: {column} {raw} is in the future (a typo?); ignored")
        elif best is None or iso > best:
            best = iso
    return best


class BisDpl(ListFormat):
    name: ClassVar[str] = "bis-dpl-txt"
    source: ClassVar[str] = "bis-dpl"
    version: ClassVar[str] = "1"
    label: ClassVar[str] = "BIS Denied Persons List (dpl.txt)"
    official_url: ClassVar[str | None] = "https://www.bis.doc.gov/dpl/dpl.txt"

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        header = next(iter(head_rows(head, delimiter="\t")), [])
        wanted = {"Name", "Effective_Date", "Standard_Order", "FR_Citation"}
        return "main" if wanted.issubset(header) else None

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        path = files["main"]
        rows = _RowSource(path, source, limits)
        # Two passes: keys and the publication date need the whole file, entries stream after.
        keys = stable_keys((line, _key_tiers(row)) for line, row in rows())
        for line, key in keys.items():
            if "-" in key:
                report.warn(
                    f"{path}:{line}: repeats an earlier row in name, address, effective date and "
                    "FR citation; kept as its own entry"
                )
        report.published = latest_plausible(
            ((line, row["Last_Update"]) for line, row in rows()), report, path, "Last_Update"
        )
        for line, row in rows():
            yield self._entry(row, keys[line], source)

    def _entry(self, row: Mapping[str, str], key: str, source: str) -> Entry:
        name = " ".join(row["Name"].split())
        country = to_iso2(row["Country"])
        text = ", ".join(p for p in (" ".join(row[c].split()) for c in _ADDRESS_COLUMNS) if p)
        city = " ".join(row["City"].split()) or None
        extra = [
            ("entity_type", "inferred from name"),
            ("expiration_date", _iso_or_raw(row["Expiration_Date"])),
            ("standard_order", row["Standard_Order"].strip().upper()),
            ("last_update", row["Last_Update"].strip()),
            ("action", " ".join(row["Action"].split())),
            ("federal_register_notice", " ".join(row["FR_Citation"].split())),
        ]
        return Entry(
            source=source,
            source_id=key,
            type=entry_type(name),
            name=name,
            aliases=embedded_aliases(name),
            countries=(country,) if country else (),
            addresses=(Address(text, city, country),) if text else (),
            listed_on=parse_date(row["Effective_Date"], us_order=True),
            source_url=LIST_PAGE,
            extra=tuple((k, v) for k, v in extra if v),
        )


def _iso_or_raw(value: str) -> str:
    return parse_date(value, us_order=True) or value.strip()


def _key_tiers(row: Mapping[str, str]) -> tuple[tuple[str, ...], ...]:
    return (
        (row["Name"],),
        tuple(row[c] for c in _ADDRESS_COLUMNS),
        (row["Effective_Date"], row["FR_Citation"]),
    )


class _RowSource:
    """Re-readable rows as dicts, each checked for its field count, name and stray line breaks."""

    def __init__(self, path: Path, source: str, limits: ParseLimits) -> None:
        self._path = path
        self._source = source
        self._limits = limits
        header = next(self._records(), None)
        if header is None:
            raise SourceFormatError(source, str(path), "the file has no header line")
        self._positions = check_header(path, source, header[1], COLUMNS)
        self._width = len(header[1])

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        return iter_csv(self._path, self._source, self._limits, delimiter="\t")

    def __call__(self) -> Iterator[tuple[int, dict[str, str]]]:
        records = self._records()
        next(records, None)
        for line, fields in records:
            where = f"{self._path}:{line}"
            if len(fields) != self._width:
                raise SourceFormatError(
                    self._source,
                    where,
                    f"expected {self._width} tab-separated fields, found {len(fields)}",
                )
            if any("\n" in f or "\r" in f for f in fields):
                raise SourceFormatError(
                    self._source, where, "a line break inside a field (a truncated quote?)"
                )
            row = {column: fields[self._positions[column]] for column in COLUMNS}
            if not row["Name"].strip():
                raise SourceFormatError(self._source, where, "an entry without a name")
            yield line, row


FORMATS = (BisDpl,)
