"""The engagement page's brief in Chromium: the next step is above the fold, at laptop and phone.

Three cases, as an officer at 1366 px and as the researcher at 390 px: one in review with open
hits, one awaiting the committee's votes, one decided with conditions. With
TRUSTDESK_SCREENSHOTS=/some/dir each page is saved there as PNG (the whole page, and what shows
before scrolling), for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, ViewportSize
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import axe_violations
from tests.web.cases.conftest import Cast, cast  # noqa: F401  # the fixture
from tests.web.cases.test_brief import LISTED, _case
from tests.web.decisions.conftest import Committee, committee  # noqa: F401  # the fixture
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import services as decision_services
from trustdesk.web.decisions.models import Outcome
from trustdesk.web.partners.models import ScreeningHit

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("TRUSTDESK_SCREENSHOTS", "")
WIDTHS: dict[str, ViewportSize] = {
    "1366": {"width": 1366, "height": 900},
    "390": {"width": 390, "height": 844},
}
SCROLLS_SIDEWAYS = "() => document.scrollingElement.scrollWidth > window.innerWidth"


def _in_review(cast: Cast, committee: Committee) -> Engagement:  # noqa: F811
    return _case(cast, hits=2, partners=2)


def _committee(cast: Cast, committee: Committee) -> Engagement:  # noqa: F811
    e = _case(cast, tier="escalated", hits=1)
    ScreeningHit.objects.filter(run__organisation__engagement_links__engagement=e).update(
        verdict="false_positive"
    )
    decision_services.recommendation_make(
        actor=cast.olga,
        engagement=e,
        proposal=factories.proposal(
            Outcome.APPROVE_WITH_CONDITIONS,
            "The partner is not the listed institute; export control applies to the sensors.",
            conditions=(("Export licence checked before shipping", date(2099, 1, 1)),),
        ),
    )
    decision_services.vote_cast(
        actor=committee.bea, engagement=e, outcome=Outcome.APPROVE, reason="Sound"
    )
    return e


def _decided(cast: Cast, committee: Committee) -> Engagement:  # noqa: F811
    e = _case(cast, hits=1)
    ScreeningHit.objects.filter(run__organisation__engagement_links__engagement=e).update(
        verdict="false_positive"
    )
    what = factories.proposal(
        Outcome.APPROVE_WITH_CONDITIONS,
        "Low risk once the export licence is checked.",
        conditions=(("Export licence checked before shipping", date(2099, 1, 1)),),
    )
    factories.recommend_and_decide(e, cast.olga, what=what)
    return e


CASES: dict[str, Callable[[Cast, Committee], Engagement]] = {
    "in-review-with-hits": _in_review,
    "awaiting-committee-votes": _committee,
    "decided-with-conditions": _decided,
}
READERS = {"officer": ("olga", "1366"), "researcher": ("rita", "390")}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("stage", list(CASES))
def test_the_brief_shows_the_next_step_before_any_scrolling(
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,  # noqa: F811
    committee: Committee,  # noqa: F811
    stage: str,
    reader: str,
) -> None:
    e = CASES[stage](cast, committee)
    name, width = READERS[reader]
    user: User = cast.by_name(name)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=WIDTHS[width])
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + e.get_absolute_url())

    brief = page.locator("section.brief")
    assert brief.is_visible()
    waiting = page.locator(".brief-blockers, .brief-next").first
    box = waiting.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= WIDTHS[width]["height"]  # read before scrolling
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    if reader == "researcher":
        assert LISTED not in page.content()
    assert axe_violations(page) == []
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"brief-{stage}-{reader}-{width}.png", full_page=True)
        page.screenshot(path=folder / f"brief-{stage}-{reader}-{width}-fold.png")
    context.close()
