"""A case's decision round: its state, the recommendation, the decision, committee votes.

The same services as the engagement page's decision section: the route comes from the case's
triage tier under the policy pack, nobody acts on a case they proposed or are on the team of
(403 says why), and a step the round is not ready for is 409 `decision_refused`.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.http import HttpRequest
from ninja import Router

from trustdesk.web.accounts.models import User
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor
from trustdesk.web.api.schemas import (
    ConditionIn,
    ConditionOut,
    DecisionIn,
    DecisionOut,
    DecisionStateOut,
    RecommendationIn,
    RecommendationOut,
    SeatOut,
    VoteIn,
    VoteOut,
)
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import selectors, services
from trustdesk.web.decisions.models import Decision, Outcome, Recommendation, Vote

router = Router(tags=["decisions"])


def _get(request: HttpRequest, public_id: uuid.UUID) -> Engagement:
    return case_selectors.engagement_get_for_user(user=actor(request), public_id=public_id)


def _conditions(items: list[dict[str, str]]) -> list[ConditionOut]:
    return [ConditionOut(text=c["text"], due=date.fromisoformat(c["due"])) for c in items]


def _condition_inputs(items: list[ConditionIn]) -> tuple[services.Condition, ...]:
    return tuple(services.Condition(c.text, c.due) for c in items)


def recommendation_out(r: Recommendation) -> RecommendationOut:
    return RecommendationOut(
        id=r.public_id,
        outcome=r.outcome,
        reasoning=r.reasoning,
        conditions=_conditions(r.conditions),
        review_date=r.review_date,
        made_by=r.made_by.get_username(),
        made_at=r.made_at,
    )


def vote_out(v: Vote) -> VoteOut:
    return VoteOut(
        id=v.public_id,
        seat=v.seat,
        voter=v.voter.get_username(),
        outcome=v.outcome,
        reason=v.reason,
        cast_at=v.cast_at,
    )


def decision_out(d: Decision) -> DecisionOut:
    return DecisionOut(
        id=d.public_id,
        outcome=d.outcome,
        reason=d.reason,
        conditions=_conditions(d.conditions),
        review_date=d.review_date,
        decided_by=d.decided_by.get_username(),
        decided_at=d.decided_at,
        route=Decision.Route(d.route),
        tier=d.tier,
        pack_id=d.pack_id,
        pack_version=d.pack_version,
    )


def state_out(user: User, engagement: Engagement) -> DecisionStateOut:
    state = selectors.case_context(user=user, engagement=engagement)
    case = state.routing
    return DecisionStateOut(
        tier=case.tier,
        route=case.kind,
        decided_by=case.kind_label,
        problem=case.problem,
        pack_id=case.pack_id,
        pack_version=case.pack_version,
        quorum=case.quorum,
        seats=[
            SeatOut(
                id=s.id,
                label=s.label,
                holder=s.holder.get_username() if s.holder is not None else None,
            )
            for s in case.seats
        ],
        options=[value for value, _ in state.options],
        recommendation=recommendation_out(state.round) if state.round is not None else None,
        votes=[vote_out(v.vote) for v in state.votes],
        votes_needed=state.votes_needed,
        can_recommend=state.can.recommend,
        can_decide=state.can.decide,
        can_vote=state.can.vote,
        decisions=[decision_out(d) for d in state.decisions],
    )


@router.get("/{uuid:public_id}/decision", response={200: DecisionStateOut, **READ_ERRORS})
def decision_state(request: HttpRequest, public_id: uuid.UUID) -> DecisionStateOut:
    """Who decides the case and why (tier → route), the open round, its votes, past decisions."""
    return state_out(actor(request), _get(request, public_id))


@router.post(
    "/{uuid:public_id}/decision/recommendation",
    response={200: DecisionStateOut, **WRITE_ERRORS},
)
def recommendation_make(
    request: HttpRequest, public_id: uuid.UUID, payload: RecommendationIn
) -> DecisionStateOut:
    """An officer recommends an outcome on a case in review; the route's deciders are told."""
    user, engagement = actor(request), _get(request, public_id)
    services.recommendation_make(
        actor=user,
        engagement=engagement,
        proposal=services.Proposal(
            outcome=Outcome(payload.outcome),
            reason=payload.reasoning,
            conditions=_condition_inputs(payload.conditions),
            review_date=payload.review_date,
        ),
    )
    return state_out(user, engagement)


@router.post("/{uuid:public_id}/decision/decide", response={200: DecisionStateOut, **WRITE_ERRORS})
def decision_make(
    request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn
) -> DecisionStateOut:
    """The officer or approver the case's route names decides the recommended round."""
    user, engagement = actor(request), _get(request, public_id)
    services.decision_make(
        actor=user,
        engagement=engagement,
        proposal=services.Proposal(
            outcome=Outcome(payload.outcome),
            reason=payload.reason,
            conditions=_condition_inputs(payload.conditions),
            review_date=payload.review_date,
        ),
    )
    return state_out(user, _get(request, public_id))


@router.post("/{uuid:public_id}/decision/vote", response={200: DecisionStateOut, **WRITE_ERRORS})
def vote_cast(request: HttpRequest, public_id: uuid.UUID, payload: VoteIn) -> DecisionStateOut:
    """A committee seat holder votes; the vote that meets the quorum decides the case."""
    user, engagement = actor(request), _get(request, public_id)
    services.vote_cast(
        actor=user, engagement=engagement, outcome=Outcome(payload.outcome), reason=payload.reason
    )
    return state_out(user, _get(request, public_id))
