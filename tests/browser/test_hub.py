"""The guidance hub in Chromium: search, a gated submission unlocked by training, inert hostile
pages (rendered and in the editor's live preview), and axe on every hub page."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import axe_violations
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.hub import services as hub
from trustdesk.web.hub.models import GuidancePage, TrainingModule

PASSWORD = "correct horse battery staple"
REVIEW_BY = dt.date(2030, 1, 1)
HOSTILE = (
    "## Hostile\n\n"
    "<script>window.pwned = 'script'</script>\n\n"
    "[click me](javascript:window.pwned='link')\n\n"
    '<img src="x" onerror="window.pwned=\'onerror\'">\n\n'
    '<a href="#" onmouseover="window.pwned=\'hover\'" id="hover">hover</a>\n'
)


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "example-uk-university"  # gates visits on a module
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def people(transactional_db: None) -> dict[str, User]:
    physics = factories.make_department("Physics")
    make = factories.make_user
    return {
        "rita": make("rita", department=physics, password=PASSWORD, last_name="Reyes"),
        "olga": make("olga", User.Role.OFFICER, password=PASSWORD, last_name="Okafor"),
        "cara": make("cara", User.Role.CHAMPION, department=physics, password=PASSWORD),
    }


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")  # the desk


def _page(officer: User, **fields: Any) -> GuidancePage:
    values: dict[str, Any] = {"title": "Page", "body": "Text.", "review_by": REVIEW_BY}
    values.update(fields)
    return hub.page_create(actor=officer, fields=hub.PageFields(**values))


def _module() -> TrainingModule:
    return hub.module_save(
        actor="test",
        fields=hub.ModuleFields(
            key="hosting-visitors",
            title="Hosting international visitors",
            body="## Before the visit\n\nAgree the programme.",
            questions=[
                ("Who answers triage for a visit?", ["The host", "The visitor"], 0),
                ("What may a visitor use?", ["Everything", "What was agreed"], 1),
            ],
            pass_mark=100,
        ),
    )


def test_search_finds_a_page_and_opens_it(
    page: Page, live_server: LiveServer, people: dict[str, User]
) -> None:
    _page(people["olga"], title="Travelling with a laptop", body="Take a **clean** loan laptop.")
    _page(people["olga"], title="Hosting visitors", body="Agree the programme.")
    sign_in(page, live_server, people["rita"])

    page.get_by_role("link", name="Guidance", exact=True).click()
    page.get_by_label("Search guidance, processes, contacts and mitigations").fill("laptop")
    page.get_by_label("Search guidance, processes, contacts and mitigations").press("Enter")

    results = page.locator(".search-results li")
    expect(results.first).to_contain_text("Travelling with a laptop")
    expect(results.first.locator("mark").first).to_have_text("laptop")
    expect(page.locator(".search-results")).not_to_contain_text("Hosting visitors")
    results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Travelling with a laptop")


def test_a_researcher_passes_a_module_and_the_gated_submission_then_goes_through(
    page: Page, live_server: LiveServer, people: dict[str, User]
) -> None:
    _module()
    rita = people["rita"]
    engagement = factories.make_engagement(
        rita, title="Visiting fellow from Lyon", kind=Engagement.Kind.VISITING_RESEARCHER
    )
    sign_in(page, live_server, rita)
    page.goto(f"{live_server.url}{engagement.get_absolute_url()}")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text(
        "Pass the training this engagement needs before submitting it: "
        "“Hosting international visitors”."
    )
    page.get_by_role("link", name="Guidance", exact=True).click()
    page.get_by_role("link", name="Hosting international visitors").click()
    page.get_by_label("The host").check()
    page.get_by_label("What was agreed").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".messages")).to_contain_text("You passed with 100%.")
    page.goto(f"{live_server.url}{engagement.get_absolute_url()}")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.locator(".messages")).not_to_contain_text("Pass the training")
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.SUBMITTED


def test_a_hostile_page_renders_inert_and_so_does_its_live_preview(
    page: Page, live_server: LiveServer, people: dict[str, User]
) -> None:
    hostile = _page(people["olga"], title="Hostile", body=HOSTILE)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_server, people["olga"])

    page.goto(f"{live_server.url}{hostile.get_absolute_url()}")
    body = page.locator(".guidance-body")
    expect(body).to_contain_text("<script>window.pwned = 'script'</script>")  # shown as text
    rendered = page.evaluate(
        """() => ({
            pwned: window.pwned || null,
            scripts: document.querySelectorAll('.guidance-body script').length,
            handlers: [...document.querySelectorAll('.guidance-body *')]
                .flatMap(el => [...el.attributes].map(a => a.name))
                .filter(n => n.startsWith('on')),
            hrefs: [...document.querySelectorAll('.guidance-body a')].map(a => a.href),
        })"""
    )
    page.goto(f"{live_server.url}/guidance/pages/{hostile.public_id}/edit/")
    expect(page.locator("#preview h2")).to_have_text("Hostile")  # the live preview rendered
    page.get_by_label("Body").fill(HOSTILE + "\n\nMore **bold** text.")
    expect(page.locator("#preview strong")).to_have_text("bold")
    previewed = page.evaluate(
        """() => ({
            pwned: window.pwned || null,
            scripts: document.querySelectorAll('#preview script, #preview img').length,
            hrefs: [...document.querySelectorAll('#preview a')].map(a => a.href),
        })"""
    )

    assert rendered == {"pwned": None, "scripts": 0, "handlers": [], "hrefs": []}
    assert previewed == {"pwned": None, "scripts": 0, "hrefs": []}
    assert dialogs == []


@pytest.mark.presentation
def test_the_hub_pages_pass_axe(
    page: Page, live_server: LiveServer, people: dict[str, User]
) -> None:
    olga = people["olga"]
    guidance = _page(olga, title="Export controls", body="## Licences\n\nText.", public=True)
    hub.page_update(
        actor=olga,
        page=guidance,
        fields=hub.PageFields(
            title="Export controls",
            body="## Licences\n\nNew text.",
            review_by=REVIEW_BY,
            public=True,
        ),
    )
    contact = hub.contact_create(
        actor=olga,
        fields=hub.ContactFields(name="Graham Pike", key="export-control", email="g@uni.example"),
    )
    module = _module()
    gone = _page(olga, title="Old travel advice", body="Text.")
    hub.page_withdraw(actor=olga, page=gone, reason="Replaced by the new travel page.")
    _page(olga, title="Visitors checklist", body="Text.", review_by=dt.date(2020, 1, 1))  # desk
    paths = [
        "/guidance/",
        guidance.get_absolute_url(),
        f"/guidance/pages/{guidance.public_id}/edit/",
        "/guidance/pages/new/",
        f"/guidance/pages/{guidance.public_id}/history/",
        f"/guidance/pages/{guidance.public_id}/versions/2/",
        "/guidance/search/?q=export",
        "/guidance/contacts/",
        contact.get_absolute_url(),
        "/guidance/contacts/new/",
        "/guidance/processes/export-control/",
        "/guidance/checklist/",
        "/guidance/training/",
        module.get_absolute_url(),
        f"/guidance/training/{module.public_id}/edit/",
        "/guidance/training/new/",
        "/guidance/training/completion/",
        "/guidance/public/",
        f"/guidance/public/{guidance.slug}/",
        # removal: the confirmation pages (the contact is the pack's, so its box shows) and a
        # withdrawn page as its editors see it
        f"/guidance/pages/{guidance.public_id}/withdraw/",
        f"/guidance/contacts/{contact.public_id}/delete/",
        gone.get_absolute_url(),
        "/",  # the desk, with the pages' reviews and training as work items
    ]
    sign_in(page, live_server, olga)
    failures = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        found = axe_violations(page)
        if found:
            failures[path] = found

    assert failures == {}
