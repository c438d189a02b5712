"""Triage in the browser: a researcher answers the UK pack's questions by mouse and keyboard,
follow-up questions appear as answers make them relevant, a reload resumes, the result reads
with its reasons, contacts and links, prints without the site's chrome, and passes axe-core."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import axe_violations
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.triage.models import TriageSession

PASSWORD = "correct horse battery staple"
QUESTIONNAIRE = re.compile(r".*/triage/[0-9a-f-]{36}/(#questionnaire)?$")
RESULT = re.compile(r".*/triage/[0-9a-f-]{36}/result/$")


@pytest.fixture(autouse=True)
def _uk_pack(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def researcher(transactional_db: None) -> User:
    history = factories.make_department("History")
    return factories.make_user("rita", department=history, password=PASSWORD, last_name="Reyes")


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")  # the desk


SWAPPED = """() => {
    const form = document.getElementById('questionnaire');
    return form !== null && !form.dataset.old
        && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling');
}"""


def saved(page: Page, act: Callable[[], None]) -> None:
    """Does `act` and waits until the form its autosave sends back has replaced the old one."""
    page.evaluate("document.getElementById('questionnaire').dataset.old = 'yes'")
    with page.expect_response(lambda r: r.request.method == "POST" and "/triage/" in r.url):
        act()
    page.wait_for_function(SWAPPED)
    expect(page.locator(".autosave")).to_contain_text("Answers saved at")


def question(page: Page, qid: str) -> Any:
    return page.locator(f'li.question[data-question="{qid}"]')


def test_a_researcher_completes_a_typical_case_by_mouse_and_keyboard(
    page: Page, live_server: LiveServer, researcher: User
) -> None:
    sign_in(page, live_server, researcher)
    started = time.perf_counter()
    page.get_by_role("link", name="Check what applies").click()
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(QUESTIONNAIRE)
    answered = 0

    # Only the first question before any answer; the partner questions follow "collaboration".
    expect(page.locator("li.question")).to_have_count(1)
    saved(page, lambda: page.get_by_label("Research collaboration").check())
    answered += 1
    expect(question(page, "partner_name")).to_be_visible()
    expect(question(page, "travel_country")).to_have_count(0)

    # A conditional question appears with its answer and goes when the answer is undone.
    saved(page, lambda: page.locator("#q-engagement_kind-staff-travel").check())
    expect(question(page, "travel_country")).to_be_visible()
    saved(page, lambda: page.locator("#q-engagement_kind-staff-travel").uncheck())
    expect(question(page, "travel_country")).to_have_count(0)

    # By keyboard: type the partner's name and leave the field with Tab.
    page.locator("#q-partner_name").focus()
    page.keyboard.type("Université Paris Cité")
    saved(page, lambda: page.keyboard.press("Tab"))
    answered += 1
    expect(question(page, "partner_name")).to_contain_text("No match on the loaded watch lists.")
    saved(page, lambda: page.locator("#q-partner_kind-university").check())
    saved(page, lambda: page.locator("#q-partner_country").select_option("FR"))
    answered += 2

    # The research-area tree: narrow it with the filter, then tick with the Space key.
    page.get_by_label("Filter the list").fill("histor")
    expect(page.locator("#q-research_areas-history")).to_be_visible()
    expect(page.locator("#q-research_areas-quantum-sensing")).to_be_hidden()
    page.locator("#q-research_areas-history").focus()
    saved(page, lambda: page.keyboard.press("Space"))
    answered += 1
    expect(page.get_by_label("Filter the list")).to_have_value("histor")  # kept across the swap

    for control in [
        "#q-transfer_abroad-no",
        "#q-military_end_use-none",
        "#q-partner_military_links-no",
        "#q-payment_to_partner-no",
        "#q-personal_data-shared-abroad",  # interviews, shared with the partner
        "#q-human_participants-yes",
        "#q-publication_restrictions-no",
        "#q-ip_transfer-no",
    ]:
        saved(page, lambda c=control: page.locator(c).check())  # type: ignore[misc]
        answered += 1

    # A reload resumes with every answer in place.
    page.reload()
    expect(page.locator("#q-partner_name")).to_have_value("Université Paris Cité")
    expect(page.locator("#q-research_areas-history")).to_be_checked()
    expect(page.locator("#q-ip_transfer-no")).to_be_checked()
    asked = page.locator("li.question").count()

    page.get_by_role("button", name="See what applies").click()
    expect(page).to_have_url(RESULT)
    elapsed = time.perf_counter() - started
    sys.stdout.write(
        f"\ntypical case (gb-base research collaboration): {answered} questions answered of "
        f"{asked} asked, {elapsed:.1f} s in the browser\n"
    )

    expect(page.get_by_role("heading", level=1)).to_have_text("What applies")
    expect(page.get_by_role("heading", name=re.compile(r"^Due diligence: "))).to_be_visible()
    expect(page.locator(".process").first).to_be_visible()
    expect(page.locator(".process-table td").first).to_be_visible()  # contacts in the summary
    page.locator(".process details.legal summary").first.click()  # legal text is folded away
    expect(page.locator(".process").first.locator("dt", has_text="Contact")).to_be_visible()
    expect(page.locator(".process a[href^='http']").first).to_be_visible()
    expect(page.locator(".reasons li").first).to_be_visible()
    assert TriageSession.objects.get(owner=researcher).status == "completed"
    assert answered == 13


def test_the_atas_notice_shows_and_the_result_prints_without_navigation_or_buttons(
    page: Page, live_server: LiveServer, researcher: User, tmp_path: Path
) -> None:
    sign_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/triage/new/")
    page.get_by_role("button", name="Start").click()
    saved(page, lambda: page.locator("#q-engagement_kind-visitor").check())
    page.locator("#q-partner_name").fill("Example University")
    saved(page, lambda: page.locator("#q-partner_name").press("Tab"))
    saved(page, lambda: page.locator("#q-partner_kind-university").check())
    saved(page, lambda: page.locator("#q-partner_country").select_option("IN"))
    saved(page, lambda: page.locator("#q-research_areas-aerospace-engineering").check())
    for control in [
        "#q-transfer_abroad-no",
        "#q-military_end_use-none",
        "#q-partner_military_links-no",
        "#q-payment_to_partner-no",
        "#q-visitor_level-postgraduate-research",
    ]:
        saved(page, lambda c=control: page.locator(c).check())  # type: ignore[misc]
    saved(page, lambda: page.locator("#q-visitor_nationality").select_option("IN"))
    page.get_by_role("button", name="See what applies").click()
    expect(page).to_have_url(RESULT)

    atas = page.locator(".process", has_text="ATAS")
    expect(page.locator(".process-table .flag").first).to_be_visible()  # "Notice" in the summary
    atas.locator("details.legal summary").click()
    expect(atas.locator(".process-notice")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)

    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Change answers")).to_be_hidden()
    expect(page.locator(".skip-link")).to_be_hidden()
    link_text = page.locator(".process a[href^='http']").first.evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert "http" in link_text  # printed links carry their address


def test_the_questionnaire_passes_axe_before_and_after_answers(
    page: Page, live_server: LiveServer, researcher: User
) -> None:
    sign_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/triage/new/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start").click()
    assert axe_violations(page) == []

    saved(page, lambda: page.locator("#q-engagement_kind-research-collaboration").check())
    page.locator("#q-partner_name").fill("x")
    page.get_by_role("button", name="See what applies").click()

    expect(page.locator(".error-summary")).to_be_visible()
    assert page.get_by_role("heading", level=1).count() == 1
    assert axe_violations(page) == []


def test_leaving_the_partner_name_with_tab_keeps_the_page_and_the_focus_in_place(
    page: Page, live_server: LiveServer, researcher: User
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/triage/new/")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(QUESTIONNAIRE)
    saved(page, lambda: page.get_by_label("Research collaboration").check())
    legend = page.locator("legend", has_text="Triage questions")
    page.locator("#q-partner_name").scroll_into_view_if_needed()
    page.locator("#q-partner_name").focus()
    page.keyboard.type("Université Paris Cité")
    before = page.evaluate("window.scrollY")

    saved(page, lambda: page.keyboard.press("Tab"))

    # The swap replaced the whole form; the page stays where it was and the focus on the next
    # field, which is on screen (scroll anchoring used to follow the old form to the bottom).
    assert before > 0  # the test scrolls, so "did not move" is not "stayed at the top"
    assert abs(page.evaluate("window.scrollY") - before) <= 10
    expect(page.locator("#q-partner_kind-university")).to_be_focused()
    expect(page.locator("#q-partner_kind-university")).to_be_in_viewport()
    # The legend that names the questions for screen readers takes no room on screen.
    assert legend.evaluate("el => [el.offsetWidth, el.offsetHeight]") == [1, 1]
