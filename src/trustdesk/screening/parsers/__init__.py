"""One parser per published list format, and the detection that picks one for a set of files."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import HEAD_BYTES, ListFormat, ParseLimits, ParseReport

__all__ = [
    "FileSet",
    "ListFormat",
    "ParseLimits",
    "ParseReport",
    "all_formats",
    "detect",
    "format_by_name",
]

# Each module defines FORMATS; imported on first use so that the CLI starts fast.
_MODULES = (
    "ofac_csv",
    "ofac_xml",
    "un_xml",
    "uk_xml",
    "ofsi",
    "eu_xml",
    "us_csl",
    "bis_dpl",
    "opensanctions",
    "custom_csv",
    "trustdesk_json",
)


@cache
def all_formats() -> tuple[type[ListFormat], ...]:
    found: list[type[ListFormat]] = []
    for module in _MODULES:
        found.extend(importlib.import_module(f"{__name__}.{module}").FORMATS)
    return tuple(found)


def format_by_name(name: str) -> type[ListFormat]:
    for fmt in all_formats():
        if fmt.name == name:
            return fmt
    raise KeyError(name)


@dataclass(frozen=True, slots=True)
class FileSet:
    """Files that together make one snapshot of one source, each in its role."""

    format: type[ListFormat]
    source: str
    files: dict[str, Path]


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError as exc:
        raise SourceFormatError("", str(path), f"cannot be read: {exc.strerror or exc}") from exc


def _source_matches(fmt: type[ListFormat], source: str | None) -> bool:
    if source is None:
        return True
    if source.startswith("custom:"):
        return fmt.source == "custom"
    return fmt.accepts_source(source)


def _default_source(fmt: type[ListFormat], path: Path, head: bytes, source: str | None) -> str:
    if source is not None:
        return source
    if fmt.source == "custom":
        return f"custom:{_slug(path.stem)}"
    return fmt.source_for(path, head)


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.casefold())
    return "-".join(part for part in out.split("-") if part) or "list"


def detect(paths: Sequence[Path], *, source: str | None = None) -> list[FileSet]:
    """Group files into snapshots by format, in the order given.

    Files of one multi-file format named together form one set; several main files of the same
    format (three daily sdn.csv, say) form one set each. A file no format recognises is an error
    naming it, so that nothing is imported by guesswork.
    """
    sets: list[FileSet] = []
    pending_extras: list[tuple[type[ListFormat], str, Path]] = []
    for path in paths:
        if not path.is_file():
            raise SourceFormatError(source or "", str(path), "no such file")
        head = _read_head(path)
        if not head:
            raise SourceFormatError(source or "", str(path), "the file is empty")
        match: tuple[type[ListFormat], str] | None = None
        for fmt in all_formats():
            if not _source_matches(fmt, source):
                continue
            role = fmt.role_for(path, head)
            if role is not None:
                match = (fmt, role)
                break
        if match is None:
            wanted = f" as a {source} list" if source else ""
            raise SourceFormatError(
                source or "", str(path), f"not a list file trustdesk can read{wanted}"
            )
        fmt, role = match
        if role == fmt.roles[0]:
            sets.append(FileSet(fmt, _default_source(fmt, path, head, source), {role: path}))
        else:
            pending_extras.append((fmt, role, path))
    for fmt, role, path in pending_extras:
        owners = [s for s in sets if s.format is fmt]
        if len(owners) != 1:
            why = "without" if not owners else "with more than one"
            raise SourceFormatError(
                fmt.source,
                str(path),
                f"is the '{role}' file of a {fmt.label} set, named {why} its '{fmt.roles[0]}' "
                f"file: name one set per import",
            )
        if role in owners[0].files:
            raise SourceFormatError(fmt.source, str(path), f"a second '{role}' file for one set")
        owners[0].files[role] = path
    return sets
