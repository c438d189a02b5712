"""Batch screening of a CSV of names: reading the input, writing CSV or JSON lines safely."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import Hit, NameNotScreenable, Query
from trustdesk.web.core.spreadsheet import neutralise_cell

TYPE_WORDS = {
    "": None,
    "any": None,
    "organization": EntityType.ORGANIZATION,
    "organisation": EntityType.ORGANIZATION,
    "entity": EntityType.ORGANIZATION,
    "company": EntityType.ORGANIZATION,
    "person": EntityType.PERSON,
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
CSV_FIELDS = (
    "id",
    "query",
    "source",
    "entry_id",
    "name",
    "matched_name",
    "score",
    "explanation",
    "error",  # why the row was not screened (a name with nothing to compare); blank when it was
)


class InputError(Exception):
    """The input file cannot be screened as given; the message names the line and the problem."""


@dataclass(frozen=True, slots=True)
class Columns:
    name: str = "name"
    id: str | None = "id"
    type: str | None = "type"
    country: str | None = "country"


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    id: str
    query: Query


def parse_type(value: str, where: str) -> EntityType | None:
    try:
        return TYPE_WORDS[value.strip().casefold()]
    except KeyError:
        known = ", ".join(k for k in TYPE_WORDS if k)
        raise InputError(f"{where}: unknown type {value!r} (use one of: {known})") from None


def parse_country(value: str, where: str) -> str | None:
    if not value.strip():
        return None
    code = to_iso2(value)
    if code is None:
        raise InputError(f"{where}: {value!r} is not an ISO 3166-1 country code or name")
    return code


def read_rows(path: Path, columns: Columns) -> Iterator[Row]:
    """Rows of the input CSV (UTF-8, with or without BOM); every problem names its line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            _check_columns(path, header, columns)
            for number, record in enumerate(reader, start=1):
                yield _row(path, reader.line_num, number, record, columns)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 ({exc.reason}); save the file as UTF-8") from exc
    except csv.Error as exc:
        raise InputError(f"{path}: bad CSV: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror or exc}") from exc


def _check_columns(path: Path, header: Sequence[str], columns: Columns) -> None:
    if not header:
        raise InputError(
            f"{path}: the file is empty (a header row with a '{columns.name}' column is needed)"
        )
    if columns.name not in header:
        raise InputError(
            f"{path}:1: no '{columns.name}' column (columns are: {', '.join(header)}); "
            "name it with --name-column"
        )


def _row(
    path: Path, line: int, number: int, record: dict[str, str | None], columns: Columns
) -> Row:
    where = f"{path}:{line}"

    def cell(name: str | None) -> str:
        return (record.get(name) or "") if name else ""

    return Row(
        line=line,
        id=cell(columns.id) or str(number),
        query=Query(
            name=cell(columns.name),
            type=parse_type(cell(columns.type), where),
            country=parse_country(cell(columns.country), where),
        ),
    )


def count_rows(path: Path) -> int:
    """Records in the file, for a progress bar; a cheap line count (quoted newlines are rare)."""
    with path.open("rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will show as text: formula-looking values get a leading apostrophe."""
    text = "" if value is None else str(value)
    return neutralise_cell(text)


def jsonl_record(row: Row, hits: list[Hit], refused: NameNotScreenable | None = None) -> str:
    """One line per input row; a refused row has an `error` (code, message) and no matches."""
    record: dict[str, object] = {
        "id": row.id,
        "query": row.query.name,
        "matches": [
            {
                "source": h.source,
                "entry_id": h.entry_id,
                "name": h.name,
                "matched_name": h.matched_name,
                "score": h.score,
                "explanation": h.explanation,
            }
            for h in hits
        ],
    }
    if refused is not None:
        record["error"] = {"code": refused.CODE, "message": str(refused)}
    return json.dumps(record, ensure_ascii=False)


def csv_rows(
    row: Row, hits: list[Hit], refused: NameNotScreenable | None = None
) -> list[list[str]]:
    """One row per hit; a name with no hit still gets one row, so every input is accounted for.

    A row whose name was refused says why in the `error` column: it was not screened, which is
    not the same as screened and clear.
    """
    if not hits:
        error = f"{refused.CODE}: {refused}" if refused is not None else ""
        return [[safe_cell(row.id), safe_cell(row.query.name), "", "", "", "", "", "", error]]
    return [
        [
            safe_cell(v)
            for v in (
                row.id,
                row.query.name,
                h.source,
                h.entry_id,
                h.name,
                h.matched_name,
                f"{h.score:.3f}",
                h.explanation,
                "",
            )
        ]
        for h in hits
    ]


def write_atomically(
    target: Path | None, write: Callable[[IO[str]], None], stdout: IO[str]
) -> None:
    """Write to a temporary file beside the target and rename it only when complete."""
    if target is None:
        write(stdout)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
