"""Reads for watch lists: what serves now, what failed, and what changed between snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from trustdesk.web.core.runs import lease_expired_reason
from trustdesk.web.lists.models import ImportRun, ListEntry, ListSource, Snapshot, Staging


class SnapshotNotFound(Exception):
    """No snapshot of the source matches the reference given."""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    key: str
    current: Snapshot | None
    snapshots: int
    last_failure: ImportRun | None  # only when newer than the current snapshot


def source_status_list() -> list[SourceStatus]:
    """Every source with a snapshot or an attempt, and its latest unresolved failure."""
    keys = set(ListSource.objects.values_list("key", flat=True))
    keys |= set(ImportRun.objects.exclude(source_key="").values_list("source_key", flat=True))
    sources = {s.key: s for s in ListSource.objects.select_related("current")}
    out = []
    for key in sorted(keys):
        src = sources.get(key)
        current = src.current if src else None
        failure = _last_failure(key)
        if failure and current and failure.started_at < _current_since(key, current):
            failure = None
        out.append(
            SourceStatus(
                key=key,
                current=current,
                snapshots=src.snapshots.count() if src else 0,
                last_failure=failure,
            )
        )
    return out


def _last_failure(key: str) -> ImportRun | None:
    """The latest failed run, or a run left running whose lease expired.

    An abandoned run is shown as the failure it is as soon as anyone looks; the next import of
    the kind, a server start or `trustdesk jobs reap` records it so.
    """
    now = timezone.now()
    abandoned = Q(status=ImportRun.Status.RUNNING, lease_expires_at__lt=now)
    runs = ImportRun.objects.filter(Q(status=ImportRun.Status.FAILED) | abandoned, source_key=key)
    failure = runs.first()
    if failure is not None and failure.status == ImportRun.Status.RUNNING:
        failure.status = ImportRun.Status.FAILED  # this copy only; never saved by a selector
        failure.error = lease_expired_reason(failure.lease_expires_at or now)
    return failure


def _current_since(key: str, current: Snapshot) -> datetime:
    """When `current` last became current: its import, or a later run that reinstated it."""
    reinstated = (
        ImportRun.objects.filter(
            source_key=key, snapshot=current, status=ImportRun.Status.REINSTATED
        )
        .values_list("started_at", flat=True)
        .first()
    )
    return max(current.imported_at, reinstated) if reinstated else current.imported_at


def sources_serving(keys: list[str]) -> set[str]:
    """Which of `keys` have a current snapshot (one query).

    A failed update of the others left nothing serving, which a report must not call "the
    current snapshot still serves".
    """
    return set(
        ListSource.objects.filter(key__in=keys, current__isnull=False).values_list("key", flat=True)
    )


def snapshot_list(source: str) -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(source__key=source).select_related("source")


def snapshot_get(source: str, ref: str) -> Snapshot:
    """A snapshot by `current`, `previous`, or the start of its id (as `trustdesk lists` shows)."""
    src = ListSource.objects.filter(key=source).select_related("current").first()
    if src is None:
        raise SnapshotNotFound(f"no snapshots of {source}")
    if ref == "current":
        if src.current is None:
            raise SnapshotNotFound(f"{source} has no current snapshot")
        return src.current
    if ref == "previous":
        if src.current is None or src.previous_id is None:
            raise SnapshotNotFound(f"{source} has no previous snapshot")
        return Snapshot.objects.get(pk=src.previous_id)
    matches = [
        s
        for s in snapshot_list(source)
        if str(s.public_id).startswith(ref.lower()) and len(ref) >= 4
    ]
    if len(matches) != 1:
        why = "matches no snapshot" if not matches else "matches several snapshots"
        raise SnapshotNotFound(f"{ref!r} {why} of {source}")
    return matches[0]


@dataclass(frozen=True, slots=True)
class EntryChange:
    entry_id: str
    name: str
    fields: dict[str, tuple[Any, Any]]  # field -> (old, new)


@dataclass(slots=True)
class SnapshotDiff:
    old: Snapshot
    new: Snapshot
    added: list[tuple[str, str]] = field(default_factory=list)  # (entry_id, name)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)


def snapshot_diff(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    """Entries added, removed and changed (field by field) from `old` to `new`, by entry id."""
    old_rows = {e: (n, f) for e, n, f in old.entries.values_list("entry_id", "name", "fingerprint")}
    new_rows = {e: (n, f) for e, n, f in new.entries.values_list("entry_id", "name", "fingerprint")}
    diff = SnapshotDiff(old, new)
    diff.added = sorted((k, new_rows[k][0]) for k in new_rows.keys() - old_rows.keys())
    diff.removed = sorted((k, old_rows[k][0]) for k in old_rows.keys() - new_rows.keys())
    changed = sorted(
        k for k in old_rows.keys() & new_rows.keys() if old_rows[k][1] != new_rows[k][1]
    )
    for chunk in _chunks(changed, IN_CHUNK):
        before = _data(old, chunk)
        after = _data(new, chunk)
        for entry_id in chunk:
            old_data, new_data = before[entry_id], after[entry_id]
            fields = {
                name: (old_data.get(name), new_data.get(name))
                for name in sorted(old_data.keys() | new_data.keys())
                if old_data.get(name) != new_data.get(name)
            }
            diff.changed.append(EntryChange(entry_id, new_data["name"], fields))
    return diff


IN_CHUNK = 500  # ids per IN (...) query: far below every database's bound-parameter limit


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _data(snapshot: Snapshot, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = ListEntry.objects.filter(snapshot=snapshot, entry_id__in=ids)
    return dict(rows.values_list("entry_id", "data"))


def staging_awaiting_list() -> QuerySet[Staging]:
    """Staged snapshots awaiting review, the longest waiting first."""
    return (
        Staging.objects.filter(status=Staging.Status.AWAITING)
        .select_related("snapshot__source")
        .order_by("staged_at", "pk")
    )
