"""Builders for the users and records tests start from: one each, so a change is mended once.

Departments and users are a test's starting state and are set up as rows (a cast needs no audit
trail of its own making). Organisations, people and engagements are made through the services, as
a person would make them, so they are in the states the pages and services expect (screened,
audited, scoped).

Plain typed functions rather than factory_boy: its declarations are untyped, so mypy would see
`Any` through every record, and all records but users come from a service that a factory class
would only wrap.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.decisions import services as decision_services
from trustdesk.web.decisions.models import Decision, Outcome
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import Organisation, Person
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage import services as triage_services
from trustdesk.web.triage.models import TriageSession


def make_department(name: str, faculty: str = "") -> Department:
    return Department.objects.create(name=name, faculty=faculty)


def make_user(
    username: str,
    role: User.Role = User.Role.RESEARCHER,
    *,
    department: Department | None = None,
    password: str | None = None,
    active: bool = True,
    first_name: str | None = None,
    last_name: str = "Tester",
) -> User:
    """A user named after `username` ("rita" is Rita Tester, rita@uni.example), without a usable
    password unless one is given."""
    user = User(
        username=username,
        email=f"{username}@uni.example",
        first_name=username.capitalize() if first_name is None else first_name,
        last_name=last_name,
        role=role,
        department=department,
        is_active=active,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def make_organisation(
    actor: User, name: str, *, kind: str = "university", **fields: Any
) -> Organisation:
    """An organisation created by `actor` through the service (which queues its screening)."""
    data = partner_services.OrganisationInput(name=name, kind=kind, **fields)
    return partner_services.organisation_create(actor=actor, data=data)


def make_person(actor: User, name: str, **fields: Any) -> Person:
    """A person created by `actor` through the service (which queues their screening)."""
    data = partner_services.PersonInput(name=name, **fields)
    return partner_services.person_create(actor=actor, data=data)


def engagement_fields(**overrides: object) -> case_services.EngagementFields:
    """A research collaboration filled in throughout (dates, funding, countries), or overridden."""
    values: dict[str, object] = {
        "title": "Quantum sensing with Example University",
        "kind": Engagement.Kind.RESEARCH_COLLABORATION,
        "summary": "Joint work on cold-atom gravimeters.",
        "countries": ["DE", "Japan"],
        "research_areas": ["quantum sensing", "metrology"],
        "funding_amount": Decimal("125000.00"),
        "funding_currency": "gbp",
        "funding_source": "Horizon Europe",
        "start_date": date(2026, 5, 1),
        "end_date": date(2028, 4, 30),
    }
    values.update(overrides)
    return case_services.EngagementFields(**values)  # type: ignore[arg-type]


def make_engagement(actor: User, **overrides: object) -> Engagement:
    """A draft engagement proposed by `actor` through the service, from `engagement_fields`."""
    return case_services.engagement_create(actor=actor, fields=engagement_fields(**overrides))


#: Answers that complete a gb-base triage of any engagement: a trip to Germany, nothing carried.
QUIET_TRIAGE: dict[str, object] = {
    "engagement_kind": ["staff-travel"],
    "travel_country": "DE",
    "research_areas": ["history"],
    "travel_carrying": ["nothing"],
}


def complete_triage(
    engagement: Engagement,
    owner: User,
    tier: str = "standard",
    answers: Mapping[str, object] = QUIET_TRIAGE,
) -> TriageSession:
    """A completed triage on a draft engagement, through the services, in the tier asked for.

    The default answers give gb-base's standard tier (tests under another pack pass answers
    that complete theirs); another tier is then written over the stored outcome, because the
    rules that reach each tier are the policy tests' business and these records exist to test
    what the tier routes.
    """
    session = triage_services.triage_start(actor=owner, engagement=engagement)
    session = triage_services.triage_answers_save(
        actor=owner, session=session, answers=dict(answers), questions=list(answers)
    )
    session = triage_services.triage_complete(actor=owner, session=session)
    assert session.outcome is not None
    if session.outcome["tier"]["id"] != tier:
        wanted = next(t for t in triage_selectors.pack().tiers if t.id == tier)
        outcome = {
            **session.outcome,
            "tier": {
                "id": wanted.id,
                "label": wanted.label,
                "description": wanted.description,
                "reasons": [],
            },
        }
        TriageSession.objects.filter(pk=session.pk).update(outcome=outcome)
        # The engagement's stored tier follows, as the services keep it after a completion.
        triage_services.engagement_tier_sync(engagement_id=engagement.pk)
        session.refresh_from_db()
    return session


def proposal(
    outcome: Outcome = Outcome.APPROVE,
    reason: str = "Low risk",
    *,
    conditions: tuple[tuple[str, date], ...] = (),
    review_date: date | None = date(2027, 3, 1),
) -> decision_services.Proposal:
    """A recommendation or decision; approvals get a review date unless told otherwise."""
    approved = outcome in (Outcome.APPROVE, Outcome.APPROVE_WITH_CONDITIONS)
    return decision_services.Proposal(
        outcome=outcome,
        reason=reason,
        conditions=tuple(decision_services.Condition(t, d) for t, d in conditions),
        review_date=review_date if approved else None,
    )


def recommend_and_decide(
    engagement: Engagement,
    officer: User,
    decider: User | None = None,
    what: decision_services.Proposal | None = None,
    now: datetime | None = None,
) -> Decision:
    """The officer recommends `what` and the decider (the officer by default) decides it."""
    what = what or proposal()
    decision_services.recommendation_make(
        actor=officer, engagement=engagement, proposal=what, now=now
    )
    return decision_services.decision_make(
        actor=decider or officer, engagement=engagement, proposal=what, now=now
    )


def make_decided_engagement(
    researcher: User,
    officer: User,
    partner: Organisation | Person,
    title: str = "Wing testing with Southern Example",
) -> Engagement:
    """The researcher's engagement with `partner`, triaged, reviewed and approved by the officer:
    the state in which a list change makes a review fall due."""
    engagement = make_engagement(researcher, title=title)
    case_services.engagement_partner_add(
        actor=researcher,
        engagement=engagement,
        partner=partner,
        role=EngagementPartner.Role.COLLABORATOR,
    )
    complete_triage(engagement, researcher)
    engagement = case_services.engagement_submit(actor=researcher, engagement=engagement)
    engagement = case_services.engagement_review_start(actor=officer, engagement=engagement)
    assessment_services.assessment_run(actor=officer, engagement=engagement)
    recommend_and_decide(engagement, officer)
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.DECIDED
    return engagement
