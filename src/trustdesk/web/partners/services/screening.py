"""Screening writes: queue a screening, run it (from the task), adjudicate hits, purge.

A run screens every name of its subject against the current lists and records the snapshots and
matcher version it used, so the result can be replayed; officers' verdicts carry a reason.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import Hit, HitStatus, NameNotScreenable, Query, check_name
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.core import audit, tasks
from trustdesk.web.core.tasks import Transient
from trustdesk.web.lists import screening
from trustdesk.web.lists.coverage import current_coverage
from trustdesk.web.partners import conf, grouping
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun
from trustdesk.web.partners.selectors import HITS_PER_NAME as HITS_PER_NAME
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
    """
    run = ScreeningRun.objects.get(public_id=run_id)
    if run.status == ScreeningRun.Status.COMPLETED:
        return run
    kind = EntityType.ORGANIZATION if run.organisation_id else EntityType.PERSON
    best: dict[str, Hit] = {}
    queries = [Query(name, type=kind) for name in run.names if _screenable(Query(name, type=kind))]
    results = [screening.screen(query, limit=HITS_PER_NAME) for query in queries]
    if len({tuple(sorted(r.snapshots.items())) for r in results}) > 1:
        # A list changed between two names: start again, so one run uses one set of snapshots.
        raise Transient("the current list snapshots changed during the screening")
    for result in results:
        for hit in result.hits:
            if hit.key not in best or hit.score > best[hit.key].score:
                best[hit.key] = hit
    first = results[0] if results else None
    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ScreeningRun.Status.COMPLETED:
            return run
        ScreeningHit.objects.bulk_create(_hit_row(run, hit) for hit in best.values())
        run.status, run.error, run.completed_at = ScreeningRun.Status.COMPLETED, "", timezone.now()
        run.snapshots = first.snapshots if first else {}
        run.coverage = (first.coverage if first else current_coverage()).to_dict()
        run.matcher_version = first.matcher_version if first else screening.MATCHER_VERSION
        run.threshold = first.threshold if first else None
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
        audit.record(
            actor=actor,
            action="trustdesk.screening.completed",
            target=run.subject,
            data={
                "run": str(run.public_id),
                "names": run.names,
                "hits": sorted(best),
                "snapshots": run.snapshots,
                "coverage_complete": run.coverage["complete"],
                "matcher_version": run.matcher_version,
            },
        )
    return run


def _screenable(query: Query) -> bool:
    """Whether the engine will compare the name (records refuse names it would not).

    Only an alias stored before that refusal ("of the") is passed over here.
    """
    try:
        check_name(query)
    except NameNotScreenable:
        return False
    return True


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
    Organisations' screenings are not personal data and are kept.
    """
    cutoff = timezone.now() - conf.person_screening_retention()
    expired = ScreeningRun.objects.filter(person__isnull=False).filter(
        Q(completed_at__lt=cutoff) | Q(completed_at=None, created_at__lt=cutoff)
    )
    count = expired.count()
    if not count:
        return 0
    hits = ScreeningHit.objects.filter(run__in=expired).count()
    expired.delete()
    audit.record(
        actor=actor,
        action="trustdesk.screening.purged",
        target=audit.AuditTarget("partners.screeningrun", "people", "screenings of people"),
        data={"runs": count, "hits": hits, "completed_before": cutoff.isoformat()},
    )
    return count
