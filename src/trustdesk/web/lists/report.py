"""Text and JSON renderings of list state for the `trustdesk` command (presentation only)."""

from __future__ import annotations

import dataclasses
from typing import Any

from trustdesk.web.lists.models import Snapshot
from trustdesk.web.lists.selectors import SnapshotDiff, SourceStatus
from trustdesk.web.lists.services import ImportOutcome, UpdateResult
from trustdesk.web.lists.sources import SOURCES

TYPES = ("organization", "person", "vessel", "aircraft")


def snapshot_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "snapshot": str(snapshot.public_id),
        "hash": snapshot.content_hash,
        "published": snapshot.published or None,
        "counts": {**{t: snapshot.counts.get(t, 0) for t in TYPES}, "total": snapshot.total},
        "format": snapshot.format,
        "parser_version": snapshot.parser_version,
        "imported_at": snapshot.imported_at.isoformat(),
        "imported_by": snapshot.imported_by,
        "files": snapshot.files,
        "warnings": len(snapshot.warnings),
        "skipped": snapshot.skipped,
    }


def status_json(status: SourceStatus) -> dict[str, Any]:
    current = snapshot_json(status.current) if status.current else None
    failure = status.last_failure
    return {
        "source": status.key,
        "current": current,
        "snapshot": current["snapshot"] if current else None,
        "hash": current["hash"] if current else None,
        "published": current["published"] if current else None,
        "counts": current["counts"] if current else None,
        "snapshots": status.snapshots,
        "last_failure": (
            {"at": failure.started_at.isoformat(), "error": failure.error, "kind": failure.kind}
            if failure
            else None
        ),
    }


def status_text(statuses: list[SourceStatus]) -> str:
    if not statuses:
        return "No lists loaded yet. Import a file with `trustdesk lists import PATH`."
    rows = [("SOURCE", "SNAPSHOT", "PUBLISHED", "ENTRIES", "ORGS", "PEOPLE", "IMPORTED")]
    failures = []
    for s in statuses:
        c = s.current
        if c:
            rows.append(
                (
                    s.key,
                    c.short_id,
                    c.published[:10] or "not stated",
                    f"{c.total:,}",
                    f"{c.counts.get('organization', 0):,}",
                    f"{c.counts.get('person', 0):,}",
                    c.imported_at.strftime("%Y-%m-%d %H:%M"),
                )
            )
        else:
            rows.append((s.key, "—", "—", "0", "", "", "never"))
        if s.last_failure:
            when = s.last_failure.started_at.strftime("%Y-%m-%d %H:%M")
            failures.append(
                f"  {s.key}: {s.last_failure.kind} failed {when}: {s.last_failure.error}"
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    if failures:
        lines += [
            "",
            "Failed since the current snapshot (the current snapshot still serves):",
            *failures,
        ]
    return "\n".join(lines)


def outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "source": outcome.source,
        "created": outcome.created,
        "current": outcome.current,
        "message": outcome.message,
        **snapshot_json(outcome.snapshot),
        "warning_messages": outcome.snapshot.warnings,
    }


def outcome_text(outcome: ImportOutcome) -> str:
    snap = outcome.snapshot
    counts = ", ".join(f"{snap.counts[t]:,} {t}" for t in TYPES if snap.counts.get(t))
    lines = [f"{outcome.source} {snap.short_id}: {outcome.message}"]
    if outcome.created:
        lines.append(f"  {counts}; published {snap.published or 'not stated in the file'}")
        if snap.skipped:
            lines.append(f"  {snap.skipped:,} rows named no entry and were skipped")
        lines += [f"  warning: {w}" for w in snap.warnings[:20]]
        if len(snap.warnings) > 20:
            lines.append(f"  … and {len(snap.warnings) - 20:,} more warnings (see --json)")
    return "\n".join(lines)


def diff_json(diff: SnapshotDiff) -> dict[str, Any]:
    return {
        "source": diff.new.source.key,
        "old": snapshot_json(diff.old),
        "new": snapshot_json(diff.new),
        "added": [{"id": i, "name": n} for i, n in diff.added],
        "removed": [{"id": i, "name": n} for i, n in diff.removed],
        "changed": [
            {
                "id": c.entity_id,
                "name": c.name,
                "fields": {f: {"old": old, "new": new} for f, (old, new) in c.fields.items()},
            }
            for c in diff.changed
        ],
    }


def diff_text(diff: SnapshotDiff, *, limit: int) -> str:
    src = diff.new.source.key
    lines = [
        f"{src}: {diff.old.short_id} ({_when(diff.old)}) → {diff.new.short_id} ({_when(diff.new)})",
        f"{len(diff.added):,} added, {len(diff.removed):,} removed, {len(diff.changed):,} changed",
    ]
    for title, items in (("Added", diff.added), ("Removed", diff.removed)):
        if items:
            lines += ["", f"{title}:"] + [f"  {src}:{i}  {n}" for i, n in items[:limit]]
            if len(items) > limit:
                lines.append(f"  … {len(items) - limit:,} more")
    if diff.changed:
        lines += ["", "Changed:"]
        for change in diff.changed[:limit]:
            lines.append(f"  {src}:{change.entity_id}  {change.name}")
            for field, (old, new) in change.fields.items():
                lines.append(f"    {field}: {_short(old)} → {_short(new)}")
        if len(diff.changed) > limit:
            lines.append(f"  … {len(diff.changed) - limit:,} more")
    return "\n".join(lines)


def _short(value: Any, width: int = 100) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(snapshot: Snapshot) -> str:
    """The publication date, or the import date where the file states none."""
    if snapshot.published:
        return f"published {snapshot.published[:10]}"
    return f"imported {snapshot.imported_at:%Y-%m-%d %H:%M}"


def update_json(result: UpdateResult) -> dict[str, Any]:
    return {
        "source": result.source,
        "ok": not result.error,
        "error": result.error or None,
        "note": result.note or None,
        "imported": [outcome_json(o) for o in result.outcomes],
    }


def update_text(results: list[UpdateResult]) -> str:
    lines = []
    for result in results:
        if result.error:
            lines.append(f"{result.source}: FAILED, current snapshot still serves: {result.error}")
        elif result.note:
            lines.append(f"{result.source}: {result.note}")
        lines += [outcome_text(o) for o in result.outcomes]
    failed = sum(1 for r in results if r.error)
    if failed:
        lines.append(f"\n{failed} of {len(results)} sources could not be updated.")
    return "\n".join(lines)


def sources_json() -> list[dict[str, Any]]:
    return [dataclasses.asdict(info) for info in SOURCES.values()]


def sources_text() -> str:
    lines = []
    for info in SOURCES.values():
        lines.append(f"{info.key}: {info.title}")
        lines.append(f"  {info.publisher}; {info.licence}")
        if info.superseded_by:
            lines.append(f"  superseded by {info.superseded_by}")
        lines += [f"  {d.role}: {d.url}" for d in info.downloads]
        if not info.downloads:
            lines.append("  ships with trustdesk (no download)")
    return "\n".join(lines)
