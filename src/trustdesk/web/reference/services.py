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
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from trustdesk.policy import registry
from trustdesk.policy.impact import Impact
from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.travel_advice import (
    AdviceStatus,
    FetchConfig,
    Progress,
    TravelAdvice,
    TravelAdviceError,
    fetch_travel_advice,
)
from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.models import User
from trustdesk.web.core import audit, runs, tasks
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.reference import selectors
from trustdesk.web.reference.models import (
    PackChange,
    PackVersion,
    ReferenceSnapshot,
    ReferenceValue,
    RefreshRun,
)
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
    """A refresh stored nothing; the values in use before it are still in use.

    `expected` when the publisher could not be read (offline, an error page, too little read):
    the outside world's doing, which the next refresh may not meet. Otherwise the refresh could
    not be stored, which is not expected of a working database.
    """

    def __init__(self, reason: str, kept: str, *, expected: bool = False) -> None:
        self.reason = reason
        self.kept = kept
        self.expected = expected
        super().__init__(f"{reason}; {kept}")

    def __reduce__(self) -> tuple[Callable[..., RefreshFailed], tuple[str, str, bool]]:
        # The task queue pickles a task's exception; without this it is rebuilt from the one
        # message argument, fails, and is logged wrapped as "UnpickleableExceptionWrapper".
        return (_refresh_failed, (self.reason, self.kept, self.expected))


def _refresh_failed(reason: str, kept: str, expected: bool) -> RefreshFailed:
    return RefreshFailed(reason, kept, expected=expected)


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
        # Not logged here: the command prints the failure, the task logs it and the run keeps it.
        expected = isinstance(exc, TravelAdviceError)
        raise RefreshFailed(_reason(exc), _kept(current, origin), expected=expected) from exc
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
        return f"no snapshot yet: the pack's shipped values (checked {origin:%Y-%m-%d}) stay in use"
    return "no snapshot yet and the pack ships no values: triage has no travel-advice levels"


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


# --- policy pack versions -------------------------------------------------------------------

audit.register_action(
    "trustdesk.pack_version.uploaded",
    label="Policy pack installed",
    summary=lambda e: f"{e.data.get('pack')} installed from {e.data.get('file')}, not yet in use",
)
audit.register_action(
    "trustdesk.pack_version.previewed",
    label="Policy pack impact previewed",
    summary=lambda e: (
        f"{e.data.get('pack')} against {e.data.get('current')}: {e.data.get('examined', 0)} "
        f"cases, {e.data.get('changed', 0)} would change"
    ),
)
audit.register_action(
    "trustdesk.pack_version.activated",
    label="Policy pack made current",
    summary=lambda e: (
        f"{e.data.get('pack')} replaces {e.data.get('replaced')}: {e.data.get('changed', 0)} of "
        f"{e.data.get('examined', 0)} cases changed"
    ),
)

PACK_DUPLICATE = "This file is already installed, as {label} ({when})."
PACK_NOT_UTF8 = "The file is not UTF-8 text: save the pack as UTF-8 YAML."
PACK_IN_USE = "{label} is already the pack in use."
PACK_MOVED_ON = (
    "The pack in use changed to {now} while the impact was worked out against {then}; "
    "make it current again to compare with the pack in use now."
)


class PackRefused(Exception):
    """An uploaded pack was not installed; ``problems`` says why, one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class PackConflict(Exception):
    """The version cannot be made current as asked; the message says why."""


def _require_manage(actor: User | str) -> None:
    # A string actor is the `trustdesk` command on the host (or a task queued by a checked
    # view), trusted as every other operator command is; a signed-in user needs the permission.
    if isinstance(actor, User):
        permissions.require(actor, "policy.manage")


def _impact_summary(impact: Impact) -> dict[str, object]:
    return {
        "current": impact.current,
        "examined": impact.examined,
        "changed": len(impact.changes),
        "tier_changes": impact.tier_changes,
        "process_changes": impact.process_changes,
        "needs_triage": impact.needs_triage,
    }


def pack_version_upload(*, actor: User | str, file_name: str, content: bytes) -> PackVersion:
    """Install a pack file as a version not yet in use, once it loads without a problem."""
    _require_manage(actor)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackRefused([PACK_NOT_UTF8]) from exc
    try:
        pack = registry.load_text(content, name=file_name)
    except PackInvalid as exc:
        raise PackRefused([str(e) for e in exc.errors]) from exc
    digest = hashlib.sha256(content).hexdigest()
    same = PackVersion.objects.filter(digest=digest).first()
    if same is not None:
        raise PackRefused(
            [PACK_DUPLICATE.format(label=same.label, when=f"{same.uploaded_at:%Y-%m-%d %H:%M}")]
        )
    with transaction.atomic():
        version = PackVersion.objects.create(
            pack_id=pack.id,
            version=pack.version,
            file_name=file_name,
            content=text,
            digest=digest,
            uploaded_by=_actor_label(actor),
        )
        audit.record(
            actor=actor,
            action="trustdesk.pack_version.uploaded",
            target=version,
            data={"pack": version.label, "file": file_name, "digest": digest},
        )
    return version


def _actor_label(actor: User | str) -> str:
    return actor if isinstance(actor, str) else actor_for(actor)


@transaction.atomic
def pack_version_preview_store(
    *, actor: User | str, version: PackVersion, impact: Impact
) -> PackVersion:
    """Keep the latest preview with the version; audited, as the officers act on it."""
    version = PackVersion.objects.select_for_update().get(pk=version.pk)
    version.preview = impact.to_dict()
    version.previewed_at = timezone.now()
    version.save(update_fields=["preview", "previewed_at"])
    audit.record(
        actor=actor,
        action="trustdesk.pack_version.previewed",
        target=version,
        data={"pack": version.label, **_impact_summary(impact)},
    )
    return version


@transaction.atomic
def pack_version_activate(
    *, actor: User | str, version: PackVersion, impact: Impact, in_use: str
) -> PackChange:
    """Make the version the pack triage uses, keeping `impact` as the record of what changed.

    `in_use` is the "id@version" the impact was worked out against: if another version was
    made current meanwhile, the impact would describe the wrong change, so it is refused.
    """
    _require_manage(actor)
    previous = PackVersion.objects.select_for_update().filter(status=PackVersion.Status.CURRENT)
    replaced_version = previous.first()
    version = PackVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == PackVersion.Status.CURRENT:
        raise PackConflict(PACK_IN_USE.format(label=version.label))
    now_in_use = replaced_version.label if replaced_version else None
    if now_in_use is not None and now_in_use != in_use:
        raise PackConflict(PACK_MOVED_ON.format(now=now_in_use, then=in_use))
    if replaced_version is not None:
        replaced_version.status = PackVersion.Status.RETIRED
        replaced_version.save(update_fields=["status"])
    version.status = PackVersion.Status.CURRENT
    version.save(update_fields=["status"])
    change = PackChange.objects.create(
        version=version,
        replaced=in_use,
        replaced_version=replaced_version,
        activated_by=_actor_label(actor),
        activated_at=timezone.now(),
        impact=impact.to_dict(),
    )
    audit.record(
        actor=actor,
        action="trustdesk.pack_version.activated",
        target=version,
        data={"pack": version.label, "replaced": in_use, **_impact_summary(impact)},
    )
    selectors.forget_active_pack()  # the rest of this request reads the version made current
    return change
