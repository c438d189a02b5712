"""Batch screening of a CSV of names: reading the input, screening it in chunks, writing safely.

A large file may be screened by several processes (`screen_chunks` with ``workers > 1``). The
rows are read in this process and sent in chunks of `CHUNK_ROWS`; each worker screens a chunk
and formats its output, and the chunks are written in input order. At most
``workers * WINDOW_PER_WORKER`` chunks are in flight, so memory stays flat however long the file.
Where the operating system can fork, the workers share the index already loaded here (the
arrays are never written, so their pages stay shared); elsewhere each worker loads the saved
index file once. One process and several give the same output, byte for byte: both run
`screen_chunk`.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import IO, Literal

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import Hit, MatchIndex, NameNotScreenable, Query
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


# Rows per chunk sent to a worker: large enough that sending it costs little next to screening
# it (about 1 ms of pickling for some 100 ms of matching), small enough for smooth progress.
CHUNK_ROWS = 500
# Chunks in flight per worker: one being screened, one waiting, one being written back.
WINDOW_PER_WORKER = 3

Format = Literal["csv", "jsonl"]


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """What every chunk is screened and written with."""

    fmt: Format
    threshold: float
    limit: int


@dataclass(frozen=True, slots=True)
class ScreenedChunk:
    """One chunk's output, already formatted, with how many rows it held and how many refused."""

    text: str
    rows: int
    refusals: int


def screen_chunk(index: MatchIndex, rows: Sequence[Row], settings: ChunkSettings) -> ScreenedChunk:
    """Screen the rows and format their output (CSV rows or JSON lines, without the header)."""
    out = io.StringIO()
    writer = csv.writer(out) if settings.fmt == "csv" else None
    refusals = 0
    for row in rows:
        hits: list[Hit] = []
        refused = None
        try:
            hits = index.search(row.query, threshold=settings.threshold, limit=settings.limit)
        except NameNotScreenable as exc:
            refused, refusals = exc, refusals + 1
        if writer:
            writer.writerows(csv_rows(row, hits, refused))
        else:
            out.write(jsonl_record(row, hits, refused) + "\n")
    return ScreenedChunk(out.getvalue(), len(rows), refusals)


def _chunked(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen_chunks(
    rows: Iterable[Row],
    *,
    index: MatchIndex,
    index_path: Path,
    settings: ChunkSettings,
    workers: int = 1,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[ScreenedChunk]:
    """The screened chunks of `rows`, in input order, by this process or by `workers` processes.

    Workers use no database: a forked one leaves the connection it inherits untouched.
    """
    if workers <= 1:
        for chunk in _chunked(rows, chunk_rows):
            yield screen_chunk(index, chunk, settings)
        return
    forking = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if forking else "spawn")
    # Forked, a worker is handed the loaded index itself (not pickled: fork copies the process);
    # spawned, it gets only the saved file's path and loads it once.
    shared = index if forking else None
    with context.Pool(
        workers, initializer=_worker_start, initargs=(shared, str(index_path))
    ) as pool:
        pending: deque[AsyncResult[ScreenedChunk]] = deque()
        for chunk in _chunked(rows, chunk_rows):
            pending.append(pool.apply_async(_worker_screen, (chunk, settings)))
            if len(pending) >= workers * WINDOW_PER_WORKER:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# The index of this worker process, set once when the pool starts it. Per process and never
# changed afterwards, so it is a cache of what the parent loaded, not a shared source of truth.
_worker_index: MatchIndex | None = None


def _worker_start(shared: MatchIndex | None, path: str) -> None:
    global _worker_index
    _worker_index = shared if shared is not None else MatchIndex.load(path)


def _worker_screen(rows: list[Row], settings: ChunkSettings) -> ScreenedChunk:
    if _worker_index is None:  # pragma: no cover - the pool's initializer always runs first
        raise RuntimeError("screen-file worker started without its index")
    return screen_chunk(_worker_index, rows, settings)
