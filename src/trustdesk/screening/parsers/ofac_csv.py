"""OFAC's legacy CSV sets: the SDN list (sdn.csv …) and the Consolidated non-SDN list (cons_*.csv).

Each set is one main file (one row per entry) and up to three side files joined on `ent_num`:
addresses, strong alternate names and the "spillover" continuation of remarks cut at OFAC's
1,000-character column width. The files have no header and write `-0-` for an empty field.
OFAC's data specification calls them ASCII; they are read as strict UTF-8 (a superset), so a
file in any other encoding is refused with the line of the first bad byte.

Many facts exist only inside the free-text Remarks column, as `; `-separated clauses in OFAC's
fixed wording (`DOB 10 Jan 1960; POB Tehran, Iran; Passport A123 (Iran); a.k.a. 'X'.`). The
clause grammar lives in `ofac_remarks`, shared with the XML parser, which carries the same facts.
The legacy CSV states no publication date, so `report.published` stays None.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import HEAD_BYTES, ListFormat, ParseLimits, ParseReport
from trustdesk.screening.parsers.ofac_remarks import parse_remarks
from trustdesk.screening.safety import iter_csv

DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"

_EOF = "\x1a"  # DOS end-of-file byte OFAC still appends to every file
_NULL = "-0-"
_REMARKS_WIDTH = 1000  # OFAC cuts Remarks here and continues them in the comments file
_MAX_ORPHAN_WARNINGS = 20  # per side file; the rest are summed up in one line

_TYPES = {
    "": EntityType.ORGANIZATION,  # OFAC leaves SDN_Type empty (-0-) for entities
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}

# (field count, column names) of each file shape, as in OFAC's data specification.
_SHAPES: dict[str, tuple[str, ...]] = {
    "sdn": (
        "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type",
        "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
    ),
    "add": ("ent_num", "add_num", "Address", "City/State/Province/Postal Code", "Country",
            "Add_remarks"),
    "alt": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "comments": ("ent_num", "Remarks continued"),
}  # fmt: skip

_PROGRAM_SPLIT = re.compile(r"\]\s*\[")


def _clean(value: str) -> str:
    """The field without padding or the EOF byte; OFAC's `-0-` null becomes ''."""
    text = " ".join(value.replace(_EOF, "").split())
    return "" if text == _NULL else text


# --- recognising the files --------------------------------------------------------------------


def _shape_of(head: bytes) -> str | None:
    """Which of the four OFAC file shapes the first rows have, judged on up to five rows."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")  # claimed, then refused by parse()
    else:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if len(head) >= HEAD_BYTES:
        lines = lines[:-1]  # the last line may be cut by the head limit
    rows = [row for row in csv.reader(lines[:6]) if row and _clean(row[0])][:5]
    if not rows:
        return None
    shapes = {_row_shape(row) for row in rows}
    return shapes.pop() if len(shapes) == 1 else None


def _row_shape(row: list[str]) -> str | None:
    if not row[0].strip().isdigit():
        return None
    if len(row) == len(_SHAPES["sdn"]) and _clean(row[2]).casefold() in _TYPES:
        return "sdn"
    if len(row) == len(_SHAPES["add"]) and row[1].strip().isdigit():
        return "add"
    if len(row) == len(_SHAPES["alt"]) and _clean(row[2]) in ("aka", "fka", "nka"):
        return "alt"
    if len(row) == len(_SHAPES["comments"]):
        return "comments"
    return None


def _name_hint(path: Path) -> tuple[bool, str | None]:
    """(is a cons_* file, role the file name suggests) from OFAC's file naming."""
    tokens = [t for t in re.split(r"[^a-z0-9]+", path.stem.casefold()) if t]
    is_cons = bool(tokens) and tokens[0] in ("cons", "consolidated")
    for role in ("comments", "add", "alt"):
        if role in tokens:
            return is_cons, role
    if "sdn" in tokens or "prim" in tokens:
        return is_cons, "sdn"
    return is_cons, None


# --- the formats ------------------------------------------------------------------------------


class _OfacCsvSet(ListFormat):
    """The shared reader of both legacy CSV sets; subclasses differ only in names and source."""

    roles: ClassVar[tuple[str, ...]] = ("sdn", "add", "alt", "comments")
    version: ClassVar[str] = "2"  # 2: country spellings of other lists resolve too
    consolidated: ClassVar[bool] = False

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        shape = _shape_of(head)
        if shape is None:
            return None
        is_cons, hint = _name_hint(path)
        if is_cons != cls.consolidated:
            return None
        if hint == shape:
            return shape
        # A renamed file: only the main file's shape is distinctive enough to claim unnamed.
        if hint is None and shape == "sdn" and not cls.consolidated:
            return shape
        return None

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        main = files.get("sdn")
        if main is None:
            raise SourceFormatError(source, "", f"a {self.label} set needs its main file")
        side = {
            role: _read_side(files[role], role, source, limits, report)
            for role in self.roles[1:]
            if role in files
        }
        reader = _SetReader(main, source, side, report)
        for line, row in _rows(main, "sdn", source, limits, report):
            yield reader.entry(line, row)
        reader.finish()


class OfacSdnCsv(_OfacCsvSet):
    name: ClassVar[str] = "ofac-sdn-csv"
    source: ClassVar[str] = "ofac-sdn"
    label: ClassVar[str] = "OFAC SDN legacy CSV"
    official_url: ClassVar[str | None] = "https://www.treasury.gov/ofac/downloads/sdn.csv"


class OfacConsCsv(_OfacCsvSet):
    name: ClassVar[str] = "ofac-cons-csv"
    source: ClassVar[str] = "ofac-cons"
    label: ClassVar[str] = "OFAC Consolidated (non-SDN) legacy CSV"
    official_url: ClassVar[str | None] = (
        "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv"
    )
    consolidated: ClassVar[bool] = True


FORMATS = (OfacSdnCsv, OfacConsCsv)


# --- reading ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Side:
    """A side file's rows grouped by ent_num; rows are taken out as their entry is read."""

    path: Path
    total: int
    by_ent: dict[str, list[tuple[int, list[str]]]]

    def take(self, ent_num: str) -> list[tuple[int, list[str]]]:
        return self.by_ent.pop(ent_num, [])


def _rows(
    path: Path, shape: str, source: str, limits: ParseLimits, report: ParseReport
) -> Iterator[tuple[int, list[str]]]:
    """Rows of one file with the field count checked and `ent_num` an integer."""
    columns = _SHAPES[shape]
    non_ascii = 0
    rows = iter_csv(path, source, limits, strip_chars=_EOF, advice="OFAC publishes ASCII")
    for line, row in rows:
        if any("\n" in value or "\r" in value for value in row):
            # No OFAC field spans lines: a stray quote has swallowed the rows that follow.
            raise SourceFormatError(
                source, f"{path}:{line}", "a quoted field runs past the end of its line"
            )
        if len(row) != len(columns):
            raise SourceFormatError(
                source,
                f"{path}:{line}",
                f"{len(row)} field(s) where OFAC's {shape} file has {len(columns)} "
                f"({', '.join(columns)})",
            )
        if not row[0].strip().isdigit():
            raise SourceFormatError(
                source, f"{path}:{line}", f"ent_num {row[0].strip()!r} is not a number"
            )
        non_ascii += not all(value.isascii() for value in row)
        yield line, row
    if non_ascii:
        report.warn(
            f"{path}: {non_ascii} row(s) contain non-ASCII characters, which OFAC's "
            "specification does not allow; check that names display correctly"
        )


def _read_side(
    path: Path, role: str, source: str, limits: ParseLimits, report: ParseReport
) -> _Side:
    """A side file held in memory (it is far smaller than the main file), file order kept."""
    side = _Side(path, 0, {})
    if path.is_file() and path.stat().st_size == 0:
        report.warn(f"{path}: the {role} file is empty")  # nothing to join is no harm
        return side
    for line, row in _rows(path, role, source, limits, report):
        side.by_ent.setdefault(row[0].strip(), []).append((line, row))
        side.total += 1
    return side


@dataclass(slots=True)
class _SetReader:
    """One parse of a set: joins side rows to each main row and notes what to warn about."""

    main: Path
    source: str
    side: dict[str, _Side]
    report: ParseReport
    cut: list[str] = field(default_factory=list)

    def take(self, role: str, ent_num: str) -> list[tuple[int, list[str]]]:
        return self.side[role].take(ent_num) if role in self.side else []

    def entry(self, line: int, row: list[str]) -> Entry:
        ent_num, name = row[0].strip(), _clean(row[1])
        where = f"{self.main}:{line}"
        if not name:
            raise SourceFormatError(self.source, where, f"entry {ent_num} has no name")
        sdn_type = _clean(row[2]).casefold()
        if sdn_type not in _TYPES:
            raise SourceFormatError(
                self.source, where, f"entry {ent_num} has unknown SDN_Type {row[2]!r}"
            )
        remarks, complete = self.remarks(ent_num, row[11])
        facts = parse_remarks(remarks, complete=complete)
        for value in facts.unread:
            self.report.warn(f"{where}: entry {ent_num}: date of birth {value!r} not understood")
        strong, alias_extra = self.aliases(ent_num, name)
        addresses = [a for _, cells in self.take("add", ent_num) if (a := _address(cells))]
        vessel = [_clean(v) for v in row[4:11]]
        return Entry(
            source=self.source,
            source_id=ent_num,
            type=_TYPES[sdn_type],
            name=name,
            aliases=strong,
            weak_aliases=tuple(
                w for w in unique(facts.weak_aliases) if w != name and w not in strong
            ),
            countries=unique(
                [*facts.countries, to_iso2(vessel[5]), *(a.country for a in addresses)]
            ),
            identifiers=tuple(dict.fromkeys(_vessel_ids(vessel) + facts.identifiers)),
            addresses=tuple(dict.fromkeys(addresses)),
            dates_of_birth=unique(facts.dates_of_birth),
            programs=unique(_PROGRAM_SPLIT.split(_clean(row[3]).strip("[]"))),
            remarks=" ".join(remarks.split()),
            source_url=DETAILS_URL.format(ent_num),
            extra=tuple(dict.fromkeys(_vessel_extra(vessel) + alias_extra + facts.extra)),
        )

    def remarks(self, ent_num: str, published: str) -> tuple[str, bool]:
        """The whole remarks text, and whether it is complete (not cut at OFAC's width)."""
        published = published.replace(_EOF, "")
        continued = "".join(cells[1] for _, cells in self.take("comments", ent_num))
        # The spillover goes on mid-word or at a space where the field stopped: no separator.
        text = (published + continued).replace(_EOF, "").strip()
        # A full-width field may stop anywhere, even just after a period ("U.S."), so its
        # width, not its last character, tells whether it was cut.
        complete = bool(continued) or len(published.rstrip("\r\n")) < _REMARKS_WIDTH
        if not complete:
            self.cut.append(ent_num)
        return ("" if text == _NULL else text), complete

    def aliases(self, ent_num: str, name: str) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
        """Strong aliases from alt.csv: OFAC lists only strong names there, whatever the type."""
        names: list[str] = []
        extra: list[tuple[str, str]] = []
        for line, cells in self.take("alt", ent_num):
            alt_type, alt_name = _clean(cells[2]).casefold(), _clean(cells[3])
            if not alt_name:
                self.report.warn(
                    f"{self.side['alt'].path}:{line}: alias {cells[1].strip()} has no name: skipped"
                )
                self.report.skipped += 1
                continue
            names.append(alt_name)
            if alt_type in ("fka", "nka"):
                extra.append((alt_type, alt_name))  # a former or new name: worth a reviewer's eye
        return tuple(a for a in unique(names) if a != name), extra

    def finish(self) -> None:
        if self.cut:
            _warn_cut(self.report, self.main, self.cut, has_comments="comments" in self.side)
        for role, side in self.side.items():
            _warn_orphans(self.report, role, self.source, side, self.main)


def _address(cells: list[str]) -> Address | None:
    street, city, country, remarks = (_clean(cells[i]) for i in (2, 3, 4, 5))
    parts = [p for p in (street, city, country) if p]
    if not parts:
        return None
    text = ", ".join(parts) + (f" ({remarks})" if remarks else "")
    return Address(text=text, city=city or None, country=to_iso2(country))


def _vessel_ids(vessel: list[str]) -> list[Identifier]:
    call_sign = vessel[1]
    return [Identifier("Call Sign", call_sign)] if call_sign else []


def _vessel_extra(vessel: list[str]) -> list[tuple[str, str]]:
    title, _call, vess_type, tonnage, grt, flag, owner = vessel
    pairs = (
        ("title", title),
        ("vessel_type", vess_type),
        ("tonnage", tonnage),
        ("gross_registered_tonnage", grt),
        ("vessel_flag", flag),
        ("vessel_owner", owner),
    )
    return [(key, value) for key, value in pairs if value]


def _warn_cut(report: ParseReport, path: Path, cut: list[str], *, has_comments: bool) -> None:
    shown = ", ".join(cut[:10]) + (" …" if len(cut) > 10 else "")
    advice = (
        "the comments file given does not continue them"
        if has_comments
        else "give the comments file (sdn_comments.csv / cons_comments.csv) with it"
    )
    report.warn(
        f"{path}: the remarks of {len(cut)} entries stop at OFAC's {_REMARKS_WIDTH}-character "
        f"limit (ent_num {shown}); their last clause was not read: {advice}"
    )


def _warn_orphans(report: ParseReport, role: str, source: str, side: _Side, main: Path) -> None:
    """Rows naming no entry are warned and skipped; a file naming none at all is another set's."""
    orphans = sorted((line, ent) for ent, rows in side.by_ent.items() for line, _ in rows)
    if not orphans:
        return
    if len(orphans) == side.total:
        raise SourceFormatError(
            source,
            str(side.path),
            f"none of its {side.total} {role} rows names an entry of {main}: the files are "
            "from different publications",
        )
    report.skipped += len(orphans)
    for line, ent in orphans[:_MAX_ORPHAN_WARNINGS]:
        report.warn(
            f"{side.path}:{line}: {role} row for ent_num {ent}, which is not in the list: skipped"
        )
    if len(orphans) > _MAX_ORPHAN_WARNINGS:
        report.warn(
            f"{side.path}: {len(orphans) - _MAX_ORPHAN_WARNINGS} more {role} rows name no entry: "
            "skipped"
        )
