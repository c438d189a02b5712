"""Every write of ongoing monitoring: start a re-screen, work its chunks, finish it.

A list change (any way a list arrives: `lists.changes.lists_current_changed`) starts a delta
re-screen per source: the entries the new snapshot added or changed are screened against the
partners on file through the reverse index (`subjects`), and hits on entries it removed are
marked. A change of matcher version or threshold starts a full re-screen of every partner.
Both are split into chunks run as tasks; the last chunk to finish completes the re-screen: the
engagements of affected partners are checked for a review now due, and officers are told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from trustdesk.screening.entries import Entry
from trustdesk.screening.matching import DEFAULT_THRESHOLD
from trustdesk.web.assessments.services import engagement_review_due_on_triggers
from trustdesk.web.cases.models import EngagementPartner
from trustdesk.web.core import audit, tasks
from trustdesk.web.lists import screening
from trustdesk.web.lists.models import ListEntry, Snapshot
from trustdesk.web.lists.screening import MATCHER_VERSION
from trustdesk.web.lists.selectors import snapshot_diff
from trustdesk.web.notify import services as notify_services
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun
from trustdesk.web.partners.selectors import (
    OPEN_VERDICTS,
    current_hits,
    latest_completed_runs,
)
from trustdesk.web.partners.services.screening import (
    Refresh,
    hits_mark_removed,
    screening_compare,
    screening_refresh,
    screenings_write,
)
from trustdesk.web.watch import subjects
from trustdesk.web.watch.models import Rescreen, RescreenChunk, RescreenOutcome
from trustdesk.web.watch.subjects import SubjectKey

CHUNK = 5000  # listed entries (delta) or partners (full) per chunk task
BATCH = 200  # partners read together within a chunk (records, latest screenings)
ACTOR = "task:watch"

audit.register_action("trustdesk.rescreen.started", label="Re-screen of partners started")
audit.register_action("trustdesk.rescreen.completed", label="Re-screen of partners completed")
audit.register_action("trustdesk.screening_hit.delisted", label="Matched entry left its list")


Progress = Callable[[int, int], None]


def rescreen_for_list_changes(*, changes: Sequence[dict[str, Any]], actor: str) -> list[Rescreen]:
    """One delta re-screen per source whose current snapshot changed, each queued as a task.

    `changes` are `{"source", "old", "new"}` with snapshot public ids (old None for a first
    import), as `lists_current_changed` saw them after the commit.
    """
    started = []
    for change in changes:
        new = Snapshot.objects.filter(public_id=change["new"]).first()
        if new is None:
            continue
        old = Snapshot.objects.filter(public_id=change["old"]).first() if change["old"] else None
        if Rescreen.objects.filter(
            kind=Rescreen.Kind.DELTA, source=change["source"], old_snapshot=old, new_snapshot=new
        ).exists():
            continue  # the same change reported again (a redelivered run): started already
        started.append(
            _start(Rescreen.Kind.DELTA, actor, source=change["source"], old=old, new=new)
        )
    return started


def rescreen_full(*, actor: str) -> Rescreen:
    """Screen every partner on file again: the matcher or its threshold changed."""
    return _start(Rescreen.Kind.FULL, actor)


@transaction.atomic
def _start(
    kind: str,
    actor: str,
    *,
    source: str = "",
    old: Snapshot | None = None,
    new: Snapshot | None = None,
) -> Rescreen:
    rescreen = Rescreen.objects.create(
        kind=kind,
        source=source,
        old_snapshot=old,
        new_snapshot=new,
        matcher_version=MATCHER_VERSION,
        threshold=DEFAULT_THRESHOLD,
        actor=actor,
    )
    rescreen.task_run = tasks.enqueue("watch.split", actor, rescreen=str(rescreen.public_id))
    rescreen.save(update_fields=["task_run"])
    audit.record(
        actor=actor,
        action="trustdesk.rescreen.started",
        target=audit.AuditTarget("watch.rescreen", str(rescreen.public_id), str(rescreen)),
        data={
            "kind": kind,
            "source": source,
            "old": str(old.public_id) if old else None,
            "new": str(new.public_id) if new else None,
            "matcher_version": MATCHER_VERSION,
            "threshold": DEFAULT_THRESHOLD,
        },
    )
    return rescreen


def rescreen_split(*, public_id: str, progress: Progress | None = None) -> Rescreen:
    """Work out what a re-screen covers, mark delisted hits, and queue its chunks (idempotent).

    Chunk rows are written once, by number; a second delivery finds them and queues again only
    those not yet done (a chunk queued twice is harmless: see `rescreen_chunk`).
    """
    rescreen = Rescreen.objects.get(public_id=public_id)
    if rescreen.status != Rescreen.Status.RUNNING:
        return rescreen
    if rescreen.chunks_total is None:
        items = _delta_items(rescreen) if rescreen.kind == Rescreen.Kind.DELTA else _all_subjects()
        with transaction.atomic():
            for number, start in enumerate(range(0, len(items), CHUNK)):
                RescreenChunk.objects.get_or_create(
                    rescreen=rescreen,
                    number=number,
                    defaults={"items": items[start : start + CHUNK]},
                )
            rescreen.chunks_total = -(-len(items) // CHUNK)
            rescreen.save(update_fields=["chunks_total", "added", "changed", "removed"])
    pending = list(rescreen.chunks.filter(done_at=None).order_by("number"))
    if not pending:
        rescreen_finish(public_id=public_id)
    for chunk in pending:
        chunk.task_run = tasks.enqueue(
            "watch.chunk", rescreen.actor, rescreen=public_id, number=chunk.number
        )
        chunk.save(update_fields=["task_run"])
    rescreen.refresh_from_db()
    return rescreen


def _all_subjects() -> list[str]:
    keys = [
        f"o{pk}"
        for pk in Organisation.objects.filter(merged_into=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    keys += [
        f"p{pk}"
        for pk in Person.objects.filter(merged_into=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    return keys


def _delta_items(rescreen: Rescreen) -> list[str]:
    """The entries to screen (added and changed), having marked the hits on removed ones.

    With no partner on file there is nothing to screen: the counts are still kept.
    """
    new = rescreen.new_snapshot
    assert new is not None  # noqa: S101  # a delta re-screen always has its new snapshot
    if rescreen.old_snapshot is None:
        added = list(new.entries.order_by("entry_id").values_list("entry_id", flat=True))
        changed: list[str] = []
        removed: list[str] = []
    else:
        diff = snapshot_diff(rescreen.old_snapshot, new)
        added = [entry_id for entry_id, _ in diff.added]
        changed = [c.entry_id for c in diff.changed]
        removed = [entry_id for entry_id, _ in diff.removed]
    rescreen.added, rescreen.changed, rescreen.removed = len(added), len(changed), len(removed)
    if removed:
        _mark_delisted(rescreen, removed)
    if not Organisation.objects.exists() and not Person.objects.exists():
        return []
    return sorted(added + changed)


@transaction.atomic
def _mark_delisted(rescreen: Rescreen, removed: list[str]) -> None:
    today = timezone.localdate()
    marked = hits_mark_removed(source=rescreen.source, entry_ids=removed, on=today)
    by_subject: dict[SubjectKey, list[str]] = {}
    for hit in marked:
        run = hit.run
        key = (
            SubjectKey("o", run.organisation_id)
            if run.organisation_id
            else SubjectKey("p", run.person_id or 0)
        )
        by_subject.setdefault(key, []).append(hit.key)
        audit.record(
            actor=rescreen.actor,
            action="trustdesk.screening_hit.delisted",
            target=hit,
            data={"entry": hit.key, "on": today.isoformat(), "rescreen": str(rescreen.public_id)},
        )
    for key, keys in by_subject.items():
        outcome = _outcome(rescreen, key)
        outcome.delisted = sorted(set(outcome.delisted) | set(keys))
        outcome.save(update_fields=["delisted"])


def _outcome(rescreen: Rescreen, key: SubjectKey) -> RescreenOutcome:
    if key.kind == "o":
        outcome, _ = RescreenOutcome.objects.get_or_create(
            rescreen=rescreen, organisation_id=key.pk
        )
    else:
        outcome, _ = RescreenOutcome.objects.get_or_create(rescreen=rescreen, person_id=key.pk)
    return outcome


def rescreen_chunk(*, public_id: str, number: int, progress: Progress | None = None) -> int:
    """Screen one chunk's partners; the number of partners given a new screening.

    Each batch of partners is screened, then recorded in one transaction with bulk inserts: a
    worker killed mid-chunk leaves the batches done so far done, and the chunk delivered again
    skips their partners (one run per partner and re-screen). A batch that meets a run another
    delivery wrote is recorded again one partner per transaction. The chunk is marked done
    last; the last chunk finishes the re-screen.
    """
    rescreen = Rescreen.objects.get(public_id=public_id)
    chunk = RescreenChunk.objects.get(rescreen=rescreen, number=number)
    if chunk.done_at is not None or rescreen.status != Rescreen.Status.RUNNING:
        return 0
    if rescreen.kind == Rescreen.Kind.DELTA:
        targets, keys = _delta_targets(rescreen, [str(i) for i in chunk.items])
        trigger = ScreeningRun.Trigger.LIST_CHANGED
    else:
        targets, keys = [SubjectKey.parse(str(i)) for i in chunk.items], None
        trigger = ScreeningRun.Trigger.RESCREEN
    ordered = sorted(targets, key=lambda t: (t.kind, t.pk))
    written = 0
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        written += _refresh_batch(rescreen, batch, trigger=trigger, keys=keys)
        if progress is not None:
            progress(start + len(batch), len(ordered))
    with transaction.atomic():
        locked = RescreenChunk.objects.select_for_update().get(pk=chunk.pk)
        if locked.done_at is None:
            locked.done_at = timezone.now()
            locked.save(update_fields=["done_at"])
    if not RescreenChunk.objects.filter(rescreen=rescreen, done_at=None).exists():
        rescreen_finish(public_id=public_id)
    return written


def _delta_targets(
    rescreen: Rescreen, entry_ids: list[str]
) -> tuple[list[SubjectKey], frozenset[str]]:
    """The partners to screen for these entries, and the entry keys a change counts on.

    The reverse index's candidates, and those whose current screening already matched one of
    the entries (a changed entry may no longer match).
    """
    rows = ListEntry.objects.filter(snapshot=rescreen.new_snapshot, entry_id__in=entry_ids)
    entries = [Entry.from_dict(data) for data in rows.values_list("data", flat=True)]
    found = subjects.candidates(subjects.subject_index(), entries)
    keys = frozenset(f"{rescreen.source}:{entry_id}" for entry_id in entry_ids)
    matched = current_hits().filter(source=rescreen.source, entry_id__in=entry_ids)
    for org, person in matched.values_list("run__organisation_id", "run__person_id"):
        found.add(SubjectKey("o", org) if org else SubjectKey("p", person))
    return sorted(found, key=lambda t: (t.kind, t.pk)), keys


def _refresh_batch(
    rescreen: Rescreen, batch: list[SubjectKey], *, trigger: str, keys: frozenset[str] | None
) -> int:
    """Screen a few hundred partners, their records and latest screenings read in bulk."""
    found: list[Organisation | Person] = [
        *Organisation.objects.filter(
            pk__in=[t.pk for t in batch if t.kind == "o"], merged_into=None
        ),
        *Person.objects.filter(pk__in=[t.pk for t in batch if t.kind == "p"], merged_into=None),
    ]  # a partner merged since the chunk was cut is left out: its record lives on elsewhere
    tag = str(rescreen.public_id)
    done = {
        SubjectKey("o", org) if org else SubjectKey("p", person or 0)
        for org, person in ScreeningRun.objects.filter(batch=tag)
        .filter(
            Q(organisation_id__in=[t.pk for t in batch if t.kind == "o"])
            | Q(person_id__in=[t.pk for t in batch if t.kind == "p"])
        )
        .values_list("organisation_id", "person_id")
    }  # this batch's partners already written by an earlier delivery of the chunk
    latest = latest_completed_runs(found)
    lists = screening.lists_in_use()
    todo = [s for s in found if _key(s) not in done]
    differing = [
        d
        for d in (screening_compare(s, keys=keys, latest=latest.get(s), lists=lists) for s in todo)
        if d is not None
    ]
    if not differing:
        return 0
    try:
        with transaction.atomic():
            refreshes = screenings_write(
                differing, batch=tag, trigger=trigger, actor=rescreen.actor
            )
            _record_outcomes(rescreen, refreshes)
    except IntegrityError:
        pass  # another delivery of the chunk wrote some of these first: one at a time, below
    else:
        return len(refreshes)
    written = 0
    for subject in todo:
        written += _refresh_one(
            rescreen,
            subject,
            trigger=trigger,
            keys=keys,
            latest=latest.get(subject),
            lists=lists,
        )
    return written


def _key(subject: Organisation | Person) -> SubjectKey:
    return SubjectKey("o" if isinstance(subject, Organisation) else "p", subject.pk)


def _record_outcomes(rescreen: Rescreen, refreshes: Sequence[Refresh]) -> None:
    """Each partner's outcome of the re-screen, and the count screened, in a few statements.

    An outcome may exist already (the split marked the partner's delisted hits): it is
    updated; the others are inserted together.
    """
    by_subject = {_key(r.run.subject): r for r in refreshes}
    existing = RescreenOutcome.objects.filter(rescreen=rescreen).filter(
        Q(organisation_id__in=[k.pk for k in by_subject if k.kind == "o"])
        | Q(person_id__in=[k.pk for k in by_subject if k.kind == "p"])
    )
    updated: list[RescreenOutcome] = []
    for outcome in existing:
        key = (
            SubjectKey("o", outcome.organisation_id or 0)
            if outcome.organisation_id
            else (SubjectKey("p", outcome.person_id or 0))
        )
        _fill_outcome(outcome, by_subject.pop(key))
        updated.append(outcome)
    RescreenOutcome.objects.bulk_update(updated, ["run", "gained", "changed", "lost"])
    created = []
    for key, refresh in by_subject.items():
        outcome = RescreenOutcome(rescreen=rescreen)
        if key.kind == "o":
            outcome.organisation_id = key.pk
        else:
            outcome.person_id = key.pk
        _fill_outcome(outcome, refresh)
        created.append(outcome)
    RescreenOutcome.objects.bulk_create(created)
    Rescreen.objects.filter(pk=rescreen.pk).update(
        subjects_screened=F("subjects_screened") + len(refreshes)
    )


def _fill_outcome(outcome: RescreenOutcome, refresh: Refresh) -> None:
    outcome.run = refresh.run
    outcome.gained, outcome.changed, outcome.lost = (
        list(refresh.gained),
        list(refresh.changed),
        list(refresh.lost),
    )


def _refresh_one(
    rescreen: Rescreen,
    subject: Organisation | Person,
    *,
    trigger: str,
    keys: frozenset[str] | None,
    latest: ScreeningRun | None,
    lists: screening.ListsInUse,
) -> int:
    """Screen one partner and record what changed, in one transaction; 1 if a run was written."""
    try:
        with transaction.atomic():
            refresh = screening_refresh(
                subject,
                batch=str(rescreen.public_id),
                trigger=trigger,
                actor=rescreen.actor,
                keys=keys,
                latest=latest,
                lists=lists,
            )
            if refresh is None:
                return 0
            target = SubjectKey("o" if isinstance(subject, Organisation) else "p", subject.pk)
            outcome = _outcome(rescreen, target)
            outcome.run = refresh.run
            outcome.gained, outcome.changed, outcome.lost = (
                list(refresh.gained),
                list(refresh.changed),
                list(refresh.lost),
            )
            outcome.save(update_fields=["run", "gained", "changed", "lost"])
            Rescreen.objects.filter(pk=rescreen.pk).update(
                subjects_screened=F("subjects_screened") + 1
            )
    except IntegrityError:
        return 0  # another delivery of the same chunk wrote this partner's run first
    return 1


def rescreen_finish(*, public_id: str) -> Rescreen:
    """Complete a re-screen once: bring affected engagements' reviews forward, tell officers."""
    with transaction.atomic():
        rescreen = Rescreen.objects.select_for_update().get(public_id=public_id)
        if rescreen.status != Rescreen.Status.RUNNING:
            return rescreen
        rescreen.status, rescreen.completed_at = Rescreen.Status.COMPLETED, timezone.now()
        rescreen.save(update_fields=["status", "completed_at"])
        outcomes = list(rescreen.outcomes.all())
        open_keys = _open_hit_keys([o.run_id for o in outcomes if o.run_id is not None])
        gaining = [o for o in outcomes if _awaits_verdict(o, open_keys)]
        audit.record(
            actor=rescreen.actor,
            action="trustdesk.rescreen.completed",
            target=audit.AuditTarget("watch.rescreen", str(rescreen.public_id), str(rescreen)),
            data={
                "kind": rescreen.kind,
                "source": rescreen.source,
                "added": rescreen.added,
                "changed": rescreen.changed,
                "removed": rescreen.removed,
                "partners_awaiting_verdict": len(gaining),
                "partners_affected": len(outcomes),
            },
        )
    engagements = _engagements_of(outcomes)
    if engagements:
        moved = engagement_review_due_on_triggers(
            actor=rescreen.actor, engagement_ids=engagements, hits_found_due=True
        )
        rescreen.engagements_due = [str(e.public_id) for e in moved]
        rescreen.save(update_fields=["engagements_due"])
    if gaining:
        notify_services.notify(
            recipients=notify_services.recipients_officers(),
            kind=notify_services.Kind.LIST_HITS,
            engagement=None,
            actor=rescreen.actor,
            data={
                "source": rescreen.source or "every list",
                "partners": len(gaining),
                "rescreen": str(rescreen.public_id),
            },
        )
    return rescreen


def _open_hit_keys(run_ids: Sequence[int]) -> dict[int, set[str]]:
    """The keys of each run's hits that await a verdict, read a few hundred runs at a time.

    One read per batch rather than two per partner: a full re-screen writes 300,000 runs.
    """
    keys: dict[int, set[str]] = {}
    for start in range(0, len(run_ids), BATCH):
        rows = ScreeningHit.objects.filter(
            run_id__in=run_ids[start : start + BATCH], verdict__in=OPEN_VERDICTS
        ).values_list("run_id", "source", "entry_id")
        for run_id, source, entry_id in rows:
            keys.setdefault(run_id, set()).add(f"{source}:{entry_id}")
    return keys


def _awaits_verdict(outcome: RescreenOutcome, open_keys: dict[int, set[str]]) -> bool:
    """Whether the re-screen gave the partner a hit an officer must look at (not carried over)."""
    if outcome.run_id is None or not (outcome.gained or outcome.changed):
        return False
    return bool({*outcome.gained, *outcome.changed} & open_keys.get(outcome.run_id, set()))


def _engagements_of(outcomes: Iterable[RescreenOutcome]) -> list[int]:
    organisations = [o.organisation_id for o in outcomes if o.organisation_id]
    people = [o.person_id for o in outcomes if o.person_id]
    if not organisations and not people:
        return []
    links = EngagementPartner.objects.filter(
        Q(organisation_id__in=organisations) | Q(person_id__in=people)
    )
    return sorted(set(links.values_list("engagement_id", flat=True)))


def rescreen_fail(*, public_id: str, error: str) -> None:
    """Say on the re-screen why it stopped; the monitoring page lists it among the failures."""
    Rescreen.objects.filter(public_id=public_id, status=Rescreen.Status.RUNNING).update(
        status=Rescreen.Status.FAILED, error=error[:2000]
    )


def matcher_changed() -> bool:
    """Whether the matcher version or threshold differs from the last full re-screen's.

    The first time (no full re-screen on record) today's matcher is recorded as the baseline,
    without screening anything again: every partner was screened by it when added.
    """
    last = (
        Rescreen.objects.filter(kind=Rescreen.Kind.FULL)
        .exclude(status=Rescreen.Status.FAILED)
        .first()
    )
    if last is None:
        Rescreen.objects.create(
            kind=Rescreen.Kind.FULL,
            status=Rescreen.Status.COMPLETED,
            matcher_version=MATCHER_VERSION,
            threshold=DEFAULT_THRESHOLD,
            chunks_total=0,
            actor=ACTOR,
            completed_at=timezone.now(),
        )
        return False
    return (last.matcher_version, last.threshold) != (MATCHER_VERSION, DEFAULT_THRESHOLD)


def rescreen_if_matcher_changed(*, actor: str = ACTOR) -> Rescreen | None:
    """Start a full re-screen when the matcher changed since the last; the daily job runs this."""
    if not matcher_changed():
        return None
    return rescreen_full(actor=actor)


def rescreens_resume() -> list[RescreenChunk]:
    """Queue again the chunks of running re-screens that nothing is working on any more.

    A chunk whose task run failed (its worker stopped and the reaper failed the run, or it gave
    up) or was never recorded would leave its re-screen running for ever; `work_recover` (on a
    server or worker start, and the scheduler's reaping) sends each such chunk again. A chunk
    queued or running is left to its run; a chunk redone skips the partners already done.
    """
    resumed = []
    chunks = RescreenChunk.objects.filter(
        done_at=None, rescreen__status=Rescreen.Status.RUNNING
    ).select_related("rescreen", "task_run")
    for chunk in chunks:
        run = chunk.task_run
        if run is not None and not run.finished:
            continue
        chunk.task_run = tasks.enqueue(
            "watch.chunk",
            chunk.rescreen.actor,
            rescreen=str(chunk.rescreen.public_id),
            number=chunk.number,
        )
        chunk.save(update_fields=["task_run"])
        resumed.append(chunk)
    return resumed
