"""Hardened readers shared by the parsers: size ceilings, strict decoding, safe XML, zip checks.

Every reader turns a low-level failure into a SourceFormatError that names the file and the
line or element, because an operator has to fix or report the file, not read a traceback.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from lxml import etree

from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits

_DOCTYPE_DECL = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_size(path: Path, source: str, limits: ParseLimits) -> None:
    """Refuse a file larger than the ceiling before reading a byte of it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceFormatError(source, str(path), f"cannot be read: {exc.strerror}") from exc
    if size == 0:
        raise SourceFormatError(source, str(path), "the file is empty")
    if size > limits.max_file_bytes:
        raise SourceFormatError(
            source,
            str(path),
            f"the file is {_human(size)}, over the {_human(limits.max_file_bytes)} limit for one "
            "list file (set TRUSTDESK_MAX_LIST_BYTES to raise it if the file is genuine)",
        )


def _human(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _detect_encoding(path: Path, head: bytes, encoding: str, source: str) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head[:4096]:
        raise SourceFormatError(
            source, str(path), "binary data, not text (is it a spreadsheet or a zip?)"
        )
    return encoding


def open_text(path: Path, source: str, limits: ParseLimits, encoding: str = "utf-8") -> TextIO:
    """Open a text list file strictly: a wrong encoding is an error, never mojibake in names."""
    check_size(path, source, limits)
    with path.open("rb") as fh:
        head = fh.read(4096)
    chosen = _detect_encoding(path, head, encoding, source)
    return path.open(encoding=chosen, errors="strict", newline="")


def iter_lines(
    path: Path, source: str, limits: ParseLimits, encoding: str = "utf-8"
) -> Iterator[tuple[int, str]]:
    """Yield (line number, line without its newline), decoding strictly."""
    with open_text(path, source, limits, encoding) as fh:
        line_no = 0
        try:
            for line_no, line in enumerate(fh, start=1):
                yield line_no, line.rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise _decode_error(path, source, line_no + 1, encoding, exc) from exc


def _decode_error(
    path: Path, source: str, line: int, encoding: str, exc: UnicodeDecodeError
) -> SourceFormatError:
    bad = exc.object[exc.start : exc.start + 1].hex()
    return SourceFormatError(
        source,
        f"{path}:{line}",
        f"not valid {encoding.upper()} (byte 0x{bad}); save the file as {encoding.upper()}",
    )


def iter_csv(
    path: Path,
    source: str,
    limits: ParseLimits,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    strip_chars: str = "",
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each CSV record; line is where the record starts.

    `strip_chars` names trailing junk to ignore at end of file (OFAC's DOS end-of-file 0x1A).
    """
    csv.field_size_limit(limits.max_field_chars)
    with open_text(path, source, limits, encoding) as fh:
        reader = csv.reader(_strip_tail(fh, strip_chars), delimiter=delimiter, strict=False)
        start = 1
        try:
            for row in reader:
                line = start
                start = reader.line_num + 1
                if not row or (len(row) == 1 and not row[0].strip(strip_chars + " \t")):
                    continue
                yield line, row
        except UnicodeDecodeError as exc:
            raise _decode_error(path, source, reader.line_num + 1, encoding, exc) from exc
        except csv.Error as exc:
            raise SourceFormatError(source, f"{path}:{reader.line_num}", f"bad CSV: {exc}") from exc


def _strip_tail(lines: Iterable[str], chars: str) -> Iterator[str]:
    for line in lines:
        yield line.strip(chars) if chars and line.strip(chars + "\r\n") == "" else line


def check_header(
    path: Path, source: str, header: list[str], required: Iterable[str]
) -> dict[str, int]:
    """Map column names to positions, or fail naming every missing column."""
    positions = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in positions]
    if missing:
        raise SourceFormatError(source, f"{path}:1", f"missing column(s): {', '.join(missing)}")
    return positions


def localname(tag: object) -> str:
    """The tag without its namespace; comments and processing instructions give ''."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def iter_xml(
    path: Path, source: str, limits: ParseLimits, names: Iterable[str]
) -> Iterator[etree._Element]:
    """Stream the elements with these local names, each complete, freeing memory behind them.

    Any DOCTYPE is refused outright: no official list uses one, and it is the door to entity
    expansion ("billion laughs") and external-entity attacks. lxml is also told not to resolve
    entities or touch the network, as a second lock.
    """
    check_size(path, source, limits)
    with path.open("rb") as fh:
        head = fh.read(65536)
    if _DOCTYPE_DECL.search(head):
        raise SourceFormatError(
            source, str(path), "the XML declares a DOCTYPE or entities, which list files never do"
        )
    wanted = frozenset(names)
    context = etree.iterparse(
        str(path),
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        for _event, element in context:
            if localname(element.tag) in wanted:
                yield element
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno
        reason = exc.msg or str(exc)
        if "Document is empty" in reason:
            reason = "the file is empty or not XML"
        raise SourceFormatError(source, f"{path}:{line}", f"malformed XML: {reason}") from exc


def child_text(element: etree._Element, name: str) -> str:
    """Text of the first direct child with this local name, stripped; '' when absent."""
    for child in element:
        if localname(child.tag) == name:
            return (child.text or "").strip()
    return ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if localname(child.tag) == name]


def check_zip(path: Path, source: str, limits: ParseLimits, what: str) -> None:
    """Refuse a zip container (xlsx) that is not one, or that would inflate past the ceilings."""
    check_size(path, source, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise SourceFormatError(source, str(path), f"not a valid {what} file ({exc})") from exc
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > limits.max_unzipped_bytes or total / packed > limits.max_zip_ratio:
        raise SourceFormatError(
            source,
            str(path),
            f"the {what} would expand to {_human(total)} from {_human(packed)}: refused as a "
            "possible zip bomb",
        )
