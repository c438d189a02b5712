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

from datetime import date
from decimal import Decimal
from typing import Any

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import Organisation, Person


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
