"""A rich triage result reads in a minute: summary first, short at laptop and phone width.

A case that fires most of gb-base's rules (a partner in a sanctioned country, sensitive technology
shared abroad, a foreign military end use, state funding, personal data abroad, a visitor and a
trip) once ran to about 8,000 px at 1366 px wide and 25,000 px at 390 px, with the sanctions
reason repeated under every process and checklist item. With TRUSTDESK_SCREENSHOTS=/some/dir the
page at both widths is saved there as PNG, and the heights are printed, for a person to look at.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, ViewportSize
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.web.triage.test_result_page import RICH
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.triage import services
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("TRUSTDESK_SCREENSHOTS", "")
WIDTHS: dict[str, ViewportSize] = {
    "1366": {"width": 1366, "height": 900},
    "390": {"width": 390, "height": 844},
}
#: The longest the page may be at each width (px): 6,732 and 12,355 when measured after the
#: redesign (15,709 and 57,462 before it), with some room.
LONGEST = {"1366": 7000, "390": 14500}
SCROLLS_SIDEWAYS = "() => document.scrollingElement.scrollWidth > window.innerWidth"


@pytest.fixture(autouse=True)
def _uk_pack(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def rich_session() -> TriageSession:
    history = factories.make_department("Physics")
    owner = factories.make_user("rita", department=history, last_name="Reyes")
    session = services.triage_start(actor=owner, engagement=None)
    session = services.triage_answers_save(
        actor=owner, session=session, answers=RICH, questions=list(RICH)
    )
    return services.triage_complete(actor=owner, session=session)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_rich_result_is_short_and_says_the_tier_first(
    browser: Browser, live_server: LiveServer, width: str
) -> None:
    session = rich_session()
    client = Client()
    client.force_login(session.owner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=WIDTHS[width])
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()

    page.goto(live_server.url + session.get_absolute_url())

    height = page.evaluate("() => document.scrollingElement.scrollHeight")
    print(f"triage result height at {width} px: {height} px")  # noqa: T201  # the figure reported
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"triage-result-{width}.png", full_page=True)
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    # The summary comes first: the tier is seen without scrolling.
    summary = page.locator("#summary-heading")
    assert summary.is_visible()
    box = summary.bounding_box()
    assert box is not None
    assert box["y"] < WIDTHS[width]["height"]
    assert height <= LONGEST[width]
    context.close()
