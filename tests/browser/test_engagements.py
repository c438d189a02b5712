"""Engagements in the browser: htmx list filters; a case proposed and submitted by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services
from trustdesk.web.cases.models import Engagement

PASSWORD = "correct horse battery staple"


@pytest.fixture
def officer(transactional_db: None) -> User:
    physics = factories.make_department("Physics")
    user = factories.make_user(
        "olu", User.Role.OFFICER, department=physics, password=PASSWORD, last_name=""
    )
    for title, kind in [("Gravimeter study", "research_collaboration"), ("Summer school", "event")]:
        services.engagement_create(
            actor=user, fields=services.EngagementFields(title=title, kind=kind)
        )
    return user


def test_choosing_a_kind_updates_the_results_without_reloading_the_page(
    page: Page, live_server: LiveServer, officer: User
) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next=/engagements/")
    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Engagements")).to_be_visible()
    # htmx is a deferred script: the heading shows before it has taken over the filters, and
    # a choice made in that moment reaches no handler (seen once on CI).
    page.wait_for_load_state("load")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Kind").select_option(Engagement.Kind.EVENT.value)

    results = page.locator("#engagement-results")
    expect(results.get_by_role("link", name="Summer school")).to_be_visible()
    expect(results.get_by_role("link", name="Gravimeter study")).to_have_count(0)
    # The address keeps the filters (bookmarkable), the chosen kind among them.
    expect(page).to_have_url(re.compile(r"/engagements/\?(.*&)?kind=event(&|$)"))
    assert page.evaluate("window.stillTheSamePage") is True


@pytest.fixture
def researcher(officer: User) -> User:
    return factories.make_user(
        "rita", department=officer.department, password=PASSWORD, last_name=""
    )


def tab_to(page: Page, target: Locator, *, most: int = 40) -> None:
    """Press Tab until the target has the focus, as a keyboard user would; fail if it never does."""
    for _ in range(most):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} not reached in {most} presses of Tab")


def sign_in_with_the_keyboard(page: Page, live_server: LiveServer, user: User, path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{path}")


def test_a_researcher_proposes_and_submits_an_engagement_with_the_keyboard_and_an_officer_reviews(
    page: Page, live_server: LiveServer, officer: User, researcher: User
) -> None:
    # given a researcher signed in, on the engagement list
    sign_in_with_the_keyboard(page, live_server, researcher, "/engagements/")

    # when they propose an engagement using only Tab, typing and Enter
    tab_to(page, page.get_by_role("link", name="Propose an engagement"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose an engagement")
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.type("Visiting fellow from Kyoto")
    page.keyboard.press("Tab")  # Kind of engagement: a closed select picks by typed letters
    page.keyboard.type("Visiting")
    page.keyboard.press("Tab")
    page.keyboard.type("A postdoctoral fellow joins the gravimetry group for three months.")
    tab_to(page, page.get_by_label("Countries"))
    page.keyboard.type("Japan")
    page.keyboard.press("Enter")

    # then the draft's page shows what was typed
    expect(page.get_by_role("heading", level=1)).to_have_text("Visiting fellow from Kyoto")
    status = page.locator(".page-heading .status")
    expect(status).to_have_text("Draft")
    details = page.get_by_role("region", name="Details")
    expect(details.locator("dt:text-is('Kind') + dd")).to_have_text("Visiting researcher")
    expect(details.locator("dt:text-is('Countries') + dd")).to_have_text("Japan (JP)")
    engagement = Engagement.objects.get(title="Visiting fellow from Kyoto")
    assert engagement.owner == researcher
    detail_path = f"/engagements/{engagement.public_id}/"
    expect(page).to_have_url(f"{live_server.url}{detail_path}")

    # when the researcher submits it from the keyboard
    tab_to(page, page.get_by_role("button", name="Submit for review"))
    page.keyboard.press("Enter")

    # then the status changes and the page says what happened
    expect(page.get_by_text("Submitted to the research-security team.")).to_be_visible()
    expect(status).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)

    # when an officer signs in and starts the review
    tab_to(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    sign_in_with_the_keyboard(page, live_server, officer, detail_path)
    tab_to(page, page.get_by_role("button", name="Start review"))
    page.keyboard.press("Enter")

    # then the engagement is in review, with both changes on its timeline
    expect(status).to_have_text("In review")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.get_by_role("listitem")).to_contain_text(
        [
            "Engagement proposed by Rita (rita)",
            "Submitted for review (Draft → Submitted) by Rita (rita)",
            "Review started (Submitted → In review) by Olu (olu)",
        ]
    )
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.IN_REVIEW
