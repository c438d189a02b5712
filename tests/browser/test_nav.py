"""The main navigation fits one line on a 1,366 px laptop, for the roles with the most links.

An officer and an administrator each see a dozen destinations: the daily ones stay in the bar and
the rest fold under "More", a <details> disclosure (no script, which the strict CSP would refuse)
that opens with the keyboard and, on a 390 px phone, in place without the page scrolling sideways.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_engagements import tab_to
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.notify import services as notify
from trustdesk.web.notify.models import Notification

pytestmark = pytest.mark.presentation

PASSWORD = "correct horse battery staple"
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}
TABLET: ViewportSize = {"width": 768, "height": 900}
SMALL_LAPTOP: ViewportSize = {"width": 1024, "height": 900}
SCREENSHOTS = os.environ.get("TRUSTDESK_SCREENSHOTS", "")
# The demo's officer and administrator: the officer has the longest name and role to fit.
PEOPLE = {
    "officer": ("oadeyemi", "Oluwaseun", "Adeyemi", User.Role.OFFICER),
    "admin": ("mellis", "Morgan", "Ellis", User.Role.ADMIN),
}
# What folds under "More" for each: an officer opens these now and then, from the desk mostly.
_OFFICER_MORE = [
    "Monitoring",
    "Policy versions",
    "Leadership",
    "Committee seats",
    "Self-assessment",
    "Task runs",
]
MORE = {"officer": _OFFICER_MORE, "admin": [*_OFFICER_MORE, "Audit trail"]}

# The distinct lines the bar's items (its links and "More") sit on.
NAV_LINES = """() => new Set([...document.querySelectorAll('.site-nav > ul > li')]
    .map(li => Math.round(li.getBoundingClientRect().top))).size"""
TOO_WIDE = "document.documentElement.scrollWidth > window.innerWidth"
Visit = Callable[[str, ViewportSize], Page]


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def people(transactional_db: None) -> dict[str, User]:
    department = factories.make_department("Research Office")
    users = {
        role: factories.make_user(
            username,
            kind,
            department=department,
            password=PASSWORD,
            first_name=first,
            last_name=last,
        )
        for role, (username, first, last, kind) in PEOPLE.items()
    }
    # An unread count widens the officer's bar, as it does on a working day.
    engagement = factories.make_engagement(users["officer"])
    notify.notify(
        recipients=[users["officer"]],
        kind=Notification.Kind.REVIEW_DUE,
        engagement=engagement,
        actor="scheduler",
        data={"review_date": "2027-03-01"},
    )
    return users


@pytest.fixture
def visit(browser: Browser, live_server: LiveServer, people: dict[str, User]) -> Iterator[Visit]:
    opened: list[Page] = []

    def open_as(role: str, size: ViewportSize) -> Page:
        context = browser.new_context(viewport=size)
        context.set_default_timeout(10_000)
        tab = context.new_page()
        opened.append(tab)
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.get_by_label("Username").fill(people[role].username)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        expect(tab).to_have_url(f"{live_server.url}/")  # the desk
        return tab

    yield open_as
    for tab in opened:
        tab.context.close()


def _shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        expect(page.get_by_role("heading", level=1)).to_be_visible()  # the page drawn, not blank
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"))


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_navigation_is_one_line_on_a_1366_pixel_screen(role: str, visit: Visit) -> None:
    page = visit(role, LAPTOP)
    _shoot(page, f"nav-{role}")

    nav = page.get_by_role("navigation", name="Main")
    assert page.evaluate(NAV_LINES) == 1
    line = nav.get_by_role("link", name="Engagements").bounding_box()
    box = nav.bounding_box()
    assert line is not None
    assert box is not None
    assert box["height"] < 1.5 * line["height"]  # one line high, "More" closed
    # The less used links are folded, not gone; who is signed in stays in view.
    more = nav.locator("details")
    assert more.locator("a").all_text_contents() == MORE[role]
    expect(more.locator("a").first).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    assert not page.evaluate(TOO_WIDE)


# 1,024 px: the bar is one line ending near the screen's edge; 768 px: it wraps before "More".
@pytest.mark.parametrize(
    "size", [LAPTOP, PHONE, TABLET, SMALL_LAPTOP], ids=["1366", "390", "768", "1024"]
)
@pytest.mark.parametrize("role", ["officer", "admin"])
def test_more_opens_with_the_keyboard_and_passes_axe(
    role: str, size: ViewportSize, visit: Visit, live_server: LiveServer
) -> None:
    page = visit(role, size)
    summary = page.get_by_role("navigation", name="Main").locator("summary")

    tab_to(page, summary)
    page.keyboard.press("Enter")

    links = page.get_by_role("navigation", name="Main").locator("details a")
    for link in links.all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= size["width"]
    assert not page.evaluate(TOO_WIDE)
    _shoot(page, f"nav-{role}-more-open")
    assert axe_violations(page) == []
    # The next Tab goes into the panel; Enter follows the link, whose page "More" marks current.
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/monitoring/")
    expect(summary).to_have_class("current")
    expect(page.locator("details a[aria-current=page]")).to_have_text("Monitoring")


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_navigation_fits_a_390_pixel_phone(role: str, visit: Visit) -> None:
    page = visit(role, PHONE)
    _shoot(page, f"nav-{role}")

    assert not page.evaluate(TOO_WIDE)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert axe_violations(page) == []
