"""Risk assessment of an engagement: read the current one, run it, change an area's rating.

The engagement is fetched through the caller's scope (outside it: the same 404 as missing);
the assessment services check the role and the case's status. A role that may not read the
watch lists gets every reason redacted and no officer's justification (it may quote a list).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from trustdesk.policy.reasons import Reason
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor
from trustdesk.web.api.schemas import ErrorItemOut, ErrorOut, ReasonOut
from trustdesk.web.assessments import permissions, selectors, services
from trustdesk.web.assessments.models import AreaRating, RiskAssessment
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement

router = Router(tags=["assessments"])


class AreaOut(Schema):
    area: str
    label: str
    computed: str = Field(description="The rating the policy engine gave.")
    chosen: str = Field(description="The rating that stands: the officer's, else the computed.")
    overridden: bool
    justification: str | None = Field(
        description="The officer's reason for a changed rating; null for roles that may not "
        "read the watch lists."
    )
    reasons: list[ReasonOut]
    lower: list[ReasonOut] = Field(description="Rules that also held, rating the area lower.")


class ScreeningUsedOut(Schema):
    subject: str
    origin: str = Field(description="partner (a partner's screening run) or answer.")
    run: str | None = None
    snapshots: dict[str, str]
    matcher_version: str


class AssessmentOut(Schema):
    id: uuid.UUID
    engagement: uuid.UUID
    created_at: dt.datetime
    run_by: str
    pack_id: str
    pack_version: str
    triage: uuid.UUID
    facts: dict[str, object]
    screenings: list[ScreeningUsedOut]
    areas: list[AreaOut]


class RatingChangeOut(Schema):
    area: str
    before: str
    after: str


class ReplayOut(Schema):
    pack_then: str
    pack_now: str
    tier_then: str | None
    tier_now: str | None
    processes_gained: list[str]
    processes_lost: list[str]
    ratings: list[RatingChangeOut]
    hits_gained: int
    hits_lost: int
    changes: list[str]
    problem: str
    differs: bool


class AssessmentCurrentOut(Schema):
    assessment: AssessmentOut | None = Field(description="null: never assessed.")
    replay: ReplayOut | None = Field(description="What would differ under today's lists and pack.")
    can_run: bool


class AssessmentRunIn(Schema):
    facts: dict[str, bool | int | float | str | list[str]] | None = Field(
        None, description="Case facts the pack declares; omitted: the previous assessment's."
    )


class AssessmentOverrideIn(Schema):
    assessment: uuid.UUID | None = Field(
        None, description="The assessment you looked at (default: the latest); a newer one is 409."
    )
    area: str
    rating: str
    justification: str = ""


def _get(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Engagement]:
    user = actor(request)
    require(user, "engagement.view")
    return user, case_selectors.engagement_get_for_user(user=user, public_id=public_id)


def _reasons(reasons: tuple[Reason, ...]) -> list[ReasonOut]:
    return [ReasonOut.model_validate(r, from_attributes=True) for r in reasons]


def assessment_out(record: RiskAssessment, user: User) -> AssessmentOut:
    typed = selectors.assessment_for_user(user=user, assessment=record)
    computed = {a.area: a for a in typed.areas}
    sees = permissions.can_see_entries(user)
    areas = []
    for row in record.areas.all():
        area = computed.get(row.area)
        areas.append(
            AreaOut(
                area=row.area,
                label=row.label,
                computed=row.computed,
                chosen=row.chosen,
                overridden=row.overridden,
                justification=row.justification if sees else None,
                reasons=_reasons(area.reasons) if area else [],
                lower=_reasons(area.lower) if area else [],
            )
        )
    return AssessmentOut(
        id=record.public_id,
        engagement=record.engagement.public_id,
        created_at=record.created_at,
        run_by=record.run_by.get_username(),
        pack_id=record.pack_id,
        pack_version=record.pack_version,
        triage=record.triage_session.public_id,
        facts=dict(record.facts),
        screenings=[ScreeningUsedOut.model_validate(s) for s in record.screenings],
        areas=areas,
    )


def _replay_out(replay: selectors.Replay) -> ReplayOut:
    return ReplayOut(
        pack_then=replay.pack_then,
        pack_now=replay.pack_now,
        tier_then=replay.tier[0] if replay.tier else None,
        tier_now=replay.tier[1] if replay.tier else None,
        processes_gained=list(replay.processes_gained),
        processes_lost=list(replay.processes_lost),
        ratings=[
            RatingChangeOut(area=c.area, before=c.before, after=c.after) for c in replay.ratings
        ],
        hits_gained=replay.gained_count,
        hits_lost=replay.lost_count,
        changes=[c.text for c in replay.changes],
        problem=replay.problem,
        differs=replay.differs,
    )


# The 409 code of each refusal (last: any other the services add).
_CODES: tuple[tuple[type[Exception], str], ...] = (
    (services.NotAssessable, "not_assessable"),
    (services.AssessmentUnavailable, "not_ready"),
    (services.NotLatest, "not_latest"),
    (services.PackMoved, "pack_moved"),
    (services.AssessmentError, "refused"),
)


def _refused(exc: services.AssessmentError) -> Status[ErrorOut]:
    if isinstance(exc, services.AssessmentInvalid):
        errors = [
            ErrorItemOut(loc=["body", name], message=message, type="invalid")
            for name, messages in exc.errors.items()
            for message in messages
        ]
        return Status(422, ErrorOut(code="invalid", message=str(exc), errors=errors))
    code = next(c for kind, c in _CODES if isinstance(exc, kind))
    return Status(409, ErrorOut(code=code, message=str(exc)))


@router.get(
    "/engagements/{uuid:public_id}/assessment",
    response={200: AssessmentCurrentOut, **READ_ERRORS},
)
def assessment_current(request: HttpRequest, public_id: uuid.UUID) -> AssessmentCurrentOut:
    """The engagement's latest risk assessment, and what would differ under today's lists."""
    user, engagement = _get(request, public_id)
    latest = selectors.latest_assessment(engagement=engagement)
    return AssessmentCurrentOut(
        assessment=assessment_out(latest, user) if latest else None,
        replay=_replay_out(selectors.replay(user=user, assessment=latest)) if latest else None,
        can_run=permissions.can_assess_now(user, engagement),
    )


@router.post(
    "/engagements/{uuid:public_id}/assessment/run",
    response={201: AssessmentOut, **WRITE_ERRORS},
)
def assessment_run(
    request: HttpRequest, public_id: uuid.UUID, payload: AssessmentRunIn
) -> Status[AssessmentOut] | Status[ErrorOut]:
    """An officer assesses the risk in every area now; a new record, earlier ones kept."""
    user, engagement = _get(request, public_id)
    permissions.require_assess(user)
    try:
        record = services.assessment_run(actor=user, engagement=engagement, facts=payload.facts)
    except services.AssessmentError as exc:
        return _refused(exc)
    latest = selectors.latest_assessment(engagement=engagement)
    return Status(201, assessment_out(latest or record, user))


@router.post(
    "/engagements/{uuid:public_id}/assessment/override",
    response={200: AreaOut, **WRITE_ERRORS},
)
def assessment_override(
    request: HttpRequest, public_id: uuid.UUID, payload: AssessmentOverrideIn
) -> AreaOut | Status[ErrorOut]:
    """An officer changes one area's rating of the latest assessment, with a justification."""
    user, engagement = _get(request, public_id)
    permissions.require_assess(user)
    latest = selectors.latest_assessment(engagement=engagement)
    if payload.assessment is not None:
        latest = selectors.assessment_list_for_user(user=user).get(
            public_id=payload.assessment, engagement=engagement
        )
    if latest is None:
        refusal = ErrorOut(code="not_assessable", message="The case has not been assessed yet.")
        return Status(409, refusal)
    try:
        row: AreaRating = services.assessment_override(
            actor=user,
            assessment=latest,
            area=payload.area,
            rating=payload.rating,
            justification=payload.justification,
        )
    except services.AssessmentError as exc:
        return _refused(exc)
    out = assessment_out(selectors.latest_assessment(engagement=engagement) or latest, user)
    return next(a for a in out.areas if a.area == row.area)
