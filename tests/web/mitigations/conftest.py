"""The engagement cast, and engagements of Rita's whose triage (under gb-base) calls for
checklist items: a staff trip to Germany carrying devices asks for device hygiene."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.web.cases.conftest import Cast, advance, cast, fields, triage_answers  # noqa: F401  # shared fixtures
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.triage import services as triage_services

Status = Engagement.Status
TRAVEL_WITH_DEVICES = {
    "engagement_kind": ["staff-travel"],
    "travel_country": "DE",
    "research_areas": ["history"],
    "travel_carrying": ["devices"],
}


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    # A data directory per test, so the evidence files one test keeps are not another's.
    settings.HOME = tmp_path / "home"
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


Triaged = Callable[..., Engagement]


@pytest.fixture
def triaged(cast: Cast) -> Triaged:  # noqa: F811  # the imported fixture, by name
    """A new engagement of Rita's (Tom on the team), triaged while a draft, then brought to
    `status` (submitted or in review) through the services."""

    def make(status: Status = Status.IN_REVIEW, **answers: object) -> Engagement:
        e = case_services.engagement_create(actor=cast.rita, fields=fields(team=[cast.tom]))
        session = triage_services.triage_start(actor=cast.rita, engagement=e)
        wanted = {**TRAVEL_WITH_DEVICES, **answers}
        first = {k: wanted[k] for k in ("engagement_kind", "travel_country")}
        rest = {k: v for k, v in wanted.items() if k not in first}
        for batch in (first, rest):
            session = triage_services.triage_answers_save(
                actor=cast.rita, session=session, answers=batch, questions=list(batch)
            )
        triage_services.triage_complete(actor=cast.rita, session=session)
        if status is Status.DRAFT:
            return e
        e = case_services.engagement_submit(actor=cast.rita, engagement=e)
        if status is Status.SUBMITTED:
            return e
        return case_services.engagement_review_start(actor=cast.olga, engagement=e)

    return make
