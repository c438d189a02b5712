"""The FCDO's own statuses (whole country, parts) from a refresh, on the page and in triage."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests import factories
from tests.web.reference.conftest import PACK
from tests.web.reference.fcdo_api import PARTS_ALL, WHOLE_ESSENTIAL, FakeFCDO
from trustdesk.policy.triage import triage
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.reference import selectors, services
from trustdesk.web.reference.models import ReferenceValue

pytestmark = pytest.mark.django_db

TRAVEL = reverse("reference:travel-advice-detail")

#: The reference test pack, declaring the two statuses and a rule on advice for parts.
STATUS_PACK = (
    PACK
    + """  - id: no-go-parts
    when:
      all:
        - {answer: purpose, in: [conference, fieldwork]}
        - {country_of: country, indicator: fcdo_parts, equals: all-travel}
    then: {processes: [travel-exemption]}
    reason: The FCDO advises against all travel to parts of the country.
"""
).replace(
    "country_profiles:\n",
    """  - id: fcdo_whole_country
    title: FCDO advice against travel to the whole country
    description: all-travel, all-but-essential or none
    scale: all-travel / all-but-essential / none
    source: {title: FCDO travel advice, url: "https://www.gov.uk/foreign-travel-advice",
             checked: 2026-08-22}
  - id: fcdo_parts
    title: FCDO advice against travel to parts of the country
    description: all-travel, all-but-essential or none
    scale: all-travel / all-but-essential / none
    source: {title: FCDO travel advice, url: "https://www.gov.uk/foreign-travel-advice",
             checked: 2026-08-22}
country_profiles:
""",
)


@pytest.fixture(autouse=True)
def _embedded_queue(settings: SettingsWrapper) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def status_pack(tmp_path: Path, settings: SettingsWrapper) -> Path:
    path = tmp_path / "status-test.yaml"
    path.write_text(STATUS_PACK, encoding="utf-8")
    settings.TRUSTDESK_POLICY_PACK = str(path)
    return path


@pytest.fixture
def ukraine(fcdo: FakeFCDO) -> FakeFCDO:
    """Advice against all but essential travel to the whole country and all travel to parts."""
    fcdo.countries["ukraine"] = ("Ukraine", [WHOLE_ESSENTIAL, PARTS_ALL], "2026-11-20T10:00:00Z")
    fcdo.publish()
    return fcdo


def test_all_travel_to_parts_is_not_hidden_by_whole_country_advice(
    ukraine: FakeFCDO, status_pack: Path
) -> None:
    services.travel_advice_refresh(actor="test")

    outcome = triage(selectors.active_pack(), {"country": "UA", "purpose": "fieldwork"})

    (process,) = outcome.processes
    assert process.reasons[0].because[-1] == (
        "FCDO advice against travel to parts of the country for Ukraine is all-travel"
    )


def test_a_value_stored_without_codes_gets_the_status_its_level_implies(
    fcdo: FakeFCDO, status_pack: Path
) -> None:
    services.travel_advice_refresh(actor="test")
    # As a version that stored only the level left it.
    ReferenceValue.objects.filter(country="IL").update(codes=[])

    (_, whole, parts) = selectors.current_overlays()

    assert (whole.values["IL"], parts.values["IL"]) == ("none", "all-travel")
    assert (whole.values["RU"], parts.values["RU"]) == ("all-travel", "none")


def test_the_page_shows_each_countrys_statuses_and_lists_parts_closed_to_all_travel(
    ukraine: FakeFCDO, status_pack: Path
) -> None:
    services.travel_advice_refresh(actor="test")
    client = Client()
    client.force_login(factories.make_user("auditor-status", User.Role.AUDITOR))

    text = client.get(TRAVEL).content.decode()

    assert "<h2>Against all travel to parts of the country</h2>" in text
    parts_section = text.split("<h2>Against all travel to parts of the country</h2>", 1)[1]
    assert "Ukraine (UA)" in parts_section
    assert "Israel (IL)" in parts_section
    assert (
        "Advises against all but essential travel to the whole country and advises against "
        "all travel to parts of the country"
    ) in text
