"""The standard cast for engagement tests, and engagements brought to each status by the services.

Rita (researcher, Physics) owns the case and Tom (researcher, Chemistry) is on its team; Cara
champions Physics and Chad champions Chemistry; Olga is an officer, Alan an approver, Aude an
auditor, Ada an admin; Otto is a researcher with nothing to do with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from tests import factories
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.cases import services
from trustdesk.web.cases.models import Engagement

Status = Engagement.Status
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REVIEW_DATE = date(2027, 3, 1)
EVERYONE = ["rita", "tom", "cara", "chad", "olga", "alan", "aude", "ada", "otto"]
REVIEW_DUE_NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Cast:
    physics: Department
    chemistry: Department
    rita: User
    tom: User
    cara: User
    chad: User
    olga: User
    alan: User
    aude: User
    ada: User
    otto: User

    def by_name(self, name: str) -> User:
        user: User = getattr(self, name)
        return user


@pytest.fixture
def cast(db: None) -> Cast:
    physics = factories.make_department("Physics", faculty="Science")
    chemistry = factories.make_department("Chemistry", faculty="Science")
    user = factories.make_user

    return Cast(
        physics=physics,
        chemistry=chemistry,
        rita=user("rita", User.Role.RESEARCHER, department=physics),
        tom=user("tom", User.Role.RESEARCHER, department=chemistry),
        cara=user("cara", User.Role.CHAMPION, department=physics),
        chad=user("chad", User.Role.CHAMPION, department=chemistry),
        olga=user("olga", User.Role.OFFICER),
        alan=user("alan", User.Role.APPROVER),
        aude=user("aude", User.Role.AUDITOR),
        ada=user("ada", User.Role.ADMIN),
        otto=user("otto", User.Role.RESEARCHER, department=chemistry),
    )


# The short name the engagement tests (and the triage and API ones) call it by.
fields = factories.engagement_fields

Advance = Callable[..., Engagement]


@pytest.fixture
def triage_answers() -> dict[str, object]:
    """The answers `advance` completes a triage with: gb-base's; a test package under another
    policy pack overrides this fixture with answers that complete its pack."""
    return factories.QUIET_TRIAGE


@pytest.fixture
def advance(cast: Cast, triage_answers: dict[str, object]) -> Advance:
    """A new engagement of Rita's (Tom on the team) brought to `status` through the services.

    Past a draft it has a completed triage (standard tier unless `tier` says otherwise), so an
    officer decides it unless the tier routes it elsewhere. `tier=None` leaves it untriaged
    (submitting does not require a triage; what needs one refuses such a case).
    """

    def make(status: Status = Status.DRAFT, *, tier: str | None = "standard") -> Engagement:
        e = services.engagement_create(actor=cast.rita, fields=fields(team=[cast.tom]))
        if status is Status.DRAFT:
            return e
        if tier is not None:
            factories.complete_triage(e, cast.rita, tier, triage_answers)
        e = services.engagement_submit(actor=cast.rita, engagement=e)
        if status is Status.SUBMITTED:
            return e
        e = services.engagement_review_start(actor=cast.olga, engagement=e)
        if status is Status.IN_REVIEW:
            return e
        if status is Status.AWAITING_INFORMATION:
            services.information_request(
                actor=cast.olga, engagement=e, questions=["Who funds the partner's lab?"]
            )
            return Engagement.objects.get(pk=e.pk)
        decider = cast.alan if tier == "enhanced" else cast.olga
        factories.recommend_and_decide(e, cast.olga, decider, now=NOW)
        e = Engagement.objects.get(pk=e.pk)
        if status is Status.DECIDED:
            return e
        e = services.engagement_activate(actor=cast.olga, engagement=e)
        if status is Status.ACTIVE:
            return e
        if status is Status.CLOSED:
            return services.engagement_close(actor=cast.olga, engagement=e, reason="Finished")
        services.engagement_mark_review_due(now=REVIEW_DUE_NOW)
        return Engagement.objects.get(pk=e.pk)

    return make
