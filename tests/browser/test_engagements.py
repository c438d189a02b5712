"""Engagement list filters: htmx swaps the results in place, and the address keeps the filter."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.cases import services
from trustdesk.web.cases.models import Engagement

PASSWORD = "correct horse battery staple"


@pytest.fixture
def officer(transactional_db: None) -> User:
    physics = Department.objects.create(name="Physics")
    user = User.objects.create(username="olu", first_name="Olu", role="officer", department=physics)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
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
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Kind").select_option(Engagement.Kind.EVENT.value)

    results = page.locator("#engagement-results")
    expect(results.get_by_role("link", name="Summer school")).to_be_visible()
    expect(results.get_by_role("link", name="Gravimeter study")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/engagements/?q=&status=&kind=event&department=")
    assert page.evaluate("window.stillTheSamePage") is True
