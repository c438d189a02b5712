"""Hardened readers shared by the parsers: size ceilings, strict decoding, safe XML, zip checks.

Every reader turns a low-level failure into a SourceFormatError that names the file and the
line or element, because an operator has to fix or report the file, not read a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import HEAD_BYTES, ParseLimits

_DOCTYPE_DECL = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DOCTYPE_REASON = "the XML declares a DOCTYPE or entities, which list files never do"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# (first bytes, name for messages): XML in a wide encoding, with or without a byte-order mark.
_WIDE_XML = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
    (b"<\x00", "UTF-16"),
    (b"\x00<", "UTF-16"),
)
_DECLARED_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
_CSV_MID_FIELD_QUOTE = re.compile(r"'.' expected after '\"'")


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


def _physical_lines(
    path: Path,
    source: str,
    limits: ParseLimits,
    *,
    encoding: str,
    allow_utf16: bool,
    advice: str | None,
) -> Iterator[tuple[int, str]]:
    """(line number, line with its line end) for each physical line, each decoded on its own.

    Decoding line by line (rather than in the 8 KiB blocks of a text file) is what lets an
    error name the very line of a bad byte. Lines end at CR LF, LF or a lone CR, as in a text
    file opened with newline="".
    """
    check_size(path, source, limits)
    with path.open("rb") as fh:
        head = fh.read(4096)
        fh.seek(0)
        if head.startswith(_UTF16_BOMS):
            if not allow_utf16:
                raise SourceFormatError(
                    source, str(path), f"the file is UTF-16; {advice or 'save it as UTF-8'}"
                )
            yield from _utf16_lines(path, source, fh)
            return
        if b"\x00" in head:
            raise SourceFormatError(
                source, str(path), "binary data, not text (is it a spreadsheet or a zip?)"
            )
        line_no = 0
        for block in fh:
            for raw in block.splitlines(keepends=True) if b"\r" in block else (block,):
                line_no += 1
                if line_no == 1:
                    raw = raw.removeprefix(codecs.BOM_UTF8)
                try:
                    text = raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    raise _decode_error(path, source, line_no, encoding, exc, advice) from exc
                yield line_no, text


def _utf16_lines(path: Path, source: str, fh: BinaryIO) -> Iterator[tuple[int, str]]:
    """A UTF-16 file decoded whole: its line ends cannot be found in the bytes alone."""
    raw = fh.read()
    try:
        text = raw.decode("utf-16")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start - exc.start % 2].decode("utf-16", errors="replace")
        line = len(io.StringIO(before, newline="").readlines()) or 1
        bad = exc.object[exc.start : exc.end].hex()
        raise SourceFormatError(
            source, f"{path}:{line}", f"not valid UTF-16 (bytes 0x{bad}); save the file as UTF-8"
        ) from exc
    yield from enumerate(io.StringIO(text, newline=""), start=1)


def iter_lines(
    path: Path,
    source: str,
    limits: ParseLimits,
    encoding: str = "utf-8",
    *,
    allow_utf16: bool = False,
    advice: str | None = None,
) -> Iterator[tuple[int, str]]:
    """Yield (line number, line without its line end), decoding strictly, line by line.

    A UTF-8 byte-order mark is dropped. A UTF-16 file (byte-order mark) is refused unless
    `allow_utf16`, since no publisher uses it and its line of a bad byte cannot be named
    without decoding it whole. `advice` replaces "save the file as UTF-8" in decoding errors.
    """
    lines = _physical_lines(
        path, source, limits, encoding=encoding, allow_utf16=allow_utf16, advice=advice
    )
    for line_no, line in lines:
        yield line_no, line.rstrip("\r\n")


def _decode_error(
    path: Path,
    source: str,
    line: int,
    encoding: str,
    exc: UnicodeDecodeError,
    advice: str | None,
) -> SourceFormatError:
    bad = exc.object[exc.start : exc.start + 1].hex()
    name = encoding.upper()
    return SourceFormatError(
        source,
        f"{path}:{line}",
        f"not valid {name} (byte 0x{bad}); {advice or f'save the file as {name}'}",
    )


class _RecordLines:
    """The physical lines csv.reader takes, kept for the record it is reading."""

    def __init__(self, lines: Iterator[tuple[int, str]], strip_chars: str) -> None:
        self._lines = lines
        self._strip = strip_chars
        self.current: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[str]:
        for line_no, text in self._lines:
            if self._strip and text.strip(self._strip + "\r\n") == "":
                text = text.strip(self._strip)
            self.current.append((line_no, text))
            yield text


def iter_csv(
    path: Path,
    source: str,
    limits: ParseLimits,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    strip_chars: str = "",
    allow_utf16: bool = False,
    advice: str | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each CSV record; line is where the record starts.

    The reader is strict: a quote closing in the middle of a field, or a file ending inside a
    quoted field (cut short, or a stray quote that swallowed the rows after it), is an error
    naming the line where that field starts. `strip_chars` names trailing junk to ignore at end
    of file (OFAC's DOS end-of-file 0x1A); `allow_utf16` and `advice` are as for `iter_lines`.
    """
    csv.field_size_limit(limits.max_field_chars)
    lines = _RecordLines(
        _physical_lines(
            path, source, limits, encoding=encoding, allow_utf16=allow_utf16, advice=advice
        ),
        strip_chars,
    )
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(path, source, lines.current, delimiter, exc) from exc
        start = lines.current[0][0] if lines.current else reader.line_num
        lines.current.clear()
        if not row or (len(row) == 1 and not row[0].strip(strip_chars + " \t")):
            continue
        yield start, row


def _csv_error(
    path: Path, source: str, record: list[tuple[int, str]], delimiter: str, exc: csv.Error
) -> SourceFormatError:
    """The csv module's terse complaint, turned into what went wrong and where it started."""
    message = str(exc)
    opened = _open_quote_line(record, delimiter)
    first = record[0][0] if record else 1
    if message.startswith("unexpected end of data") and opened is not None:
        return SourceFormatError(
            source,
            f"{path}:{opened}",
            "the file ends inside a quoted field that starts on this line: it is cut short, "
            "or a quote is missing",
        )
    if _CSV_MID_FIELD_QUOTE.match(message):
        last = record[-1][0] if record else first
        if last > first:
            return SourceFormatError(
                source,
                f"{path}:{first}",
                f"a quoted field runs past the end of its line and closes mid-field on line "
                f"{last}: a stray or missing quote",
            )
        return SourceFormatError(
            source, f"{path}:{first}", "a quote closes in the middle of a field: a stray quote"
        )
    if "field larger than field limit" in message:
        return SourceFormatError(
            source, f"{path}:{first}", f"a field longer than the limit ({message})"
        )
    return SourceFormatError(source, f"{path}:{first}", f"bad CSV: {message}")


def _open_quote_line(record: list[tuple[int, str]], delimiter: str) -> int | None:
    """The line of the quote that opens the field a record was left inside, if it was."""
    opened: int | None = None
    inside = False
    previous = delimiter  # a record starts as if after a delimiter
    closed_just_now = False
    for line_no, text in record:
        for ch in text:
            if ch == '"':
                if inside:
                    inside, closed_just_now = False, True
                elif closed_just_now:  # "" inside a quoted field: an escaped quote
                    inside, closed_just_now = True, False
                elif previous in (delimiter, "\n", "\r"):
                    inside, opened = True, line_no
            else:
                closed_just_now = False
            previous = ch
    return opened if inside else None


def check_header(
    path: Path, source: str, header: list[str], required: Iterable[str], *, line: int = 1
) -> dict[str, int]:
    """Map column names to positions, or fail naming every missing column and the header's line."""
    positions = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in positions]
    if missing:
        raise SourceFormatError(
            source, f"{path}:{line}", f"missing column(s): {', '.join(missing)}"
        )
    return positions


def localname(tag: object) -> str:
    """The tag without its namespace; comments and processing instructions give ''."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def wide_encoding(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when an XML file's first bytes are in that encoding, else None."""
    for mark, name in _WIDE_XML:
        if head.startswith(mark):
            return name
    return None


def _check_xml_head(path: Path, source: str, head: bytes, label: str) -> None:
    """Refuse before parsing: a DOCTYPE in the head, a wide encoding, a non-UTF-8 declaration.

    lxml would decode UTF-16 despite a UTF-8 declaration, and would read UTF-8 bytes declared
    as Latin-1 as mojibake: every official list is UTF-8, so both are errors to act on.
    """
    if (wide := wide_encoding(head)) is not None:
        raise SourceFormatError(
            source, str(path), f"the file is {wide}, but {label} files are UTF-8: save it as UTF-8"
        )
    declared = _DECLARED_ENCODING.match(head)
    if declared and declared[1].decode("ascii", "replace").lower() not in ("utf-8", "utf8"):
        raise SourceFormatError(
            source,
            str(path),
            f"the file declares the encoding '{declared[1].decode('ascii', 'replace')}', but "
            f"{label} files are UTF-8",
        )
    if _DOCTYPE_DECL.search(head):
        raise SourceFormatError(source, str(path), _DOCTYPE_REASON)


def iter_xml(
    path: Path,
    source: str,
    limits: ParseLimits,
    names: Iterable[str],
    *,
    label: str = "list",
) -> Iterator[etree._Element]:
    """Stream the elements with these local names, each complete, freeing memory behind them.

    Any DOCTYPE is refused outright: no official list uses one, and it is the door to entity
    expansion ("billion laughs") and external-entity attacks. It is looked for in the head of
    the file and again, wherever it is, when the root element starts, before any content is
    read. lxml is also told not to resolve entities or touch the network, as a further lock.
    A file that is not UTF-8 (UTF-16, UTF-32, another declared encoding) is refused.
    """
    check_size(path, source, limits)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    _check_xml_head(path, source, head, label)
    wanted = frozenset(names)
    context = etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    started = False
    try:
        for event, element in context:
            if event == "start":
                if not started:
                    started = True
                    _check_doctype(element, path, source)
                continue
            if localname(element.tag) in wanted:
                yield element
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise _xml_error(path, source, exc, context.error_log) from exc


def _check_doctype(root: etree._Element, path: Path, source: str) -> None:
    # libxml2 gives every DOCTYPE (internal subset, SYSTEM or bare) an internal DTD node; the
    # stubs type it as never None, so the annotation widens it.
    internal: etree.DTD | None = root.getroottree().docinfo.internalDTD
    if internal is not None:
        raise SourceFormatError(source, str(path), _DOCTYPE_REASON)


def _xml_error(
    path: Path, source: str, exc: etree.XMLSyntaxError, log: etree._ListErrorLog
) -> SourceFormatError:
    line, reason = exc.lineno, exc.msg or str(exc)
    if not line and len(log):
        # lxml reports some errors (an undefined entity) as "no element found" on line 0; the
        # parser's own log has the real one.
        last = log[-1]
        line, reason = last.line, last.message.strip()
    if "Document is empty" in reason:
        reason = "the file is empty or not XML"
    elif reason.startswith("Entity '") and reason.endswith("' not defined"):
        reason += " (list files use only &amp; &lt; &gt; &quot; &apos; and numeric references)"
    return SourceFormatError(source, f"{path}:{line}", f"malformed XML: {reason}")


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
