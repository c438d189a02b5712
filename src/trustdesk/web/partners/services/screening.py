"""Screening writes: queue a screening, run it (from the task), adjudicate hits, purge.

A run screens every name of its subject against the current lists and records the snapshots and
matcher version it used, so the result can be replayed; officers' verdicts carry a reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import Hit, HitStatus, Query
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.core import audit, tasks
from trustdesk.web.lists import screening
from trustdesk.web.lists.coverage import current_coverage
from trustdesk.web.lists.screening import HITS_PER_NAME as HITS_PER_NAME
from trustdesk.web.partners import conf, grouping, selectors
from trustdesk.web.partners.models import (
    Organisation,
    Person,
    ScreeningHit,
    ScreeningRun,
    VerdictMemory,
)
from trustdesk.web.partners.services import memory
from trustdesk.web.partners.services.common import (
    InvalidVerdict,
    MergedRecord,
    Subject,
    UnknownGroup,
    reason_text,
)

audit.register_action("trustdesk.screening.requested", label="Screening requested")
audit.register_action("trustdesk.screening.completed", label="Screening completed")
audit.register_action("trustdesk.screening.purged", label="Expired screenings of people deleted")
audit.register_action(
    "trustdesk.screening_hit.adjudicated", label="Screening hit adjudicated", reason_required=True
)
audit.register_action(
    "trustdesk.screening_hit_group.adjudicated",
    label="Screening hits on one listed institution adjudicated together",
    reason_required=True,
)


def _actor_label(actor: User) -> str:
    # The task queue's convention, which its selectors use to show users their own runs.
    return f"user:{actor.public_id}"


def screening_enqueue(subject: Subject, *, trigger: str, actor: User) -> ScreeningRun:
    run = ScreeningRun(public_id=uuid.uuid4(), trigger=trigger, names=subject.names)
    if isinstance(subject, Organisation):
        run.organisation = subject
    else:
        run.person = subject
    run.requested_by = _actor_label(actor)
    run.task_run = tasks.enqueue("partners.screen", run.requested_by, run_id=str(run.public_id))
    run.save()
    return run


@transaction.atomic
def screening_request(*, actor: User, subject: Subject) -> ScreeningRun:
    """Screen a record again now, e.g. after the lists changed or for a decision's file."""
    require(actor, "partner.screen", subject)
    if subject.merged_into_id is not None:
        raise MergedRecord(subject, actor=actor)
    run = screening_enqueue(subject, trigger=ScreeningRun.Trigger.REQUESTED, actor=actor)
    audit.record(
        actor=actor,
        action="trustdesk.screening.requested",
        target=subject,
        data={"run": str(run.public_id), "names": run.names},
    )
    return run


def screening_run(*, run_id: str, actor: str) -> ScreeningRun:
    """Screen each of the run's names against the current lists and store the hits.

    Idempotent, as tasks must be: a completed run is returned unchanged. The names are those
    recorded when the screening was asked for; a later rename queues a run of its own. People
    are screened on their names alone (no nationality): the minimum the matcher needs.
    Remembered verdicts that still apply are carried over (`memory.verdicts_carry`).
    """
    run = ScreeningRun.objects.get(public_id=run_id)
    if run.status == ScreeningRun.Status.COMPLETED:
        return run
    kind = EntityType.ORGANIZATION if run.organisation_id else EntityType.PERSON
    found = screening.screen_names(run.names, kind)
    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ScreeningRun.Status.COMPLETED:
            return run
        _complete(run, found.best, found.first, actor=actor)
    return run


def _complete(
    run: ScreeningRun,
    best: Mapping[str, Hit],
    first: screening.ScreeningResult | None,
    *,
    actor: str,
) -> None:
    """Store the hits on a locked run and mark it completed, audited (the caller's transaction)."""
    _mark_completed(run, first)
    rows = [_hit_row(run, hit) for hit in best.values()]
    carried = memory.verdicts_carry(run, rows)
    ScreeningHit.objects.bulk_create(rows)
    run.save(
        update_fields=[
            "status",
            "error",
            "completed_at",
            "snapshots",
            "coverage",
            "matcher_version",
            "threshold",
        ]
    )
    audit.record_many([_completed_event(run, best, carried, actor=actor)])


def _mark_completed(run: ScreeningRun, first: screening.ScreeningResult | None) -> None:
    """Fill in a run's completion from its first name's result (not saved)."""
    run.status, run.error, run.completed_at = ScreeningRun.Status.COMPLETED, "", timezone.now()
    run.snapshots = first.snapshots if first else {}
    run.coverage = (first.coverage if first else current_coverage()).to_dict()
    run.matcher_version = first.matcher_version if first else screening.MATCHER_VERSION
    run.threshold = first.threshold if first else None


def _completed_event(
    run: ScreeningRun, best: Mapping[str, Hit], carried: Sequence[str], *, actor: str
) -> audit.Entry:
    """The audit event of a completed screening: what was screened, against what, and found."""
    data: dict[str, object] = {
        "run": str(run.public_id),
        "names": run.names,
        "hits": sorted(best),
        "snapshots": run.snapshots,
        "coverage_complete": bool((run.coverage or {}).get("complete")),
        "matcher_version": run.matcher_version,
    }
    if carried:
        data["carried"] = sorted(carried)
    if run.batch:
        data["trigger"], data["batch"] = run.trigger, run.batch
    return audit.Entry(actor, "trustdesk.screening.completed", run.subject, data)


@dataclass(frozen=True, slots=True)
class Refresh:
    """A re-screen's new run of one subject, and how its hits differ from the run before."""

    run: ScreeningRun
    gained: tuple[str, ...]  # entries matched now and not before
    changed: tuple[str, ...]  # entries matched before and now whose listing changed
    lost: tuple[str, ...]  # entries matched before and no longer


LOOK_UP: Final = "look up"  # `screening_refresh(latest=…)`: not known, read it


def screening_refresh(
    subject: Subject,
    *,
    batch: str,
    trigger: str,
    actor: str,
    keys: frozenset[str] | None,
    latest: ScreeningRun | Literal["look up"] | None = LOOK_UP,
    lists: screening.ListsInUse | None = None,
) -> Refresh | None:
    """Screen `subject` again for a re-screen `batch`, within the caller's transaction.

    A run is written only when the subject's hits differ from its latest screening: with
    `keys` (the entries a list change added or changed), on those entries; without (a full
    re-screen after a matcher change) anywhere, by entry or score, or when it has no screening
    yet. Otherwise None, and the latest screening stands (the same result, which a replay under
    its own matcher gives too). At most one run per subject and batch: a chunk delivered twice
    meets the unique constraint (IntegrityError) or, looked up, the run. A chunk passes the
    `latest` runs and the `lists` it read once for all its subjects.
    """
    runs = (
        ScreeningRun.objects.filter(organisation=subject)
        if isinstance(subject, Organisation)
        else ScreeningRun.objects.filter(person=subject)
    )
    if isinstance(latest, str):  # LOOK_UP
        if runs.filter(batch=batch).exists():
            return None
        latest = runs.filter(status=ScreeningRun.Status.COMPLETED).order_by("-pk").first()
    found = screening_compare(subject, keys=keys, latest=latest, lists=lists)
    if found is None:
        return None
    [refresh] = screenings_write([found], batch=batch, trigger=trigger, actor=actor)
    return refresh


@dataclass(frozen=True, slots=True)
class Rescreened:
    """A subject screened again whose hits differ from its latest screening, not yet written."""

    subject: Subject
    best: Mapping[str, Hit]
    first: screening.ScreeningResult | None
    gained: tuple[str, ...]
    changed: tuple[str, ...]
    lost: tuple[str, ...]


def screening_compare(
    subject: Subject,
    *,
    keys: frozenset[str] | None,
    latest: ScreeningRun | None,
    lists: screening.ListsInUse | None = None,
) -> Rescreened | None:
    """Screen `subject` and compare with its `latest` run, writing nothing; None if the same.

    The same in the sense `screening_refresh` gives: with `keys`, on those entries; without,
    anywhere by entry or score, a subject never screened always differing.
    """
    found = screening.screen_names(subject.names, selectors.subject_type(subject), lists=lists)
    best, first = found.best, found.first
    before = {h.key: h for h in latest.hits.all()} if latest else {}
    gained = tuple(sorted(k for k in best if k not in before))
    lost = tuple(sorted(k for k, h in before.items() if k not in best and h.removed_on is None))
    if keys is None:
        changed = tuple(sorted(k for k in best if k in before and before[k].score != best[k].score))
        if latest is not None and not (gained or lost or changed):
            return None
    else:
        changed = tuple(sorted(k for k in best if k in before and k in keys))
        if not (set(gained) & keys or set(lost) & keys or changed):
            return None
    return Rescreened(subject, best, first, gained, changed, lost)


def screenings_write(
    found: Sequence[Rescreened], *, batch: str, trigger: str, actor: str
) -> list[Refresh]:
    """Write a re-screen's new runs, their hits and audit events in bulk (caller's transaction).

    The runs, the hits and the audit events are each one insert however many subjects there
    are (remembered verdicts are still read per run that has hits): a full re-screen is bound
    by these round trips. The unique run per subject and batch makes a second delivery fail
    as a whole (IntegrityError), for the caller to roll back.
    """
    runs: list[ScreeningRun] = []
    for item in found:
        run = ScreeningRun(
            public_id=uuid.uuid4(), trigger=trigger, names=item.subject.names, batch=batch
        )
        run.requested_by = actor
        if isinstance(item.subject, Organisation):
            run.organisation = item.subject
        else:
            run.person = item.subject
        _mark_completed(run, item.first)
        runs.append(run)
    ScreeningRun.objects.bulk_create(runs)
    rows: list[ScreeningHit] = []
    events: list[audit.Entry] = []
    for run, item in zip(runs, found, strict=True):
        mine = [_hit_row(run, hit) for hit in item.best.values()]
        carried = memory.verdicts_carry(run, mine)
        rows += mine
        events.append(_completed_event(run, item.best, carried, actor=actor))
    ScreeningHit.objects.bulk_create(rows)
    audit.record_many(events)
    return [
        Refresh(run, item.gained, item.changed, item.lost)
        for run, item in zip(runs, found, strict=True)
    ]


def hits_mark_removed(*, source: str, entry_ids: Sequence[str], on: dt.date) -> list[ScreeningHit]:
    """Mark the current hits on entries that left `source`'s list; the hits marked now.

    Only each subject's latest screening says what its screening says now; older runs are the
    record of what was seen then and stay as they were. Marking twice marks nothing more.
    """
    marked: list[ScreeningHit] = []
    for start in range(0, len(entry_ids), 500):
        chunk = list(entry_ids[start : start + 500])
        rows = list(
            selectors.current_hits()
            .filter(source=source, entry_id__in=chunk, removed_on=None)
            .select_related("run", "run__organisation", "run__person")
        )
        ScreeningHit.objects.filter(pk__in=[r.pk for r in rows]).update(removed_on=on)
        marked += rows
    return marked


def organisation_name_screen(
    name: str, *, limit: int, build: bool = False
) -> screening.ScreeningResult | None:
    """One organisation name against the loaded lists, compared as a partner's screening does.

    For a request (the triage questionnaire): it runs outside any transaction that holds row
    locks, and never builds the index; None when no index of the current lists is built yet,
    so that the caller says the name was not checked rather than "no match" (a command such as
    `trustdesk triage` may `build` it). A name the matcher cannot compare is refused
    (NameNotScreenable), as for a partner.
    """
    query = Query(name, type=EntityType.ORGANIZATION)
    try:
        return screening.screen(query, limit=limit, build=build)
    except screening.IndexNotReady:
        return None


def _hit_row(run: ScreeningRun, hit: Hit) -> ScreeningHit:
    data = hit.to_dict()
    return ScreeningHit(
        run=run,
        source=hit.source,
        entry_id=hit.entry_id,
        entry_name=hit.name,
        matched_name=hit.matched_name,
        query_name=hit.query_name,
        score=hit.score,
        explanation=hit.explanation,
        features=data["features"],
    )


def screening_fail(*, run_id: str, error: str) -> None:
    """Say on the run why it failed; a later successful attempt replaces this."""
    ScreeningRun.objects.filter(public_id=run_id).exclude(
        status=ScreeningRun.Status.COMPLETED
    ).update(status=ScreeningRun.Status.FAILED, error=error[:2000])


@transaction.atomic
def hit_adjudicate(*, actor: User, hit: ScreeningHit, verdict: str, reason: str) -> ScreeningHit:
    """Record an officer's verdict on a hit, with the reason, on the hit and the audit trail."""
    subject = hit.run.subject
    _require_verdict(actor, subject, verdict)
    row = ScreeningHit.objects.select_for_update().get(pk=hit.pk)
    return _adjudicate(actor, row, hit.run, verdict, reason_text(reason))


@transaction.atomic
def hit_group_adjudicate(
    *, actor: User, run: ScreeningRun, group: str, verdict: str, reason: str
) -> list[ScreeningHit]:
    """One verdict and reason for every hit on one listed institution, in one transaction.

    Each hit is audited as a single verdict would be (so its own history reads the same), and
    one more event records the group: which entries it joined and why. The group is recomputed
    from the run's hits and the stored entries, never taken from the caller, so a verdict
    cannot be carried onto an entry the grouping did not join.
    """
    subject = run.subject
    _require_verdict(actor, subject, verdict)
    reason = reason_text(reason)
    found = grouping.screening_group(run, group)
    if found is None:
        raise UnknownGroup(group)
    rows = ScreeningHit.objects.select_for_update().filter(pk__in=[h.pk for h in found.hits])
    by_pk = {row.pk: row for row in rows}
    old = {h.key: by_pk[h.pk].verdict for h in found.hits}
    saved = [
        _adjudicate(actor, by_pk[h.pk], run, verdict, reason, group=found.key) for h in found.hits
    ]
    audit.record(
        actor=actor,
        action="trustdesk.screening_hit_group.adjudicated",
        target=run,
        data={
            "group": found.key,
            "entries": [h.key for h in found.hits],
            "evidence": list(found.evidence),
            "old": old,
            "new": verdict,
            "subject": {"type": subject._meta.model_name, "id": str(subject.public_id)},
            "run": str(run.public_id),
        },
        reason=reason,
    )
    return saved


def _require_verdict(actor: User, subject: Subject, verdict: str) -> None:
    require(actor, "partner.adjudicate", subject if isinstance(subject, Person) else None)
    if HitStatus.read(verdict) in (None, HitStatus.UNRESOLVED):
        raise InvalidVerdict


def _adjudicate(
    actor: User,
    row: ScreeningHit,
    run: ScreeningRun,
    verdict: str,
    reason: str,
    *,
    group: str | None = None,
) -> ScreeningHit:
    """Write one verdict on a locked hit row and its audit event (the caller's transaction)."""
    subject = run.subject
    old = row.verdict
    row.verdict, row.verdict_reason = verdict, reason
    row.adjudicated_by, row.adjudicated_at = actor, timezone.now()
    row.save(update_fields=["verdict", "verdict_reason", "adjudicated_by", "adjudicated_at"])
    data: dict[str, object] = {
        "old": old,
        "new": verdict,
        "entry": row.key,
        "subject": {"type": subject._meta.model_name, "id": str(subject.public_id)},
        "run": str(run.public_id),
    }
    if group is not None:
        data["group"] = group
    memory.verdict_remember(row=row, run=run, actor=actor)
    audit.record(
        actor=actor,
        action="trustdesk.screening_hit.adjudicated",
        target=row,
        data=data,
        reason=reason,
    )
    return row


@transaction.atomic
def screening_purge_expired(*, actor: str = "task:partners.purge_screenings") -> int:
    """Delete screenings of people (with their hits) older than the retention period.

    A screening counts from its completion; one that never completed (it failed) from when it
    was asked for, so that a failed screening's names are not kept for ever either. The audit
    trail keeps its events: that each screening happened and who decided what on its hits.
    Organisations' screenings are not personal data and are kept. Remembered verdicts on
    people (which keep their names then) go by the same rule, counted from the verdict: a
    person's dismissed match older than the retention period may come back once.
    """
    cutoff = timezone.now() - conf.person_screening_retention()
    expired = ScreeningRun.objects.filter(person__isnull=False).filter(
        Q(completed_at__lt=cutoff) | Q(completed_at=None, created_at__lt=cutoff)
    )
    memories = VerdictMemory.objects.filter(person__isnull=False, decided_at__lt=cutoff)
    count, forgotten = expired.count(), memories.count()
    if not count and not forgotten:
        return 0
    hits = ScreeningHit.objects.filter(run__in=expired).count()
    memories.delete()
    expired.delete()
    data: dict[str, object] = {"runs": count, "hits": hits, "completed_before": cutoff.isoformat()}
    if forgotten:
        data["verdicts_forgotten"] = forgotten
    audit.record(
        actor=actor,
        action="trustdesk.screening.purged",
        target=audit.AuditTarget("partners.screeningrun", "people", "screenings of people"),
        data=data,
    )
    return count
