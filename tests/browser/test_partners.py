"""Organisations in the browser: add one through the form, wait for its screening, adjudicate a hit.

The screening runs on the embedded queue (in-process, after the request commits); the detail page
polls its screening section with `partners/poll.js` until the results are in, so the assertions
wait on the page rather than on the database.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.services import shipped_lists_ensure
from trustdesk.web.partners import services
from trustdesk.web.partners.models import Organisation, ScreeningHit, ScreeningRun

PASSWORD = "correct horse battery staple"
DETAIL_URL = re.compile(r".*/partners/organisations/[0-9a-f-]{36}/$")


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    """Screenings run in-process once the request commits, as on a laptop."""
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def shipped_lists(transactional_db: None) -> None:
    shipped_lists_ensure()


def _user(username: str, role: User.Role) -> User:
    department, _ = Department.objects.get_or_create(name="Aeronautics")
    return factories.make_user(
        username, role, department=department, password=PASSWORD, last_name=""
    )


@pytest.fixture
def officer(transactional_db: None) -> User:
    return _user("olu", User.Role.OFFICER)


@pytest.fixture
def researcher(transactional_db: None) -> User:
    return _user("rita", User.Role.RESEARCHER)


def sign_in(page: Page, live_server: LiveServer, user: User, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}{next_path}")


def add_organisation(page: Page, name: str, country: str) -> None:
    page.get_by_label("Name:", exact=True).fill(name)
    page.get_by_label("Type").select_option(label="University")
    page.get_by_label("Country").select_option(country)
    page.get_by_role("button", name="Add and screen").click()
    expect(page).to_have_url(DETAIL_URL)


def test_an_officer_adds_a_listed_university_sees_its_hits_and_records_a_verdict(
    page: Page, live_server: LiveServer, shipped_lists: None, officer: User
) -> None:
    # given an officer signed in through the form, on the form for a new organisation
    sign_in(page, live_server, officer, "/partners/organisations/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an organisation")

    # when they add Beihang University, a Chinese university, through the form
    add_organisation(page, "Beihang University", "CN")

    # then the detail page shows the screening's hits, each with its explanation
    expect(page.get_by_role("heading", level=1)).to_have_text("Beihang University")
    screening = page.locator("section#screening")
    expect(screening).not_to_have_attribute("aria-busy", "true")
    expect(screening.get_by_role("status")).to_contain_text("possible match")
    hits = screening.locator("article.hit")
    run_hits = ScreeningHit.objects.filter(run__organisation__name="Beihang University")
    assert hits.count() == run_hits.count() > 0
    # each hit, with its own verdict form, is folded inside its listed institution's group
    screening.locator("details.group-hits > summary").first.click()
    first = hits.first
    expect(first).to_be_visible()
    expect(first.get_by_role("heading", level=4)).to_contain_text("Beihang University")
    expect(first).to_contain_text("“Beihang University” matched the listed name")
    expect(first.locator("dt:text-is('Why') + dd")).to_have_text(
        "'Beihang University' matched primary name 'Beihang University' with score 1.00: all "
        "distinctive words agree; 'University' is a generic word or place and counts little."
    )
    expect(first.locator("dt:text-is('Verdict') + dd")).to_have_text("Not yet adjudicated")

    # when the officer confirms the first hit with a reason
    first.get_by_role("radio", name="Confirmed match").check()
    first.get_by_label("Reason").fill("Same university: Beijing, aeronautics, listed by ASPI.")
    first.get_by_role("button", name="Record verdict").click()

    # then the page says so, and the hit shows the verdict, who gave it and why
    expect(page.get_by_role("status").filter(has_text="Verdict recorded on")).to_be_visible()
    verdict = page.locator("article.hit").first.locator("dt:text-is('Verdict') + dd")
    page.locator("details.group-hits > summary").first.click()
    expect(verdict).to_contain_text("Confirmed match by Olu")
    expect(verdict).to_contain_text(": Same university: Beijing, aeronautics, listed by ASPI.")


def test_a_researcher_adding_an_unlisted_organisation_sees_no_hits(
    page: Page, live_server: LiveServer, shipped_lists: None, researcher: User
) -> None:
    # given a researcher signed in through the form
    sign_in(page, live_server, researcher, "/partners/organisations/new/")

    # when they add a university that is on no list
    add_organisation(page, "University of Wessex", "GB")

    # then the screening finishes with no possible matches, and there is nothing to adjudicate
    screening = page.locator("section#screening")
    expect(screening.get_by_role("status")).to_contain_text(
        "0 possible matches for University of Wessex."
    )
    expect(screening.locator("article.hit")).to_have_count(0)
    expect(page.get_by_role("button", name="Record verdict")).to_have_count(0)
    assert Organisation.objects.get().name == "University of Wessex"


def test_a_screening_still_running_fills_in_on_the_open_page_without_a_reload(
    page: Page, live_server: LiveServer, shipped_lists: None, officer: User
) -> None:
    # given an organisation whose screening was queued but has not run yet
    org = Organisation.objects.create(
        owner=officer, name="Harbin Institute of Technology", kind="university", country="CN"
    )
    run = ScreeningRun.objects.create(
        organisation=org, trigger=ScreeningRun.Trigger.CREATED, names=org.names, requested_by="test"
    )
    sign_in(page, live_server, officer, f"/partners/organisations/{org.public_id}/")
    screening = page.locator("section#screening")
    expect(screening).to_have_attribute("aria-busy", "true")
    expect(screening.get_by_role("status")).to_contain_text("Screening 1 name against")
    page.evaluate("window.stillTheSamePage = true")

    # when the queued screening runs
    services.screening_run(run_id=str(run.public_id), actor="task:partners.screen")

    # then the section on the open page shows the hits (poll.js), and the page was not reloaded
    screening = page.locator("section#screening")
    expect(screening.get_by_role("status")).to_contain_text("possible match", timeout=10_000)
    expect(screening).not_to_have_attribute("aria-busy", "true")
    expect(screening.locator("article.hit").first).to_contain_text("Harbin Institute of Technology")
    assert page.evaluate("window.stillTheSamePage") is True
