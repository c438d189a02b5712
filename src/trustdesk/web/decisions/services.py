"""Every write of a decision round: the recommendation, a decision, a vote, a committee seat.

A round opens with an officer's recommendation on a case in review. Who closes it is routed by
the case's triage tier as pack data (`selectors.routing_for`): an officer or an approver decides
alone, or a committee's seat holders vote until the quorum is met and `committee_result` decides
(ties to the more cautious option). Nobody decides or votes on a case they proposed or are on the
team of. The decision is written onto the engagement through the case app's
`engagement_decision_apply`, which moves the status by the workflow table in the same
transaction; every step is audited as ``trustdesk.decision.*``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from trustdesk.policy import routing
from trustdesk.policy.models import DecisionOption, Route
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission, not_allowed, out_of_scope
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.permissions import sees
from trustdesk.web.core import audit
from trustdesk.web.decisions import permissions, selectors
from trustdesk.web.decisions.models import CommitteeSeat, Decision, Outcome, Recommendation, Vote
from trustdesk.web.mitigations import services as mitigation_services
from trustdesk.web.notify import services as notify_services

Status = Engagement.Status
Kind = notify_services.Kind

audit.register_action("trustdesk.decision.recommended", label="Decision recommended")
audit.register_action("trustdesk.decision.decided", label="Decision made", reason_required=True)
audit.register_action("trustdesk.decision.voted", label="Committee vote cast", reason_required=True)
audit.register_action("trustdesk.decision.seat_assigned", label="Committee seat assigned")


class DecisionError(Exception):
    """A refused step of a decision round; the message is shown to whoever asked for it."""


NOT_IN_REVIEW = "A recommendation, decision or vote needs the case in review; it is {status}."
NEEDS_REASONING = "Give the reasoning for the recommendation."
NEEDS_REASON = "Give a reason: it is kept on the file with the decision."
NEEDS_CONDITIONS = "Approving with conditions needs at least one condition."
CONDITIONS_NEED_OUTCOME = 'Conditions go with the outcome "Approve with conditions".'
CONDITION_INCOMPLETE = "Each condition needs its text and a due date after today."
NEEDS_REVIEW_DATE = "An approval needs a review date after today."
NO_RECOMMENDATION = "There is no recommendation to decide on: an officer recommends first."
VOTES_CAST = (
    "The committee has started voting on the current recommendation; it cannot be replaced "
    "until the committee decides."
)
NOT_ROUTED = "This case cannot be decided now: {problem}"
COMMITTEE_VOTES = "{committee} decides this case by vote; cast a vote instead."
NOT_A_COMMITTEE = "This case is decided by {who}, not by a committee vote."
ALREADY_VOTED = "Your seat has already voted on this recommendation."
NOT_AN_OPTION = "{outcome} is not an option on this case's route."
VOTE_NEEDS_CONDITIONS = (
    "The recommendation proposes no conditions, so the committee cannot approve with them; "
    "vote otherwise or ask the officer for a recommendation with conditions."
)
VOTE_NEEDS_REVIEW_DATE = (
    "The recommendation proposes no review date, which an approval needs; vote otherwise or "
    "ask the officer to recommend again with one."
)
UNKNOWN_SEAT = "{seat!r} is not a seat of {committee}."
WRONG_ROLE_FOR_SEAT = (
    "{user} cannot hold a seat: the committee's seats are held by the {role} role."
)


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition of an approval: what must be done, and by when."""

    text: str
    due: date

    def as_json(self) -> dict[str, str]:
        return {"text": self.text, "due": self.due.isoformat()}


@dataclass(frozen=True, slots=True)
class Proposal:
    """An outcome with its reason, conditions and review date: a recommendation or a decision."""

    outcome: Outcome
    reason: str
    conditions: Sequence[Condition] = ()
    review_date: date | None = None


def option_of(outcome: str) -> DecisionOption:
    """The policy engine's spelling of an outcome ("approve-with-conditions")."""
    option: DecisionOption = Outcome(outcome).value.replace("_", "-")  # type: ignore[assignment]
    return option


def outcome_of(option: str) -> Outcome:
    return Outcome(option.replace("-", "_"))


def _checked(proposal: Proposal, now: datetime, *, reason_message: str) -> Proposal:
    """The proposal cleaned (stripped texts; no review date unless approved) or DecisionError."""
    reason = proposal.reason.strip()
    if not reason:
        raise DecisionError(reason_message)
    today = timezone.localdate(now)
    conditions = [Condition(c.text.strip(), c.due) for c in proposal.conditions]
    if proposal.outcome == Outcome.APPROVE_WITH_CONDITIONS and not conditions:
        raise DecisionError(NEEDS_CONDITIONS)
    if proposal.outcome != Outcome.APPROVE_WITH_CONDITIONS and conditions:
        raise DecisionError(CONDITIONS_NEED_OUTCOME)
    if any(not c.text or c.due <= today for c in conditions):
        raise DecisionError(CONDITION_INCOMPLETE)
    approved = proposal.outcome in (Outcome.APPROVE, Outcome.APPROVE_WITH_CONDITIONS)
    if approved and (proposal.review_date is None or proposal.review_date <= today):
        raise DecisionError(NEEDS_REVIEW_DATE)
    return Proposal(
        proposal.outcome, reason, conditions, proposal.review_date if approved else None
    )


def _locked_in_review(engagement: Engagement) -> Engagement:
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.status != Status.IN_REVIEW:
        raise DecisionError(NOT_IN_REVIEW.format(status=Status(engagement.status).label.lower()))
    return engagement


def _require_sees(actor: User, engagement: Engagement, perm: str) -> None:
    if not has_permission(actor, perm):
        raise PermissionDenied(not_allowed(perm))
    if not sees(actor, engagement):
        raise PermissionDenied(out_of_scope(perm, what="engagement"))


@transaction.atomic
def recommendation_make(
    *, actor: User, engagement: Engagement, proposal: Proposal, now: datetime | None = None
) -> Recommendation:
    """An officer recommends an outcome on a case in review, opening (or renewing) its round.

    An undecided earlier recommendation is replaced while nobody has voted on it (its terms stay
    on the audit trail); once the committee has begun voting, the round stands until it decides.
    """
    _require_sees(actor, engagement, "engagement.recommend")
    if permissions.is_conflicted(actor, engagement):
        raise PermissionDenied(permissions.CONFLICTED_RECOMMENDATION)
    engagement = _locked_in_review(engagement)
    at = now or timezone.now()
    proposal = _checked(proposal, at, reason_message=NEEDS_REASONING)
    previous = selectors.current_round(engagement)
    if previous is not None and previous.votes.exists():
        raise DecisionError(VOTES_CAST)
    made = Recommendation.objects.create(
        engagement=engagement,
        outcome=proposal.outcome,
        reasoning=proposal.reason,
        conditions=[c.as_json() for c in proposal.conditions],
        review_date=proposal.review_date,
        made_by=actor,
        made_at=at,
    )
    case = selectors.routing_for(engagement)
    audit.record(
        actor=actor,
        action="trustdesk.decision.recommended",
        target=engagement,
        data={
            "recommendation": str(made.public_id),
            "outcome": made.outcome,
            "conditions": made.conditions,
            "review_date": _iso(made.review_date),
            "replaces": str(previous.public_id) if previous is not None else None,
            "tier": case.tier,
            "route": case.kind,
        },
        reason=proposal.reason,
    )
    if previous is not None:
        previous.delete()
    transaction.on_commit(lambda: _tell_deciders(engagement, made, case, actor))
    return made


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _authorised(
    actor: User, engagement: Engagement, *, vote: bool
) -> tuple[selectors.CaseRouting, str | None]:
    """The case's route and the actor's seat, once the route allows the actor to act.

    PermissionDenied, with every reason, for a person the route does not name (or a conflicted
    one); a case without a route passes here and is refused by `_round` with why.
    """
    _require_sees(actor, engagement, "engagement.decide")
    case = selectors.routing_for(engagement)
    if case.route is None:
        return case, None
    committee = case.route.committee
    seat = selectors.seat_of(actor, case.pack_id) if committee is not None else None
    answer = permissions.may_act(actor, engagement, case.route, seat)
    if not answer.allowed:
        raise PermissionDenied(" ".join(_sentence(r) for r in answer.reasons))
    if committee is not None and not vote:
        raise PermissionDenied(
            COMMITTEE_VOTES.format(committee=committee.title[:1].upper() + committee.title[1:])
        )
    if committee is None and vote:
        raise DecisionError(NOT_A_COMMITTEE.format(who=case.kind_label))
    return case, seat


def _round(engagement: Engagement, case: selectors.CaseRouting) -> Recommendation:
    """The open round of a case in review that has a route; DecisionError saying what is missing."""
    if engagement.status != Status.IN_REVIEW:
        raise DecisionError(NOT_IN_REVIEW.format(status=Status(engagement.status).label.lower()))
    if case.route is None:
        raise DecisionError(NOT_ROUTED.format(problem=case.problem))
    round_ = selectors.current_round(engagement)
    if round_ is None:
        raise DecisionError(NO_RECOMMENDATION)
    return round_


@transaction.atomic
def decision_make(
    *, actor: User, engagement: Engagement, proposal: Proposal, now: datetime | None = None
) -> Decision:
    """The officer or approver the route names decides the open round, with a reason."""
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    case, _ = _authorised(actor, engagement, vote=False)
    round_ = _round(engagement, case)
    assert case.route is not None  # noqa: S101  # _round refuses a case without one
    if option_of(proposal.outcome) not in case.route.options:
        raise DecisionError(NOT_AN_OPTION.format(outcome=Outcome(proposal.outcome).label))
    at = now or timezone.now()
    proposal = _checked(proposal, at, reason_message=NEEDS_REASON)
    return _decide(actor, engagement, round_, case, proposal, at)


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


def _decide(
    actor: User,
    engagement: Engagement,
    round_: Recommendation,
    case: selectors.CaseRouting,
    proposal: Proposal,
    at: datetime,
) -> Decision:
    """Record the decision, write it onto the engagement by the workflow, and audit it."""
    decision = Decision.objects.create(
        engagement=engagement,
        recommendation=round_,
        outcome=proposal.outcome,
        reason=proposal.reason,
        conditions=[c.as_json() for c in proposal.conditions],
        review_date=proposal.review_date,
        decided_by=actor,
        decided_at=at,
        route=case.kind,
        tier=case.tier,
        pack_id=case.pack_id,
        pack_version=case.pack_version,
    )
    # "decision_id", not "decision": on the engagement's event "decision" is the outcome, which
    # the desk and the timeline show.
    routed: dict[str, object] = {
        "decision_id": str(decision.public_id),
        "route": decision.route,
        "tier": decision.tier,
        "pack": f"{decision.pack_id}@{decision.pack_version}",
    }
    case_services.engagement_decision_apply(
        actor=actor,
        engagement=engagement,
        decision=case_services.DecisionInput(
            outcome=Engagement.Decision(proposal.outcome),
            reason=proposal.reason,
            conditions=conditions_text(decision.conditions),
            review_date=proposal.review_date,
        ),
        now=at,
        data=routed,
    )
    # The engagement's own "decided" event (its timeline) carries the route too; this one is
    # the decision record's, with what the round decided on.
    audit.record(
        actor=actor,
        action="trustdesk.decision.decided",
        target=decision,
        data={
            **routed,
            "engagement": str(engagement.public_id),
            "outcome": decision.outcome,
            "recommendation": str(round_.public_id),
            "conditions": decision.conditions,
            "review_date": _iso(decision.review_date),
        },
        reason=proposal.reason,
    )
    if decision.outcome == Outcome.APPROVE_WITH_CONDITIONS:
        _conditions_to_mitigations(actor, engagement, decision)
    return decision


def conditions_text(conditions: Sequence[dict[str, str]]) -> str:
    """The conditions as the engagement's text: one a line, with its due date."""
    return "\n".join(f"{c['text']} (due {c['due']})" for c in conditions)


def _conditions_to_mitigations(actor: User, engagement: Engagement, decision: Decision) -> None:
    """Each condition of an approval becomes a tracked mitigation item, in this transaction.

    So a condition has an owner, a due date and evidence like any other mitigation, and shows
    as overdue on the desk when it is; a decision whose items cannot be made is not recorded.
    """
    conditions = [(c["text"], date.fromisoformat(c["due"])) for c in decision.conditions]
    mitigation_services.mitigations_from_conditions(
        actor=actor, engagement=engagement, conditions=conditions
    )


@transaction.atomic
def vote_cast(
    *,
    actor: User,
    engagement: Engagement,
    outcome: Outcome,
    reason: str,
    now: datetime | None = None,
) -> Vote:
    """A seat holder votes on the open round; the vote that meets the quorum decides it.

    The decision is the committee's (`committee_result`: most votes, ties to caution), recorded
    with the recommendation's conditions and review date and decided by the member whose vote
    completed the quorum.
    """
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    case, seat = _authorised(actor, engagement, vote=True)
    round_ = _round(engagement, case)
    route = case.route
    assert route is not None  # noqa: S101  # _round refuses a case without a route
    assert route.committee is not None  # noqa: S101  # _authorised refuses one without
    assert seat is not None  # noqa: S101  # may_act refuses a member without a seat
    outcome = Outcome(outcome)
    if option_of(outcome) not in route.options:
        raise DecisionError(NOT_AN_OPTION.format(outcome=outcome.label))
    if not reason.strip():
        raise DecisionError(NEEDS_REASON)
    if round_.votes.filter(seat=seat).exists() or round_.votes.filter(voter=actor).exists():
        raise DecisionError(ALREADY_VOTED)
    if outcome == Outcome.APPROVE_WITH_CONDITIONS and not round_.conditions:
        raise DecisionError(VOTE_NEEDS_CONDITIONS)
    if outcome in (Outcome.APPROVE, Outcome.APPROVE_WITH_CONDITIONS) and not round_.review_date:
        raise DecisionError(VOTE_NEEDS_REVIEW_DATE)
    at = now or timezone.now()
    vote = Vote.objects.create(
        recommendation=round_,
        seat=seat,
        voter=actor,
        outcome=outcome,
        reason=reason.strip(),
        cast_at=at,
    )
    audit.record(
        actor=actor,
        action="trustdesk.decision.voted",
        target=engagement,
        data={
            "recommendation": str(round_.public_id),
            "seat": seat,
            "outcome": vote.outcome,
            "tier": case.tier,
        },
        reason=vote.reason,
    )
    transaction.on_commit(lambda: _tell_voted(engagement, round_, case, vote, actor))
    votes = list(selectors.vote_list(round_))
    result = routing.committee_result(
        [routing.Vote(v.seat, option_of(v.outcome), v.reason) for v in votes],
        route.committee.quorum,
        options=route.options,
    )
    if result.option is not None:
        _decide(
            actor, engagement, round_, case, _committee_proposal(route, round_, votes, result), at
        )
    return vote


def _committee_proposal(
    route: Route,
    round_: Recommendation,
    votes: Sequence[Vote],
    result: routing.CommitteeResult,
) -> Proposal:
    """The committee's decision: the winning option, the votes as its reason, the round's terms."""
    assert route.committee is not None  # noqa: S101  # only committees vote
    assert result.option is not None  # noqa: S101  # called once the quorum decided
    outcome = outcome_of(result.option)
    counts = ", ".join(f"{outcome_of(o).label.lower()} {n}" for o, n in result.counts if n)
    lines = [f"Decided by {route.committee.title} ({counts})."]
    lines += [f"{v.seat} ({v.voter}): {v.get_outcome_display()}: {v.reason}" for v in votes]
    conditions: list[Condition] = []
    if outcome == Outcome.APPROVE_WITH_CONDITIONS:
        conditions = [Condition(c["text"], date.fromisoformat(c["due"])) for c in round_.conditions]
    approved = outcome in (Outcome.APPROVE, Outcome.APPROVE_WITH_CONDITIONS)
    return Proposal(outcome, "\n".join(lines), conditions, round_.review_date if approved else None)


def _tell_deciders(
    engagement: Engagement, made: Recommendation, case: selectors.CaseRouting, actor: User
) -> None:
    """The approver role, or the committee's seat holders, hear that a case awaits them.

    An officer's route is the officers' own queue, told when the case was submitted.
    """
    if case.route is None or case.kind == Decision.Route.OFFICER:
        return
    if case.route.committee is not None:
        people = [s.holder for s in case.seats if s.holder is not None]
    else:
        people = list(User.objects.filter(is_active=True, role=case.route.role))
    people = [p for p in people if not permissions.is_conflicted(p, engagement)]
    notify_services.notify(
        recipients=people,
        kind=Kind.AWAITING_DECISION,
        engagement=engagement,
        actor=actor,
        data={"recommendation": made.get_outcome_display().lower(), "route": case.kind_label},
    )


def _tell_voted(
    engagement: Engagement,
    round_: Recommendation,
    case: selectors.CaseRouting,
    vote: Vote,
    actor: User,
) -> None:
    """The recommending officer and the other seat holders hear of each vote."""
    people = [round_.made_by, *(s.holder for s in case.seats if s.holder is not None)]
    notify_services.notify(
        recipients=people,
        kind=Kind.VOTED,
        engagement=engagement,
        actor=actor,
        data={"seat": vote.seat, "vote": vote.get_outcome_display().lower()},
    )


@transaction.atomic
def committee_seat_assign(
    *, actor: User, route: Route, seat: str, holder: User | None, pack_id: str
) -> CommitteeSeat | None:
    """An officer or administrator names who holds a seat (None leaves it vacant); audited."""
    if not permissions.can_manage_seats(actor):
        raise PermissionDenied(not_allowed("committee.manage"))
    committee = route.committee
    if committee is None or seat not in {s.id for s in committee.seats}:
        title = committee.title if committee is not None else "this route"
        raise DecisionError(UNKNOWN_SEAT.format(seat=seat, committee=title))
    if holder is not None and (holder.role != route.role or not holder.is_active):
        raise DecisionError(WRONG_ROLE_FOR_SEAT.format(user=holder, role=route.role))
    current = CommitteeSeat.objects.select_for_update().filter(pack_id=pack_id, seat=seat).first()
    old = current.holder.get_username() if current is not None else None
    if current is not None:
        current.delete()
    made, moved_from = None, None
    if holder is not None:
        # A member moving seats leaves their old one: one person, one vote.
        left = CommitteeSeat.objects.filter(pack_id=pack_id, holder=holder)
        moved_from = left.values_list("seat", flat=True).first()
        left.delete()
        made = CommitteeSeat.objects.create(
            pack_id=pack_id,
            seat=seat,
            holder=holder,
            assigned_by=actor,
            assigned_at=timezone.now(),
        )
    audit.record(
        actor=actor,
        action="trustdesk.decision.seat_assigned",
        target=audit.AuditTarget("decisions.committeeseat", f"{pack_id}:{seat}", seat),
        data={
            "pack": pack_id,
            "seat": seat,
            "old": old,
            "new": holder.get_username() if holder is not None else None,
            "moved_from": moved_from,  # the seat the holder left, now vacant
        },
    )
    return made
