"""Decision routing by tier as pack data: who decides, the conflict rule, committee results."""

from __future__ import annotations

import pytest

from trustdesk.policy.models import Pack, Route
from trustdesk.policy.registry import load
from trustdesk.policy.routing import (
    CONFLICTED,
    NO_SEAT,
    NOT_A_SEAT,
    NOT_ROUTED_ROLE,
    CommitteeResult,
    ResultStatus,
    RouteMissing,
    Vote,
    VoteInvalid,
    committee_result,
    may_decide,
    route_for,
)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load("gb-base")


COMMITTEE = "the research security committee"


def test_gb_base_routes_each_tier_to_its_decider(pack: Pack) -> None:
    standard, enhanced, senior, escalated = (route_for(pack, t.id) for t in pack.tiers)

    assert (standard.role, standard.committee) == ("officer", None)
    assert (enhanced.role, enhanced.committee) == ("approver", None)
    assert (senior.role, senior.committee) == ("approver", None)
    assert escalated.role == "approver"
    assert escalated.committee is not None
    assert escalated.committee.quorum == 3
    assert [s.id for s in escalated.committee.seats] == [
        "chair",
        "research-director",
        "academic-member",
        "legal-member",
    ]
    assert escalated.options == ["approve", "approve-with-conditions", "refer-back", "decline"]


def test_ca_base_routes_its_own_tiers() -> None:
    ca = load("ca-base")

    assert [(r.tier, r.role) for r in ca.routing] == [
        ("basic", "officer"),
        ("standard", "officer"),
        ("enhanced", "approver"),
    ]


def test_a_tier_without_a_route_is_an_error(pack: Pack) -> None:
    unrouted = pack.model_copy(update={"routing": []})

    with pytest.raises(RouteMissing, match="routes no decision for tier 'standard'"):
        route_for(unrouted, "standard")


def test_the_routed_role_decides_and_others_do_not(pack: Pack) -> None:
    standard = route_for(pack, "standard")
    enhanced = route_for(pack, "enhanced")

    assert may_decide(standard, "officer", False).allowed
    assert may_decide(enhanced, "approver", False).allowed
    refused = may_decide(enhanced, "officer", False)
    assert not refused.allowed
    assert refused.reasons == (NOT_ROUTED_ROLE.format(role="approver", actor="officer"),)


@pytest.mark.parametrize("tier", ["standard", "enhanced", "senior-approval", "escalated"])
def test_nobody_decides_a_case_they_proposed_or_are_on_the_team_of(pack: Pack, tier: str) -> None:
    # given the person the tier's route names, holding a seat where there is a committee
    route = route_for(pack, tier)
    seat = "chair" if route.committee is not None else None

    # then they may decide, unless they proposed the case or are on its team
    assert may_decide(route, route.role, False, seat=seat).allowed
    conflicted = may_decide(route, route.role, True, seat=seat)
    assert not conflicted.allowed
    assert conflicted.reasons == (CONFLICTED,)


def test_a_committee_vote_needs_a_seat_on_it(pack: Pack) -> None:
    route = route_for(pack, "escalated")

    assert may_decide(route, "approver", False).reasons == (NO_SEAT.format(committee=COMMITTEE),)
    assert may_decide(route, "approver", False, seat="treasurer").reasons == (
        NOT_A_SEAT.format(committee=COMMITTEE, seat="'treasurer'"),
    )
    # every reason at once, the conflict first
    assert may_decide(route, "researcher", True).reasons == (
        CONFLICTED,
        NOT_ROUTED_ROLE.format(role="approver", actor="researcher"),
        NO_SEAT.format(committee=COMMITTEE),
    )


def votes(*options: str) -> list[Vote]:
    return [Vote(f"approver{i}", o, f"reason {i}") for i, o in enumerate(options)]  # type: ignore[arg-type]


def test_the_committee_is_pending_until_its_quorum_has_voted() -> None:
    result = committee_result(votes("approve", "approve"), 3)

    assert result == CommitteeResult(
        ResultStatus.PENDING,
        None,
        (("approve", 2), ("approve-with-conditions", 0), ("refer-back", 0), ("decline", 0)),
        1,
    )
    assert result.text == "pending: 1 more vote(s) needed to reach the quorum"


@pytest.mark.parametrize(
    ("cast", "decided"),
    [
        (("approve", "approve", "approve"), "approve"),
        (
            ("approve", "approve-with-conditions", "approve-with-conditions"),
            "approve-with-conditions",
        ),
        (("decline", "approve", "approve"), "approve"),
        # ties go to the more cautious option
        (("approve", "approve-with-conditions"), "approve-with-conditions"),
        (("approve", "decline", "refer-back", "approve-with-conditions"), "decline"),
        (("refer-back", "approve", "approve", "refer-back"), "refer-back"),
    ],
)
def test_once_quorate_the_option_with_most_votes_wins(cast: tuple[str, ...], decided: str) -> None:
    result = committee_result(votes(*cast), 2)

    assert result.status is ResultStatus.DECIDED
    assert result.option == decided
    assert result.votes_needed == 0


def test_the_order_of_votes_does_not_change_the_result() -> None:
    cast = votes("approve", "decline", "approve-with-conditions", "decline", "approve")

    assert committee_result(cast, 3) == committee_result(cast[::-1], 3)


def test_votes_the_committee_cannot_count_are_refused() -> None:
    twice = [Vote("a", "approve", "fine"), Vote("a", "decline", "changed my mind")]

    with pytest.raises(VoteInvalid, match="one vote each: a voted more than once"):
        committee_result(twice, 1)
    with pytest.raises(VoteInvalid, match="a vote needs a reason"):
        Vote("a", "approve", " ")
    with pytest.raises(VoteInvalid, match="'escalate' is not a decision option"):
        Vote("a", "escalate", "why")  # type: ignore[arg-type]
    with pytest.raises(VoteInvalid, match="not an option on this route: refer-back"):
        committee_result(votes("refer-back"), 1, options=["approve", "decline"])
    with pytest.raises(ValueError, match="the quorum must be at least 1"):
        committee_result([], 0)


def test_a_route_takes_the_four_options_unless_the_pack_narrows_them() -> None:
    route = Route.model_validate({"tier": "standard", "role": "officer"})
    narrowed = Route.model_validate(
        {"tier": "standard", "role": "officer", "options": ["approve", "refer-back"]}
    )

    assert route.options == ["approve", "approve-with-conditions", "refer-back", "decline"]
    assert narrowed.options == ["approve", "refer-back"]
