"""Assessment fixtures: the engagement cast, a test pack with risk rules, a listed partner, and an
engagement with a completed triage brought into review through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.web.cases.conftest import Cast, advance, cast, fields  # noqa: F401  # shared fixtures
from tests.web.triage.conftest import LISTED, TYPICAL, watch_list  # noqa: F401  # shared fixture
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.triage import services as triage_services

PACKS = Path(__file__).parent / "packs"
PACK = PACKS / "assess-test.yaml"
PACK_2 = PACKS / "assess-test-2.yaml"


@pytest.fixture(autouse=True)
def _test_pack(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = str(PACK)
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def triage_answers() -> dict[str, object]:
    """The answers `advance` completes a triage with: the test pack's, not gb-base's."""
    return TYPICAL


def listed_partner(people: Cast, engagement: Engagement, name: str = LISTED) -> ScreeningHit | None:
    """An organisation screened against the test list and added to the engagement; its hit."""
    org = factories.make_organisation(people.rita, name)
    run = ScreeningRun.objects.get(organisation=org)
    partner_services.screening_run(run_id=str(run.public_id), actor="test:assess")
    case_services.engagement_partner_add(
        actor=people.rita,
        engagement=engagement,
        partner=org,
        role=EngagementPartner.Role.COLLABORATOR,
    )
    return ScreeningHit.objects.filter(run__organisation=org).first()


Case = Callable[..., tuple[Engagement, ScreeningHit | None]]


@pytest.fixture
def in_review(cast: Cast) -> Case:  # noqa: F811  # the imported fixture
    """Rita's engagement with a partner (listed or not), triaged by her, in Olga's review."""

    def make(*, partner: str = LISTED, **answers: object) -> tuple[Engagement, ScreeningHit | None]:
        engagement = case_services.engagement_create(
            actor=cast.rita, fields=fields(team=[cast.tom])
        )
        hit = listed_partner(cast, engagement, partner)
        session = triage_services.triage_start(actor=cast.rita, engagement=engagement)
        session = triage_services.triage_answers_save(
            actor=cast.rita,
            session=session,
            answers={**TYPICAL, **answers},
            questions=[*TYPICAL, *answers],
        )
        triage_services.triage_complete(actor=cast.rita, session=session)
        engagement = case_services.engagement_submit(actor=cast.rita, engagement=engagement)
        engagement = case_services.engagement_review_start(actor=cast.olga, engagement=engagement)
        return engagement, hit

    return make
