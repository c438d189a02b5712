"""The governing body's report in Chromium: asked for, waited on, and checked against the dashboard.

A senior owner reads the dashboard's tables, generates the report for the same period, waits
for it on its progress page, downloads the PDF, renders every page to PNG (pypdfium2) and finds
the dashboard's figures in it: the decisions made and the engagements by tier.

With TRUSTDESK_SCREENSHOTS=/some/dir the dashboard and the report's page at 1366 and 390 px and
the PDF's pages are saved there as PNG, for a person to look at.
"""

# ruff: noqa: F811  # the fixtures below are imported from the leadership tests' conftest

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from tests.web.cases.conftest import Advance, Cast
from tests.web.documents.pdftext import read_pdf
from tests.web.leadership.conftest import advance, cast, sam, triage_answers  # noqa: F401
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases.models import Engagement

pytestmark = pytest.mark.django_db(transaction=True)
Status = Engagement.Status

SCREENSHOTS = os.environ.get("TRUSTDESK_SCREENSHOTS", "")
WIDTHS: dict[str, ViewportSize] = {
    "1366": {"width": 1366, "height": 900},
    "390": {"width": 390, "height": 844},
}
SCROLLS_SIDEWAYS = "() => document.scrollingElement.scrollWidth > window.innerWidth"
SHORT = 24  # tier labels this long or shorter stay on one line of the PDF's table


def _signed_in(browser: Browser, live_server: LiveServer, user: User, width: str) -> Page:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context.new_page()


def _shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{name}.png", full_page=True)


def _cases(cast: Cast, advance: Advance) -> None:
    advance(Status.DECIDED)
    advance(Status.ACTIVE)
    advance(Status.SUBMITTED, tier="enhanced")
    assessed = advance(Status.IN_REVIEW, tier="enhanced")
    assessment_services.assessment_run(actor=cast.olga, engagement=assessed)


def _table(page: Page, key: str) -> dict[str, str]:
    """A chart's numbers as the dashboard's table shows them: label to value."""
    rows = page.locator(f"#figure-{key} table.chart-numbers tbody tr")
    return {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").inner_text()
        for i in range(rows.count())
    }


def test_a_periods_report_holds_the_dashboards_figures(
    browser: Browser, live_server: LiveServer, cast: Cast, advance: Advance, sam: User
) -> None:
    _cases(cast, advance)
    page = _signed_in(browser, live_server, sam, "1366")
    page.goto(live_server.url + "/leadership/")
    decisions = page.locator("#headline [data-figure=decisions]").inner_text()
    engagements = page.locator("#headline [data-figure=engagements]").inner_text()
    tiers = _table(page, "tier")
    outcomes = " ".join(f"{k} {v}" for k, v in _table(page, "decision-outcome").items())
    assert (decisions, engagements) == ("2", "4")
    assert tiers["Standard"] == "2"
    _shoot(page, "dashboard-1366")

    page.get_by_role("link", name="The governing body's report").click()
    page.get_by_role("button", name="Generate the report").click()
    page.locator("#report-pdf").wait_for()
    _shoot(page, "report-1366")
    href = page.locator("#report-pdf").get_attribute("href") or ""
    response = page.request.get(live_server.url + href)

    assert response.ok
    document = read_pdf(response.body())
    assert len(document.pages) >= 2
    text = document.flat
    assert f"{engagements} engagement(s) were proposed in the period and {decisions} " in text
    assert f"Decisions by outcome Decisions {outcomes}" in text
    for label, value in tiers.items():
        if len(label) <= SHORT:
            assert f"{label} {value}" in text
    assert "Rita" not in text
    assert "Tester" not in text
    if SCREENSHOTS:
        for number, png in enumerate(document.pages, start=1):
            (Path(SCREENSHOTS) / f"report-pdf-page{number}.png").write_bytes(png)
    page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_dashboard_and_the_reports_page_fit_the_screen(
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,
    advance: Advance,
    sam: User,
    width: str,
) -> None:
    _cases(cast, advance)
    page = _signed_in(browser, live_server, sam, width)

    page.goto(live_server.url + "/leadership/")
    assert page.locator("h1").inner_text() == "Leadership dashboard"
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    _shoot(page, f"dashboard-{width}")
    page.goto(live_server.url + "/leadership/reports/")
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    _shoot(page, f"reports-{width}")
    page.context.close()
