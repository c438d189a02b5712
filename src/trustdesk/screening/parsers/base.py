"""The contract every list format implements, and what a parse reports besides its entries."""

from __future__ import annotations

import abc
import codecs
import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from trustdesk.screening.entries import Entry

HEAD_BYTES = 65536  # enough of a file to recognise every supported format by its header


def head_rows(head: bytes, count: int = 1, *, delimiter: str = ",") -> list[list[str]]:
    """The first lines of a file's head as header cells (stripped of blanks and quotes), or []."""
    lines = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace").splitlines()[:count]
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return []
    return [[cell.strip().strip('"').strip() for cell in row] for row in rows]


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Ceilings that turn hostile or accidental huge input into a clear error, not a dead host.

    The defaults fit every official list with a wide margin (the largest, the full OpenSanctions
    export, is larger: raise `max_file_bytes` for it explicitly).
    """

    max_file_bytes: int = 1 << 30  # 1 GiB on disk per file
    max_unzipped_bytes: int = 1 << 30  # total declared size of a zip container's members
    max_zip_ratio: int = 200  # compression ratio above which a zip is treated as a bomb
    max_field_chars: int = 1 << 20  # one CSV field; OFAC remarks run to a few KB


@dataclass(slots=True)
class ParseReport:
    """Facts a parser learns while its entries stream: read them after the iterator is exhausted."""

    published: str | None = None  # ISO 8601 date (or date-time) the publisher stamped on the file
    declared_count: int | None = None  # the record count the file states about itself, if any
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0  # rows that named no entry (OFAC add/alt/comments) and were left out

    def warn(self, message: str) -> None:
        self.warnings.append(message)


class ListFormat(abc.ABC):
    """One published file format. Subclasses are stateless; `parse` streams where the format allows.

    A format may take several files (the OFAC legacy CSV sets): `roles` names them, the first
    being the one without which there is no list. `role_for` recognises a file from its name and
    first bytes so that `trustdesk lists import` needs no `--format`.
    """

    name: ClassVar[str]  # format key, e.g. "ofac-sdn-csv"
    source: ClassVar[str]  # default list source key, e.g. "ofac-sdn"
    sources: ClassVar[tuple[str, ...]] = ()  # other source keys the same format can carry
    version: ClassVar[str]  # parser version, recorded with each snapshot; bump when output changes
    roles: ClassVar[tuple[str, ...]] = ("main",)
    label: ClassVar[str]  # human name of the format, for messages
    official_url: ClassVar[str | None] = None  # where `trustdesk lists update` downloads it

    @classmethod
    def accepts_source(cls, source: str) -> bool:
        return source == cls.source or source in cls.sources

    @classmethod
    @abc.abstractmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        """The role this file plays in this format, or None when it is not this format."""

    @classmethod
    def source_for(cls, path: Path, head: bytes) -> str:
        """The list source a recognised file carries; formats shared by two sources override it."""
        return cls.source

    @abc.abstractmethod
    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        """Yield every entry; raise SourceFormatError at the first problem that makes it unsafe."""
