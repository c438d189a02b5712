"""Engagement services: who may do each transition, from which status, and what the trail says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.web.cases.conftest import EVERYONE, NOW, REVIEW_DATE, Advance, Cast, fields
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.workflow import Action
from trustdesk.web.core.audit import verify_chain
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions.models import Outcome

Status = Engagement.Status

pytestmark = pytest.mark.django_db


def _events(engagement: Engagement) -> list[tuple[str, str, dict[str, object]]]:
    rows = AuditEvent.objects.filter(
        target_type="cases.engagement", target_id=str(engagement.pk)
    ).order_by("sequence")
    return [(e.action, e.actor_label, e.data) for e in rows]


def _do(action: Action, actor: User, engagement: Engagement) -> Engagement:
    """Take `action` with inputs that satisfy its own rules, so only role and status decide.

    A decision is written by the case app's primitive, which the routed services of the
    decisions app call (tests/web/decisions test the route); here its role and status checks.
    """
    approve = services.DecisionInput(
        Engagement.Decision.APPROVE, "Low risk", review_date=REVIEW_DATE
    )
    calls: dict[Action, Callable[[], Engagement]] = {
        Action.SUBMIT: lambda: services.engagement_submit(actor=actor, engagement=engagement),
        Action.WITHDRAW: lambda: services.engagement_withdraw(actor=actor, engagement=engagement),
        Action.START_REVIEW: lambda: services.engagement_review_start(
            actor=actor, engagement=engagement
        ),
        Action.DECIDE: lambda: services.engagement_decision_apply(
            actor=actor, engagement=engagement, decision=approve, now=NOW
        ),
        Action.ACTIVATE: lambda: services.engagement_activate(actor=actor, engagement=engagement),
        Action.CLOSE: lambda: services.engagement_close(
            actor=actor, engagement=engagement, reason="Done"
        ),
    }
    return calls[action]()


# Each transition, the status it leaves from, where it lands, and who of the cast may take it.
TRANSITIONS = [
    (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, {"rita"}),
    (Action.WITHDRAW, Status.SUBMITTED, Status.DRAFT, {"rita"}),
    (Action.START_REVIEW, Status.SUBMITTED, Status.IN_REVIEW, {"olga"}),
    (Action.START_REVIEW, Status.REVIEW_DUE, Status.IN_REVIEW, {"olga"}),
    (Action.DECIDE, Status.IN_REVIEW, Status.DECIDED, {"olga", "alan"}),
    (Action.ACTIVATE, Status.DECIDED, Status.ACTIVE, {"olga"}),
    (Action.CLOSE, Status.ACTIVE, Status.CLOSED, {"olga"}),
    (Action.CLOSE, Status.SUBMITTED, Status.CLOSED, {"olga"}),
]


@pytest.mark.parametrize(("action", "source", "target", "allowed"), TRANSITIONS)
@pytest.mark.parametrize("who", EVERYONE)
def test_each_transition_is_allowed_to_its_roles_and_refused_to_the_rest(
    cast: Cast,
    advance: Advance,
    action: Action,
    source: Status,
    target: Status,
    allowed: set[str],
    who: str,
) -> None:
    engagement = advance(source)

    if who in allowed:
        moved = _do(action, cast.by_name(who), engagement)
        assert moved.status == target
        _, _, data = _events(engagement)[-1]
        assert (data["old"], data["new"]) == (source.value, target.value)
    else:
        with pytest.raises(PermissionDenied):
            _do(action, cast.by_name(who), engagement)
        assert Engagement.objects.get(pk=engagement.pk).status == source


def test_a_refusal_says_why(cast: Cast, advance: Advance) -> None:
    draft = advance(Status.DRAFT)
    submitted = advance(Status.SUBMITTED)

    with pytest.raises(PermissionDenied, match=r"^Only the engagement's owner may submit it\.$"):
        services.engagement_submit(actor=cast.tom, engagement=draft)
    with pytest.raises(PermissionDenied, match=r"^Your role does not allow you to review cases\.$"):
        services.engagement_review_start(actor=cast.aude, engagement=submitted)
    with pytest.raises(
        PermissionDenied,
        match=r"^This engagement is outside what you can see \(needed to propose engagements\)\.$",
    ):
        services.engagement_submit(actor=cast.otto, engagement=draft)


ALL_STATUSES = list(Status)
SOURCES = {
    Action.SUBMIT: {Status.DRAFT},
    Action.WITHDRAW: {Status.SUBMITTED},
    Action.START_REVIEW: {Status.SUBMITTED, Status.REVIEW_DUE},
    Action.DECIDE: {Status.IN_REVIEW},
    Action.ACTIVATE: {Status.DECIDED},
    Action.CLOSE: {
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.AWAITING_INFORMATION,
        Status.DECIDED,
        Status.ACTIVE,
        Status.REVIEW_DUE,
    },
}
INVALID = [
    (action, status)
    for action, sources in SOURCES.items()
    for status in ALL_STATUSES
    if status not in sources
]
ACTOR_FOR = {
    Action.SUBMIT: "rita",
    Action.WITHDRAW: "rita",
    Action.START_REVIEW: "olga",
    Action.DECIDE: "olga",
    Action.ACTIVATE: "olga",
    Action.CLOSE: "olga",
}
VERBS = {
    Action.SUBMIT: "submit",
    Action.WITHDRAW: "withdraw",
    Action.START_REVIEW: "start the review of",
    Action.DECIDE: "decide",
    Action.ACTIVATE: "activate",
    Action.CLOSE: "close",
}


@pytest.mark.parametrize(("action", "status"), INVALID)
def test_a_transition_from_a_wrong_status_is_refused_with_a_stable_message(
    cast: Cast, advance: Advance, action: Action, status: Status
) -> None:
    engagement = advance(status)
    before = AuditEvent.objects.count()

    with pytest.raises(services.InvalidTransition) as raised:
        _do(action, cast.by_name(ACTOR_FOR[action]), engagement)

    assert str(raised.value) == (
        f'Cannot {VERBS[action]} this engagement while its status is "{status.label}".'
    )
    assert Engagement.objects.get(pk=engagement.pk).status == status
    assert AuditEvent.objects.count() == before


def test_create_normalises_codes_and_audits_the_new_values(cast: Cast) -> None:
    engagement = services.engagement_create(
        actor=cast.rita, fields=fields(team=[cast.tom, cast.rita, cast.tom])
    )

    assert engagement.owner == cast.rita
    assert engagement.department == cast.physics
    assert engagement.status == Status.DRAFT
    assert engagement.countries == ["DE", "JP"]
    assert engagement.funding_currency == "GBP"
    assert list(engagement.team.all()) == [cast.tom]
    [(action, actor, data)] = _events(engagement)
    assert (action, actor) == ("trustdesk.engagement.created", "Rita Tester (rita)")
    assert data["new"] == {
        "title": "Quantum sensing with Example University",
        "kind": "research_collaboration",
        "summary": "Joint work on cold-atom gravimeters.",
        "department": "Physics",
        "countries": ["DE", "JP"],
        "research_areas": ["quantum sensing", "metrology"],
        "funding_amount": "125000.00",
        "funding_currency": "GBP",
        "funding_source": "Horizon Europe",
        "start_date": "2026-05-01",
        "end_date": "2028-04-30",
        "team": ["tom"],
    }


@pytest.mark.parametrize("who", ["alan", "aude", "ada"])
def test_roles_that_do_not_propose_cannot_create(cast: Cast, who: str) -> None:
    with pytest.raises(
        PermissionDenied, match=r"^Your role does not allow you to propose engagements\.$"
    ):
        services.engagement_create(actor=cast.by_name(who), fields=fields())

    assert not Engagement.objects.exists()


def test_invalid_values_are_refused_field_by_field(cast: Cast) -> None:
    with pytest.raises(services.EngagementInvalid) as raised:
        services.engagement_create(
            actor=cast.rita,
            fields=fields(
                countries=["Atlantis"],
                funding_currency="XYZ",
                start_date=date(2026, 5, 1),
                end_date=date(2026, 4, 1),
                kind="picnic",
            ),
        )

    assert raised.value.errors == {
        "countries": [
            "'Atlantis' is not a country in ISO 3166-1 (use a name or a two-letter code)."
        ],
        "funding_currency": ["'XYZ' is not an ISO 4217 currency code (e.g. GBP, EUR, USD)."],
        "end_date": ["The end date is before the start date."],
        "kind": ["Value 'picnic' is not a valid choice."],
    }
    assert not Engagement.objects.exists()


def test_an_amount_needs_its_currency(cast: Cast) -> None:
    with pytest.raises(services.EngagementInvalid) as raised:
        services.engagement_create(
            actor=cast.rita, fields=fields(funding_amount=Decimal("10"), funding_currency="")
        )

    assert raised.value.errors == {"funding_currency": ["Give the currency of the amount."]}


@pytest.mark.parametrize("who", ["rita", "tom", "cara", "olga"])
def test_a_draft_is_edited_by_the_people_on_it_and_the_trail_keeps_old_and_new(
    cast: Cast, advance: Advance, who: str
) -> None:
    engagement = advance(Status.DRAFT)

    services.engagement_update(
        actor=cast.by_name(who),
        engagement=engagement,
        fields=fields(title="Quantum sensing II", countries=["FR"], team=[cast.tom]),
    )

    engagement.refresh_from_db()
    assert (engagement.title, engagement.countries) == ("Quantum sensing II", ["FR"])
    action, _, data = _events(engagement)[-1]
    assert action == "trustdesk.engagement.updated"
    assert data == {
        "old": {"title": "Quantum sensing with Example University", "countries": ["DE", "JP"]},
        "new": {"title": "Quantum sensing II", "countries": ["FR"]},
        "version": 2,
    }


@pytest.mark.parametrize("who", ["chad", "otto", "alan", "aude", "ada"])
def test_a_draft_is_not_edited_by_anyone_else(cast: Cast, advance: Advance, who: str) -> None:
    engagement = advance(Status.DRAFT)

    with pytest.raises(PermissionDenied):
        services.engagement_update(
            actor=cast.by_name(who), engagement=engagement, fields=fields(title="Changed")
        )

    assert Engagement.objects.get(pk=engagement.pk).title != "Changed"


def test_an_edit_that_changes_nothing_records_nothing(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.DRAFT)
    before = AuditEvent.objects.count()

    services.engagement_update(
        actor=cast.rita, engagement=engagement, fields=fields(team=[cast.tom])
    )

    assert AuditEvent.objects.count() == before


def test_once_submitted_only_officers_edit(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.IN_REVIEW)

    with pytest.raises(
        PermissionDenied,
        match=r"^Once submitted, only the research-security team may edit an engagement\.$",
    ):
        services.engagement_update(actor=cast.rita, engagement=engagement, fields=fields(title="X"))
    services.engagement_update(
        actor=cast.olga, engagement=engagement, fields=fields(title="Y", team=[cast.tom])
    )

    assert Engagement.objects.get(pk=engagement.pk).title == "Y"


def test_a_closed_engagement_cannot_be_edited(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.CLOSED)

    with pytest.raises(services.NotEditable, match=r"^A closed engagement cannot be edited\.$"):
        services.engagement_update(actor=cast.olga, engagement=engagement, fields=fields())


def test_submitting_needs_a_department(cast: Cast) -> None:
    rootless = factories.make_user("nora")
    engagement = services.engagement_create(actor=rootless, fields=fields())

    with pytest.raises(services.NotReady, match=r"^Choose the engagement's department"):
        services.engagement_submit(actor=rootless, engagement=engagement)


def test_withdraw_keeps_an_optional_reason(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.SUBMITTED)

    services.engagement_withdraw(actor=cast.rita, engagement=engagement, reason="Partner changed")

    action, _, data = _events(engagement)[-1]
    assert action == "trustdesk.engagement.withdrawn"
    assert data == {
        "old": "submitted",
        "new": "draft",
        "reason": "Partner changed",
        "version": 3,
    }


def test_a_decision_is_written_with_its_reason_conditions_and_review_date(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.IN_REVIEW)

    decided = services.engagement_decision_apply(
        actor=cast.olga,
        engagement=engagement,
        decision=services.DecisionInput(
            Engagement.Decision.APPROVE_WITH_CONDITIONS,
            "Dual-use risk mitigated",
            conditions="No export-controlled data shared. (due 2026-06-01)",
            review_date=date(2027, 1, 31),
        ),
        now=NOW,
        data={"route": "officer"},
    )

    assert decided.status == Status.DECIDED
    assert decided.decision == Engagement.Decision.APPROVE_WITH_CONDITIONS
    assert (decided.decided_by, decided.decided_at) == (cast.olga, NOW)
    action, actor, data = _events(engagement)[-1]
    assert (action, actor) == ("trustdesk.engagement.decided", "Olga Tester (olga)")
    assert data == {
        "old": "in_review",
        "new": "decided",
        "decision": "approve_with_conditions",
        "conditions": "No export-controlled data shared. (due 2026-06-01)",
        "review_date": "2027-01-31",
        "route": "officer",
        "reason": "Dual-use risk mitigated",
        "version": 4,
    }


def test_a_declined_case_cannot_become_active_but_can_be_closed(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.IN_REVIEW)
    factories.recommend_and_decide(
        engagement, cast.olga, what=factories.proposal(Outcome.DECLINE, "Sanctions listed")
    )

    with pytest.raises(
        services.NotReady, match=r"^Only an approved engagement can become active\.$"
    ):
        services.engagement_activate(actor=cast.olga, engagement=engagement)
    closed = services.engagement_close(actor=cast.olga, engagement=engagement, reason="Declined")

    assert (closed.status, closed.closed_reason) == (Status.CLOSED, "Declined")


def test_closing_needs_a_reason(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.ACTIVE)

    with pytest.raises(services.NotReady, match=r"^Give a reason for closing the engagement\.$"):
        services.engagement_close(actor=cast.olga, engagement=engagement, reason=" ")


def test_the_review_due_sweep_moves_active_cases_whose_date_has_come(
    cast: Cast, advance: Advance
) -> None:
    due = advance(Status.ACTIVE)
    later = advance(Status.IN_REVIEW)
    factories.recommend_and_decide(
        later, cast.olga, what=factories.proposal(review_date=date(2027, 6, 1)), now=NOW
    )
    services.engagement_activate(actor=cast.olga, engagement=later)
    decided = advance(Status.DECIDED)

    before = services.engagement_mark_review_due(now=datetime(2027, 2, 28, 23, 59, tzinfo=UTC))
    on_the_day = services.engagement_mark_review_due(now=datetime(2027, 3, 1, 0, 1, tzinfo=UTC))
    again = services.engagement_mark_review_due(now=datetime(2027, 3, 2, tzinfo=UTC))

    assert before == []
    assert [e.pk for e in on_the_day] == [due.pk]
    assert again == []
    statuses = dict(Engagement.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "review_due", later.pk: "active", decided.pk: "decided"}
    action, actor, data = _events(due)[-1]
    assert (action, actor) == ("trustdesk.engagement.review_due", "task:cases.review_due")
    assert data == {
        "old": "active",
        "new": "review_due",
        "review_date": "2027-03-01",
        "today": "2027-03-01",
        "version": 6,
    }


def test_a_due_review_goes_back_into_review_with_the_officers_authority(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.REVIEW_DUE)

    reviewed = services.engagement_review_start(actor=cast.olga, engagement=engagement)

    assert reviewed.status == Status.IN_REVIEW


def test_the_trail_stays_verifiable_through_a_whole_life_cycle(advance: Advance) -> None:
    engagement = advance(Status.CLOSED, tier="enhanced")

    assert [e[0].removeprefix("trustdesk.") for e in _events(engagement)] == [
        "engagement.created",
        "triage.started",
        "triage.completed",
        "engagement.submitted",
        "engagement.review_started",
        "decision.recommended",
        "engagement.decided",
        "engagement.activated",
        "engagement.closed",
    ]
    assert verify_chain().intact
