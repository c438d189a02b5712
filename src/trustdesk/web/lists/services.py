"""Writes for watch lists: files become immutable snapshots, switched to current atomically."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from trustdesk.screening.entries import Entry, fingerprint_of
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.lists import SHIPPED
from trustdesk.screening.parsers import FileSet, ParseLimits, ParseReport, detect
from trustdesk.screening.parsers.trustdesk_json import TrustdeskJson
from trustdesk.screening.safety import check_size
from trustdesk.web.core import audit, runs, tasks
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists import changes, staging
from trustdesk.web.lists.download import DownloadError, RoleProgress, fetch_all
from trustdesk.web.lists.models import ImportRun, ListEntry, ListSource, Snapshot
from trustdesk.web.lists.sources import (
    SOURCES,
    Download,
    InvalidOverride,
    UnknownSource,
    source_info,
    urls_with_overrides,
)

log = logging.getLogger(__name__)

audit.register_action(
    "trustdesk.list.imported",
    label="List snapshot imported",
    summary=lambda e: (
        f"{e.data.get('source')}: snapshot {e.target_label} with {e.data.get('total', 0):,} "
        f"entries ({e.data.get('kind')})"
        + ("" if e.data.get("current") else ", not made current")
        + (", staged for review" if e.data.get("staged") else "")
    ),
)
audit.register_action(
    "trustdesk.list.reinstated",
    label="Earlier list snapshot made current again",
    summary=lambda e: (
        f"{e.data.get('source')}: the latest file ({e.data.get('kind')}) is identical to "
        f"snapshot {e.target_label}, which is current again"
    ),
)
audit.register_action(
    "trustdesk.list.import_failed",
    label="List import failed",
    summary=lambda e: f"{e.target_id}: {e.data.get('kind')} failed: {e.data.get('error')}",
)

BATCH = 2000  # rows per bulk insert: large enough to be fast, small enough for SQLite's limits

Progress = Callable[[str, int], None]  # (source key, entries read so far)


class ImportFailed(Exception):
    """An import stored nothing; the source's current snapshot is unchanged and still serves."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}" if source else reason)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    source: str
    snapshot: Snapshot
    created: bool  # False when an identical snapshot already existed
    current: bool  # whether the snapshot serves now
    message: str
    switched: bool = False  # whether this import changed the source's current snapshot
    staged: str = ""  # the staging's public id when the snapshot awaits review


def default_limits() -> ParseLimits:
    return ParseLimits(max_file_bytes=settings.TRUSTDESK_MAX_LIST_BYTES)


def list_snapshot_import(
    *,
    paths: Sequence[Path],
    actor: str,
    source: str | None = None,
    kind: str = "import",
    progress: Progress | None = None,
    limits: ParseLimits | None = None,
    stage: bool = False,
) -> list[ImportOutcome]:
    """Import files as one snapshot per source set; each set is all-or-nothing.

    The one way a list arrives: `trustdesk lists import`, the upload page (its task), `lists
    update` and the shipped lists all come through here, so each gets the same checks, the same
    run record and audit, and, when a current snapshot changes, `changes.lists_current_changed()`.
    The latest publication becomes current whether its content is new or was seen before; a
    file that states an earlier publication date than the current snapshot's does not.
    With `stage`, nothing becomes current: a new (or newer stored) snapshot is held back for
    review (`staging`), its impact previewed, until someone makes it current or discards it.

    Raises ImportFailed at the first set that cannot be imported; sets before it stay imported,
    since each is a complete list in its own right. Every attempt is recorded as an ImportRun.
    """
    limits = limits or default_limits()
    try:
        sets = detect(list(paths), source=source)
    except SourceFormatError as exc:
        _record_failure(
            source_key=source or exc.source,
            kind=kind,
            files=[str(p) for p in paths],
            actor=actor,
            error=str(exc),
        )
        raise ImportFailed(source or exc.source, str(exc)) from exc
    with changes.lists_changes_batched(actor=actor):
        return [
            _import_set(
                fileset, actor=actor, kind=kind, progress=progress, limits=limits, stage=stage
            )
            for fileset in sets
        ]


@transaction.atomic
def _record_failure(
    *, source_key: str, kind: str, files: list[str], actor: str, error: str
) -> None:
    ImportRun.objects.create(
        source_key=source_key,
        kind=kind,
        files=files,
        actor=actor,
        error=error,
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
    )
    _audit_failure(source_key, kind=kind, actor=actor, error=error)


def _audit_failure(source_key: str, *, kind: str, actor: str, error: str) -> None:
    """Record a failed import in the trail; called inside the transaction that records the run."""
    audit.record(
        actor=actor,
        action="trustdesk.list.import_failed",
        target=audit.AuditTarget("list_source", source_key or "unknown", source_key),
        data={"kind": kind, "error": error},
    )


def _describe_files(fileset: FileSet, limits: ParseLimits) -> tuple[list[dict[str, object]], str]:
    """Per-file metadata and the snapshot's content hash (format, roles and bytes of every file)."""
    described: list[dict[str, object]] = []
    whole = hashlib.sha256(fileset.format.name.encode())
    for role in fileset.format.roles:
        path = fileset.files.get(role)
        if path is None:
            continue
        check_size(path, fileset.source, limits)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        described.append(
            {
                "role": role,
                "name": path.name,
                "sha256": digest.hexdigest(),
                "bytes": path.stat().st_size,
            }
        )
        whole.update(f"|{role}:{digest.hexdigest()}".encode())
    return described, whole.hexdigest()


def _import_set(
    fileset: FileSet,
    *,
    actor: str,
    kind: str,
    progress: Progress | None,
    limits: ParseLimits,
    stage: bool = False,
) -> ImportOutcome:
    run = runs.run_start(
        ImportRun,
        source_key=fileset.source,
        kind=kind,
        actor=actor,
        files=[str(p) for p in fileset.files.values()],
    )

    def audit_failure(reason: str) -> None:
        _audit_failure(fileset.source, kind=kind, actor=actor, error=reason)

    try:
        with runs.run_held(run, describe=_reason, on_fail=audit_failure):
            files, content_hash = _describe_files(fileset, limits)
            outcome = runs.snapshot_switch(
                run,
                lambda: _store_or_reinstate(
                    fileset,
                    kind=kind,
                    files=files,
                    content_hash=content_hash,
                    actor=actor,
                    progress=progress,
                    limits=limits,
                    stage=stage,
                ),
            )
    except (SourceFormatError, DatabaseError, OSError) as exc:
        log.warning("import of %s failed: %s", fileset.source, _reason(exc))
        raise ImportFailed(fileset.source, _reason(exc)) from exc
    if outcome.switched:
        changes.current_changed(outcome.source, actor=actor)
    return outcome


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, SourceFormatError) else f"{type(exc).__name__}: {exc}"


def _store_or_reinstate(
    fileset: FileSet,
    *,
    kind: str,
    files: list[dict[str, object]],
    content_hash: str,
    actor: str,
    progress: Progress | None,
    limits: ParseLimits,
    stage: bool = False,
) -> tuple[runs.Switched, ImportOutcome]:
    """Inside the run's transaction: a new snapshot, or the existing one with this content."""
    src, _ = ListSource.objects.get_or_create(key=fileset.source)
    # Lock the source row: two imports of one source must not both switch `current`.
    src = (
        ListSource.objects.select_for_update(of=("self",)).select_related("current").get(pk=src.pk)
    )
    existing = Snapshot.objects.filter(source=src, content_hash=content_hash).first()
    if existing is None:
        outcome = _build_snapshot(
            fileset,
            src,
            kind=kind,
            files=files,
            content_hash=content_hash,
            actor=actor,
            progress=progress,
            limits=limits,
            stage=stage,
        )
        status = ImportRun.Status.STAGED if outcome.staged else ImportRun.Status.IMPORTED
        return runs.Switched(outcome.snapshot, status), outcome
    if src.current_id == existing.pk or not _is_newer(existing, src.current):
        outcome = _unchanged(fileset.source, existing, src.current)
        return runs.Switched(existing, ImportRun.Status.UNCHANGED), outcome
    if stage:
        outcome = _stage_stored(src, existing, kind=kind, actor=actor)
        status = ImportRun.Status.STAGED if outcome.staged else ImportRun.Status.UNCHANGED
        return runs.Switched(existing, status), outcome
    outcome = _reinstate(src, existing, kind=kind, actor=actor)
    return runs.Switched(existing, ImportRun.Status.REINSTATED), outcome


def _unchanged(source: str, existing: Snapshot, current: Snapshot | None) -> ImportOutcome:
    is_current = current is not None and current.pk == existing.pk
    if is_current:
        message = f"identical to the current snapshot {existing.short_id}: nothing new stored"
    else:
        message = (
            f"identical to the earlier snapshot {existing.short_id}, published "
            f"{existing.published}, older than the current snapshot "
            f"({current.published if current else '?'}): kept, not made current"
        )
    return ImportOutcome(source, existing, created=False, current=is_current, message=message)


def _stage_stored(src: ListSource, existing: Snapshot, *, kind: str, actor: str) -> ImportOutcome:
    """The latest file equals a stored, newer, non-current snapshot: that one awaits review."""
    awaiting = staging.awaiting_for(existing)
    if awaiting is not None:
        message = f"identical to snapshot {existing.short_id}, already awaiting review"
    else:
        awaiting = staging.snapshot_stage(snapshot=existing, src=src, kind=kind, actor=actor)
        message = (
            f"identical to the earlier snapshot {existing.short_id}: awaiting review before it "
            "is made current again"
        )
    return ImportOutcome(
        src.key,
        existing,
        created=False,
        current=False,
        message=message,
        staged=str(awaiting.public_id),
    )


def _reinstate(src: ListSource, existing: Snapshot, *, kind: str, actor: str) -> ImportOutcome:
    """The latest publication went back to an earlier content: that snapshot serves again.

    Re-pointing `current` at the stored snapshot, rather than storing a second copy, keeps one
    snapshot per content (what the content hash identifies, and what screening results cite)
    and costs no rows; `ListSource.previous` keeps the diff base right.
    """
    replaced = src.current
    src.previous, src.current = replaced, existing
    src.save(update_fields=["previous", "current", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.list.reinstated",
        target=audit.AuditTarget("snapshot", str(existing.public_id), existing.short_id),
        data={
            "source": src.key,
            "kind": kind,
            "content_hash": existing.content_hash,
            "published": existing.published,
            "replaced": str(replaced.public_id) if replaced else None,
        },
    )
    return ImportOutcome(
        src.key,
        existing,
        created=False,
        current=True,
        message=(
            f"identical to the earlier snapshot {existing.short_id}: made current again "
            f"({existing.total:,} entries; nothing new stored)"
        ),
        switched=True,
    )


def _build_snapshot(
    fileset: FileSet,
    src: ListSource,
    *,
    kind: str,
    files: list[dict[str, object]],
    content_hash: str,
    actor: str,
    progress: Progress | None,
    limits: ParseLimits,
    stage: bool = False,
) -> ImportOutcome:
    """Parse, store and validate the whole snapshot, then make it current (or stage it).

    Runs in the caller's transaction, with the source row locked.
    Readers keep seeing the previous snapshot until commit; on any error the transaction rolls
    back and no row of the new snapshot survives.
    """
    snapshot = Snapshot.objects.create(
        source=src,
        content_hash=content_hash,
        format=fileset.format.name,
        parser_version=fileset.format.version,
        total=0,
        files=files,
        imported_by=actor,
    )
    report = ParseReport()
    entries = fileset.format().parse(
        fileset.files, source=fileset.source, report=report, limits=limits
    )
    counts = _store_entries(snapshot, entries, fileset, progress)
    total = sum(counts.values())
    main_file = str(fileset.files[fileset.format.roles[0]])
    if total == 0:
        raise SourceFormatError(fileset.source, main_file, "the list has no entries")
    if report.declared_count is not None and report.declared_count != total:
        raise SourceFormatError(
            fileset.source,
            main_file,
            f"the file says it has {report.declared_count} entries but {total} were read",
        )
    snapshot.total, snapshot.counts = total, dict(sorted(counts.items()))
    snapshot.published, snapshot.warnings = report.published or "", report.warnings
    snapshot.skipped = report.skipped
    becomes_current = not stage and _is_newer(snapshot, src.current)
    if becomes_current:
        snapshot.previous = src.current
    snapshot.save(update_fields=["total", "counts", "published", "warnings", "skipped", "previous"])
    if becomes_current:
        src.previous, src.current = src.current, snapshot
        src.save(update_fields=["previous", "current", "updated_at"])
        message = f"imported {total:,} entries; now current"
    elif stage:
        message = f"imported {total:,} entries; awaiting review, not current until made current"
    else:
        message = (
            f"imported {total:,} entries, published {snapshot.published}, older than the current "
            f"snapshot ({src.current.published if src.current else '?'}): kept, not made current"
        )
    audit.record(  # last, so the chain lock is held only until this transaction commits
        actor=actor,
        action="trustdesk.list.imported",
        target=audit.AuditTarget("snapshot", str(snapshot.public_id), snapshot.short_id),
        data={
            "source": fileset.source,
            "kind": kind,
            "total": total,
            "counts": snapshot.counts,
            "content_hash": content_hash,
            "published": snapshot.published,
            "current": becomes_current,
            "staged": stage,
        },
    )
    held = (
        staging.snapshot_stage(snapshot=snapshot, src=src, kind=kind, actor=actor)
        if stage
        else None
    )
    return ImportOutcome(
        fileset.source,
        snapshot,
        created=True,
        current=becomes_current,
        message=message,
        switched=becomes_current,
        staged=str(held.public_id) if held else "",
    )


_is_newer = staging.is_newer


def _store_entries(
    snapshot: Snapshot, entries: Iterable[Entry], fileset: FileSet, progress: Progress | None
) -> Counter[str]:
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    batch: list[ListEntry] = []
    for number, entry in enumerate(entries, start=1):
        previous = first_seen.setdefault(entry.source_id, number)
        if previous != number:
            raise SourceFormatError(
                fileset.source,
                str(fileset.files[fileset.format.roles[0]]),
                f"duplicate id {entry.source_id!r} (entries {previous:,} and {number:,})",
            )
        counts[entry.type.value] += 1
        data = entry.to_dict()
        batch.append(
            ListEntry(
                snapshot=snapshot,
                entry_id=entry.source_id,
                entity_type=entry.type.value,
                name=entry.name,
                fingerprint=fingerprint_of(data),
                data=data,
            )
        )
        if len(batch) >= BATCH:
            ListEntry.objects.bulk_create(batch)
            batch.clear()
            if progress:
                progress(fileset.source, number)
    ListEntry.objects.bulk_create(batch)
    if progress:
        progress(fileset.source, sum(counts.values()))
    return counts


def shipped_lists_ensure(*, actor: str = "trustdesk") -> list[ImportOutcome]:
    """Load each shipped research-security list whose file is not yet a snapshot.

    Runs on every start, so a new home has the lists with no command and an upgrade brings its
    new editions; a file already stored costs one hash and records nothing.
    """
    limits = default_limits()
    outcomes: list[ImportOutcome] = []
    with changes.lists_changes_batched(actor=actor):  # a new home's first start: one index rebuild
        for item in SHIPPED:
            with item.as_path() as path:
                # The format is known: skipping detection (which imports every parser) keeps
                # this check, on the start-up path of every command, to a hash and one query.
                fileset = FileSet(TrustdeskJson, item.source, {TrustdeskJson.roles[0]: path})
                _, content_hash = _describe_files(fileset, limits)
                stored = Snapshot.objects.filter(source__key=item.source, content_hash=content_hash)
                if stored.exists():
                    continue
                outcomes.append(
                    _import_set(fileset, actor=actor, kind="shipped", progress=None, limits=limits)
                )
    return outcomes


# Updated when no source is named: the governments' own lists. The US Consolidated Screening List
# already carries BIS's Denied Persons and Entity Lists; OFSI's ConList stopped updating in
# January 2026 (the UK Sanctions List replaced it); OpenSanctions is opt-in for its licence and
# size. Any source already loaded with a download is updated too.
DEFAULT_UPDATE = ("uk-sanctions", "un-sc", "ofac-sdn", "ofac-cons", "eu-fsf", "us-csl")


@dataclass(frozen=True, slots=True)
class UpdateResult:
    source: str
    outcomes: tuple[ImportOutcome, ...] = ()
    error: str = ""  # why nothing was stored; the current snapshot keeps serving
    note: str = ""  # why nothing was attempted (a list that ships with trustdesk)


def update_sources_default() -> list[str]:
    loaded = ListSource.objects.values_list("key", flat=True)
    extra = [k for k in loaded if k in SOURCES and SOURCES[k].downloads]
    return list(dict.fromkeys([*DEFAULT_UPDATE, *sorted(extra)]))


def list_source_update(
    *,
    sources: Sequence[str],
    actor: str,
    overrides: Mapping[str, str] | None = None,
    download_progress: RoleProgress | None = None,
    progress: Progress | None = None,
) -> list[UpdateResult]:
    """Download each source from its official URL and import it; one failure stops no other.

    Unknown keys and bad overrides are refused before anything is fetched. A failed download or
    import stores nothing, is recorded, and leaves the source's current snapshot serving.
    """
    overrides = dict(overrides if overrides is not None else settings.TRUSTDESK_LIST_URL_OVERRIDES)
    plans = []
    for key in sources:
        info = source_info(key)  # raises UnknownSource
        plans.append((key, urls_with_overrides(info, overrides) if info.downloads else ()))
    results = []
    with changes.lists_changes_batched(actor=actor):  # one index rebuild for the whole update
        for key, downloads in plans:
            if not downloads:
                note = (
                    "ships with trustdesk and is updated with it"
                    if key in SOURCES
                    else ("a custom list: import its file with `trustdesk lists import`")
                )
                results.append(UpdateResult(key, note=note))
                continue
            results.append(
                _update_one(
                    key,
                    downloads,
                    actor=actor,
                    download_progress=download_progress,
                    progress=progress,
                )
            )
    return results


def _update_one(
    key: str,
    files: Sequence[Download],
    *,
    actor: str,
    download_progress: RoleProgress | None,
    progress: Progress | None,
) -> UpdateResult:
    target = settings.HOME / "downloads"
    target.mkdir(parents=True, exist_ok=True)
    try:
        paths = fetch_all(
            files,
            target,
            timeout=settings.TRUSTDESK_DOWNLOAD_TIMEOUT,
            max_bytes=settings.TRUSTDESK_MAX_LIST_BYTES,
            progress=download_progress,
        )
    except DownloadError as exc:
        _record_failure(
            source_key=key,
            kind="update",
            files=[d.url for d in files],
            actor=actor,
            error=f"download failed: {exc}",
        )
        return UpdateResult(key, error=f"download failed: {exc}")
    try:
        outcomes = list_snapshot_import(
            paths=[paths[d.role] for d in files],
            source=key,
            actor=actor,
            kind="update",
            progress=progress,
            # Off by default: an official list must serve as soon as it is published.
            stage=bool(settings.TRUSTDESK_LIST_UPDATES_STAGE),
        )
    except ImportFailed as exc:
        return UpdateResult(key, error=exc.reason)
    finally:
        shutil.rmtree(next(iter(paths.values())).parent, ignore_errors=True)
    return UpdateResult(key, outcomes=tuple(outcomes))


def list_source_update_enqueue(*, sources: Sequence[str], actor: str) -> TaskRun:
    """Queue an update for a worker; unknown keys are refused now, not later in the worker."""
    for key in sources:
        source_info(key)  # raises UnknownSource
    return tasks.enqueue("lists.update", actor, sources=list(sources))


__all__ = [
    "DEFAULT_UPDATE",
    "ImportFailed",
    "ImportOutcome",
    "InvalidOverride",
    "UnknownSource",
    "UpdateResult",
    "list_snapshot_import",
    "list_source_update",
    "list_source_update_enqueue",
    "shipped_lists_ensure",
    "update_sources_default",
]
