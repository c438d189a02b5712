"""Every page runs under the strict Content-Security-Policy with nothing refused.

The browser reports each refused script, style, image or frame as a `securitypolicyviolation`
event; a listener installed before any page script records them, and console errors are kept as
well. Pages are walked as each role sees them, and the htmx and script-driven parts are used
(an engagement filter, a questionnaire answer saved in place), since those are what an inline
script or an injected style would break.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.test_accessibility import PASSWORD, Screen, _user, screens  # noqa: F401
from trustdesk.web.accounts.models import Department, User

MISSING = "/no-such-page/"
WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || 'inline'} ` +
    `(${event.sourceFile || 'page'}:${event.lineNumber})`);
});
"""


@pytest.fixture(autouse=True)
def _uk_pack(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"


class Watched:
    """One browser context per user, signed in through the form, recording what CSP refused."""

    def __init__(self, browser: Browser, live_server: LiveServer) -> None:
        self.browser, self.base = browser, live_server.url
        self.contexts: dict[str | None, tuple[BrowserContext, Page]] = {}
        self.console: list[str] = []
        self.last_policy: str | None = None

    def tab(self, user: User | None) -> Page:
        key = user.username if user else None
        if key not in self.contexts:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(10_000)
            context.add_init_script(WATCH)
            page = context.new_page()
            page.on("console", self._console)
            page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
            if user is not None:
                page.goto(f"{self.base}/accounts/login/")
                page.get_by_label("Username").fill(user.username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                expect(page).to_have_url(f"{self.base}/")  # the desk
            self.contexts[key] = (context, page)
        return self.contexts[key][1]

    def _console(self, message: ConsoleMessage) -> None:
        # The one page asked for on purpose that is not there reports its own 404: not an error.
        if message.type == "error" and not message.location["url"].endswith(MISSING):
            self.console.append(f"console: {message.text} ({message.location['url']})")

    def visit(self, user: User | None, path: str) -> Page:
        page = self.tab(user)
        response = page.goto(f"{self.base}{path}")
        assert response is not None
        self.last_policy = response.headers.get("content-security-policy")
        page.wait_for_load_state("networkidle")
        return page

    def close(self) -> None:
        for context, _ in self.contexts.values():
            context.close()


def violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__cspViolations || []")
    return found


@pytest.fixture
def watched(browser: Browser, live_server: LiveServer) -> Iterator[Watched]:
    visiting = Watched(browser, live_server)
    yield visiting
    visiting.close()


@pytest.mark.presentation
def test_the_policy_is_strict(watched: Watched, transactional_db: None) -> None:
    page = watched.tab(None)
    response = page.goto(f"{watched.base}/accounts/login/")
    assert response is not None
    policy = response.headers["content-security-policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in policy


@pytest.mark.presentation
def test_no_page_has_anything_refused_by_the_policy(
    watched: Watched,
    screens: list[Screen],  # noqa: F811  # the imported fixture
) -> None:
    refused: dict[str, list[str]] = {}
    policies = set()
    for screen in screens:
        page = watched.visit(screen.user, screen.path)
        policies.add(watched.last_policy)
        if found := violations(page):
            refused[screen.name] = found
    assert len(policies) == 1
    assert None not in policies
    officer = next(s.user for s in screens if s.name == "engagement list")

    # htmx swaps in the filtered results.
    page = watched.visit(officer, "/engagements/")
    with page.expect_response(re.compile(r".*/engagements/\?.*kind=event.*")):
        page.get_by_label("Kind").select_option("event")
    page.wait_for_load_state("networkidle")
    if found := violations(page):
        refused["engagement filter"] = found

    # The API's docs page (Swagger UI from this server's own files).
    page = watched.visit(officer, "/api/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    if found := violations(page):
        refused["API docs"] = found

    # A page that is not there, and the error page it shows.
    page = watched.visit(officer, MISSING)
    if found := violations(page):
        refused["not found"] = found

    assert refused == {}
    assert watched.console == []


def test_the_questionnaire_saves_answers_in_place_under_the_policy(
    watched: Watched, transactional_db: None
) -> None:
    researcher = _user("rita", User.Role.RESEARCHER, Department.objects.create(name="History"))
    page = watched.visit(researcher, "/triage/new/")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#questionnaire")).to_be_visible()

    with page.expect_response(lambda r: r.request.method == "POST" and "/triage/" in r.url):
        page.get_by_label("Research collaboration").check()
    expect(page.locator('li.question[data-question="partner_name"]')).to_be_visible()
    page.get_by_label("Filter the list").first.fill("histor")

    assert violations(page) == []
    assert watched.console == []
