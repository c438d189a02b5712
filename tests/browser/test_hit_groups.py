"""An officer gives one verdict to a listed institution found on three lists, on the demo's data.

Beihang University, as the demo adds it (with its former name and acronym), is on ASPI's tracker,
Canada's Named Research Organizations and the DoD 1286 list: one group with three sources, shown
by the lists' titles, with one form; the per-entry details and verdicts are folded away.
Screenshots at laptop and phone width go to TRUSTDESK_SCREENSHOTS (default: pytest's tmp dir).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from trustdesk.web import demo_data
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.services import shipped_lists_ensure
from trustdesk.web.partners import services
from trustdesk.web.partners.models import Organisation, ScreeningHit

PASSWORD = "correct horse battery staple"
TITLES = (
    "ASPI China Defence Universities Tracker",
    "Named Research Organizations (Canada)",
    "DoD Section 1286 list of foreign institutions engaged in problematic activities",
)
REASON = "Same university: Beijing, aeronautics, ROR 00wk2mp56; listed on all three lists."


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def _user(username: str, role: User.Role, first_name: str) -> User:
    department, _ = Department.objects.get_or_create(name="Aeronautics")
    return factories.make_user(
        username, role, department=department, password=PASSWORD, first_name=first_name
    )


@pytest.fixture
def beihang(transactional_db: None) -> Organisation:
    """Beihang as the demo adds it, screened against the shipped lists (on commit).

    With one alias more, a name the Navy Aviation University is listed under, so that the page
    shows a second institution's group beside Beihang's.
    """
    shipped_lists_ensure()
    data = next(o for o in demo_data.ORGANISATIONS if o.name == demo_data.BEIHANG)
    researcher = _user("jwhitfield", User.Role.RESEARCHER, "James")
    return services.organisation_create(
        actor=researcher,
        data=services.OrganisationInput(
            name=data.name,
            kind=data.kind,
            aliases=[*data.aliases, "Naval Aeronautics and Astronautics University"],
            country=data.country,
            ror_id=data.ror_id,
        ),
    )


def _shots() -> Path | None:
    folder = os.environ.get("TRUSTDESK_SCREENSHOTS")
    return Path(folder) if folder else None


def _sign_in(page: Page, live_server: LiveServer, user: User, path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}{path}")


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (375, 812)])
def test_an_officer_confirms_a_university_on_three_lists_with_one_verdict(
    page: Page,
    live_server: LiveServer,
    beihang: Organisation,
    width: int,
    height: int,
    tmp_path: Path,
) -> None:
    # given an officer on Beihang's page, at laptop or phone width
    officer = _user("olu", User.Role.OFFICER, "Olu")
    page.set_viewport_size({"width": width, "height": height})
    path = f"/partners/organisations/{beihang.public_id}/"
    _sign_in(page, live_server, officer, path)
    shots = _shots() or tmp_path

    # then Beihang's three hits are one group, by the lists' titles, with one form in sight;
    # the Navy Aviation University, which one of its aliases names, is a group of its own
    groups = page.locator("article.hit-group")
    expect(groups).to_have_count(2)
    group = groups.first
    expect(group.get_by_role("heading", level=3)).to_have_text("Beihang University")
    expect(groups.nth(1).get_by_role("heading", level=3)).to_have_text("Navy Aviation University")
    for title in TITLES:
        expect(group.get_by_text(title, exact=True)).to_be_visible()
    expect(group.locator('dt:text-is("Tracker\'s classification") + dd')).to_have_text(
        "Seven sons of national defence"
    )
    expect(group.locator("article.hit").first).to_be_hidden()  # per-entry verdicts folded
    expect(group.get_by_role("button", name="Record verdict")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    group.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"hit-group-{width}.png"), full_page=True)
    group.screenshot(path=str(shots / f"hit-group-{width}-group.png"))

    # when the officer confirms the group with a reason
    form = group.locator("form:has(input[name=group])")
    form.get_by_role("radio", name="Confirmed match").check()
    form.get_by_label("Reason").fill(REASON)
    form.get_by_role("button", name="Record verdict").click()

    # then every hit carries the verdict, and the page returns to the group saying so
    expect(page.get_by_role("status").filter(has_text="Verdict recorded on")).to_have_text(
        "Verdict recorded on Beihang University: 3 list entries."
    )
    expect(page).to_have_url(f"{live_server.url}{path}#group-aspi-unitracker-beihang-university")
    expect(groups.first.locator(".group-status .verdict")).to_have_text("Confirmed match")
    expect(groups.first.locator(".group-match").first).to_contain_text(
        f"Confirmed match by Olu Tester on {timezone.localdate():%-d %b %Y}: {REASON}"
    )
    expect(groups.nth(1).locator(".group-status .verdict")).to_have_text("Not yet adjudicated")
    page.screenshot(path=str(shots / f"hit-group-{width}-after.png"), full_page=False)
    hits = ScreeningHit.objects.filter(run__organisation=beihang)
    assert sorted((h.source, h.verdict, h.verdict_reason) for h in hits if h.verdict_reason) == [
        (source, "confirmed", REASON) for source in ("aspi-unitracker", "ca-nro", "us-dod-1286")
    ]


def test_a_researcher_sees_how_many_matches_but_not_the_entries(
    page: Page, live_server: LiveServer, beihang: Organisation
) -> None:
    researcher = User.objects.get(username="jwhitfield")
    path = f"/partners/organisations/{beihang.public_id}/"

    _sign_in(page, live_server, researcher, path)

    screening = page.locator("section#screening")
    expect(screening).to_contain_text("5 possible matches with 2 listed institutions.")
    expect(screening.locator("article")).to_have_count(0)
    for title in TITLES:
        expect(page.get_by_text(title)).to_have_count(0)
    assert Client().get(path).status_code == 302  # and nobody signed out sees the page
