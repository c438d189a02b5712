"""Reads of a case's decision: its route, the current round, votes, and what awaits a person.

The route is computed, never stored on the engagement: from the tier of the engagement's latest
completed triage (the engagement's stored copy, `Engagement.triage_tier`, which the triage
services keep current), under the policy pack in force now (`trustdesk.web.triage.selectors.pack`),
so a re-triage that changes the tier changes who decides the next round. A decision records the
route it was made under.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from trustdesk.policy import routing
from trustdesk.policy.models import Pack, Route
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import AnyUser, has_permission
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import permissions
from trustdesk.web.decisions.models import CommitteeSeat, Decision, Outcome, Recommendation, Vote
from trustdesk.web.triage import selectors as triage_selectors

NO_TRIAGE = (
    "No completed triage: the triage tier decides who decides this case, so it cannot be "
    "decided until the triage is complete."
)
NO_PACK = "The policy pack cannot be loaded, so the case cannot be routed: {problem}"
UNROUTED = "The policy pack {pack} routes no decision for the tier {tier!r}."


@dataclass(frozen=True, slots=True)
class SeatView:
    id: str
    label: str
    holder: User | None


@dataclass(frozen=True, slots=True)
class CaseRouting:
    """Who decides an engagement now, and why (its tier under the pack); `problem` when nobody."""

    tier: str = ""
    tier_label: str = ""
    route: Route | None = None
    pack_id: str = ""
    pack_version: str = ""
    problem: str = ""
    seats: tuple[SeatView, ...] = ()

    @property
    def kind(self) -> str:
        """The route's kind, a `Decision.Route` value; empty without a route."""
        if self.route is None:
            return ""
        if self.route.committee is not None:
            return Decision.Route.COMMITTEE.value
        return self.route.role

    @property
    def kind_label(self) -> str:
        if self.route is not None and self.route.committee is not None:
            return self.route.committee.title
        return str(Decision.Route(self.kind).label).lower() if self.kind else ""

    @property
    def quorum(self) -> int:
        committee = self.route.committee if self.route is not None else None
        return committee.quorum if committee is not None else 0


def routing_for(engagement: Engagement) -> CaseRouting:
    """The route of the engagement's latest triage tier under the current pack."""
    try:
        pack = triage_selectors.pack()
    except triage_selectors.PackUnavailable as exc:
        return CaseRouting(problem=NO_PACK.format(problem=exc))
    tier = engagement.triage_tier
    if not tier:
        return CaseRouting(pack_id=pack.id, pack_version=pack.version, problem=NO_TRIAGE)
    label = next((t.label for t in pack.tiers if t.id == tier), tier)
    try:
        route = routing.route_for(pack, tier)
    except routing.RouteMissing:
        return CaseRouting(
            tier=tier,
            tier_label=label,
            pack_id=pack.id,
            pack_version=pack.version,
            problem=UNROUTED.format(pack=f"{pack.id}@{pack.version}", tier=tier),
        )
    return CaseRouting(
        tier=tier,
        tier_label=label,
        route=route,
        pack_id=pack.id,
        pack_version=pack.version,
        seats=seat_views(pack, route),
    )


def seat_views(pack: Pack, route: Route | None) -> tuple[SeatView, ...]:
    """The route's committee seats with who holds each (None: vacant)."""
    if route is None or route.committee is None:
        return ()
    held = {
        s.seat: s.holder
        for s in CommitteeSeat.objects.filter(pack_id=pack.id).select_related("holder")
    }
    return tuple(SeatView(s.id, s.label, held.get(s.id)) for s in route.committee.seats)


def seat_of(user: AnyUser, pack_id: str) -> str | None:
    """The seat the user holds on the pack's committee, if any."""
    if user.pk is None:
        return None
    return (
        CommitteeSeat.objects.filter(pack_id=pack_id, holder_id=user.pk)
        .values_list("seat", flat=True)
        .first()
    )


def current_round(engagement: Engagement) -> Recommendation | None:
    """The latest recommendation not yet decided on: the round open for decision or votes."""
    return (
        Recommendation.objects.filter(engagement=engagement, decision__isnull=True)
        .select_related("made_by")
        .order_by("-made_at", "-pk")
        .first()
    )


def vote_list(recommendation: Recommendation) -> QuerySet[Vote]:
    return recommendation.votes.select_related("voter").order_by("cast_at", "pk")


def decision_list(engagement: Engagement) -> QuerySet[Decision]:
    """Every decision made on the engagement, newest first, with its round."""
    return engagement.decisions.select_related("decided_by", "recommendation__made_by")


def committee_seats(pack: Pack) -> list[tuple[Route, tuple[SeatView, ...]]]:
    """Each committee route of the pack with its seats and holders, for the seats page."""
    return [(r, seat_views(pack, r)) for r in pack.routing if r.committee is not None]


def seat_candidates(route: Route) -> QuerySet[User]:
    """Active accounts of the route's role: who may hold one of its seats."""
    return User.objects.filter(is_active=True, role=route.role).order_by("username")


@dataclass(frozen=True, slots=True)
class Actionable:
    """What a user may do on an engagement's open round."""

    recommend: bool = False
    decide: bool = False
    vote: bool = False
    seat: str | None = None
    refusals: tuple[str, ...] = field(default=())


def actionable(user: AnyUser, engagement: Engagement, case: CaseRouting) -> Actionable:
    """Whether the user may recommend, decide or vote on the engagement now."""
    in_review = engagement.status == Engagement.Status.IN_REVIEW
    recommend = in_review and permissions.can_recommend(user, engagement)
    round_ = current_round(engagement) if in_review else None
    if round_ is None or case.route is None:
        return Actionable(recommend=recommend)
    seat = seat_of(user, case.pack_id) if case.route.committee is not None else None
    answer = permissions.may_act(user, engagement, case.route, seat)
    if not answer.allowed:
        # Said to those who decide some cases, so they know why not this one; not to the rest.
        shown = answer.reasons if has_permission(user, "engagement.decide") else ()
        return Actionable(recommend=recommend, refusals=shown)
    if case.route.committee is None:
        return Actionable(recommend=recommend, decide=True)
    voted = round_.votes.filter(seat=seat).exists()
    return Actionable(recommend=recommend, vote=not voted, seat=seat)


def awaiting_decision(user: AnyUser) -> QuerySet[Engagement]:
    """Cases in review with an open recommendation that the user may decide or still vote on.

    For the desk, in one query: the pack's routing map says which stored tiers
    (`Engagement.triage_tier`) the user's role decides alone and which a committee votes on;
    a committee tier counts where the user holds one of its seats and that seat has not yet
    voted in the open round. Nobody is offered a case they proposed or are on the team of
    (`permissions.may_act` says the same per case).
    """
    nothing = Engagement.objects.none()
    if user.pk is None or not user.is_active or not has_permission(user, "engagement.decide"):
        return nothing
    try:
        pack = triage_selectors.pack()
    except triage_selectors.PackUnavailable:
        return nothing
    role = str(getattr(user, "role", ""))
    mine = CommitteeSeat.objects.filter(pack_id=pack.id, holder_id=user.pk).values("seat")
    routed = Q(pk__in=[])
    for route in pack.routing:
        if route.role != role:
            continue
        if route.committee is None:
            routed |= Q(triage_tier=route.tier)
            continue
        seats = [s.id for s in route.committee.seats]
        holds = CommitteeSeat.objects.filter(pack_id=pack.id, holder_id=user.pk, seat__in=seats)
        voted = Vote.objects.filter(
            recommendation__engagement=OuterRef("pk"),
            recommendation__decision__isnull=True,
            seat__in=mine,
        )
        routed |= Q(triage_tier=route.tier) & Q(Exists(holds)) & ~Q(Exists(voted))
    open_round = Recommendation.objects.filter(engagement=OuterRef("pk"), decision__isnull=True)
    on_team = Engagement.team.through.objects.filter(engagement_id=OuterRef("pk"), user_id=user.pk)
    return (
        case_selectors.engagement_list_for_user(user=user)
        .filter(status=Engagement.Status.IN_REVIEW)
        .filter(Exists(open_round), routed)
        .exclude(owner_id=user.pk)
        .exclude(Exists(on_team))
    )


@dataclass(frozen=True, slots=True)
class VoteView:
    seat: str
    seat_label: str
    vote: Vote


@dataclass(frozen=True, slots=True)
class CaseDecision:
    """What the engagement page's decision section shows its reader."""

    routing: CaseRouting
    round: Recommendation | None
    votes: tuple[VoteView, ...]
    votes_needed: int
    decisions: tuple[Decision, ...]
    can: Actionable
    options: tuple[tuple[str, str], ...]  # the route's outcomes as (value, label)
    next_step: str  # "recommend", "decide", "vote" or "": which form is open, not folded

    @property
    def condition_rows(self) -> list[tuple[str, str]]:
        """The form rows for conditions: the round's proposed ones, then blanks (three at least)."""
        rows = [(c["text"], c["due"]) for c in (self.round.conditions if self.round else [])]
        return rows + [("", "")] * max(3 - len(rows), 1)


def case_context(*, user: AnyUser, engagement: Engagement) -> CaseDecision:
    """The engagement page's decision section for this reader (who sees the engagement)."""
    case = routing_for(engagement)
    in_review = engagement.status == Engagement.Status.IN_REVIEW
    round_ = current_round(engagement) if in_review else None
    labels = {s.id: s.label for s in case.seats}
    votes = (
        tuple(VoteView(v.seat, labels.get(v.seat, v.seat), v) for v in vote_list(round_))
        if round_ is not None
        else ()
    )
    can = actionable(user, engagement, case)
    offered = case.route.options if case.route is not None else []
    options = tuple(
        (o.value, str(o.label)) for o in Outcome if o.value.replace("_", "-") in offered
    ) or tuple((o.value, str(o.label)) for o in Outcome)
    if can.decide or can.vote:
        next_step = "decide" if can.decide else "vote"
    elif can.recommend and round_ is None:
        next_step = "recommend"
    else:
        next_step = ""
    return CaseDecision(
        routing=case,
        round=round_,
        votes=votes,
        votes_needed=max(case.quorum - len(votes), 0),
        decisions=tuple(decision_list(engagement)[:10]),
        can=can,
        options=options,
        next_step=next_step,
    )


def active_user(username: str) -> User | None:
    """The active account of that username, for naming a seat holder."""
    return User.objects.filter(username=username, is_active=True).first()
