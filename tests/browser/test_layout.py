"""Pages a new user found hard to read: the watch-lists table, task runs and the policy page.

On a 1,366 px laptop screen nothing scrolls sideways; on a 375 px phone each table value carries
its column's label; and no word is broken in the middle at either width (only addresses may wrap
anywhere, as they have no spaces to wrap at).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.lists.services import (
    list_source_update,
    list_source_update_enqueue,
    shipped_lists_ensure,
)
from trustdesk.web.partners import services as partners

pytestmark = pytest.mark.presentation

PASSWORD = "correct horse battery staple"
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 375, "height": 812}
# Where screenshots go when a person wants to look at them (TRUSTDESK_SCREENSHOTS=/some/dir).
SCREENSHOTS = os.environ.get("TRUSTDESK_SCREENSHOTS", "")
# Nothing listens on the discard port: the update fails at once, naming this long address, as an
# offline update names the publisher's (with no
# hyphen or space to wrap at, as the EU's has none).
UNREACHABLE = (
    "http://127.0.0.1:9/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
    "?token=0123456789abcdef0123456789abcdef"
)

# Letter runs (words) of the visible text in `main` whose characters sit on more than one line:
# a word broken in the middle. Addresses (`.url`), code and hidden elements are not words.
SPLIT_WORDS = """() => {
    const split = [];
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('.url, code, pre, script, style')) continue;
        if (!parent.checkVisibility()) continue;
        for (const match of node.data.matchAll(/\\p{L}{2,}/gu)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const tops = new Set([...range.getClientRects()]
                .filter(r => r.width > 0).map(r => Math.round(r.top)));
            if (tops.size > 1) split.push(match[0]);
        }
    }
    return split;
}"""

TABLES_OVERFLOWING_MAIN = """() => {
    const main = document.querySelector('main');
    const padding = parseFloat(getComputedStyle(main).paddingRight);
    const right = main.getBoundingClientRect().right - padding;
    return [...main.querySelectorAll('table')]
        .filter(t => t.getBoundingClientRect().right > right + 0.5)
        .map(t => t.querySelector('caption')?.textContent);
}"""
TOO_WIDE = "document.documentElement.scrollWidth > window.innerWidth"


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_LIST_URL_OVERRIDES = {"uk-sanctions": UNREACHABLE}  # never the publisher


@pytest.fixture
def officer(transactional_db: None) -> User:
    """An officer, with the shipped lists loaded and one update that failed on a long address."""
    shipped_lists_ensure()
    list_source_update(sources=["uk-sanctions"], actor="test")
    user = User.objects.create(
        username="olu",
        first_name="Olu",
        role=User.Role.OFFICER,
        department=Department.objects.create(name="Research Office"),
    )
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _signed_in(browser: Browser, live_server: LiveServer, viewport: ViewportSize) -> Page:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.get_by_label("Username").fill("olu")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab).to_have_url(f"{live_server.url}/")  # the desk
    return tab


@pytest.fixture
def laptop(browser: Browser, live_server: LiveServer, officer: User) -> Iterator[Page]:
    tab = _signed_in(browser, live_server, LAPTOP)
    yield tab
    tab.context.close()


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer, officer: User) -> Iterator[Page]:
    tab = _signed_in(browser, live_server, PHONE)
    yield tab
    tab.context.close()


def _open(page: Page, live_server: LiveServer, path: str, name: str) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == 200
    if SCREENSHOTS:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(
            path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": 1600},  # the first screens
        )


def _culprits(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
             .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
             .slice(0, 5).map(el => el.tagName.toLowerCase()
                + (el.className ? '.' + el.className : ''))"""
    )


def test_the_watch_lists_table_fits_a_1366_pixel_screen(
    laptop: Page, live_server: LiveServer
) -> None:
    _open(laptop, live_server, "/lists/", "lists")

    expect(laptop.locator("td", has_text="127.0.0.1:9").first).to_be_visible()
    assert not laptop.evaluate(TOO_WIDE), _culprits(laptop)
    # Not just inside the window: inside the page's column, as wide as the header line.
    assert laptop.evaluate(TABLES_OVERFLOWING_MAIN) == []
    assert laptop.evaluate(SPLIT_WORDS) == []


def test_each_watch_list_value_is_labelled_on_a_phone(phone: Page, live_server: LiveServer) -> None:
    _open(phone, live_server, "/lists/", "lists")

    assert not phone.evaluate(TOO_WIDE), _culprits(phone)
    headers = phone.locator("main table").first.locator("thead th").all_inner_texts()
    row = phone.locator("main table").first.locator("tbody tr", has_text="aspi-unitracker")
    shown = row.locator("td").evaluate_all(
        "cells => cells.map(td => getComputedStyle(td, '::before').content)"
    )
    # Each value is preceded by its column's name, as the hidden header row would have said.
    assert shown == [f'"{h}"' for h in headers]
    assert phone.evaluate(SPLIT_WORDS) == []


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_task_runs_say_what_they_ran_on_and_fit_the_screen(
    viewport: str, request: pytest.FixtureRequest, live_server: LiveServer
) -> None:
    page: Page = request.getfixturevalue(viewport)
    officer = User.objects.get(username="olu")
    for name in ("Beihang University", "Harbin Institute of Technology"):
        partners.organisation_create(
            actor=officer, data=partners.OrganisationInput(name=name, kind="university")
        )
    list_source_update_enqueue(sources=["uk-sanctions"], actor=actor_for(officer))

    _open(page, live_server, "/jobs/", "task-runs")

    ran_on = page.locator("main tbody td:nth-child(2)").all_inner_texts()
    assert "Organisation: Beihang University" in [text.split("\n")[-1] for text in ran_on]
    assert not page.evaluate(TOO_WIDE), _culprits(page)
    assert page.evaluate(SPLIT_WORDS) == []
    if viewport == "phone":
        labels = (
            page.locator("main tbody tr")
            .first.locator("td")
            .evaluate_all("cells => cells.map(td => getComputedStyle(td, '::before').content)")
        )
        assert labels == [
            '"Task"',
            '"Ran on"',
            '"Started by"',
            '"Queued at"',
            '"Status"',
            '"Progress"',
        ]
    page.locator("main tbody a", has_text="Update watch lists").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Task run: Update watch lists from their publishers"
    )
    expect(page.get_by_role("heading", name="Outcome")).to_be_visible()
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    assert not page.evaluate(TOO_WIDE), _culprits(page)  # the failure quotes a long address
    if SCREENSHOTS:
        _open(page, live_server, page.url.removeprefix(live_server.url), "task-run")


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_the_policy_page_breaks_no_word_in_the_middle(
    viewport: str, request: pytest.FixtureRequest, live_server: LiveServer
) -> None:
    page: Page = request.getfixturevalue(viewport)
    _open(page, live_server, "/policy/", "policy")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")

    assert not page.evaluate(TOO_WIDE), _culprits(page)
    assert page.evaluate(SPLIT_WORDS) == []
