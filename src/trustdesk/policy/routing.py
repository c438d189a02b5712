"""Who decides a case, who may vote on it, and what a committee's votes come to.

The pack routes each due-diligence tier to a decider (``routing``): an account role alone (an
officer for the standard tier, say) or a committee of approvers with a quorum. These functions
are the rules the case app applies to that data; they read no database and know no user, only
the facts the case app gives them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from trustdesk.policy.models import DECISION_OPTIONS, DecisionOption, Pack, Route

#: Why a person may not decide or vote; stable sentences the case app shows.
NOT_ROUTED_ROLE = "cases of this tier are decided by the {role} role, not by {actor}"
NOT_A_SEAT = "votes on this tier's cases come from the seats of {committee}, and {seat} is not one"
NO_SEAT = "this tier's cases are decided by {committee}; only a member holding a seat votes"
CONFLICTED = "nobody decides or votes on a case they proposed or are on the team of"


class RouteMissing(LookupError):
    """The pack has no route for a tier (a pack without ``routing``)."""

    def __init__(self, pack: Pack, tier: str) -> None:
        super().__init__(f"pack {pack.id}@{pack.version} routes no decision for tier {tier!r}")


def route_for(pack: Pack, tier: str) -> Route:
    """The route of ``tier``; `RouteMissing` when the pack routes none.

    The loader checks that a pack routing any tier routes every tier.
    """
    for route in pack.routing:
        if route.tier == tier:
            return route
    raise RouteMissing(pack, tier)


@dataclass(frozen=True)
class Permission:
    """Whether a person may decide (or vote on) a case, and, when not, every reason why not."""

    allowed: bool
    reasons: tuple[str, ...] = ()


def may_decide(
    route: Route,
    actor_role: str,
    actor_is_proposer_or_team: bool,
    *,
    seat: str | None = None,
) -> Permission:
    """Whether a person of ``actor_role`` (with ``seat`` on a committee) may decide or vote.

    The conflict rule comes first in the reasons and holds whatever the role: a person who
    proposed the case or is on its team never decides or votes on it.
    """
    reasons: list[str] = []
    if actor_is_proposer_or_team:
        reasons.append(CONFLICTED)
    if actor_role != route.role:
        reasons.append(NOT_ROUTED_ROLE.format(role=route.role, actor=actor_role))
    committee = route.committee
    if committee is not None:
        if seat is None:
            reasons.append(NO_SEAT.format(committee=committee.title))
        elif seat not in {s.id for s in committee.seats}:
            reasons.append(NOT_A_SEAT.format(committee=committee.title, seat=repr(seat)))
    return Permission(not reasons, tuple(reasons))


class VoteInvalid(ValueError):
    """A vote the committee cannot count.

    A second vote by one voter, a vote without a reason, or an option the route does not offer.
    """


@dataclass(frozen=True)
class Vote:
    """One committee member's vote: who (the case app's stable id for them), what and why."""

    voter: str
    option: DecisionOption
    reason: str

    def __post_init__(self) -> None:
        if self.option not in DECISION_OPTIONS:
            raise VoteInvalid(f"{self.option!r} is not a decision option")
        if not self.reason.strip():
            raise VoteInvalid("a vote needs a reason")


class ResultStatus(StrEnum):
    PENDING = "pending"
    DECIDED = "decided"


@dataclass(frozen=True)
class CommitteeResult:
    """What the votes so far come to: pending until the quorum has voted, then an option.

    ``counts`` holds each option's votes, in the order of `DECISION_OPTIONS`.
    """

    status: ResultStatus
    option: DecisionOption | None
    counts: tuple[tuple[DecisionOption, int], ...]
    votes_needed: int

    @property
    def text(self) -> str:
        """The result as a sentence."""
        if self.option is None:
            return f"pending: {self.votes_needed} more vote(s) needed to reach the quorum"
        shown = ", ".join(f"{o} {n}" for o, n in self.counts if n)
        return f"decided: {self.option} ({shown})"


def committee_result(
    votes: Sequence[Vote], quorum: int, *, options: Sequence[DecisionOption] = DECISION_OPTIONS
) -> CommitteeResult:
    """Counts the votes: pending below the quorum; then the option with the most votes.

    A tie goes to the more cautious option (decline over refer back over approve with
    conditions over approve), so a split committee never approves more than its most careful
    half would. Raises `VoteInvalid` for a second vote by one voter or an option ``options``
    (the route's) does not offer, and ValueError for a quorum below 1.
    """
    if quorum < 1:
        raise ValueError("the quorum must be at least 1")
    voters = Counter(v.voter for v in votes)
    twice = sorted(voter for voter, n in voters.items() if n > 1)
    if twice:
        raise VoteInvalid(f"one vote each: {', '.join(twice)} voted more than once")
    refused = sorted({v.option for v in votes if v.option not in options})
    if refused:
        raise VoteInvalid(f"not an option on this route: {', '.join(refused)}")
    tally = Counter(v.option for v in votes)
    counts = tuple((o, tally[o]) for o in DECISION_OPTIONS)
    if len(votes) < quorum:
        return CommitteeResult(ResultStatus.PENDING, None, counts, quorum - len(votes))
    caution = {o: i for i, o in enumerate(DECISION_OPTIONS)}
    option = max(tally, key=lambda o: (tally[o], caution[o]))
    return CommitteeResult(ResultStatus.DECIDED, option, counts, 0)
