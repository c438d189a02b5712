"""A list file uploaded with its impact previewed: reviewed, made current, then on the desk.

An administrator uploads a new file of a list with "Preview the impact" ticked; the snapshot is
held back, and its impact page names the partner that would gain a hit and the decided
engagement whose review would fall due. The officer sees the work item on the desk, makes the
snapshot current from the page, and the desk then asks for a verdict on the new hit. The impact
page passes axe. Screenshots at 1366 and 390 px go to TRUSTDESK_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import axe_violations
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.models import ListSource, Staging
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.partners.models import ScreeningHit

pytestmark = pytest.mark.slow  # a browser, two sign-ins, an upload and a re-screen
PASSWORD = "correct horse battery staple"
HEADER = "id,name,aliases,type,countries,notes\n"
POLYTECHNIC = "W-1,Northern Example Polytechnic,NEP Institute,organization,CN,Listed\n"
WORKS = "W-2,Southern Example Aviation Works,,organization,RU,Listed 2026\n"


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any, tmp_path: Path) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")
    settings.HOME = tmp_path / "home"


def _shoot(page: Page, name: str) -> None:
    folder = os.environ.get("TRUSTDESK_SCREENSHOTS")
    if not folder:
        return
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _sign_in(browser: Browser, live_server: LiveServer, username: str, path: str) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_an_uploaded_file_is_previewed_reviewed_and_made_current(
    transactional_db: None, live_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    # given a list in use, a partner it does not list yet, and a decided case with that partner
    officer = factories.make_user("olga", User.Role.OFFICER, password=PASSWORD, first_name="Olga")
    factories.make_user("ada", User.Role.ADMIN, password=PASSWORD, first_name="Ada")
    physics = factories.make_department("Physics", faculty="Science")
    researcher = factories.make_user("rita", User.Role.RESEARCHER, department=physics)
    first = tmp_path / "v1" / "declined.csv"
    first.parent.mkdir()
    first.write_text(HEADER + POLYTECHNIC, encoding="utf-8")
    list_snapshot_import(paths=[first], source="custom:declined", actor="cli:test")
    works = factories.make_organisation(researcher, "Southern Example Aviation Works")
    engagement = factories.make_decided_engagement(researcher, officer, works)
    newer = tmp_path / "declined.csv"
    newer.write_text(HEADER + POLYTECHNIC + WORKS, encoding="utf-8")

    # when the administrator uploads the next file with the preview ticked (the default)
    admin = _sign_in(browser, live_server, "ada", "/lists/")
    expect(admin.get_by_label("Preview the impact before making it current")).to_be_checked()
    upload = admin.get_by_role("form", name="Upload a list file")
    upload.locator("#id_file").set_input_files(str(newer))
    upload.locator("#id_source").select_option("custom")
    upload.locator("#id_custom_name").fill("declined")
    admin.get_by_role("button", name="Upload and check").click()
    admin.get_by_role("link", name="awaiting review").click()

    # then the impact page names the partner and the case, and nothing serves it yet
    staging = Staging.objects.get()
    expect(admin).to_have_url(f"{live_server.url}/monitoring/staged/{staging.public_id}/")
    expect(admin.locator("#gaining")).to_contain_text("Partners gaining possible matches (1)")
    gaining = admin.locator("#gaining + table")
    expect(gaining).to_contain_text("Southern Example Aviation Works")
    expect(gaining).to_contain_text("custom:declined:W-2")
    expect(admin.locator("#engagements + table")).to_contain_text("would fall due")
    assert ListSource.objects.get(key="custom:declined").current_id != staging.snapshot_id
    assert not ScreeningHit.objects.filter(run__organisation=works).exists()
    assert axe_violations(admin) == []
    _shoot(admin, "impact-preview")
    admin.context.close()

    # and the officer's desk asks for the review
    page = _sign_in(browser, live_server, "olga", "/")
    item = page.locator("li.work-list_staged")
    expect(item).to_contain_text("Review the impact of")
    _shoot(page, "desk-staged")
    item.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Impact preview: custom:declined")).to_be_visible()

    # when the officer makes it current
    page.get_by_role("button", name="Make current").click()

    # then the page links to what changed, and the desk asks for a verdict on the new hit
    expect(page.get_by_text("Made current")).to_be_visible()
    page.get_by_role("link", name="What changed").click()
    expect(page.get_by_text("1 added, 0 changed, 0 removed")).to_be_visible()
    _shoot(page, "what-changed-after-review")
    page.goto(f"{live_server.url}/")
    hit = page.locator("li.work-hits_open", has_text=engagement.title)
    expect(hit).to_contain_text("Adjudicate")
    expect(page.locator("li.work-list_staged")).to_have_count(0)
    assert ListSource.objects.get(key="custom:declined").current_id == staging.snapshot_id
