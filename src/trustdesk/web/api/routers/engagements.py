"""Engagements: list, read, create, change, and one POST per status transition.

Every engagement is fetched through the caller's scope (own and team, department, or all), so
one they cannot see is the same 404 as one that does not exist; the services then check the
action itself (403 says why) and the status table (409 `invalid_transition`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from django.http import HttpRequest
from ninja import Query, Router, Status

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.accounts.selectors import department_list
from trustdesk.web.api.errors import InvalidInput
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor, page
from trustdesk.web.api.schemas import (
    EngagementAssignIn,
    EngagementCloseIn,
    EngagementCreateIn,
    EngagementFilterIn,
    EngagementOut,
    EngagementUpdateIn,
    EngagementWithdrawIn,
    InformationAnswerIn,
    InformationRequestIn,
    InformationRequestOut,
    PageIn,
    PageOut,
)
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases import permissions, selectors, services
from trustdesk.web.cases.models import Engagement, InformationRequest
from trustdesk.web.triage import selectors as triage_selectors

router = Router(tags=["engagements"])


class EngagementPageOut(PageOut[EngagementOut]):
    pass


def engagement_out(engagement: Engagement, user: User) -> EngagementOut:
    actions = permissions.available_actions(user, engagement)
    return EngagementOut(
        id=engagement.public_id,
        title=engagement.title,
        summary=engagement.summary,
        kind=engagement.kind,
        status=engagement.status,
        owner=engagement.owner.get_username(),
        department=engagement.department.public_id if engagement.department else None,
        team=sorted(u.get_username() for u in engagement.team.all()),
        countries=list(engagement.countries),
        research_areas=list(engagement.research_areas),
        funding_amount=engagement.funding_amount,
        funding_currency=engagement.funding_currency,
        funding_source=engagement.funding_source,
        start_date=engagement.start_date,
        end_date=engagement.end_date,
        decision=engagement.decision,
        decision_reason=engagement.decision_reason,
        conditions=engagement.conditions,
        decided_by=engagement.decided_by.get_username() if engagement.decided_by else None,
        decided_at=engagement.decided_at,
        assignee=engagement.assignee.get_username() if engagement.assignee else None,
        tier=getattr(engagement, "tier", None),
        review_date=engagement.review_date,
        closed_reason=engagement.closed_reason,
        actions=sorted(a.value for a in actions),
        version=engagement.version,
        created_at=engagement.created_at,
        updated_at=engagement.updated_at,
    )


def _get(request: HttpRequest, public_id: uuid.UUID) -> Engagement:
    return selectors.engagement_get_for_user(user=actor(request), public_id=public_id)


def _department(public_id: uuid.UUID | None) -> Department | None:
    if public_id is None:
        return None
    found = department_list().filter(public_id=public_id).first()
    if found is None:
        raise InvalidInput("department", f"No department {public_id}.")
    return found


def _team(identifiers: Sequence[str]) -> list[User]:
    found, missing = selectors.team_candidates(identifiers=[i.strip() for i in identifiers])
    if missing:
        raise InvalidInput("team", "No active account for: " + ", ".join(missing))
    return found


@router.get("", response={200: EngagementPageOut, **READ_ERRORS})
def engagement_list(
    request: HttpRequest, paging: Query[PageIn], filters: Query[EngagementFilterIn]
) -> EngagementPageOut:
    """Engagements in your scope, most recently changed first, narrowed by the filters."""
    user = actor(request)
    require(user, "engagement.view")
    wanted = selectors.EngagementFilter(
        status=filters.status or "",
        kind=filters.kind or "",
        department=filters.department,
        text=filters.q,
        assignee=filters.assignee,
        screening=filters.screening,
        older_than_days=filters.older_than_days,
    )
    rows = triage_selectors.engagements_with_tier(
        selectors.engagement_list_for_user(user=user, filters=wanted), tier=filters.tier
    ).select_related("decided_by")
    count, items = page(rows.prefetch_related("team"), paging)
    return EngagementPageOut(
        count=count,
        limit=paging.limit,
        offset=paging.offset,
        items=[engagement_out(e, user) for e in items],
    )


@router.get("/{uuid:public_id}", response={200: EngagementOut, **READ_ERRORS})
def engagement_detail(request: HttpRequest, public_id: uuid.UUID) -> EngagementOut:
    return engagement_out(_get(request, public_id), actor(request))


@router.post("", response={201: EngagementOut, **WRITE_ERRORS})
def engagement_create(request: HttpRequest, payload: EngagementCreateIn) -> Status[EngagementOut]:
    """Propose an engagement: a draft owned by you, in your department unless you name one."""
    fields = services.EngagementFields(
        title=payload.title,
        kind=payload.kind,
        summary=payload.summary,
        department=_department(payload.department),
        countries=payload.countries,
        research_areas=payload.research_areas,
        funding_amount=payload.funding_amount,
        funding_currency=payload.funding_currency,
        funding_source=payload.funding_source,
        start_date=payload.start_date,
        end_date=payload.end_date,
        team=_team(payload.team),
    )
    engagement = services.engagement_create(actor=actor(request), fields=fields)
    return Status(201, engagement_out(engagement, actor(request)))


@router.patch("/{uuid:public_id}", response={200: EngagementOut, **WRITE_ERRORS})
def engagement_update(
    request: HttpRequest, public_id: uuid.UUID, payload: EngagementUpdateIn
) -> EngagementOut:
    """Change what the engagement says: its people while a draft, the officers' afterwards."""
    e = _get(request, public_id)
    sent = payload.model_fields_set
    fields = services.EngagementFields(
        title=payload.title if payload.title is not None else e.title,
        kind=payload.kind if payload.kind is not None else e.kind,
        summary=payload.summary if payload.summary is not None else e.summary,
        department=_department(payload.department) if "department" in sent else e.department,
        countries=payload.countries if payload.countries is not None else e.countries,
        research_areas=payload.research_areas
        if payload.research_areas is not None
        else e.research_areas,
        funding_amount=payload.funding_amount if "funding_amount" in sent else e.funding_amount,
        funding_currency=payload.funding_currency
        if payload.funding_currency is not None
        else e.funding_currency,
        funding_source=payload.funding_source
        if payload.funding_source is not None
        else e.funding_source,
        start_date=payload.start_date if "start_date" in sent else e.start_date,
        end_date=payload.end_date if "end_date" in sent else e.end_date,
        team=_team(payload.team) if payload.team is not None else list(e.team.all()),
    )
    engagement = services.engagement_update(
        actor=actor(request), engagement=e, fields=fields, version=payload.version
    )
    return engagement_out(engagement, actor(request))


Move = Callable[[User, Engagement], Engagement]


def _transition(request: HttpRequest, public_id: uuid.UUID, move: Move) -> EngagementOut:
    user = actor(request)
    return engagement_out(move(user, _get(request, public_id)), user)


@router.post("/{uuid:public_id}/submit", response={200: EngagementOut, **WRITE_ERRORS})
def engagement_submit(request: HttpRequest, public_id: uuid.UUID) -> EngagementOut:
    """The owner sends a draft to the research-security team."""
    return _transition(
        request, public_id, lambda u, e: services.engagement_submit(actor=u, engagement=e)
    )


@router.post("/{uuid:public_id}/withdraw", response={200: EngagementOut, **WRITE_ERRORS})
def engagement_withdraw(
    request: HttpRequest, public_id: uuid.UUID, payload: EngagementWithdrawIn
) -> EngagementOut:
    """The owner takes a submitted case back to draft, before an officer starts on it."""
    return _transition(
        request,
        public_id,
        lambda u, e: services.engagement_withdraw(actor=u, engagement=e, reason=payload.reason),
    )


@router.post("/{uuid:public_id}/review-start", response={200: EngagementOut, **WRITE_ERRORS})
def engagement_review_start(request: HttpRequest, public_id: uuid.UUID) -> EngagementOut:
    """An officer takes the case into review."""
    return _transition(
        request,
        public_id,
        lambda u, e: assessment_services.review_start(actor=u, engagement=e),
    )


@router.post("/{uuid:public_id}/activate", response={200: EngagementOut, **WRITE_ERRORS})
def engagement_activate(request: HttpRequest, public_id: uuid.UUID) -> EngagementOut:
    """Record that an approved engagement has started, its conditions in place."""
    return _transition(
        request, public_id, lambda u, e: services.engagement_activate(actor=u, engagement=e)
    )


@router.post("/{uuid:public_id}/close", response={200: EngagementOut, **WRITE_ERRORS})
def engagement_close(
    request: HttpRequest, public_id: uuid.UUID, payload: EngagementCloseIn
) -> EngagementOut:
    """Close the case (finished, abandoned or declined), giving the reason."""
    return _transition(
        request,
        public_id,
        lambda u, e: services.engagement_close(actor=u, engagement=e, reason=payload.reason),
    )


@router.post("/{uuid:public_id}/assign", response={200: EngagementOut, **WRITE_ERRORS})
def engagement_assign(
    request: HttpRequest, public_id: uuid.UUID, payload: EngagementAssignIn
) -> EngagementOut:
    """Assign the case to an officer (yourself included), who is told; null unassigns it."""
    user, engagement = actor(request), _get(request, public_id)
    # Who may assign is answered before what was sent: a refusal is a 403, never a 400.
    permissions.require_assign(user, engagement)
    assignee = None
    if payload.assignee is not None:
        assignee = selectors.assignable_officers().filter(public_id=payload.assignee).first()
        if assignee is None:
            raise InvalidInput("assignee", f"No active officer {payload.assignee}.")
    engagement = services.engagement_assign(actor=user, engagement=engagement, assignee=assignee)
    return engagement_out(engagement, user)


def information_out(item: InformationRequest) -> InformationRequestOut:
    return InformationRequestOut(
        id=item.public_id,
        question=item.question,
        asked_by=item.asked_by.get_username(),
        asked_at=item.asked_at,
        answer=item.answer,
        answered_by=item.answered_by.get_username() if item.answered_by else None,
        answered_at=item.answered_at,
    )


@router.get(
    "/{uuid:public_id}/information-requests",
    response={200: list[InformationRequestOut], **READ_ERRORS},
)
def information_request_list(
    request: HttpRequest, public_id: uuid.UUID
) -> list[InformationRequestOut]:
    """The questions asked on the engagement and their answers, oldest first."""
    engagement = _get(request, public_id)
    return [information_out(i) for i in selectors.information_request_list(engagement=engagement)]


@router.post(
    "/{uuid:public_id}/information-requests",
    response={201: list[InformationRequestOut], **WRITE_ERRORS},
)
def information_request(
    request: HttpRequest, public_id: uuid.UUID, payload: InformationRequestIn
) -> Status[list[InformationRequestOut]]:
    """Ask the researchers one or more questions; the engagement waits for the answers."""
    made = services.information_request(
        actor=actor(request), engagement=_get(request, public_id), questions=payload.questions
    )
    return Status(201, [information_out(i) for i in made])


@router.post(
    "/{uuid:public_id}/information-requests/{uuid:request_id}/answer",
    response={200: InformationRequestOut, **WRITE_ERRORS},
)
def information_answer(
    request: HttpRequest, public_id: uuid.UUID, request_id: uuid.UUID, payload: InformationAnswerIn
) -> InformationRequestOut:
    """Answer one question; the last answer takes the engagement back into review."""
    engagement = _get(request, public_id)
    item = selectors.information_request_get(engagement=engagement, public_id=request_id)
    answered = services.information_answer(
        actor=actor(request), request=item, answer=payload.answer
    )
    return information_out(answered)
