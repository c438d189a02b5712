"""Uploaded list files: kept in a private directory, then imported by `lists.import_file`.

The file is written under TRUSTDESK_HOME (shared storage in production, so a worker on another
machine reads the same path) in a fresh random directory only its owner can open, and flushed to
disk before its import is queued: the queued run and the file together survive a restart, and
`trustdesk.web.recovery` sends a run that never ran again. The file is removed once its import
ended, imported or failed beyond retry. The uploader's file name is never a path: only a slug of
it survives, because format detection reads name hints (`sdn`, `cons_prim`, `conlist`) and a
custom list is named after its file.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path, PurePath

from django.core.files import File

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.models import User
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists.sources import source_info
from trustdesk.web.lists.tasks import import_file
from trustdesk.web.lists.upload_store import upload_files_prune, uploads_dir

_UNSAFE = re.compile(r"[^a-z0-9]+")


class UploadTooLarge(Exception):
    """The file grew past the limit while being written; the partial copy is already gone."""

    MESSAGE = "the file is over the list size limit; nothing was stored"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


def safe_file_name(name: str) -> str:
    """`../../ConList 2025.XLSX` → `conlist-2025.xlsx`: letters, digits and dashes, one suffix."""
    pure = PurePath(name.replace("\\", "/")).name.lower()
    stem, dot, suffix = pure.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    slug = _UNSAFE.sub("-", stem).strip("-")[:64] or "list"
    suffix = _UNSAFE.sub("", suffix)[:8]
    return f"{slug}.{suffix}" if suffix else slug


def list_file_upload_enqueue(
    *, upload: File[bytes], source: str | None, actor: User, max_bytes: int, stage: bool = False
) -> TaskRun:
    """Keep the upload privately and queue its import; the import itself is all-or-nothing.

    Refuses (PermissionDenied) without `lists.manage`, an unknown source (UnknownSource) before
    anything is written, and a file past `max_bytes` (UploadTooLarge) with its partial copy
    removed, whatever the browser claimed its size was. With `stage`, the snapshot awaits
    review (its impact previewed) instead of becoming current.
    """
    permissions.require(actor, "lists.manage")
    if source:
        source_info(source)
    upload_files_prune()
    root = uploads_dir()
    root.mkdir(parents=True, mode=0o700, exist_ok=True)
    root.chmod(0o700)  # also when an older version created it with the umask's mode
    folder = root / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    path = folder / safe_file_name(str(upload.name or ""))
    try:
        _write(upload, path, max_bytes)
        return import_file.enqueue(
            actor_for(actor), path=str(path), source=source or "", stage=stage
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _write(upload: File[bytes], path: Path, max_bytes: int) -> None:
    # O_EXCL: never follow or overwrite something already there; 0o600: only trustdesk reads it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    written = 0
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > max_bytes:
                raise UploadTooLarge
            out.write(chunk)
        # On disk before the run that names it is committed: a crash then loses neither.
        out.flush()
        os.fsync(out.fileno())
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the new directory entry too
    finally:
        os.close(directory)
