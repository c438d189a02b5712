"""The account pages added for people without single sign-on: adding a user, the invitation,
setting, changing and resetting a password. Each passes axe, has one h1 and fits a phone; an
invitation works end to end in the browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Screen,
    Visitor,
    axe_violations,
)
from tests.browser.test_csp import Watched, violations, watched  # noqa: F401
from trustdesk.web.accounts import services
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings

NEW_PASSWORD = "a new and long pass phrase"


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def screens(transactional_db: None, live_server: LiveServer) -> list[Screen]:
    physics = factories.make_department("Physics")
    admin = factories.make_user("ada", User.Role.ADMIN, password=PASSWORD, last_name="")
    member = factories.make_user("mo", User.Role.OFFICER, password=PASSWORD, last_name="")
    invitee = factories.make_user("vis", department=physics, last_name="Itor")
    link = services.user_invite(actor=admin, user=invitee, base_url=live_server.url)
    return [
        Screen("add a user", "/accounts/users/new/", admin),
        Screen("users with an invitee", "/accounts/users/", admin),
        Screen("change password", "/accounts/me/password/", member),
        Screen("forgot password", "/accounts/password/reset/", None),
        Screen("reset link sent", "/accounts/password/reset/sent/", None),
        Screen("set password", link.url.removeprefix(live_server.url), None),
        Screen("expired link", "/accounts/password/set/MQ/bad-token/", None),
        Screen("password set", "/accounts/password/set/done/", None),
    ]


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def visitor(request: Any, browser: Browser, live_server: LiveServer) -> Iterator[Visitor]:
    visiting = Visitor(browser, live_server, request.param)
    yield visiting
    visiting.close()


@pytest.mark.presentation
def test_the_account_pages_pass_axe_have_one_h1_and_fit(
    visitor: Visitor, screens: list[Screen]
) -> None:
    failures = {}
    for screen in screens:
        page = visitor.open(screen)
        found = axe_violations(page)
        h1 = page.get_by_role("heading", level=1).all_inner_texts()
        if len(h1) != 1:
            found.append(f"{len(h1)} h1 headings")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            found.append(f"scrolls sideways: {width}")
        if found:
            failures[screen.name] = found

    assert failures == {}


def test_an_admin_invites_a_user_who_sets_a_password_and_signs_in(
    browser: Browser, live_server: LiveServer, transactional_db: None
) -> None:
    factories.make_department("Physics")
    factories.make_user("ada", User.Role.ADMIN, password=PASSWORD, last_name="")
    admin = Visitor(browser, live_server, DESKTOP)
    page = admin.open(Screen("users", "/accounts/users/", User.objects.get(username="ada")))

    page.get_by_role("link", name="Add a user").click()
    page.get_by_label("Username").fill("vis")
    page.get_by_label("E-mail").fill("vis@uni.example")
    page.get_by_label("Role").select_option(label="Research-security officer")
    page.get_by_label("Department").select_option(label="Physics")
    page.get_by_role("button", name="Add and invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation for vis")
    link = page.locator("code.url").inner_text()
    admin.close()

    person = browser.new_context(viewport=PHONE).new_page()
    person.goto(link)
    person.get_by_label(re.compile(r"^New password:?$")).fill(NEW_PASSWORD)
    person.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Set password").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Password set")
    person.get_by_role("link", name="Sign in").click()
    person.get_by_label("Username").fill("vis")
    person.get_by_label("Password").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Sign in").click()

    # Signed in, the new officer lands on their desk; their account page names their role.
    expect(person.get_by_role("heading", level=1)).to_have_text("Your desk")
    person.get_by_role("link", name="My account").click()
    expect(person.get_by_text("Research-security officer:")).to_be_visible()
    person.context.close()


@pytest.mark.presentation
def test_the_account_pages_run_under_the_policy_with_nothing_refused(
    watched: Watched,  # noqa: F811  # the imported fixture
    screens: list[Screen],
) -> None:
    refused = {}
    for screen in screens:
        page = watched.visit(screen.user, screen.path)
        assert watched.last_policy is not None
        if found := violations(page):
            refused[screen.name] = found

    assert refused == {}
    assert watched.console == []
