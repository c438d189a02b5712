"""Evidence files: what kinds are accepted, how a kind is recognised, and where files are kept.

The kind is read from the file's own bytes, never from the browser's Content-Type nor from the
name alone: a page saved as `report.pdf` is still HTML, and HTML (or SVG, or a program) served
back from trustdesk's origin could run in a reader's session. The name's extension must agree
with what the bytes are, so the person who uploaded it and the person who opens it see the same
thing. Files are stored under TRUSTDESK_HOME/evidence, outside every served path, under names
made of ids, so no uploaded name ever becomes part of a path.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse

EVIDENCE_DIR = "evidence"
# Bytes read to recognise a kind: every signature below is in the first few.
HEAD_BYTES = 8192
MAX_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is added to a name that has none


PDF = Kind("PDF document", "application/pdf", (".pdf",))
PNG = Kind("PNG image", "image/png", (".png",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
TEXT = Kind("plain text", "text/plain", (".txt", ".text", ".md"))
CSV = Kind("CSV table", "text/csv", (".csv",))
DOCX = Kind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Kind(
    "Excel workbook",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PPTX = Kind(
    "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ODT = Kind("OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = Kind("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ALLOWED: tuple[Kind, ...] = (PDF, PNG, JPEG, TEXT, CSV, DOCX, XLSX, PPTX, ODT, ODS)
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(e for k in ALLOWED for e in k.extensions)

# Recognised only to say clearly why a file is refused.
_REFUSED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
)
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body", b"<head")

EMPTY = "The file is empty; nothing was stored."
TOO_LARGE = (
    "The file is larger than the {limit} limit for evidence; nothing was stored. "
    "An administrator can raise TRUSTDESK_EVIDENCE_MAX_BYTES."
)
NOT_ALLOWED = (
    "This file is {what}, which is not accepted as evidence; nothing was stored. "
    "Upload a PDF, an image (PNG or JPEG), plain text or CSV, or a Word, Excel, PowerPoint or "
    "OpenDocument file."
)
MISMATCH = (
    "The file is named {name} but its content is {what}; nothing was stored. "
    "Rename it with the right extension ({extensions}) or upload the file you meant."
)
BAD_NAME = "The file name {problem}; nothing was stored. Rename the file and upload it again."


class EvidenceRefused(Exception):
    """An upload trustdesk will not keep; the message says why, for the person uploading."""


def max_bytes() -> int:
    return int(settings.TRUSTDESK_EVIDENCE_MAX_BYTES)


def human_bytes(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size / (1024 * 1024):.0f} MiB"


def check_name(name: str) -> str:
    """The name as kept and offered on download, or EvidenceRefused saying what is wrong.

    A name is a label, never a path: one with a folder in it, or `..`, is refused rather than
    quietly cut down, so whoever sent it learns that it was not what they meant.
    """
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise EvidenceRefused(BAD_NAME.format(problem="is missing"))
    if "/" in cleaned or "\\" in cleaned or cleaned in {".", ".."}:
        raise EvidenceRefused(BAD_NAME.format(problem="contains a folder path"))
    if any(unicodedata.category(c).startswith("C") for c in cleaned):
        raise EvidenceRefused(BAD_NAME.format(problem="contains control characters"))
    if len(cleaned) > MAX_NAME_LENGTH:
        raise EvidenceRefused(BAD_NAME.format(problem=f"is over {MAX_NAME_LENGTH} characters"))
    return cleaned


def _zip_kind(path: Path) -> Kind | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # ODF's first entry: its bytes are the type; read at most a line of them.
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(declared)
            if "[Content_Types].xml" not in names:
                return None
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "ppt/presentation.xml" in names:
                return PPTX
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    return None


def _text_kind(head: bytes, complete: bool) -> Kind | str:
    """TEXT for readable text, or what the bytes are instead (a refusal's words)."""
    if b"\x00" in head:
        return "a binary file"
    sample = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if sample.startswith(b"<") or any(tag in sample for tag in _MARKUP):
        return "a web page or markup (HTML, SVG or XML)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if complete or exc.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return "a binary file"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return "a binary file" if controls else TEXT


def sniff(path: Path, *, name: str) -> Kind:
    """The allowed kind the file at `path` is, checked against `name`'s extension."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        complete = not handle.read(1)
    what: Kind | str
    if head.startswith(b"%PDF-"):
        what = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        what = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        what = JPEG
    elif head.startswith(b"PK\x03\x04"):
        what = _zip_kind(path) or "an archive that is not an office document"
    else:
        refused = next((w for sig, w in _REFUSED_SIGNATURES if head.startswith(sig)), None)
        what = refused or _text_kind(head, complete)
    if isinstance(what, str):
        raise EvidenceRefused(NOT_ALLOWED.format(what=what))
    suffix = Path(name).suffix.lower()
    if what is TEXT and suffix == ".csv":
        what = CSV
    if suffix and suffix not in what.extensions:
        article = "an" if what.label[0].lower() in "aeiou" else "a"
        raise EvidenceRefused(
            MISMATCH.format(
                name=name, what=f"{article} {what.label}", extensions=", ".join(what.extensions)
            )
        )
    return what


def named(name: str, kind: Kind) -> str:
    """`name` with the kind's extension when it had none, so the download opens in the right app."""
    return name if Path(name).suffix else f"{name}{kind.extensions[0]}"


def evidence_root() -> Path:
    return Path(settings.HOME) / EVIDENCE_DIR


@dataclass(frozen=True, slots=True)
class Stored:
    relative: str
    path: Path
    size: int
    sha256: str


def store(chunks: Iterable[bytes], *, folder: str, limit: int) -> Stored:
    """Write the upload to a new private file, counting and hashing it; removed if refused.

    O_EXCL and a fresh random name: nothing already there is followed or overwritten.
    """
    root = evidence_root()
    root.mkdir(parents=True, mode=0o700, exist_ok=True)
    directory = root / folder
    directory.mkdir(mode=0o700, exist_ok=True)
    relative = f"{folder}/{uuid.uuid4().hex}"
    path = root / relative
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise EvidenceRefused(TOO_LARGE.format(limit=human_bytes(limit)))
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise EvidenceRefused(EMPTY)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Stored(relative, path, size, digest.hexdigest())


def discard(relative: str) -> None:
    (evidence_root() / relative).unlink(missing_ok=True)


def path_of(relative: str) -> Path:
    """The file of a stored relative path; refuses one that would leave the evidence directory."""
    root = evidence_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise EvidenceRefused("The stored path is outside the evidence directory.")
    return path


def chunks_of(data: bytes, size: int = 64 * 1024) -> Iterable[bytes]:
    """Bytes in memory as the chunks `store` reads (for callers holding the whole file)."""
    stream = io.BytesIO(data)
    while chunk := stream.read(size):
        yield chunk


def attachment(*, relative: str, name: str, content_type: str) -> FileResponse:
    """The stored file as a download, never shown in the browser, whatever it holds.

    Attachment, nosniff and a sandboxing policy: even a file that slipped past the checks is
    saved to disk by the browser instead of being run in trustdesk's origin.
    """
    kind = next((k for k in ALLOWED if k.content_type == content_type), None)
    safe_type = kind.content_type if kind is not None else "application/octet-stream"
    response = FileResponse(
        path_of(relative).open("rb"), as_attachment=True, filename=name, content_type=safe_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
