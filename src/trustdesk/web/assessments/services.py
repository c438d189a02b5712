"""Every write of a risk assessment: a run, an officer's override, a review's start, a due review.

Each service checks who asks and the engagement's status against its row as locked, writes, and
records its audit event in the same transaction, on the engagement so its timeline shows it.
What a run rests on is read before the lock (triage, screenings, list entries): reading must
not hold the engagement's row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from trustdesk.policy.assessment import (
    OVERRIDE_NO_JUSTIFICATION,
    OVERRIDE_UNCHANGED,
    OVERRIDE_UNKNOWN_AREA,
    OVERRIDE_UNKNOWN_RATING,
    Assessment,
    AssessmentMismatch,
    RatingOverride,
    assess,
    override_problems,
)
from trustdesk.policy.conditions import FactValue
from trustdesk.policy.review import Trigger
from trustdesk.policy.triage import AnswersInvalid
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments import changes as change_glue
from trustdesk.web.assessments import permissions, selectors
from trustdesk.web.assessments.models import AreaRating, CaseReview, RiskAssessment
from trustdesk.web.assessments.models import RatingOverride as OverrideRow
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases import workflow
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core import audit
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.notify import services as notify_services
from trustdesk.web.triage import selectors as triage_selectors

Status = Engagement.Status


def _run_summary(event: AuditEvent) -> str:
    ratings = ", ".join(f"{area} {rating}" for area, rating in event.data["ratings"].items())
    return f"Risk assessed under {event.data['pack']}: {ratings}"


def _override_summary(event: AuditEvent) -> str:
    data = event.data
    return f"Rating of {data['area']} changed from {data['old']} to {data['new']}"


audit.register_action("trustdesk.assessment.computed", label="Risk assessed", summary=_run_summary)
audit.register_action(
    "trustdesk.assessment.overridden",
    label="Risk rating changed by an officer",
    summary=_override_summary,
    reason_required=True,
)
audit.register_action(
    "trustdesk.assessment.review_opened", label="Review started from the previous assessment"
)
audit.register_action(
    "trustdesk.assessment.review_triggered", label="Review brought forward by a change"
)

#: The actor recorded when the daily job brings a review forward.
REVIEW_TRIGGER_ACTOR = "task:assessments.review_due"


class AssessmentError(Exception):
    """A refused assessment change; the message is shown to whoever asked for it."""


class NotAssessable(AssessmentError):
    MESSAGE = (
        "The risk assessment can be run or changed only while the case is in review, awaiting "
        'information or due for review, not while it is "{status}".'
    )

    def __init__(self, status: str) -> None:
        super().__init__(self.MESSAGE.format(status=Status(status).label))


class AssessmentUnavailable(AssessmentError):
    """No triage to start from, or one under another pack; the message says which."""


class NotLatest(AssessmentError):
    MESSAGE = "A newer assessment of this case exists; change the rating there."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class PackMoved(AssessmentError):
    MESSAGE = (
        "The active policy pack is {now}, not {then} this assessment was worked out under; "
        "run the assessment again before changing a rating."
    )


class AssessmentInvalid(AssessmentError):
    """Input the engine refuses; `errors` maps each field to its messages (422 in the API)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(m for messages in self.errors.values() for m in messages))


NOTHING_TO_CHANGE = "The area's rating is already {rating}."


def _require_assessable(actor: User, engagement: Engagement) -> None:
    permissions.require_assess(actor)
    if engagement.status not in permissions.ASSESSABLE:
        raise NotAssessable(engagement.status)


def _locked(engagement: Engagement) -> Engagement:
    return Engagement.objects.select_for_update().get(pk=engagement.pk)


def _json(value: object) -> Any:
    # Through JSON once, so the row in hand holds what a fresh read gives (lists, not tuples).
    return json.loads(json.dumps(value))


def _facts(
    inputs: selectors.CaseInputs, facts: Mapping[str, FactValue] | None, engagement: Engagement
) -> dict[str, FactValue]:
    """The facts given, else the previous assessment's that the pack still declares."""
    if facts is not None:
        return dict(facts)
    previous = selectors.latest_assessment(engagement=engagement)
    return selectors.pack_facts(inputs.pack, previous.facts) if previous else {}


def assessment_run(
    *, actor: User, engagement: Engagement, facts: Mapping[str, FactValue] | None = None
) -> RiskAssessment:
    """An officer rates every risk area of the pack from the case as it stands; a new record.

    `facts` are the case facts the pack declares (None: the previous assessment's). An earlier
    override is carried over to the new run where the computed rating is still the one it
    overrode; otherwise the officer looks at the area again.
    """
    _require_assessable(actor, engagement)
    try:
        inputs = selectors.case_inputs(engagement=engagement)
    except selectors.AssessmentUnavailable as exc:
        raise AssessmentUnavailable(str(exc)) from exc
    chosen_facts = _facts(inputs, facts, engagement)
    try:
        result = assess(
            inputs.pack,
            inputs.outcome,
            inputs.answers,
            screening=inputs.hits,
            facts=chosen_facts,
        )
    except AnswersInvalid as exc:
        raise AssessmentInvalid({"facts": [f"{e.path}: {e.problem}" for e in exc.errors]}) from exc
    except AssessmentMismatch as exc:  # pragma: no cover  # case_inputs checks the pack first
        raise AssessmentUnavailable(str(exc)) from exc
    return _store_run(actor, engagement, inputs, result, chosen_facts)


@transaction.atomic
def _store_run(
    actor: User,
    engagement: Engagement,
    inputs: selectors.CaseInputs,
    result: Assessment,
    facts: dict[str, FactValue],
) -> RiskAssessment:
    engagement = _locked(engagement)
    _require_assessable(actor, engagement)
    previous = selectors.latest_assessment(engagement=engagement)
    record = RiskAssessment.objects.create(
        engagement=engagement,
        triage_session=inputs.session,
        pack_id=inputs.pack.id,
        pack_version=inputs.pack.version,
        pack_digest=triage_selectors.pack_digest(inputs.pack),
        result=_json(result.to_dict()),
        facts=_json(facts),
        screenings=_json(list(inputs.screenings)),
        state=_json(inputs.state(result).to_dict()),
        run_by=actor,
    )
    carried = _carry_overrides(previous, record, result)
    AreaRating.objects.bulk_create(carried)
    audit.record(
        actor=actor,
        action="trustdesk.assessment.computed",
        target=engagement,
        data={
            "assessment": str(record.public_id),
            "pack": f"{inputs.pack.id}@{inputs.pack.version}",
            "triage": str(inputs.session.public_id),
            "ratings": result.ratings(),
            "chosen": {a.area: a.chosen for a in carried if a.overridden},
            "facts": _json(facts),
            "screenings": [s.get("run") or s["subject"] for s in inputs.screenings],
        },
    )
    return record


def _carry_overrides(
    previous: RiskAssessment | None, record: RiskAssessment, result: Assessment
) -> list[AreaRating]:
    before = {a.area: a for a in previous.areas.all()} if previous else {}
    rows = []
    for position, area in enumerate(result.areas):
        was = before.get(area.area)
        keep = was is not None and was.overridden and was.computed == area.rating
        rows.append(
            AreaRating(
                assessment=record,
                area=area.area,
                label=area.label,
                position=position,
                computed=area.rating,
                chosen=was.chosen if keep and was else area.rating,
                justification=was.justification if keep and was else "",
                chosen_by=was.chosen_by if keep and was else None,
                chosen_at=was.chosen_at if keep and was else None,
            )
        )
    return rows


# Which field each of the engine's refusals is about, so the API and the form point at it.
_FIELD_OF = (
    (OVERRIDE_UNKNOWN_AREA.split("{", 1)[0], "area"),
    (OVERRIDE_UNKNOWN_RATING.split("}", 1)[1], "rating"),
    (OVERRIDE_UNCHANGED, "rating"),
    (OVERRIDE_NO_JUSTIFICATION, "justification"),
)


def _field(problem: str) -> str:
    return next((f for text, f in _FIELD_OF if text in problem), "rating")


@transaction.atomic
def assessment_override(
    *,
    actor: User,
    assessment: RiskAssessment,
    area: str,
    rating: str,
    justification: str,
) -> AreaRating:
    """An officer chooses another rating for one area, with a written justification.

    The computed rating stays beside it, and every change is kept (`RatingOverride`). Going
    back to the computed rating is a change too, justified like any other. Only the latest
    assessment, under the active pack, may be changed: a rating is chosen on what is current.
    """
    engagement = _locked(assessment.engagement)
    _require_assessable(actor, engagement)
    latest = RiskAssessment.objects.filter(engagement=engagement).order_by("-created_at", "-pk")
    if latest.values_list("pk", flat=True).first() != assessment.pk:
        raise NotLatest
    current = triage_selectors.pack()
    if (current.id, current.version) != (assessment.pack_id, assessment.pack_version):
        raise PackMoved(
            PackMoved.MESSAGE.format(
                now=f"{current.id} {current.version}",
                then=f"{assessment.pack_id} {assessment.pack_version}",
            )
        )
    justification = justification.strip()
    row = AreaRating.objects.select_for_update().filter(assessment=assessment, area=area).first()
    computed = row.computed if row is not None else ""
    problems = list(
        override_problems(
            current, assessment.typed, RatingOverride(area, computed, rating, justification)
        )
    )
    if row is not None and row.overridden and rating == row.computed:
        problems.remove(OVERRIDE_UNCHANGED)  # back to the computed rating: a change too
    if row is not None and rating == row.chosen and not problems:
        problems.append(NOTHING_TO_CHANGE.format(rating=rating))
    if problems or row is None:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(_field(problem), []).append(problem)
        raise AssessmentInvalid(errors)
    now = timezone.now()
    old = row.chosen
    row.chosen, row.justification, row.chosen_by, row.chosen_at = rating, justification, actor, now
    row.save(update_fields=["chosen", "justification", "chosen_by", "chosen_at"])
    OverrideRow.objects.create(
        area_rating=row,
        computed=row.computed,
        previous=old,
        chosen=rating,
        justification=justification,
        by=actor,
        at=now,
    )
    audit.record(
        actor=actor,
        action="trustdesk.assessment.overridden",
        target=engagement,
        data={
            "assessment": str(assessment.public_id),
            "area": area,
            "computed": row.computed,
            "old": old,
            "new": rating,
        },
        reason=justification,
    )
    return row


# --- reviews -----------------------------------------------------------------------------------


def review_start(*, actor: User, engagement: Engagement) -> Engagement:
    """The engagement's "start review" (cases' service), recording what changed for a review.

    A case back for its periodic review (review due → in review) gets a `CaseReview` that
    starts from its latest assessment and lists every change `review_triggers` finds; a new
    case's first review has nothing to compare with. The changes are worked out before the
    row is locked (they read triage, screenings and lists) and kept in the same transaction
    as the move.
    """
    found = None
    if engagement.status == Status.REVIEW_DUE:
        try:
            found = selectors.review_state(engagement=engagement)
        except triage_selectors.PackUnavailable:
            found = None  # the review starts; what changed cannot be worked out without a pack
    with transaction.atomic():
        was = _locked(engagement).status
        engagement = case_services.engagement_review_start(actor=actor, engagement=engagement)
        if was == Status.REVIEW_DUE:
            _review_open(actor, engagement, found)
    return engagement


def _review_open(
    actor: User, engagement: Engagement, found: selectors.Triggers | None
) -> CaseReview:
    previous = selectors.latest_assessment(engagement=engagement)
    changes = found.check.changes if found is not None else ()
    state = found.state if found is not None else None
    review = CaseReview.objects.create(
        engagement=engagement,
        previous=previous,
        changes=_json([change_glue.change_json(c) for c in changes]),
        state=_json(state.to_dict()) if state is not None else None,
        started_by=actor,
        started_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="trustdesk.assessment.review_opened",
        target=engagement,
        # Only the kinds of change: the timeline is read by roles that may not see entries.
        data={
            "review": str(review.public_id),
            "previous": str(previous.public_id) if previous else None,
            "triggers": sorted({c.trigger.value for c in changes}),
        },
    )
    return review


#: Statuses from which a change brings the review forward (the workflow's mark-review-due).
TRIGGERABLE = workflow.TRANSITIONS[workflow.Action.MARK_REVIEW_DUE].sources


def engagement_review_due_on_triggers(
    *,
    today: dt.date | None = None,
    actor: str = REVIEW_TRIGGER_ACTOR,
    engagement_ids: Sequence[int] | None = None,
    hits_found_due: bool = False,
) -> list[Engagement]:
    """Bring the review of every assessed active or decided case forward when a trigger fires.

    Scheduled, not a person's action, so it checks no permission. Each case is checked
    outside any transaction, then moved in its own, re-checked under its lock; the audit
    event and the notification name only the kinds of change (no listed entry).

    `engagement_ids` narrows the sweep to those cases, and `hits_found_due` makes a possible
    match not yet reviewed bring the review forward too: ongoing monitoring does both after a
    list change gave their partners new hits, since a newly listed partner of a case under way
    must not wait for an officer to find it (a partner's own screening still waits).
    """
    today = today or timezone.localdate()
    moved = []
    candidates = Engagement.objects.filter(
        status__in=list(TRIGGERABLE), risk_assessments__isnull=False
    ).distinct()
    if engagement_ids is not None:
        # Only these (ongoing monitoring: the engagements of partners a list change affected).
        candidates = candidates.filter(pk__in=list(engagement_ids))
    for engagement in candidates.order_by("pk"):
        check = selectors.review_triggers(engagement=engagement, today=today)
        # The review date is the date sweep's (for active cases); here only what changed counts.
        triggers = sorted(
            {
                c.trigger.value
                for c in check.changes
                if c.trigger != Trigger.DATE_REACHED
                and (c.makes_due or (hits_found_due and c.trigger == Trigger.HIT_FOUND))
            }
        )
        if not triggers:
            continue
        with transaction.atomic():
            locked = _locked(engagement)
            if locked.status not in TRIGGERABLE:
                continue
            moved.append(_bring_forward(locked, triggers, actor))
    return moved


def _bring_forward(engagement: Engagement, triggers: list[str], actor: str) -> Engagement:
    old = engagement.status
    engagement.status = Status.REVIEW_DUE
    engagement.version += 1
    engagement.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.engagement.review_due",
        target=engagement,
        data={
            "old": old,
            "new": Status.REVIEW_DUE.value,
            "triggers": triggers,
            "version": engagement.version,
        },
    )
    audit.record(
        actor=actor,
        action="trustdesk.assessment.review_triggered",
        target=engagement,
        data={"triggers": triggers},
    )
    because = "; ".join(t.replace("_", " ") for t in triggers)
    review_date = engagement.review_date.isoformat() if engagement.review_date else "not set"
    people = [*notify_services.recipients_officers(), engagement.owner, *engagement.team.all()]
    transaction.on_commit(
        lambda: notify_services.notify(
            recipients=people,
            kind=notify_services.Kind.REVIEW_DUE,
            engagement=engagement,
            actor=actor,
            data={"review_date": f"{review_date}; brought forward: {because}"},
        )
    )
    return engagement
