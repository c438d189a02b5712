"""The main pages are usable with the keyboard, labelled for screen readers and readable on a phone.

Each test walks every main page and collects what is wrong per page, so one failure names all the
pages that share it. Accessible names and the other automatable WCAG 2.1 A/AA rules are checked
with axe-core, vendored in `vendor/` (a local file, no CDN).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.cases import services as cases
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.services import shipped_lists_ensure
from trustdesk.web.notify import services as notify
from trustdesk.web.notify.models import Notification

pytestmark = pytest.mark.presentation

PASSWORD = "correct horse battery staple"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# The automatable WCAG 2.0/2.1 level A and AA rules: labels and names, contrast, landmarks, lang.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE: ViewportSize = {"width": 375, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    user: User | None  # None: seen signed out


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def _user(username: str, role: User.Role, department: Department) -> User:
    return factories.make_user(
        username, role, department=department, password=PASSWORD, last_name=""
    )


@pytest.fixture
def screens(transactional_db: None) -> list[Screen]:
    """Every main page, with enough on it to show its forms, tables and screening hits."""
    shipped_lists_ensure()
    physics = factories.make_department("Physics")
    officer = _user("olu", User.Role.OFFICER, physics)
    auditor = _user("aldo", User.Role.AUDITOR, physics)
    admin = _user("ada", User.Role.ADMIN, physics)  # sees the travel-advice refresh form
    org = factories.make_organisation(officer, "Beihang University", aliases=["BUAA"], country="CN")
    engagement = cases.engagement_create(
        actor=officer,
        fields=cases.EngagementFields(
            title="Gravimeter study",
            kind="research_collaboration",
            summary="Joint measurements of the local gravity field.",
            countries=["CN"],
        ),
    )
    cases.engagement_partner_add(
        actor=officer, engagement=engagement, partner=org, role="collaborator"
    )
    cases.engagement_submit(actor=officer, engagement=engagement)
    cases.engagement_review_start(actor=officer, engagement=engagement)
    notify.notify(
        recipients=[officer],
        kind=Notification.Kind.REVIEW_DUE,
        engagement=engagement,
        actor="scheduler",
        data={"review_date": "2027-03-01"},
    )
    # A second case waiting for information: its owner (the officer here) sees an answer form
    # for each open question.
    waiting = cases.engagement_create(
        actor=officer,
        fields=cases.EngagementFields(title="Seismometer loan", kind="research_collaboration"),
    )
    cases.engagement_submit(actor=officer, engagement=waiting)
    cases.engagement_review_start(actor=officer, engagement=waiting)
    cases.information_request(
        actor=officer, engagement=waiting, questions=["Who pays for shipping?", "For how long?"]
    )
    return [
        Screen("sign-in", "/accounts/login/", None),
        Screen("organisation list", "/partners/organisations/", officer),
        Screen("organisation detail", f"/partners/organisations/{org.public_id}/", officer),
        Screen("engagement list", "/engagements/", officer),
        Screen("engagement detail", f"/engagements/{engagement.public_id}/", officer),
        Screen("engagement form", "/engagements/new/", officer),
        Screen("engagement edit form", f"/engagements/{engagement.public_id}/edit/", officer),
        Screen("engagement awaiting information", f"/engagements/{waiting.public_id}/", officer),
        Screen("lists index", "/lists/", officer),
        Screen("audit list", "/audit/", auditor),
        Screen("policy and sources", "/policy/", officer),
        Screen("travel advice", "/policy/travel-advice/", admin),
        Screen("notifications", "/notifications/", officer),
        Screen("leadership dashboard", "/leadership/", officer),
        Screen("governing-body reports", "/leadership/reports/", officer),
        Screen("self-assessments", "/self-assessment/", officer),
        Screen("ongoing monitoring", "/monitoring/", officer),
        Screen("policy pack versions", "/policy/versions/", officer),
    ]


class Visitor:
    """One signed-in browser context per user (signed in through the form), opened on demand."""

    def __init__(self, browser: Browser, live_server: LiveServer, viewport: ViewportSize):
        self.browser, self.base, self.viewport = browser, live_server.url, viewport
        self.tabs: dict[str | None, Page] = {}

    def open(self, screen: Screen) -> Page:
        key = screen.user.username if screen.user else None
        if key not in self.tabs:
            context = self.browser.new_context(viewport=self.viewport)
            context.set_default_timeout(10_000)
            tab = context.new_page()
            if screen.user is not None:
                tab.goto(f"{self.base}/accounts/login/")
                tab.get_by_label("Username").fill(screen.user.username)
                tab.get_by_label("Password").fill(PASSWORD)
                tab.get_by_role("button", name="Sign in").click()
                expect(tab).to_have_url(f"{self.base}/")  # the desk
            self.tabs[key] = tab
        tab = self.tabs[key]
        response = tab.goto(f"{self.base}{screen.path}")
        assert response is not None
        assert response.status == 200, f"{screen.name}: HTTP {response.status}"
        return tab

    def close(self) -> None:
        for tab in self.tabs.values():
            tab.context.close()


@pytest.fixture
def visitor(browser: Browser, live_server: LiveServer) -> Iterator[Visitor]:
    visiting = Visitor(browser, live_server, DESKTOP)
    yield visiting
    visiting.close()


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Visitor]:
    visiting = Visitor(browser, live_server, PHONE)
    yield visiting
    visiting.close()


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({', '.join(' '.join(n['target']) for n in v['nodes'])})"
        for v in result["violations"]
    ]


def test_every_form_control_has_an_accessible_name_and_the_pages_pass_axe(
    visitor: Visitor, screens: list[Screen]
) -> None:
    failures = {}
    for screen in screens:
        page = visitor.open(screen)
        unnamed = page.evaluate(
            """() => [...document.querySelectorAll(
                   'input:not([type=hidden]), select, textarea, button')]
                 .filter(el => !el.labels?.length && !el.getAttribute('aria-label')
                               && !el.getAttribute('aria-labelledby')
                               && !(el.tagName === 'BUTTON' && el.textContent.trim()))
                 .map(el => el.outerHTML.slice(0, 120))"""
        )
        found = [f"unnamed control: {html}" for html in unnamed] + axe_violations(page)
        if found:
            failures[screen.name] = found

    assert failures == {}


def test_every_page_has_exactly_one_h1(visitor: Visitor, screens: list[Screen]) -> None:
    headings = {}
    for screen in screens:
        page = visitor.open(screen)
        headings[screen.name] = page.get_by_role("heading", level=1).all_inner_texts()

    assert {name: len(h1) for name, h1 in headings.items()} == {s.name: 1 for s in screens}
    assert all(h1[0].strip() for h1 in headings.values())


def test_the_skip_link_is_the_first_stop_and_moves_the_focus_to_the_main_content(
    visitor: Visitor, screens: list[Screen]
) -> None:
    failures = {}
    for screen in screens:
        page = visitor.open(screen)
        skip = page.get_by_role("link", name="Skip to main content")

        # The first stop with Tab; where a field takes the focus itself (sign-in's username), the
        # skip link is the first stop before it, reached with Shift+Tab past the brand link.
        autofocused = page.locator("[autofocus]")
        if autofocused.count():
            expect(autofocused).to_be_focused()
            for _ in range(2):
                page.keyboard.press("Shift+Tab")
        else:
            page.keyboard.press("Tab")
        first_stop = skip.evaluate("link => link === document.activeElement")
        box = skip.bounding_box()
        on_screen = box is not None and box["x"] >= 0 and box["y"] >= 0
        if first_stop:
            page.keyboard.press("Enter")
        main_focused = page.evaluate("document.activeElement?.id === 'main'")
        page.keyboard.press("Tab")
        next_in_main = page.evaluate(
            "document.getElementById('main').contains(document.activeElement)"
        )

        seen = {
            "first stop": first_stop,
            "on screen when focused": on_screen,
            "main focused": main_focused,
            "next Tab inside main": next_in_main,
            "address": page.url.endswith("#main"),
        }
        if not all(seen.values()):
            failures[screen.name] = [what for what, ok in seen.items() if not ok]

    assert failures == {}


def test_no_page_scrolls_sideways_on_a_375_pixel_wide_phone(
    phone: Visitor, screens: list[Screen]
) -> None:
    too_wide = {}
    for screen in screens:
        page = phone.open(screen)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            culprits = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                     .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
                     .slice(0, 5).map(el => el.tagName.toLowerCase()
                        + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''))"""
            )
            too_wide[screen.name] = f"scrollWidth {width[0]} > {width[1]}: {culprits}"

    assert too_wide == {}
