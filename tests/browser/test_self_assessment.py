"""The institutional self-assessment in Chromium: a short questionnaire answered section by
section, its gap turned into an action for a researcher, the result's chart with its numbers,
and the action closed from the owner's desk; axe on every page on the way."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import axe_violations
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.selfassess.models import Action, Assessment

PASSWORD = "correct horse battery staple"
SOURCE = {
    "title": "Managing risks in internationalisation: security related issues",
    "url": "https://www.universitiesuk.ac.uk/",
    "publisher": "Universities UK",
    "checked": date(2026, 11, 22),
}


def _question(qid: str, text: str) -> dict[str, Any]:
    return {
        "id": qid,
        "text": text,
        "help": "Say where it is written down.",
        "guidance": [{"source": SOURCE, "section": "1.2 Due diligence"}],
    }


def _short_pack(folder: Path) -> Path:
    """gb-base with a two-section questionnaire of its own, so the test answers three questions."""
    path = folder / "short.yaml"
    pack = yaml.safe_load(
        (Path(__file__).parents[2] / "src/trustdesk/policy/packs/gb-base.yaml").read_text("utf-8")
    )
    pack["self_assessment"]["sections"] = [
        {
            "id": "governance",
            "title": "Governance and ownership",
            "questions": [
                _question("gov-owner", "Is a senior owner named?"),
                _question("gov-report", "Does the governing body get a yearly report?"),
            ],
        },
        {
            "id": "due-diligence",
            "title": "Due diligence",
            "questions": [_question("dd-check", "Are partners checked before signing?")],
        },
    ]
    path.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.TRUSTDESK_POLICY_PACK = str(_short_pack(tmp_path))
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def people(transactional_db: None) -> dict[str, User]:
    physics = factories.make_department("Physics")
    make = factories.make_user
    return {
        "rita": make("rita", department=physics, password=PASSWORD, last_name="Reyes"),
        "olga": make("olga", User.Role.OFFICER, password=PASSWORD, last_name="Okafor"),
    }


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")


def _no_axe_violations(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def test_an_officer_completes_a_short_assessment_and_the_owner_closes_its_gap(
    page: Page, live_server: LiveServer, people: dict[str, User]
) -> None:
    sign_in(page, live_server, people["olga"])
    # start from the navigation, where an officer finds it under "More"
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More").click()
    nav.get_by_role("link", name="Self-assessment").click()
    _no_axe_violations(page)
    page.get_by_label("As at").fill("2026-11-30")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", name="Progress: 0 of 3 questions answered")).to_be_visible()
    _no_axe_violations(page)
    # the first section: two questions, one below target
    page.get_by_role("link", name="Answer the questions").click()
    expect(page.get_by_role("heading", name="Governance and ownership", level=1)).to_be_visible()
    _no_axe_violations(page)
    owner = page.get_by_role("group", name="Is a senior owner named?")
    owner.get_by_role("radio", name="4 Embedded").check()
    owner.get_by_label("Evidence").fill("PVC Research, scheme of delegation")
    report = page.get_by_role("group", name="Does the governing body get a yearly report?")
    report.get_by_role("radio", name="1 Initial").check()
    page.get_by_role("button", name="Save and continue").click()
    # the second section, then back to the overview
    expect(page.get_by_role("heading", name="Due diligence", level=1)).to_be_visible()
    page.get_by_role("group", name="Are partners checked before signing?").get_by_role(
        "radio", name="3 Established"
    ).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Progress: 3 of 3 questions answered")).to_be_visible()
    # propose the gap's action and hand it to Rita
    page.get_by_role("button", name="Propose actions from the gaps").click()
    expect(page.get_by_text("1 action proposed.")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    _no_axe_violations(page)
    page.get_by_label("What must be done").fill("Report to Council every July")
    page.get_by_label("Owner").select_option("rita")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Confirm the actions and complete").click()
    expect(page.get_by_text("Self-assessment completed")).to_be_visible()
    # the result: a chart described in words, and its numbers in a table
    chart = page.get_by_role("img", name="Maturity by section")
    expect(chart).to_be_visible()
    numbers = page.locator("table.chart-numbers")
    expect(numbers.get_by_role("row", name="Governance and ownership 2.5")).to_be_visible()
    expect(numbers.get_by_role("row", name="Due diligence 3.0")).to_be_visible()
    _no_axe_violations(page)
    assert Assessment.objects.get().status == Assessment.Status.COMPLETED
    # on a phone the result's number tables stay tables and nothing spills sideways
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/self-assessment/actions/")
    expect(page.get_by_role("link", name="Report to Council every July")).to_be_visible()
    _no_axe_violations(page)

    # Rita, a researcher, finds the action on her desk and closes it
    page.context.clear_cookies()
    sign_in(page, live_server, people["rita"])
    item = page.locator("li.work-self_assessment_action")
    expect(item).to_contain_text("Report to Council every July")
    item.get_by_role("link").click()
    _no_axe_violations(page)
    page.get_by_label("What was done").fill("July Council agenda item agreed")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Action marked done.")).to_be_visible()
    assert Action.objects.get().status == Action.Status.DONE
