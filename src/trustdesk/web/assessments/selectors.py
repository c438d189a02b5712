"""Reads for risk assessments: what a run rests on, the case today, reviews' triggers and replay.

What an assessment rests on (`case_inputs`): the engagement's latest completed triage (its
answers and stored outcome), the hits of its organisation answers as that triage screened them,
the hits of each partner's latest completed screening with the officer's verdicts as they stand,
the screenings' list snapshots and matcher version, each matched entry's fingerprint in the
snapshot it was found in, and the case's facts.

The case today (`case_now`) is the same case under today's lists and active pack, worked out
without saving: a matched entry missing from its list's current snapshot is a hit lost (today's
lists would not match it), every other hit keeps its verdict, the triage is run again on the
same answers and the assessment again on the same facts. Partners are not screened again here
(a page must not run the matcher); the partners app screens them again when lists change.

The public reads other parts call: `latest_assessment`, `assessment_for_user`,
`effective_ratings`, `review_triggers`, `replay` and `case_context`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from trustdesk.policy.assessment import Assessment, AssessmentMismatch, assess
from trustdesk.policy.conditions import FactValue
from trustdesk.policy.models import Pack
from trustdesk.policy.review import CaseState, Change, ReviewCheck, Trigger, review_check
from trustdesk.policy.triage import AnswersInvalid, Outcome, hit_order, triage
from trustdesk.screening.matching.model import ScreeningHit
from trustdesk.web.accounts.permissions import NOTHING, AnyUser, has_permission
from trustdesk.web.assessments import changes as change_glue
from trustdesk.web.assessments import permissions
from trustdesk.web.assessments.models import AreaRating, CaseReview, RatingOverride, RiskAssessment
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.lists.models import ListEntry
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage.models import TriageSession

NO_TRIAGE = "Complete the engagement's triage first: the assessment starts from its outcome."
TRIAGE_UNDER_OTHER_PACK = (
    "The latest triage was worked out under {then}, not the active pack {now}: "
    "re-run the triage first."
)
CANNOT_REPLAY = "The case cannot be worked out under today's pack: {problems}."


class AssessmentUnavailable(Exception):
    """What an assessment needs is missing (no triage, a triage under another pack)."""


# --- reads in the user's scope -----------------------------------------------------------------


def assessment_list_for_user(*, user: AnyUser) -> QuerySet[RiskAssessment]:
    """Assessments of the engagements the user sees, newest first."""
    if not has_permission(user, "engagement.view"):
        return RiskAssessment.objects.filter(NOTHING)
    engagements = case_selectors.engagement_list_for_user(user=user).values("pk")
    return RiskAssessment.objects.filter(engagement__in=engagements)


def assessment_get_for_user(*, user: AnyUser, public_id: uuid.UUID) -> RiskAssessment:
    """One assessment in the user's scope; DoesNotExist alike for missing and unseen."""
    return assessment_list_for_user(user=user).select_related("engagement").get(public_id=public_id)


def _with_areas(rows: QuerySet[RiskAssessment]) -> QuerySet[RiskAssessment]:
    overrides = RatingOverride.objects.select_related("by")
    areas = AreaRating.objects.select_related("chosen_by").prefetch_related(
        Prefetch("overrides", queryset=overrides)
    )
    return rows.select_related("run_by", "triage_session").prefetch_related(
        Prefetch("areas", queryset=areas)
    )


def assessment_history(*, engagement: Engagement) -> list[RiskAssessment]:
    """Every assessment of the engagement, newest first, with its areas and overrides.

    No user scope: the caller has fetched the engagement through the user's scope.
    """
    return list(_with_areas(RiskAssessment.objects.filter(engagement=engagement)))


def latest_assessment(*, engagement: Engagement) -> RiskAssessment | None:
    """The engagement's latest assessment with its areas (None: never assessed).

    The one other parts read (a decision, a letter, the report); no user scope, so fetch the
    engagement through the user's scope first, and show its reasons through
    `assessment_for_user`.
    """
    return _with_areas(RiskAssessment.objects.filter(engagement=engagement)).first()


def effective_ratings(assessment: RiskAssessment) -> dict[str, str]:
    """Area id to the rating that stands (the officer's choice, else the computed), pack order."""
    return {a.area: a.chosen for a in assessment.areas.all()}


def assessment_for_user(*, user: AnyUser, assessment: RiskAssessment) -> Assessment:
    """The computed assessment as the reader may see it: redacted without `lists.view`."""
    typed = assessment.typed
    return typed if permissions.can_see_entries(user) else typed.redacted()


# --- what an assessment rests on ---------------------------------------------------------------


@dataclass(frozen=True)
class CaseInputs:
    """Everything one assessment of a case is worked out from, and what to record of it."""

    session: TriageSession
    pack: Pack
    outcome: Outcome
    answers: Mapping[str, object]  # typed, as the engine takes them
    hits: tuple[ScreeningHit, ...]
    screenings: tuple[dict[str, Any], ...]
    entries: Mapping[str, str]  # hit key -> fingerprint of the entry where it was found

    def state(self, assessment: Assessment | None) -> CaseState:
        engagement = self.session.engagement
        assert engagement is not None  # noqa: S101  # sessions here are the engagement's
        return CaseState.of(
            self.outcome,
            assessment=assessment,
            hits=self.hits,
            entries=self.entries,
            partners=partner_names(engagement=engagement),
            countries=[str(c) for c in engagement.countries],
            areas=[str(a) for a in engagement.research_areas],
        )


def partner_names(
    *, engagement: Engagement, reads: triage_selectors.CaseReads | None = None
) -> list[str]:
    links = (reads or triage_selectors.CaseReads(engagement)).links
    return [link.partner.name for link in links]


def fingerprints(found: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Fingerprints of listed entries, by "source:entry_id", from (snapshot, source, entry id).

    An entry missing from the snapshot named is left out: the caller reads that as removed.
    """
    by_snapshot: dict[str, dict[str, str]] = {}
    for snapshot, source, entry_id in found:
        by_snapshot.setdefault(snapshot, {})[entry_id] = source
    out: dict[str, str] = {}
    for snapshot, ids in by_snapshot.items():
        rows = ListEntry.objects.filter(
            snapshot__public_id=snapshot, entry_id__in=list(ids)
        ).values_list("entry_id", "fingerprint")
        for entry_id, fingerprint in rows:
            out[f"{ids[entry_id]}:{entry_id}"] = fingerprint
    return out


def _gather(
    engagement: Engagement, session: TriageSession, reads: triage_selectors.CaseReads
) -> tuple[list[ScreeningHit], list[dict[str, Any]], dict[str, str]]:
    """The hits, the screenings they came from, and each hit's snapshot: "source:entry" → id."""
    hits: list[ScreeningHit] = []
    screenings: list[dict[str, Any]] = []
    where: dict[str, str] = {}
    for question, screened in sorted(answer_glue.answer_screening(session).items()):
        if not screened.screened:
            continue
        screenings.append(
            {
                "subject": screened.name,
                "origin": "answer",
                "question": question,
                "snapshots": dict(screened.snapshots),
                "matcher_version": screened.matcher_version,
            }
        )
        for hit in screened.hits:
            hits.append(hit)
            if hit.source in screened.snapshots:
                where.setdefault(hit.key, screened.snapshots[hit.source])
    found = reads.screenings
    runs = found.runs
    for name, run in sorted(runs.items()):
        screenings.append(
            {
                "subject": name,
                "origin": "partner",
                "run": str(run.public_id),
                "snapshots": dict(run.snapshots),
                "matcher_version": run.matcher_version,
            }
        )
    for hit in found.hits:
        hits.append(hit)
        came_from = runs.get(hit.subject)
        if came_from is not None and hit.source in came_from.snapshots:
            where.setdefault(hit.key, str(came_from.snapshots[hit.source]))
    return hits, screenings, where


def _assessable(reads: triage_selectors.CaseReads) -> tuple[TriageSession, Pack, Outcome]:
    """The latest triage, the active pack and the outcome, once an assessment can rest on them.

    `AssessmentUnavailable` without a completed triage, or for one under another pack.
    """
    session = reads.latest
    if session is None or session.outcome is None:
        raise AssessmentUnavailable(NO_TRIAGE)
    current = triage_selectors.pack()
    outcome = Outcome.from_dict(session.outcome)
    if (outcome.pack_id, outcome.pack_version) != (current.id, current.version):
        raise AssessmentUnavailable(
            TRIAGE_UNDER_OTHER_PACK.format(
                then=f"{outcome.pack_id} {outcome.pack_version}",
                now=f"{current.id} {current.version}",
            )
        )
    return session, current, outcome


def case_inputs(
    *, engagement: Engagement, reads: triage_selectors.CaseReads | None = None
) -> CaseInputs:
    """What an assessment of the engagement rests on now, under the active pack.

    Raises `AssessmentUnavailable` without a completed triage, or when the triage was worked
    out under another pack than the active one (the officer re-runs it first). `reads` shares
    the latest triage and the partners' screening with the rest of the case page.
    """
    reads = reads or triage_selectors.CaseReads(engagement)
    session, current, outcome = _assessable(reads)
    hits, screenings, where = _gather(engagement, session, reads)
    entries = fingerprints((where[h.key], h.source, h.entry_id) for h in hits if h.key in where)
    return CaseInputs(
        session=session,
        pack=current,
        outcome=outcome,
        answers=answer_glue.typed_answers(current, session.answers),
        hits=tuple(hits),
        screenings=tuple(screenings),
        entries=entries,
    )


def pack_facts(current: Pack, facts: Mapping[str, object]) -> dict[str, FactValue]:
    """The facts the pack declares, taken from `facts` (others dropped: a pack moved on)."""
    declared = {f.id for f in current.facts}
    return {
        key: value
        for key, value in facts.items()
        if key in declared and isinstance(value, bool | int | float | str | list)
    }


# --- the case today: reviews and replay --------------------------------------------------------


@dataclass(frozen=True)
class CaseNow:
    """The case worked out again under today's lists and pack, without saving anything."""

    state: CaseState
    assessment: Assessment | None
    outcome: Outcome | None
    pack: Pack
    lost: tuple[ScreeningHit, ...]  # hits today's lists would no longer give
    problem: str = ""  # why it could not be worked out again (the state then keeps the old outcome)
    # Partners whose names could not be screened again (no index of today's lists yet).
    not_screened: tuple[str, ...] = ()


def case_now(
    *,
    engagement: Engagement,
    previous: RiskAssessment,
    reads: triage_selectors.CaseReads | None = None,
) -> CaseNow:
    """Today's state of an assessed case: today's lists, verdicts, partners and active pack.

    The partners' names are screened again in memory against today's index (nothing is
    stored), so a hit today's lists would give shows before the next screening stores it; the
    organisation answers' hits keep what the triage found, less the entries gone from today's
    lists. `reads` shares the latest triage and stored screening with the rest of the page.
    """
    reads = reads or triage_selectors.CaseReads(engagement)
    session = reads.latest or previous.triage_session
    session.engagement = engagement
    current = triage_selectors.pack()
    stored, _, _ = _gather(engagement, session, reads)
    today = triage_selectors.partner_hits_today(reads=reads)
    answered = [h for h in stored if h.origin != triage_selectors.PARTNER]
    hits = [*answered, *today.hits]
    now = reads.snapshots
    listed = fingerprints((now[h.source], h.source, h.entry_id) for h in hits if h.source in now)
    kept = [h for h in hits if h.source not in now or h.key in listed]
    found = {(h.subject, h.key) for h in kept}
    lost = tuple(h for h in stored if (h.subject, h.key) not in found)
    # An entry of a source with no current snapshot cannot be checked today: as it was.
    then = previous.typed_state
    source_of = {h.key: h.source for h in (*then.hits, *hits)}  # a source key may hold a colon
    entries = {
        **{k: v for k, v in then.entries.items() if source_of.get(k) not in now},
        **listed,
    }
    answers = answer_glue.typed_answers(current, session.answers)
    try:
        outcome: Outcome | None = triage(current, answers, screening=kept)
        assert outcome is not None  # noqa: S101  # narrows for mypy
        assessment: Assessment | None = assess(
            current, outcome, answers, screening=kept, facts=pack_facts(current, previous.facts)
        )
    except (AnswersInvalid, AssessmentMismatch) as exc:
        errors = getattr(exc, "errors", ())
        problems = "; ".join(f"{e.path}: {e.problem}" for e in errors[:3]) or str(exc)
        outcome, assessment = None, None
        problem = CANNOT_REPLAY.format(problems=problems)
    else:
        problem = ""
    state = CaseState(
        pack_id=current.id,
        pack_version=current.version,
        tier=outcome.tier.id if outcome else then.tier,
        processes=tuple(p.id for p in outcome.processes) if outcome else then.processes,
        verdicts=tuple(v.id for v in outcome.verdicts) if outcome else then.verdicts,
        hits=tuple(sorted(kept, key=hit_order)),
        entries=dict(sorted(entries.items())),
        partners=tuple(sorted(set(partner_names(engagement=engagement, reads=reads)))),
        countries=tuple(sorted({str(c) for c in engagement.countries})),
        areas=tuple(sorted({str(a) for a in engagement.research_areas})),
        ratings=assessment.ratings() if assessment else dict(then.ratings),
    )
    return CaseNow(state, assessment, outcome, current, lost, problem, today.not_screened)


def _date_only(engagement: Engagement, today: dt.date) -> ReviewCheck:
    review_date = engagement.review_date
    if review_date is not None and today >= review_date:
        return ReviewCheck((Change(Trigger.DATE_REACHED, review_date.isoformat()),))
    return ReviewCheck(())


@dataclass(frozen=True)
class Triggers:
    check: ReviewCheck
    state: CaseState | None  # the case today (None: never assessed, nothing to compare)


def _baseline(engagement: Engagement, previous: RiskAssessment) -> CaseState:
    """What the next review is measured from: the latest assessment, or a review begun after it.

    A review keeps the case as it found it; until the officer assesses again, the changes it
    has seen are not new, so they cannot make the case due a second time.
    """
    review = (
        CaseReview.objects.filter(
            engagement=engagement, started_at__gt=previous.created_at, state__isnull=False
        )
        .order_by("-started_at", "-pk")
        .first()
    )
    return CaseState.from_dict(review.state) if review and review.state else previous.typed_state


def review_state(*, engagement: Engagement, today: dt.date | None = None) -> Triggers:
    """`review_triggers` with the case's state today, which a review's start keeps."""
    today = today or timezone.localdate()
    previous = latest_assessment(engagement=engagement)
    if previous is None:
        return Triggers(_date_only(engagement, today), None)
    now = case_now(engagement=engagement, previous=previous)
    check = review_check(
        _baseline(engagement, previous),
        now.state,
        today=today,
        review_date=engagement.review_date,
    )
    return Triggers(check, now.state)


def review_triggers(*, engagement: Engagement, today: dt.date | None = None) -> ReviewCheck:
    """What changed since the latest assessment (or review), and whether a review is due.

    Without an assessment there is nothing to compare with, so only the review date counts.
    The daily review job and a review's start both read this; nothing is saved.
    """
    return review_state(engagement=engagement, today=today).check


@dataclass(frozen=True)
class RatingChange:
    area: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Replay:
    """What would differ if the latest assessment were worked out today."""

    assessment: RiskAssessment
    pack_then: str
    pack_now: str
    tier: tuple[str, str] | None  # (then, now) labels, when the tier changes
    processes_gained: tuple[str, ...]
    processes_lost: tuple[str, ...]
    ratings: tuple[RatingChange, ...]
    hits_gained: tuple[ScreeningHit, ...]  # empty for a reader without `lists.view`
    hits_lost: tuple[ScreeningHit, ...]  # likewise; the counts are for everyone
    gained_count: int
    lost_count: int
    changes: tuple[ChangeView, ...]  # entries changed or removed, hits confirmed or dismissed
    problem: str = ""
    not_screened: tuple[str, ...] = ()  # partners whose stored hits stand in (no index today)

    @property
    def differs(self) -> bool:
        return bool(
            self.problem
            or self.tier
            or self.processes_gained
            or self.processes_lost
            or self.ratings
            or self.gained_count
            or self.lost_count
            or self.changes
            or self.pack_then != self.pack_now
        )


#: What a reader without `lists.view` reads for a change about a hit: no entry named.
_WITHOUT_ENTRIES = {
    Trigger.HIT_CONFIRMED: "an officer confirmed a possible match of a partner",
    Trigger.HIT_DISMISSED: "an officer dismissed a possible match of a partner",
    Trigger.HIT_FOUND: "screening found a possible match, not yet reviewed by an officer",
    Trigger.ENTRY_CHANGED: "a listed entry a partner matched has changed",
    Trigger.ENTRY_REMOVED: "a listed entry a partner matched is no longer listed",
}


@dataclass(frozen=True)
class ChangeView:
    text: str
    due: bool  # whether this change makes a review due by itself


def change_views(changes: Iterable[Change], *, sees_entries: bool) -> tuple[ChangeView, ...]:
    """Changes as sentences; about hits, without the entry for a reader who may not see it."""
    return tuple(
        ChangeView(
            c.text if sees_entries or c.hit is None else _WITHOUT_ENTRIES.get(c.trigger, c.text),
            c.makes_due,
        )
        for c in changes
    )


_HIT_TRIGGERS = frozenset(
    {Trigger.HIT_CONFIRMED, Trigger.HIT_DISMISSED, Trigger.ENTRY_CHANGED, Trigger.ENTRY_REMOVED}
)


def _hit_keys(hits: Iterable[ScreeningHit]) -> dict[tuple[str, str], ScreeningHit]:
    return {(h.subject, h.key): h for h in hits}


def replay(
    *,
    user: AnyUser,
    assessment: RiskAssessment,
    reads: triage_selectors.CaseReads | None = None,
) -> Replay:
    """The latest assessment against today's lists and active pack, as the reader may see it.

    Hits gained or lost are compared by subject and entry: the partners are screened again in
    memory (`case_now`), so a hit gained shows before the next screening stores it. For a role
    without `lists.view` every hit and change is redacted (the page then shows only how many).
    """
    engagement = assessment.engagement
    now = case_now(engagement=engagement, previous=assessment, reads=reads)
    then = assessment.typed_state
    tiers = {t.id: t.label for t in now.pack.tiers}
    titles = {p.id: p.title for p in now.pack.processes}
    scale = {r.id: r.label for r in now.pack.risk_scale}
    labels = {a.area: a.label for a in assessment.typed.areas}
    before, after = _hit_keys(then.hits), _hit_keys(now.state.hits)
    gained = tuple(h for k, h in after.items() if k not in before)
    lost = tuple(h for k, h in before.items() if k not in after)
    check = review_check(then, now.state, today=timezone.localdate())
    sees = permissions.can_see_entries(user)
    changes = change_views(
        (c for c in check.changes if c.trigger in _HIT_TRIGGERS), sees_entries=sees
    )
    counts = len(gained), len(lost)
    if not sees:
        gained, lost = (), ()
    ratings = tuple(
        RatingChange(area, labels.get(area, area), scale.get(was, was), scale.get(new, new))
        for area, was in then.ratings.items()
        if (new := now.state.ratings.get(area, was)) != was
    )
    return Replay(
        assessment=assessment,
        pack_then=f"{then.pack_id} {then.pack_version}",
        pack_now=f"{now.pack.id} {now.pack.version}",
        tier=(tiers.get(then.tier, then.tier), tiers.get(now.state.tier, now.state.tier))
        if then.tier != now.state.tier
        else None,
        processes_gained=tuple(
            titles.get(p, p) for p in now.state.processes if p not in then.processes
        ),
        processes_lost=tuple(
            titles.get(p, p) for p in then.processes if p not in now.state.processes
        ),
        ratings=ratings,
        hits_gained=gained,
        hits_lost=lost,
        gained_count=counts[0],
        lost_count=counts[1],
        changes=changes,
        problem=now.problem,
        not_screened=now.not_screened,
    )


# --- the case page's section ------------------------------------------------------------------


@dataclass(frozen=True)
class AreaView:
    """One area of an assessment as the case page shows it."""

    row: AreaRating
    computed_label: str
    chosen_label: str
    step: int  # the chosen rating's place on the scale, 1 = lowest
    reasons: tuple[Any, ...]
    lower: tuple[Any, ...]
    justification: str  # empty for a reader who may not see it
    overrides: tuple[RatingOverride, ...]


@dataclass(frozen=True)
class PastView:
    """An earlier assessment: each area's standing rating (and computed one, if changed)."""

    record: RiskAssessment
    ratings: tuple[tuple[str, str, str], ...]  # (area label, chosen label, computed or "")


@dataclass(frozen=True)
class ReviewView:
    review: CaseReview
    changes: tuple[ChangeView, ...]


@dataclass(frozen=True)
class AssessmentSection:
    latest: RiskAssessment | None
    areas: tuple[AreaView, ...]
    scale: tuple[tuple[str, str], ...]  # (id, label), lowest first
    history: tuple[PastView, ...]  # the earlier ones, newest first
    replay: Replay | None
    reviews: tuple[ReviewView, ...]
    can_run: bool
    can_see_entries: bool
    unavailable: str  # why the officer cannot run it now (no triage, another pack)
    facts: tuple[tuple[str, str, bool], ...] = field(default=())  # (id, description, value)


def _area_views(
    user: AnyUser, assessment: RiskAssessment, scale: Mapping[str, str]
) -> tuple[AreaView, ...]:
    typed = assessment_for_user(user=user, assessment=assessment)
    by_area = {a.area: a for a in typed.areas}
    steps = {rating: i + 1 for i, rating in enumerate(scale)}
    sees = permissions.can_see_entries(user)
    views = []
    for row in assessment.areas.all():
        computed = by_area.get(row.area)
        views.append(
            AreaView(
                row=row,
                computed_label=scale.get(row.computed, row.computed),
                chosen_label=scale.get(row.chosen, row.chosen),
                step=steps.get(row.chosen, 0),
                reasons=computed.reasons if computed else (),
                lower=computed.lower if computed else (),
                justification=row.justification if sees else "",
                overrides=tuple(row.overrides.all()) if sees else (),
            )
        )
    return tuple(views)


def case_context(
    user: AnyUser, engagement: Engagement, reads: triage_selectors.CaseReads | None = None
) -> dict[str, object]:
    """The context of `assessments/partials/case_section.html` for the engagement's page.

    The engagement was fetched through the user's scope by the caller; `reads` shares the
    latest triage and the partners' screening with the page's other sections.
    """
    reads = reads or triage_selectors.CaseReads(engagement)
    history = assessment_history(engagement=engagement)
    for past in history:
        past.engagement = engagement  # already read through the user's scope
    latest = history[0] if history else None
    try:
        current: Pack | None = triage_selectors.pack()
    except triage_selectors.PackUnavailable:
        current = None
    scale = {r.id: r.label for r in current.risk_scale} if current else {}
    can_run = permissions.can_assess_now(user, engagement)
    unavailable = ""
    if can_run:
        try:
            _assessable(reads)  # what the form needs to be offered; the run gathers the rest
        except (AssessmentUnavailable, triage_selectors.PackUnavailable) as exc:
            unavailable = str(exc)
    facts = latest.facts if latest else {}
    reviews = CaseReview.objects.filter(engagement=engagement).select_related("started_by")
    sees = permissions.can_see_entries(user)
    section = AssessmentSection(
        latest=latest,
        areas=_area_views(user, latest, scale) if latest else (),
        scale=tuple(scale.items()),
        history=tuple(
            PastView(
                past,
                tuple(
                    (
                        a.label,
                        scale.get(a.chosen, a.chosen),
                        scale.get(a.computed, a.computed) if a.overridden else "",
                    )
                    for a in past.areas.all()
                ),
            )
            for past in history[1:]
        ),
        replay=replay(user=user, assessment=latest, reads=reads) if latest and current else None,
        reviews=tuple(
            ReviewView(
                review,
                change_views(change_glue.changes_from_json(review.changes), sees_entries=sees),
            )
            for review in reviews
        ),
        can_run=can_run,
        can_see_entries=sees,
        unavailable=unavailable,
        facts=tuple(
            (f.id, f.description, bool(facts.get(f.id))) for f in (current.facts if current else ())
        ),
    )
    return {"assessment_section": section}
