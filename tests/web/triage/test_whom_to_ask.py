"""Whom to ask: the triage result and the engagement page name the hub's record for each
process's contact (their deputy while away), not the policy pack's own text."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.web.cases.conftest import Cast
from tests.web.triage.test_result_page import page, rich
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.hub import services as hub
from trustdesk.web.triage import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _test_pack(settings: Any) -> None:  # the UK base pack, whose processes name contact keys
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def test_the_summary_and_the_case_page_name_the_hubs_person_and_their_deputy_while_away(
    cast: Cast,
) -> None:
    # given the hub's records: Graham answers for the pack's export-control contact, and is
    # away today with Priya deputising
    today = timezone.localdate()
    priya = hub.contact_create(
        actor=cast.olga,
        fields=hub.ContactFields(name="Priya Shah", email="priya@uni.example"),
    )
    hub.contact_create(
        actor=cast.olga,
        fields=hub.ContactFields(
            name="Graham Pike",
            key="export-control",
            email="graham@uni.example",
            away_from=today,
            away_until=today + timedelta(days=3),
            deputy=priya,
        ),
    )
    engagement = factories.make_engagement(cast.rita, title="Photonics")
    session = services.triage_attach(
        actor=cast.rita, session=rich(cast.rita), engagement=engagement
    )

    result = page(cast.rita, session.get_absolute_url())
    case = page(cast.rita, engagement.get_absolute_url())

    table = result[result.index('class="process-table"') : result.index("</table>")]
    assert "Export control officer" not in table  # the pack's text gives way to the person
    assert "mailto:priya@uni.example" in table
    assert "Graham Pike</a>, away until" in table
    asked = case[case.index("Whom to ask") : case.index("Worked out")]
    assert "Graham Pike</a>, away until" in asked
    assert "mailto:priya@uni.example" in asked
    assert f'href="{priya.get_absolute_url()}"' in case
