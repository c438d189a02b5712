"""Writes for reference data: a travel-advice refresh becomes a snapshot, switched atomically.

The refresh is built and checked completely, then made current in one transaction, so a reader
sees the old values or the new ones and never a mixture; a refresh that fails stores nothing and
the values in use stay in use. Both outcomes go to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError

from trustdesk.policy.travel_advice import (
    AdviceStatus,
    FetchConfig,
    Progress,
    TravelAdvice,
    TravelAdviceError,
    fetch_travel_advice,
)
from trustdesk.web.core import audit, runs, tasks
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.reference import selectors
from trustdesk.web.reference.models import ReferenceSnapshot, ReferenceValue, RefreshRun
from trustdesk.web.reference.selectors import FCDO, CountryLevel, LevelChange

log = logging.getLogger(__name__)

audit.register_action(
    "trustdesk.reference.refreshed",
    label="Reference data refreshed",
    summary=lambda e: (
        f"{e.data.get('kind')}: {e.data.get('countries', 0)} countries, "
        + (
            f"{len(e.data.get('changed', []))} changed level; now current"
            if e.data.get("created")
            else "unchanged (confirmed)"
        )
    ),
)
audit.register_action(
    "trustdesk.reference.refresh_failed",
    label="Reference data refresh failed",
    summary=lambda e: f"{e.target_id}: refresh failed: {e.data.get('error')}",
)


class RefreshFailed(Exception):
    """A refresh stored nothing; the values in use before it are still in use."""

    def __init__(self, reason: str, kept: str) -> None:
        self.reason = reason
        self.kept = kept
        super().__init__(f"{reason}; {kept}")


@dataclass(frozen=True)
class Carried:
    """A country not read this time whose earlier value was kept."""

    code: str
    name: str
    slug: str
    reason: str
    since: dt.datetime | None  # None: no earlier value, so the country has none


@dataclass(frozen=True)
class RefreshOutcome:
    snapshot: ReferenceSnapshot
    created: bool  # False: the content equals the current snapshot's, which was confirmed
    changes: tuple[LevelChange, ...]
    changes_since: str
    carried: tuple[Carried, ...]
    unmapped: tuple[tuple[str, str], ...]  # (slug, FCDO name) of entries no ISO code fits


def default_config(*, expected_entries: int | None = None) -> FetchConfig:
    return FetchConfig(
        base_url=settings.TRUSTDESK_TRAVEL_ADVICE_URL,
        timeout=float(settings.TRUSTDESK_DOWNLOAD_TIMEOUT),
        expected_entries=expected_entries,
    )


def travel_advice_refresh(
    *, actor: str, config: FetchConfig | None = None, progress: Progress | None = None
) -> RefreshOutcome:
    """Fetch the FCDO's travel advice and make it current, or raise RefreshFailed.

    Countries that failed (a few at most, or the fetch fails) keep their previous value, marked
    as carried; identical content confirms the current snapshot instead of storing a copy.
    """
    run = runs.run_start(RefreshRun, kind=FCDO, actor=actor)
    current = selectors.current_snapshot()
    baseline, since, origin = _baseline(current)
    failed: list[str] = []

    def audit_failure(reason: str) -> None:
        _audit_failure(reason, actor=actor, failed=failed)

    try:
        with runs.run_held(run, describe=_reason, on_fail=audit_failure):
            try:
                advice = fetch_travel_advice(
                    config or default_config(expected_entries=current.entries if current else None),
                    progress=progress,
                )
            except TravelAdviceError as exc:
                failed.extend(f.slug for f in exc.failures)
                raise
            rows, carried = _rows(advice, baseline, origin)
            content_hash = _hash(rows, advice)
            unchanged = current is not None and current.content_hash == content_hash
            # Changes are against the values in use; with none (no refresh, no shipped values)
            # every country would read as "new", which tells nobody anything.
            compare = not unchanged and bool(baseline)
            changes = tuple(selectors.level_changes(baseline, _levels(rows))) if compare else ()
            if current is not None and unchanged:
                stored = runs.snapshot_switch(
                    run, lambda: _confirm(current, advice, carried, actor=actor)
                )
            else:
                stored = runs.snapshot_switch(
                    run,
                    lambda: _store(advice, rows, carried, content_hash, changes, actor=actor),
                )
    except (TravelAdviceError, DatabaseError) as exc:
        log.info("travel advice refresh failed: %s", _reason(exc))  # the command or task shows it
        raise RefreshFailed(_reason(exc), _kept(current, origin)) from exc
    selectors.forget_active_pack()  # a request that refreshed reads the new advice after
    return RefreshOutcome(
        snapshot=stored.snapshot,
        created=stored.created,
        changes=changes,
        changes_since=since,
        carried=carried,
        unmapped=tuple((e.slug, e.name) for e in advice.unmapped),
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, TravelAdviceError):
        return exc.reason
    return f"the refresh could not be stored: {type(exc).__name__}: {exc}"


def travel_advice_refresh_enqueue(*, actor: str) -> TaskRun:
    """Queue a refresh for a worker (run here and now on the embedded default)."""
    return tasks.enqueue("reference.travel_advice_update", actor)


@dataclass(frozen=True)
class _Stored:
    snapshot: ReferenceSnapshot
    created: bool


def _baseline(
    current: ReferenceSnapshot | None,
) -> tuple[dict[str, CountryLevel], str, dt.datetime | None]:
    """The values in use now (what failed countries keep), how to name them, and their date."""
    if current is not None:
        since = f"the snapshot of {current.fetched_at:%Y-%m-%d}"
        return selectors.snapshot_levels(current), since, current.confirmed_at
    levels, checked, _ = selectors.shipped_pack_levels()
    if not levels:
        return {}, "", None
    when = None if checked is None else dt.datetime.combine(checked, dt.time(), tzinfo=dt.UTC)
    return levels, f"the pack's shipped values (checked {checked})", when


def _kept(current: ReferenceSnapshot | None, origin: dt.datetime | None) -> str:
    if current is not None:
        return (
            f"the snapshot fetched {current.fetched_at:%Y-%m-%d %H:%M} UTC "
            f"({current.short_id}) stays current"
        )
    if origin is not None:
        return f"the pack's shipped values (checked {origin:%Y-%m-%d}) stay in use"
    return "no travel-advice values are stored yet"


def _rows(
    advice: TravelAdvice, baseline: Mapping[str, CountryLevel], origin: dt.datetime | None
) -> tuple[list[ReferenceValue], tuple[Carried, ...]]:
    by_code: dict[str, ReferenceValue] = {}
    for entry in advice.entries:
        for code, name in zip(entry.codes, entry.names, strict=True):
            held = by_code.get(code)
            if held is not None and int(held.value) >= entry.level:
                continue
            by_code[code] = ReferenceValue(
                country=code,
                name=name,
                value=entry.level,
                source_ref=entry.slug,
                source_url=entry.url,
                codes=list(entry.alert_status),
                source_updated_at=entry.updated_at,
            )
    carried: list[Carried] = []
    for failure in advice.failures:
        for code in failure.codes:
            if code in by_code:
                continue
            before = baseline.get(code)
            since = (before.carried_from or origin) if before is not None else None
            carried.append(Carried(code, failure.name, failure.slug, failure.reason, since))
            if before is None:
                continue
            by_code[code] = ReferenceValue(
                country=code,
                name=before.name,
                value=before.level,
                source_ref=failure.slug,
                source_url=before.url,
                source_updated_at=before.updated_at,
                carried_from=since,
            )
    return [by_code[c] for c in sorted(by_code)], tuple(carried)


def _levels(rows: list[ReferenceValue]) -> dict[str, CountryLevel]:
    return {
        r.country: CountryLevel(
            code=r.country,
            name=r.name,
            level=int(r.value),
            status=AdviceStatus.of(r.codes) if r.codes else AdviceStatus.from_level(int(r.value)),
        )
        for r in rows
    }


def _hash(rows: list[ReferenceValue], advice: TravelAdvice) -> str:
    """The content: each country's value and the FCDO's detail, and the names left unmapped."""
    canonical = {
        "countries": [
            [
                r.country,
                r.name,
                r.value,
                r.source_ref,
                r.codes,
                r.source_updated_at.isoformat() if r.source_updated_at else None,
                r.carried_from is not None,
            ]
            for r in rows
        ],
        "unmapped": [[e.slug, e.name, e.level] for e in advice.unmapped],
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _failures_json(carried: tuple[Carried, ...]) -> list[dict[str, object]]:
    return [
        {
            "country": c.code,
            "name": c.name,
            "slug": c.slug,
            "reason": c.reason,
            "kept_from": c.since.isoformat() if c.since else None,
        }
        for c in carried
    ]


def _confirm(
    current: ReferenceSnapshot,
    advice: TravelAdvice,
    carried: tuple[Carried, ...],
    *,
    actor: str,
) -> tuple[runs.Switched, _Stored]:
    """Inside the run's transaction: the same content again confirms the current snapshot."""
    current.confirmed_at = advice.fetched_at
    current.save(update_fields=["confirmed_at"])
    _audit_refreshed(current, advice, carried, changed=(), created=False, actor=actor)
    return runs.Switched(current, RefreshRun.Status.UNCHANGED), _Stored(current, created=False)


def _store(
    advice: TravelAdvice,
    rows: list[ReferenceValue],
    carried: tuple[Carried, ...],
    content_hash: str,
    changed: tuple[LevelChange, ...],
    *,
    actor: str,
) -> tuple[runs.Switched, _Stored]:
    """Write the snapshot, check it, then switch ``is_current`` to it (in the run's transaction)."""
    # Lock the current row: two refreshes must not both make themselves current.
    previous = (
        ReferenceSnapshot.objects.select_for_update().filter(kind=FCDO, is_current=True).first()
    )
    snapshot = ReferenceSnapshot.objects.create(
        kind=FCDO,
        source_url=advice.source_url,
        content_hash=content_hash,
        fetched_at=advice.fetched_at,
        confirmed_at=advice.fetched_at,
        countries=len(rows),
        entries=len(advice.entries) + len(advice.unmapped) + len(advice.failures),
        failures=_failures_json(carried),
        unmapped=[{"slug": e.slug, "name": e.name, "level": e.level} for e in advice.unmapped],
        fetched_by=actor,
        previous=previous,
    )
    for row in rows:
        row.snapshot = snapshot
    ReferenceValue.objects.bulk_create(rows)
    stored = ReferenceValue.objects.filter(snapshot=snapshot)
    if stored.count() != len(rows) or not rows:
        raise DatabaseError(f"{stored.count()} of {len(rows)} country values were stored")
    if stored.exclude(value__in=[0, 1, 2, 3, 4]).exists():
        raise DatabaseError("a stored level is outside 0-4")
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    snapshot.is_current = True
    snapshot.save(update_fields=["is_current"])
    _audit_refreshed(snapshot, advice, carried, changed=changed, created=True, actor=actor)
    return runs.Switched(snapshot, RefreshRun.Status.STORED), _Stored(snapshot, created=True)


def _audit_refreshed(
    snapshot: ReferenceSnapshot,
    advice: TravelAdvice,
    carried: tuple[Carried, ...],
    *,
    changed: tuple[LevelChange, ...],
    created: bool,
    actor: str,
) -> None:
    audit.record(  # last, so the chain lock is held only until the transaction commits
        actor=actor,
        action="trustdesk.reference.refreshed",
        target=snapshot,
        data={
            "kind": snapshot.kind,
            "created": created,
            "countries": snapshot.countries,
            "content_hash": snapshot.content_hash,
            "source_url": advice.source_url,
            "changed": [{"country": c.code, "old": c.old, "new": c.new} for c in changed],
            "carried": _failures_json(carried),
            "unmapped": [e.slug for e in advice.unmapped],
        },
    )


def _audit_failure(reason: str, *, actor: str, failed: list[str]) -> None:
    """The failed refresh in the trail; in the transaction that fails its run."""
    audit.record(
        actor=actor,
        action="trustdesk.reference.refresh_failed",
        target=audit.AuditTarget("reference", FCDO, "FCDO travel advice"),
        data={"kind": FCDO, "error": reason, "failed": failed},
    )
