"""Recommendation, then decision routed by the triage tier: officer, approver, committee votes."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.web.cases.conftest import Cast
from tests.web.decisions.conftest import Committee, InReview
from trustdesk.policy import routing
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.audit import verify_chain
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions import selectors, services
from trustdesk.web.decisions.models import CommitteeSeat, Decision, Outcome, Vote
from trustdesk.web.notify.models import Notification

pytestmark = pytest.mark.django_db
OnCommit = Callable[..., AbstractContextManager[list[Callable[[], object]]]]
Status = Engagement.Status
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REVIEW = date(2027, 3, 1)
COMMITTEE = "the research security committee"


def _recommend(e: Engagement, cast: Cast, proposal: services.Proposal | None = None) -> None:
    services.recommendation_make(
        actor=cast.olga, engagement=e, proposal=proposal or factories.proposal(), now=NOW
    )


def test_the_route_follows_the_latest_triage_tier(cast: Cast, in_review: InReview) -> None:
    standard, enhanced, escalated = in_review(), in_review("enhanced"), in_review("escalated")

    routes = [selectors.routing_for(e) for e in (standard, enhanced, escalated)]

    assert [(r.tier, r.kind, r.quorum) for r in routes] == [
        ("standard", "officer", 0),
        ("enhanced", "approver", 0),
        ("escalated", "committee", 3),
    ]
    assert routes[2].kind_label == COMMITTEE
    assert (routes[0].pack_id, routes[0].problem) == ("gb-base", "")


def test_an_untriaged_case_has_no_route_and_cannot_be_decided(cast: Cast, advance: object) -> None:
    e = factories.make_engagement(cast.rita)
    e = services.case_services.engagement_submit(actor=cast.rita, engagement=e)
    e = services.case_services.engagement_review_start(actor=cast.olga, engagement=e)
    _recommend(e, cast)

    with pytest.raises(services.DecisionError) as raised:
        services.decision_make(
            actor=cast.olga, engagement=e, proposal=factories.proposal(), now=NOW
        )

    assert str(raised.value) == services.NOT_ROUTED.format(problem=selectors.NO_TRIAGE)


def test_an_officer_decides_the_standard_tier(cast: Cast, in_review: InReview) -> None:
    e = in_review()
    _recommend(e, cast)

    decision = services.decision_make(
        actor=cast.olga, engagement=e, proposal=factories.proposal(reason="Low risk"), now=NOW
    )

    e.refresh_from_db()
    assert (e.status, e.decision, e.decided_by, e.decided_at) == (
        Status.DECIDED,
        "approve",
        cast.olga,
        NOW,
    )
    assert e.review_date == REVIEW
    assert (decision.route, decision.tier, decision.pack_id) == ("officer", "standard", "gb-base")
    event = AuditEvent.objects.get(action="trustdesk.engagement.decided")
    assert event.data["route"] == "officer"
    assert event.data["tier"] == "standard"
    assert AuditEvent.objects.get(action="trustdesk.decision.decided").target_type == (
        "decisions.decision"
    )
    assert verify_chain().intact


def test_an_approver_decides_the_enhanced_tier_and_an_officer_may_not(
    cast: Cast, in_review: InReview
) -> None:
    e = in_review("enhanced")
    _recommend(e, cast)

    with pytest.raises(PermissionDenied) as refused:
        services.decision_make(actor=cast.olga, engagement=e, proposal=factories.proposal())
    decision = services.decision_make(
        actor=cast.alan, engagement=e, proposal=factories.proposal(), now=NOW
    )

    assert str(refused.value) == (
        "Cases of this tier are decided by the approver role, not by officer."
    )
    assert (decision.route, decision.decided_by) == ("approver", cast.alan)


@pytest.mark.parametrize("who", ["rita", "tom", "cara", "aude", "ada"])
def test_roles_that_do_not_decide_are_refused(cast: Cast, in_review: InReview, who: str) -> None:
    e = in_review()
    _recommend(e, cast)

    with pytest.raises(PermissionDenied, match=r"^Your role does not allow you to decide cases\."):
        services.decision_make(actor=cast.by_name(who), engagement=e, proposal=factories.proposal())

    assert not Decision.objects.exists()


def test_nobody_decides_a_case_they_proposed(cast: Cast, in_review: InReview) -> None:
    oona = factories.make_user("oona", User.Role.OFFICER, department=cast.physics)
    e = in_review(owner=oona)
    _recommend(e, cast)

    with pytest.raises(PermissionDenied) as raised:
        services.decision_make(actor=oona, engagement=e, proposal=factories.proposal())

    assert str(raised.value) == routing.CONFLICTED[0].upper() + routing.CONFLICTED[1:] + "."
    assert services.decision_make(actor=cast.olga, engagement=e, proposal=factories.proposal())


def test_a_team_member_may_not_vote(cast: Cast, committee: Committee, in_review: InReview) -> None:
    e = in_review("escalated")
    e.team.add(committee.bea)
    _recommend(e, cast)

    with pytest.raises(PermissionDenied, match=r"^Nobody decides or votes on a case they proposed"):
        services.vote_cast(actor=committee.bea, engagement=e, outcome=Outcome.APPROVE, reason="ok")

    assert not Vote.objects.exists()


def test_an_officer_does_not_recommend_on_their_own_case(cast: Cast, in_review: InReview) -> None:
    oona = factories.make_user("oona", User.Role.OFFICER, department=cast.physics)
    e = in_review(owner=oona)

    with pytest.raises(PermissionDenied, match=r"^Nobody recommends on a case they proposed"):
        services.recommendation_make(actor=oona, engagement=e, proposal=factories.proposal())


def test_a_decision_needs_a_recommendation(cast: Cast, in_review: InReview) -> None:
    e = in_review()

    with pytest.raises(services.DecisionError, match=r"^There is no recommendation to decide on"):
        services.decision_make(actor=cast.olga, engagement=e, proposal=factories.proposal())

    assert Engagement.objects.get(pk=e.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize(
    ("proposal", "message"),
    [
        (factories.proposal(Outcome.DECLINE, "  "), services.NEEDS_REASON),
        (factories.proposal(Outcome.APPROVE_WITH_CONDITIONS), services.NEEDS_CONDITIONS),
        (
            factories.proposal(conditions=(("Report yearly", date(2027, 1, 1)),)),
            services.CONDITIONS_NEED_OUTCOME,
        ),
        (
            factories.proposal(
                Outcome.APPROVE_WITH_CONDITIONS, conditions=(("Report", NOW.date()),)
            ),
            services.CONDITION_INCOMPLETE,
        ),
        (factories.proposal(review_date=None), services.NEEDS_REVIEW_DATE),
        (factories.proposal(review_date=NOW.date()), services.NEEDS_REVIEW_DATE),
    ],
)
def test_an_incomplete_decision_is_refused(
    cast: Cast, in_review: InReview, proposal: services.Proposal, message: str
) -> None:
    e = in_review()
    _recommend(e, cast)

    with pytest.raises(services.DecisionError) as raised:
        services.decision_make(actor=cast.olga, engagement=e, proposal=proposal, now=NOW)

    assert str(raised.value) == message
    assert Engagement.objects.get(pk=e.pk).status == Status.IN_REVIEW


def test_conditions_are_kept_with_their_due_dates(cast: Cast, in_review: InReview) -> None:
    e = in_review()
    terms = factories.proposal(
        Outcome.APPROVE_WITH_CONDITIONS,
        "Dual-use risk managed",
        conditions=(
            ("No export-controlled data shared", date(2026, 6, 1)),
            ("Annual security briefing", date(2026, 9, 30)),
        ),
    )
    _recommend(e, cast, terms)

    decision = services.decision_make(actor=cast.olga, engagement=e, proposal=terms, now=NOW)

    assert decision.conditions == [
        {"text": "No export-controlled data shared", "due": "2026-06-01"},
        {"text": "Annual security briefing", "due": "2026-09-30"},
    ]
    e.refresh_from_db()
    assert e.conditions == (
        "No export-controlled data shared (due 2026-06-01)\n"
        "Annual security briefing (due 2026-09-30)"
    )
    assert e.decision == "approve_with_conditions"


def test_refer_back_returns_the_case_to_draft_for_the_researcher(
    cast: Cast, in_review: InReview, django_capture_on_commit_callbacks: OnCommit
) -> None:
    e = in_review()
    back = factories.proposal(Outcome.REFER_BACK, "Name the partner's funders first")
    _recommend(e, cast, back)

    with django_capture_on_commit_callbacks(execute=True):
        services.decision_make(actor=cast.olga, engagement=e, proposal=back, now=NOW)

    e.refresh_from_db()
    assert (e.status, e.decision, e.decision_reason, e.review_date) == (
        Status.DRAFT,
        "refer_back",
        "Name the partner's funders first",
        None,
    )
    event = AuditEvent.objects.get(action="trustdesk.engagement.referred_back")
    assert (event.data["old"], event.data["new"]) == ("in_review", "draft")
    # the researcher reworks and submits again: a new review, a new round
    e = services.case_services.engagement_submit(actor=cast.rita, engagement=e)
    e = services.case_services.engagement_review_start(actor=cast.olga, engagement=e)
    assert selectors.current_round(e) is None
    assert Notification.objects.filter(recipient=cast.rita, kind="decided").exists()


def test_committee_votes_decide_once_the_quorum_is_met(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    e = in_review("escalated")
    terms = factories.proposal(
        Outcome.APPROVE_WITH_CONDITIONS, "Manageable", conditions=(("Annual report", REVIEW),)
    )
    _recommend(e, cast, terms)

    services.vote_cast(
        actor=committee.bea, engagement=e, outcome=Outcome.APPROVE_WITH_CONDITIONS, reason="Fine"
    )
    services.vote_cast(actor=committee.cem, engagement=e, outcome=Outcome.APPROVE, reason="Low")
    assert Engagement.objects.get(pk=e.pk).status == Status.IN_REVIEW
    services.vote_cast(
        actor=committee.dov,
        engagement=e,
        outcome=Outcome.APPROVE_WITH_CONDITIONS,
        reason="With the report",
    )

    e.refresh_from_db()
    decision = Decision.objects.get()
    assert (e.status, e.decision, e.decided_by) == (
        Status.DECIDED,
        "approve_with_conditions",
        committee.dov,
    )
    assert (decision.route, decision.tier) == ("committee", "escalated")
    assert decision.conditions == [{"text": "Annual report", "due": "2027-03-01"}]
    assert decision.reason.splitlines() == [
        f"Decided by {COMMITTEE} (approve 1, approve with conditions 2).",
        "chair (Bea Tester): Approve with conditions: Fine",
        "research-director (Cem Tester): Approve: Low",
        "academic-member (Dov Tester): Approve with conditions: With the report",
    ]
    # the fourth seat comes too late: the round is decided
    with pytest.raises(services.DecisionError, match=r"^A recommendation, decision or vote needs"):
        services.vote_cast(actor=committee.eve, engagement=e, outcome=Outcome.DECLINE, reason="x")


def test_a_tied_committee_takes_the_more_cautious_option(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    e = in_review("escalated")
    _recommend(e, cast)
    services.committee_seat_assign(
        actor=cast.olga,
        route=routing.route_for(factories.triage_selectors.pack(), "escalated"),
        seat="legal-member",
        holder=None,
        pack_id="gb-base",
    )
    # three seats vote three ways: approve, decline, refer back; one each, the caution wins
    services.vote_cast(actor=committee.bea, engagement=e, outcome=Outcome.APPROVE, reason="a")
    services.vote_cast(actor=committee.cem, engagement=e, outcome=Outcome.DECLINE, reason="b")
    services.vote_cast(actor=committee.dov, engagement=e, outcome=Outcome.REFER_BACK, reason="c")

    e.refresh_from_db()
    assert (e.status, e.decision) == (Status.DECIDED, "decline")


def test_one_vote_per_seat_and_only_seat_holders_vote(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    e = in_review("escalated")
    _recommend(e, cast)
    services.vote_cast(actor=committee.bea, engagement=e, outcome=Outcome.APPROVE, reason="ok")

    with pytest.raises(services.DecisionError, match=r"^Your seat has already voted"):
        services.vote_cast(actor=committee.bea, engagement=e, outcome=Outcome.DECLINE, reason="x")
    with pytest.raises(PermissionDenied) as no_seat:
        services.vote_cast(actor=cast.alan, engagement=e, outcome=Outcome.APPROVE, reason="x")
    with pytest.raises(PermissionDenied, match=r"^The research security committee decides this"):
        services.decision_make(actor=committee.cem, engagement=e, proposal=factories.proposal())
    with pytest.raises(PermissionDenied, match="not by officer"):
        services.vote_cast(actor=cast.olga, engagement=e, outcome=Outcome.APPROVE, reason="x")

    assert str(no_seat.value) == (
        f"This tier's cases are decided by {COMMITTEE}; only a member holding a seat votes."
    )
    assert Vote.objects.count() == 1


def test_a_vote_needs_what_its_outcome_needs(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    e = in_review("escalated")
    _recommend(e, cast, factories.proposal(Outcome.DECLINE, "Too risky"))

    with pytest.raises(services.DecisionError) as conditions:
        services.vote_cast(
            actor=committee.bea,
            engagement=e,
            outcome=Outcome.APPROVE_WITH_CONDITIONS,
            reason="ok",
        )
    with pytest.raises(services.DecisionError) as review:
        services.vote_cast(actor=committee.bea, engagement=e, outcome=Outcome.APPROVE, reason="ok")
    with pytest.raises(services.DecisionError) as reason:
        services.vote_cast(actor=committee.bea, engagement=e, outcome=Outcome.DECLINE, reason=" ")

    assert str(conditions.value) == services.VOTE_NEEDS_CONDITIONS
    assert str(review.value) == services.VOTE_NEEDS_REVIEW_DATE
    assert str(reason.value) == services.NEEDS_REASON


def test_a_recommendation_can_be_replaced_until_the_committee_votes(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    e = in_review("escalated")
    _recommend(e, cast, factories.proposal(Outcome.DECLINE, "First thoughts"))
    _recommend(e, cast)
    services.vote_cast(actor=committee.bea, engagement=e, outcome=Outcome.APPROVE, reason="ok")

    with pytest.raises(services.DecisionError) as raised:
        _recommend(e, cast)

    assert str(raised.value) == services.VOTES_CAST
    current = selectors.current_round(e)
    assert current is not None
    assert current.outcome == "approve"
    replaced = (
        AuditEvent.objects.filter(action="trustdesk.decision.recommended")
        .order_by("sequence")
        .last()
    )
    assert replaced is not None
    assert replaced.data["replaces"] is not None


def test_notifications_go_to_who_must_act_next(
    cast: Cast,
    committee: Committee,
    in_review: InReview,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    enhanced, escalated = in_review("enhanced"), in_review("escalated")
    escalated.team.add(committee.eve)  # conflicted: never asked to decide

    with django_capture_on_commit_callbacks(execute=True):
        _recommend(enhanced, cast)
        _recommend(escalated, cast)
        services.vote_cast(
            actor=committee.bea, engagement=escalated, outcome=Outcome.APPROVE, reason="ok"
        )

    awaiting = Notification.objects.filter(kind="awaiting_decision")
    # the enhanced tier: every approver; the escalated one: the seat holders not conflicted
    assert {(n.recipient.username, n.engagement_id) for n in awaiting} == {
        *((name, enhanced.pk) for name in ("alan", "bea", "cem", "dov", "eve")),
        ("bea", escalated.pk),
        ("cem", escalated.pk),
        ("dov", escalated.pk),
    }
    alan = awaiting.get(recipient=cast.alan)
    assert alan.text == (
        f"Olga Tester recommended “{enhanced.title}” (approve): it awaits your decision "
        "(an approver)."
    )
    voted = Notification.objects.filter(kind="voted")
    assert {n.recipient.username for n in voted} == {"olga", "cem", "dov", "eve"}
    assert voted.first() is not None
    assert voted.get(recipient=cast.olga).text == (
        f"Bea Tester voted on “{escalated.title}” for the seat chair (approve)."
    )


def test_awaiting_decision_lists_the_cases_a_person_can_act_on(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    standard, enhanced, escalated = in_review(), in_review("enhanced"), in_review("escalated")
    in_review("enhanced")  # no recommendation yet: nothing to decide
    for e in (standard, enhanced, escalated):
        _recommend(e, cast)
    services.vote_cast(
        actor=committee.bea, engagement=escalated, outcome=Outcome.APPROVE, reason="ok"
    )

    def titles(user: User) -> set[int]:
        return {e.pk for e in selectors.awaiting_decision(user)}

    assert titles(cast.olga) == {standard.pk}
    assert titles(cast.alan) == {enhanced.pk}
    # every approver decides the enhanced tier; Bea has voted on the escalated case already
    assert titles(committee.bea) == {enhanced.pk}
    assert titles(committee.cem) == {enhanced.pk, escalated.pk}
    assert titles(cast.rita) == set()


def test_awaiting_decision_is_one_query_however_many_cases(
    cast: Cast,
    committee: Committee,
    in_review: InReview,
    django_assert_num_queries: Any,
) -> None:
    for tier in ("standard", "enhanced", "escalated") * 3:
        _recommend(in_review(tier), cast)

    # the pack in use (its travel-advice snapshot, any installed version), then the cases
    with django_assert_num_queries(3):
        found = list(selectors.awaiting_decision(committee.cem))

    assert len(found) == 6  # the enhanced and escalated cases; the standard ones are an officer's


def test_seats_are_assigned_by_officers_and_admins_audited(cast: Cast) -> None:
    route = routing.route_for(factories.triage_selectors.pack(), "escalated")
    bea = factories.make_user("bea", cast.alan.Role.APPROVER)

    with pytest.raises(PermissionDenied, match=r"^Your role does not allow you to assign"):
        services.committee_seat_assign(
            actor=cast.alan, route=route, seat="chair", holder=bea, pack_id="gb-base"
        )
    with pytest.raises(services.DecisionError, match="the approver role"):
        services.committee_seat_assign(
            actor=cast.olga, route=route, seat="chair", holder=cast.rita, pack_id="gb-base"
        )
    with pytest.raises(services.DecisionError, match=r"^'treasurer' is not a seat"):
        services.committee_seat_assign(
            actor=cast.olga, route=route, seat="treasurer", holder=bea, pack_id="gb-base"
        )
    services.committee_seat_assign(
        actor=cast.olga, route=route, seat="chair", holder=bea, pack_id="gb-base"
    )
    services.committee_seat_assign(
        actor=cast.ada, route=route, seat="legal-member", holder=bea, pack_id="gb-base"
    )

    assert list(CommitteeSeat.objects.values_list("seat", "holder__username")) == [
        ("legal-member", "bea")
    ]
    events = AuditEvent.objects.filter(action="trustdesk.decision.seat_assigned").order_by(
        "sequence"
    )
    assert [
        (e.actor_label, e.data["seat"], e.data["new"], e.data["moved_from"]) for e in events
    ] == [
        ("Olga Tester (olga)", "chair", "bea", None),
        ("Ada Tester (ada)", "legal-member", "bea", "chair"),  # one person, one seat
    ]
