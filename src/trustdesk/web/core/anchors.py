"""Audit-chain anchors kept outside the database, written on a schedule and checked by default.

The hash chain shows any change to an event, but not the removal of the newest events, nor a
chain rewritten from some event on with every later hash recomputed: both leave a chain that is
consistent in itself. An anchor, the head's sequence and hash at some moment, kept where the
database cannot reach, catches both: a later check must still find that event with that hash.

Anchors are appended, one JSON line each, to TRUSTDESK_AUDIT_ANCHOR_PATH (default
TRUSTDESK_HOME/anchors/audit-chain.jsonl, owner-only). Point it at storage the database's
administrators cannot rewrite (another host's share, an append-only mount) for the anchors to
hold against them too. The scheduled job `audit.anchor` (schedule/table.py) writes one every
hour, from the one process that runs the schedule; `trustdesk audit anchor` writes one now.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from trustdesk.web.core.audit import ChainAnchor, ChainVerification, verify_chain

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredAnchor:
    """One line of the anchor file: a head seen at a moment."""

    at: datetime
    anchor: ChainAnchor
    events: int

    def as_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "sequence": self.anchor.sequence,
            "hash": self.anchor.hash,
            "events": self.events,
        }


@dataclass(frozen=True, slots=True)
class AnchorOutcome:
    """What `audit_anchor_write` did: wrote a new anchor, found nothing new, or refused."""

    written: StoredAnchor | None
    latest: StoredAnchor | None
    verification: ChainVerification
    path: Path

    @property
    def exit_code(self) -> int:
        return self.verification.exit_code

    @property
    def message(self) -> str:
        if not self.verification.intact:
            return f"no anchor written: {self.verification.message}"
        if self.written is not None:
            a = self.written.anchor
            return f"anchor written to {self.path}: {a.sequence}:{a.hash}"
        if self.latest is not None:
            return f"nothing new since the last anchor ({self.latest.anchor.sequence})"
        return "no anchor written: the audit trail has no events yet"

    def as_dict(self) -> dict[str, object]:
        return {
            "written": None if self.written is None else self.written.as_dict(),
            "path": str(self.path),
            "verification": self.verification.as_dict(),
            "message": self.message,
        }


class AnchorFileError(Exception):
    """The anchor file exists but its newest line cannot be read: it was damaged or edited."""


def anchor_path() -> Path:
    return Path(settings.TRUSTDESK_AUDIT_ANCHOR_PATH)


def latest_anchor(path: Path | None = None) -> StoredAnchor | None:
    """The newest anchor in the file; None when none was written yet."""
    path = path or anchor_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    try:
        row = json.loads(lines[-1])
        return StoredAnchor(
            at=datetime.fromisoformat(row["at"]),
            anchor=ChainAnchor.parse(f"{row['sequence']}:{row['hash']}"),
            events=int(row["events"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorFileError(f"{path}: its last line is not an anchor ({exc})") from exc


def audit_verify(
    *, anchor: ChainAnchor | None = None
) -> tuple[ChainVerification, StoredAnchor | None]:
    """Verify the chain against `anchor`, or by default against the newest stored anchor."""
    stored = None
    if anchor is None:
        stored = latest_anchor()
        anchor = stored.anchor if stored is not None else None
    return verify_chain(anchor=anchor), stored


def audit_anchor_write(*, path: Path | None = None) -> AnchorOutcome:
    """Check the chain against the newest anchor, then append its head as a new anchor.

    A chain that fails the check is not anchored (that would bless the damage); the failure is
    logged as an error and returned. An unchanged head appends nothing.
    """
    path = path or anchor_path()
    latest = latest_anchor(path)
    result = verify_chain(anchor=latest.anchor if latest is not None else None)
    if not result.intact:
        log.error("audit anchor not written: %s", result.message)
        return AnchorOutcome(None, latest, result, path)
    if result.events == 0 or (
        latest is not None and latest.anchor.sequence == result.head_sequence
    ):
        return AnchorOutcome(None, latest, result, path)
    written = StoredAnchor(
        at=timezone.now(),
        anchor=ChainAnchor(result.head_sequence, result.head_hash),
        events=result.events,
    )
    _append(path, json.dumps(written.as_dict(), sort_keys=True) + "\n")
    return AnchorOutcome(written, latest, result, path)


def _append(path: Path, line: str) -> None:
    """One whole line per write, to a file only its owner reads (O_APPEND: writers never mix)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
