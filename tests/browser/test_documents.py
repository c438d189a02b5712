"""The decision letter in Chromium: readable at laptop and phone width, hostile names inert.

With TRUSTDESK_SCREENSHOTS=/some/dir the letter at both widths and the PDF's first page are
saved there as PNG, for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, ViewportSize
from pytest_django.live_server_helper import LiveServer

from tests.web.documents.conftest import SCRIPTS, Case, case  # noqa: F401  # the fixture
from tests.web.documents.pdftext import read_pdf

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.presentation]

SCREENSHOTS = os.environ.get("TRUSTDESK_SCREENSHOTS", "")
WIDTHS: dict[str, ViewportSize] = {
    "1366": {"width": 1366, "height": 900},
    "390": {"width": 390, "height": 844},
}
SCROLLS_SIDEWAYS = "() => document.scrollingElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_letter_reads_at_laptop_and_phone_width(
    browser: Browser,
    live_server: LiveServer,
    case: Case,  # noqa: F811  # the imported fixture
    width: str,
) -> None:
    client = Client()
    client.force_login(case.olga)  # an officer: the letter with the entries, the longest one
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=WIDTHS[width])
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    url = reverse("documents:letter", args=[case.engagement.public_id])

    page.goto(live_server.url + url)

    assert page.locator("h1").inner_text() == "Decision on your engagement"
    assert page.get_by_text(SCRIPTS["chinese"], exact=True).first.is_visible()
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    assert dialogs == []  # the <script> in a partner's name is text, never run
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"letter-{width}.png", full_page=True)
        pdf = client.get(reverse("documents:letter-pdf", args=[case.engagement.public_id]))
        (folder / "letter-pdf-page1.png").write_bytes(read_pdf(pdf.content).pages[0])
    context.close()


def test_the_report_page_fits_a_laptop_screen(
    browser: Browser,
    live_server: LiveServer,
    case: Case,  # noqa: F811  # the imported fixture
) -> None:
    client = Client()
    client.force_login(case.aude)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=WIDTHS["1366"])
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()

    page.goto(live_server.url + reverse("documents:report", args=[case.engagement.public_id]))

    assert page.locator("h1").inner_text().startswith("Due-diligence report: ")
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    if SCREENSHOTS:
        page.screenshot(path=Path(SCREENSHOTS) / "report-1366.png", full_page=True)
    context.close()
