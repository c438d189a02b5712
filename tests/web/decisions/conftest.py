"""The engagement cast (tests/web/cases/conftest.py) plus the committee: four approvers' seats.

Alan is the approver who decides the enhanced tier; Bea, Cem, Dov and Eve hold the four seats of
gb-base's research security committee, which decides the escalated tier with a quorum of 3.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests import factories
from tests.web.cases.conftest import Cast, advance, cast, fields, triage_answers  # noqa: F401  # fixtures
from trustdesk.policy.registry import load
from trustdesk.policy.routing import route_for
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import services

SEATS = ("chair", "research-director", "academic-member", "legal-member")


@dataclass(frozen=True)
class Committee:
    bea: User
    cem: User
    dov: User
    eve: User

    @property
    def members(self) -> list[User]:
        return [self.bea, self.cem, self.dov, self.eve]


@pytest.fixture
def committee(cast: Cast) -> Committee:  # noqa: F811  # the imported fixture
    members = [factories.make_user(n, User.Role.APPROVER) for n in ("bea", "cem", "dov", "eve")]
    route = route_for(load("gb-base"), "escalated")
    for member, seat in zip(members, SEATS, strict=True):
        services.committee_seat_assign(
            actor=cast.ada, route=route, seat=seat, holder=member, pack_id="gb-base"
        )
    return Committee(*members)


InReview = Callable[..., Engagement]


@pytest.fixture
def in_review(cast: Cast) -> InReview:  # noqa: F811  # the imported fixture
    """Rita's engagement (Tom on the team), triaged in `tier`, submitted and in Olga's review."""

    def make(tier: str = "standard", *, owner: User | None = None) -> Engagement:
        who = owner or cast.rita
        e = case_services.engagement_create(actor=who, fields=fields(team=[cast.tom]))
        factories.complete_triage(e, who, tier)
        e = case_services.engagement_submit(actor=who, engagement=e)
        return case_services.engagement_review_start(actor=cast.olga, engagement=e)

    return make
