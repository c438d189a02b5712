"""The impact of a staged list snapshot, worked out before anyone makes it current.

The same steps as the re-screen that follows a switch (`services`), in memory and writing
nothing but the result: the staged snapshot is compared with its source's current one
(`snapshot_diff`); the partners near what it adds or changes are found through the reverse
index (`subjects`) and screened forward against an index of the lists as they would be
(`lists.screening.index_with`, so a score is the score the re-screen gives); the hits on
entries it removes are found among the partners' current hits. Each gained hit is checked
against the remembered verdicts (`VerdictMemory`) as a new screening would carry them. Then
the open engagements of the partners affected have their latest triage replayed under the pack
in use, with their hits as they are and as they would be, as a pack preview replays them under
two packs (`packs.impact`): only the hits differ.

The cost is one index build of every current list (what the switch itself costs) plus a
forward screening per candidate partner; it runs as a task with progress.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from trustdesk.policy.models import Pack
from trustdesk.policy.triage import AnswersInvalid, triage
from trustdesk.screening.entries import Entry
from trustdesk.screening.matching import Hit
from trustdesk.screening.matching.model import HitStatus
from trustdesk.screening.matching.model import ScreeningHit as TypedHit
from trustdesk.web.assessments.services import TRIGGERABLE
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists import screening
from trustdesk.web.lists.coverage import current_coverage
from trustdesk.web.lists.models import ListEntry, ListSource, Snapshot, Staging
from trustdesk.web.lists.selectors import snapshot_diff
from trustdesk.web.partners.models import Organisation, Person, VerdictMemory
from trustdesk.web.partners.selectors import current_hits, latest_completed_runs
from trustdesk.web.partners.services import memory
from trustdesk.web.partners.services.screening import screening_compare
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage.models import TriageSession
from trustdesk.web.watch import subjects
from trustdesk.web.watch.models import StagedImpact
from trustdesk.web.watch.staged import (
    EngagementImpact,
    HitChange,
    ImpactData,
    PartnerImpact,
    Remembered,
)
from trustdesk.web.watch.subjects import SubjectKey

log = logging.getLogger(__name__)

IN_CHUNK = 500  # ids per IN (...) query
Progress = Callable[[str, int, int], None]  # (what, done, total)
Subject = Organisation | Person


def _key(subject: Subject) -> SubjectKey:
    return SubjectKey("o" if isinstance(subject, Organisation) else "p", subject.pk)


def _entries(snapshot: Snapshot, ids: Sequence[str]) -> list[Entry]:
    found: list[Entry] = []
    for start in range(0, len(ids), IN_CHUNK):
        rows = ListEntry.objects.filter(
            snapshot=snapshot, entry_id__in=ids[start : start + IN_CHUNK]
        )
        found += [Entry.from_dict(data) for data in rows.values_list("data", flat=True)]
    return found


def _subjects(keys: Iterable[SubjectKey]) -> list[Subject]:
    keys = list(keys)
    return [
        *Organisation.objects.filter(
            pk__in=[k.pk for k in keys if k.kind == "o"], merged_into=None
        ),
        *Person.objects.filter(pk__in=[k.pk for k in keys if k.kind == "p"], merged_into=None),
    ]


def _remembered(subject: Subject, hit: Hit, snapshot: Snapshot) -> Remembered | None:
    """The verdict a new screening would carry over to this hit, as `memory.verdicts_carry` does."""
    who = Q(organisation=subject) if isinstance(subject, Organisation) else Q(person=subject)
    found = VerdictMemory.objects.filter(
        who, source=hit.source, entry_id=hit.entry_id, superseded_at=None
    ).first()
    if found is None:
        return None
    listed = memory.entries_listed(
        [(hit.source, hit.entry_id)], {hit.source: str(snapshot.public_id)}
    ).get(hit.key)
    changes = memory.what_changed(found, listed, subject.names)
    return Remembered(
        found.verdict,
        found.reason,
        carried=not changes,
        why=tuple(memory.change_sentences(changes)),
    )


@dataclass(slots=True)
class _Diff:
    added: list[str]
    changed: list[str]
    removed: list[str]
    names: dict[str, str]  # entry id -> name, of removed entries


def _diff(snapshot: Snapshot, base: Snapshot | None) -> _Diff:
    if base is None:
        ids = list(snapshot.entries.order_by("entry_id").values_list("entry_id", flat=True))
        return _Diff(ids, [], [], {})
    if base.pk == snapshot.pk:
        return _Diff([], [], [], {})
    diff = snapshot_diff(base, snapshot)
    return _Diff(
        [e for e, _ in diff.added],
        [c.entry_id for c in diff.changed],
        [e for e, _ in diff.removed],
        dict(diff.removed),
    )


def staged_impact_compute(*, staging: Staging, progress: Progress | None = None) -> ImpactData:
    """What making the staged snapshot current would change; reads only, writes nothing."""
    snapshot = staging.snapshot
    source = snapshot.source.key
    base = ListSource.objects.select_related("current").get(pk=snapshot.source_id).current
    diff = _diff(snapshot, base)
    keys = frozenset(f"{source}:{e}" for e in [*diff.added, *diff.changed])
    partners: dict[SubjectKey, PartnerImpact] = {}
    examined = 0
    on_file = Organisation.objects.exists() or Person.objects.exists()
    if on_file and keys:
        examined = _screen(staging, diff, keys, partners, progress)
    if on_file and diff.removed:
        _delisted(source, diff, partners)
    engagements, tiers, processes = _engagements(snapshot, partners, progress)
    return ImpactData(
        source=source,
        staged=str(snapshot.public_id),
        base=str(base.public_id) if base else None,
        added=len(diff.added),
        changed=len(diff.changed),
        removed=len(diff.removed),
        examined=examined,
        partners=tuple(sorted(partners.values(), key=lambda p: (p.name.casefold(), p.subject))),
        engagements=engagements,
        tiers=tiers,
        processes=processes,
    )


def _screen(
    staging: Staging,
    diff: _Diff,
    keys: frozenset[str],
    partners: dict[SubjectKey, PartnerImpact],
    progress: Progress | None,
) -> int:
    """Screen the candidate partners forward against the lists as they would be."""
    snapshot = staging.snapshot
    source = snapshot.source.key
    if progress:
        progress("finding the partners near the new entries", 0, 0)
    found = subjects.candidates(
        subjects.subject_index(), _entries(snapshot, [*diff.added, *diff.changed])
    )
    for start in range(0, len(diff.changed), IN_CHUNK):  # a changed entry may stop matching
        matched = current_hits().filter(
            source=source, entry_id__in=diff.changed[start : start + IN_CHUNK]
        )
        for org, person in matched.values_list("run__organisation_id", "run__person_id"):
            found.add(SubjectKey("o", org) if org else SubjectKey("p", person))
    if not found:
        return 0

    def indexed(count: int) -> None:
        if progress:
            progress("building the index of the lists as they would be", count, 0)

    lists = screening.ListsInUse(
        screening.index_with(snapshot, progress=indexed), current_coverage()
    )
    candidates = sorted(_subjects(found), key=lambda s: (_key(s).kind, s.pk))
    latest = latest_completed_runs(candidates)
    for number, subject in enumerate(candidates, start=1):
        compared = screening_compare(subject, keys=keys, latest=latest.get(subject), lists=lists)
        if progress:
            progress("screening the partners near the new entries", number, len(candidates))
        if compared is None:
            continue
        before = {h.key: h for h in latest[subject].hits.all()} if subject in latest else {}
        gained = [
            HitChange(
                k,
                compared.best[k].name,
                "changed" if k in compared.changed else "new",
                compared.best[k].score,
                compared.best[k].matched_name,
                _remembered(subject, compared.best[k], snapshot),
            )
            for k in sorted({*compared.gained, *compared.changed} & keys)
        ]
        lost = [
            HitChange(k, before[k].entry_name, "no longer matches", before[k].score)
            for k in sorted(set(compared.lost) & keys)
        ]
        if gained or lost:
            partners[_key(subject)] = PartnerImpact(
                str(_key(subject)),
                str(subject.public_id),
                subject.name,
                subject._meta.model_name or "",
                tuple(gained),
                tuple(lost),
            )
    return len(candidates)


def _delisted(source: str, diff: _Diff, partners: dict[SubjectKey, PartnerImpact]) -> None:
    """The partners whose current hits are on entries the staged snapshot no longer lists."""
    by_subject: dict[SubjectKey, list[HitChange]] = {}
    for start in range(0, len(diff.removed), IN_CHUNK):
        rows = current_hits().filter(
            source=source, entry_id__in=diff.removed[start : start + IN_CHUNK], removed_on=None
        )
        for org, person, entry_id, name, score in rows.values_list(
            "run__organisation_id", "run__person_id", "entry_id", "entry_name", "score"
        ):
            key = SubjectKey("o", org) if org else SubjectKey("p", person)
            change = HitChange(f"{source}:{entry_id}", name, "removed", score)
            by_subject.setdefault(key, []).append(change)
    for subject in _subjects(by_subject):
        key = _key(subject)
        known = partners.get(key)
        lost = sorted(by_subject[key], key=lambda h: h.key)
        partners[key] = PartnerImpact(
            str(key),
            str(subject.public_id),
            subject.name,
            subject._meta.model_name or "",
            known.gained if known else (),
            (*(known.lost if known else ()), *lost),
        )


def _latest_sessions(engagement_ids: Sequence[int]) -> dict[int, TriageSession]:
    latest: dict[int, TriageSession] = {}
    sessions = TriageSession.objects.filter(
        engagement_id__in=list(engagement_ids), status=TriageSession.Status.COMPLETED
    ).order_by("engagement_id", "-completed_at", "-pk")
    for session in sessions:
        if session.engagement_id is not None:
            latest.setdefault(session.engagement_id, session)
    return latest


def _engagements(
    snapshot: Snapshot, partners: Mapping[SubjectKey, PartnerImpact], progress: Progress | None
) -> tuple[tuple[EngagementImpact, ...], dict[str, str], dict[str, str]]:
    """The open engagements of the partners affected, their triage replayed with the new hits."""
    if not partners:
        return (), {}, {}
    links = list(
        EngagementPartner.objects.filter(
            Q(organisation_id__in=[k.pk for k in partners if k.kind == "o"])
            | Q(person_id__in=[k.pk for k in partners if k.kind == "p"])
        )
        .exclude(engagement__status=Engagement.Status.CLOSED)
        .select_related("engagement")
    )
    if not links:
        return (), {}, {}
    try:
        pack: Pack | None = triage_selectors.pack()
    except triage_selectors.PackUnavailable as exc:
        log.warning("impact preview without triage replay: %s", exc)
        pack = None
    by_engagement: dict[int, list[EngagementPartner]] = {}
    for link in links:
        by_engagement.setdefault(link.engagement_id, []).append(link)
    sessions = _latest_sessions(list(by_engagement))
    hits = _typed_gains(snapshot, partners, links)
    out = []
    for number, (engagement_id, mine) in enumerate(sorted(by_engagement.items()), start=1):
        if progress:
            progress("replaying the triage of the engagements affected", number, len(by_engagement))
        out.append(_replay(pack, mine, sessions.get(engagement_id), partners, hits))
    tiers = {t.id: t.label for t in pack.tiers} if pack else {}
    processes = {p.id: p.title for p in pack.processes} if pack else {}
    out.sort(key=lambda e: (not (e.tier_changed or e.gained or e.lost or e.review_due), e.title))
    return tuple(out), tiers, processes


def _link_key(link: EngagementPartner) -> SubjectKey:
    return (
        SubjectKey("o", link.organisation_id)
        if link.organisation_id
        else SubjectKey("p", link.person_id or 0)
    )


def _typed_gains(
    snapshot: Snapshot, partners: Mapping[SubjectKey, PartnerImpact], links: list[EngagementPartner]
) -> dict[tuple[int, SubjectKey], list[TypedHit]]:
    """Each link's gained hits as the triage would take them: with programme, role and verdict.

    An organisation's match with a person record or a politically exposed person's entry is
    context, never a hit (`triage.selectors.context_only`), so it is left out here too.
    """
    staged = {snapshot.source.key: str(snapshot.public_id)}
    wanted = sorted(
        {
            (h.key.rsplit(":", 1)[0], h.key.rsplit(":", 1)[1])
            for p in partners.values()
            for h in p.gained
        }
    )
    programmes = triage_selectors.programmes(staged, wanted) if wanted else {}
    context = triage_selectors.context_only(staged, wanted) if wanted else {}
    out: dict[tuple[int, SubjectKey], list[TypedHit]] = {}
    for link in links:
        key = _link_key(link)
        impact = partners[key]
        for hit in impact.gained:
            if link.organisation_id and hit.key in context:
                continue
            source, entry_id = hit.key.rsplit(":", 1)
            carried = hit.remembered is not None and hit.remembered.carried
            status = (
                HitStatus(hit.remembered.verdict)
                if carried and hit.remembered
                else (HitStatus.UNRESOLVED)
            )
            out.setdefault((link.pk, key), []).append(
                TypedHit(
                    source=source,
                    entry_id=entry_id,
                    name=hit.name,
                    status=status,
                    programme=programmes.get(hit.key),
                    matched_name=hit.matched_name,
                    score=hit.score,
                    subject=impact.name,
                    origin=triage_selectors.PARTNER,
                    role=EngagementPartner.Role(link.role).label,
                )
            )
    return out


def _replay(
    pack: Pack | None,
    links: list[EngagementPartner],
    session: TriageSession | None,
    partners: Mapping[SubjectKey, PartnerImpact],
    gains: Mapping[tuple[int, SubjectKey], list[TypedHit]],
) -> EngagementImpact:
    engagement = links[0].engagement
    names = tuple(sorted({partners[_link_key(link)].name for link in links}))
    opens = any(
        h.status == HitStatus.UNRESOLVED
        for link in links
        for h in gains.get((link.pk, _link_key(link)), [])
    )
    review_due = opens and engagement.status in TRIGGERABLE and engagement.risk_assessments.exists()
    plain = EngagementImpact(
        str(engagement.public_id),
        engagement.title,
        engagement.status,
        names,
        review_due=review_due,
        replayed=False,
    )
    if pack is None or session is None:
        return plain
    before = answer_glue.used_hits(session)
    drop: set[tuple[str, str]] = set()
    added: list[TypedHit] = []
    for link in links:
        impact = partners[_link_key(link)]
        drop |= {(impact.name, h.key) for h in (*impact.gained, *impact.lost)}
        added += gains.get((link.pk, _link_key(link)), [])
    after = [
        h
        for h in before
        if not (h.origin == triage_selectors.PARTNER and (h.subject, h.key) in drop)
    ] + added
    answers = answer_glue.typed_answers(
        pack, session.answers if isinstance(session.answers, dict) else {}
    )
    try:
        was = triage(pack, answers, screening=before)
        now = triage(pack, answers, screening=after)
    except AnswersInvalid:
        return plain  # triaged under an older pack that no longer takes its answers
    had = [p.id for p in was.processes]
    has = [p.id for p in now.processes]
    return EngagementImpact(
        str(engagement.public_id),
        engagement.title,
        engagement.status,
        names,
        tier_before=was.tier.id,
        tier_after=now.tier.id,
        gained=tuple(p for p in has if p not in had),
        lost=tuple(p for p in had if p not in has),
        review_due=review_due,
    )


def staged_impact_run(
    *, staging_id: str, task_run: str | None = None, progress: Progress | None = None
) -> StagedImpact:
    """Work the staged snapshot's impact out and keep it with the staging (its one row).

    A failure is kept on the row with the reason, for the page to say, and raised again for
    the task run to record. Once the snapshot was made current or discarded, the preview it was
    decided on is kept as it is.
    """
    staging = Staging.objects.select_related("snapshot__source").get(public_id=staging_id)
    done = StagedImpact.objects.filter(staging=staging).first()
    if staging.status != Staging.Status.AWAITING and done is not None:
        return done  # decided meanwhile: the preview of what was decided on stays as it was
    with transaction.atomic():
        impact, _ = StagedImpact.objects.select_for_update().get_or_create(
            staging=staging, defaults={"started_at": timezone.now()}
        )
        impact.status, impact.error, impact.started_at = (
            StagedImpact.Status.RUNNING,
            "",
            timezone.now(),
        )
        impact.completed_at = None
        impact.task_run = TaskRun.objects.filter(public_id=task_run).first() if task_run else None
        impact.save(update_fields=["status", "error", "started_at", "completed_at", "task_run"])
    try:
        data = staged_impact_compute(staging=staging, progress=progress)
    except Exception as exc:
        StagedImpact.objects.filter(pk=impact.pk).update(
            status=StagedImpact.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    impact.status, impact.completed_at = StagedImpact.Status.COMPLETED, timezone.now()
    impact.data = data.to_dict()
    impact.base_id = (
        Snapshot.objects.filter(public_id=data.base).values_list("pk", flat=True).first()
        if data.base
        else None
    )
    impact.save(update_fields=["status", "completed_at", "data", "base"])
    return impact
