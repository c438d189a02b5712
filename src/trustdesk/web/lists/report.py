"""Text and JSON renderings of list state for the `trustdesk` command (presentation only)."""

from __future__ import annotations

import dataclasses
from typing import Any

from trustdesk.web.lists.coverage import Coverage, expected_sources
from trustdesk.web.lists.models import Snapshot
from trustdesk.web.lists.selectors import SnapshotDiff, SourceStatus, sources_serving
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


def with_expected(statuses: list[SourceStatus], coverage: Coverage) -> list[SourceStatus]:
    """The statuses, plus a row for each expected source that was never even attempted."""
    known = {s.key for s in statuses}
    extra = [
        SourceStatus(m.source, None, 0, None) for m in coverage.missing if m.source not in known
    ]
    return sorted([*statuses, *extra], key=lambda s: s.key)


def coverage_flag(key: str, coverage: Coverage) -> dict[str, Any]:
    """Whether screening expects the source, and whether it is missing or out of date."""
    missing = any(m.source == key for m in coverage.missing)
    stale = next((s for s in coverage.stale if s.source == key), None)
    return {
        "expected": key in expected_sources(),
        "missing": missing,
        "stale": stale is not None,
        "age_days": stale.age_days if stale else None,
        "max_age_days": stale.max_age_days if stale else None,
    }


def _flag_text(key: str, coverage: Coverage) -> str:
    flag = coverage_flag(key, coverage)
    if flag["missing"]:
        return "MISSING"
    if flag["stale"]:
        return f"STALE {flag['age_days']}d > {flag['max_age_days']}d"
    return ""


def status_json(status: SourceStatus, coverage: Coverage | None = None) -> dict[str, Any]:
    current = snapshot_json(status.current) if status.current else None
    failure = status.last_failure
    flags = coverage_flag(status.key, coverage) if coverage is not None else {}
    return {
        "source": status.key,
        **flags,
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


def status_text(statuses: list[SourceStatus], coverage: Coverage | None = None) -> str:
    if not statuses:
        return "No lists loaded yet. Import a file with `trustdesk lists import PATH`."
    rows = [("SOURCE", "SNAPSHOT", "PUBLISHED", "ENTRIES", "ORGS", "PEOPLE", "IMPORTED", "FLAG")]
    failures = []
    for s in statuses:
        c = s.current
        flag = _flag_text(s.key, coverage) if coverage is not None else ""
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
                    flag,
                )
            )
        else:
            rows.append((s.key, "—", "—", "0", "", "", "never", flag))
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
    if coverage is not None and not coverage.complete:
        lines += ["", f"Screening coverage is incomplete. {coverage.summary()}"]
        lines.append("Update with `trustdesk lists update` (or import the files).")
    return "\n".join(lines)


def outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "source": outcome.source,
        "created": outcome.created,
        "current": outcome.current,
        "staged": outcome.staged or None,
        "message": outcome.message,
        **snapshot_json(outcome.snapshot),
        "warning_messages": outcome.snapshot.warnings,
    }


def outcome_text(outcome: ImportOutcome) -> str:
    snap = outcome.snapshot
    counts = ", ".join(f"{snap.counts[t]:,} {t}" for t in TYPES if snap.counts.get(t))
    lines = [f"{outcome.source} {snap.short_id}: {outcome.message}"]
    if outcome.staged:
        lines.append(
            f"  impact preview (worked out in the background): /monitoring/staged/{outcome.staged}/"
        )
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
                "id": c.entry_id,
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
            lines.append(f"  {src}:{change.entry_id}  {change.name}")
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


def update_json(result: UpdateResult, serving: bool | None = None) -> dict[str, Any]:
    """One source's update; `never_loaded` says a failure left it with no snapshot at all."""
    if serving is None:
        serving = bool(sources_serving([result.source]))
    return {
        "source": result.source,
        "ok": not result.error,
        "error": result.error or None,
        "never_loaded": not serving,
        "note": result.note or None,
        "imported": [outcome_json(o) for o in result.outcomes],
    }


def failure_text(source: str, error: str, *, serving: bool) -> str:
    """A failed update in one sentence: whether an earlier snapshot still serves, or none does."""
    if serving:
        return f"{source}: FAILED, current snapshot still serves: {error}"
    return f"{source}: FAILED, never loaded, so it is not screened against: {error}"


def update_text(results: list[UpdateResult], coverage: Coverage | None = None) -> str:
    """Each source once, failures included; then the coverage screening has now, if short."""
    serving = sources_serving([r.source for r in results])
    lines = []
    for result in results:
        if result.error:
            lines.append(
                failure_text(result.source, result.error, serving=result.source in serving)
            )
        elif result.note:
            lines.append(f"{result.source}: {result.note}")
        lines += [outcome_text(o) for o in result.outcomes]
    failed = sum(1 for r in results if r.error)
    if failed:
        lines.append(f"\n{failed} of {len(results)} sources could not be updated.")
    if coverage is not None and not coverage.complete:
        lines.append(f"Screening coverage is incomplete. {coverage.summary()}")
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
