"""Ongoing monitoring in the browser: a new list file lists a partner already on file.

The officer's monitoring page shows the change, its "what changed" page names the partner that
gained a hit, the partner's page shows the new hit, the officer's desk asks for a verdict on it,
the decided engagement with that partner shows "review due", and another partner's dismissed hit
stays dismissed (remembered, with its history). Screenshots at laptop and phone width go to
TRUSTDESK_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.partners import services
from trustdesk.web.partners.models import ScreeningHit
from trustdesk.web.watch.models import Rescreen

pytestmark = pytest.mark.slow  # a browser and three list imports: about 30 s
PASSWORD = "correct horse battery staple"
HEADER = "id,name,aliases,type,countries,notes\n"
POLYTECHNIC = "W-1,Northern Example Polytechnic,NEP Institute,organization,CN,Listed\n"
WORKS = "W-2,Southern Example Aviation Works,,organization,RU,Listed 2026\n"


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any, tmp_path: Path) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")
    settings.HOME = tmp_path / "home"


def _import(folder: Path, rows: list[str]) -> None:
    folder.mkdir(parents=True)
    path = folder / "declined.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    list_snapshot_import(paths=[path], source="custom:declined", actor="cli:test")


def _shoot(page: Page, name: str) -> None:
    folder = os.environ.get("TRUSTDESK_SCREENSHOTS")
    if not folder:
        return
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_new_list_file_reaches_the_officer_and_a_dismissed_hit_stays_dismissed(
    transactional_db: None, live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    # given two partners on file, one of whose listed matches an officer dismissed
    officer = factories.make_user("olga", User.Role.OFFICER, password=PASSWORD, first_name="Olga")
    physics = factories.make_department("Physics", faculty="Science")
    researcher = factories.make_user("rita", User.Role.RESEARCHER, department=physics)
    _import(tmp_path / "v1", [POLYTECHNIC])
    polytechnic = factories.make_organisation(researcher, "Northern Example Polytechnic")
    works = factories.make_organisation(researcher, "Southern Example Aviation Works")
    hit = ScreeningHit.objects.get(run__organisation=polytechnic)
    services.hit_adjudicate(
        actor=officer, hit=hit, verdict="false_positive", reason="A college in another city"
    )
    # and a decided engagement with the other partner, which matched nothing when it was decided
    engagement = factories.make_decided_engagement(researcher, officer, works)

    # when a new file of the list adds the other partner (and notes an update on the first)
    _import(tmp_path / "v2", [POLYTECHNIC.replace("Listed", "Listed and reviewed"), WORKS])

    # then the monitoring page shows the change and the partner that gained a hit
    rescreen = Rescreen.objects.get(old_snapshot__isnull=False)
    page.goto(f"{live_server.url}/accounts/login/?next=/monitoring/")
    page.get_by_label("Username").fill("olga")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Ongoing monitoring")).to_be_visible()
    link = page.locator(f'a[href="/monitoring/{rescreen.public_id}/"]').first
    expect(link).to_have_text("custom:declined")
    _shoot(page, "monitoring")
    link.click()
    expect(page).to_have_url(f"{live_server.url}/monitoring/{rescreen.public_id}/")
    expect(page.get_by_text("1 added, 1 changed, 0 removed")).to_be_visible()
    _shoot(page, "what-changed")
    page.get_by_role("link", name="Southern Example Aviation Works").click()
    expect(page.get_by_text("Not yet adjudicated").first).to_be_visible()

    # and the dismissed hit of the other partner stays dismissed, with its history
    detail = reverse("partners:organisation-detail", args=[polytechnic.public_id])
    page.goto(f"{live_server.url}{detail}")
    expect(page.locator("h1")).to_have_text("Northern Example Polytechnic")
    _shoot(page, "dismissed-remembered")
    latest = ScreeningHit.objects.filter(run__organisation=polytechnic).order_by("-pk")[0]
    assert (latest.verdict, latest.memory is not None, latest.changes) == (
        "false_positive",
        True,
        [],
    )
    assert works.pk != polytechnic.pk

    # and the officer's desk asks for a verdict on the new hit of the decided engagement
    page.goto(f"{live_server.url}/")
    item = page.locator("li.work-hits_open", has_text=engagement.title)
    expect(item).to_contain_text("Adjudicate")
    expect(item).to_contain_text("an open hit")
    _shoot(page, "desk-new-hit")

    # and the engagement with that partner shows that its review is due
    item.get_by_role("link", name=engagement.title).click()
    expect(page).to_have_url(f"{live_server.url}/engagements/{engagement.public_id}/")
    expect(page.get_by_text("Review due").first).to_be_visible()
    _shoot(page, "engagement-review-due")
    assert Engagement.objects.get(pk=engagement.pk).status == Engagement.Status.REVIEW_DUE

    # when the listed entry gains a name, the dismissed match is raised again, saying why
    _import(tmp_path / "v3", [POLYTECHNIC.replace("NEP Institute", "NEP Institute;NEPI"), WORKS])
    page.goto(f"{live_server.url}{detail}")
    expect(page.locator("p.group-match", has_text="Raised again")).to_contain_text(
        "The listed entry's names changed: now “NEPI”."
    )
    page.get_by_text("Match details and verdict history").first.click()
    page.get_by_text("Verdict history (1)").click()
    expect(page.get_by_text("False positive by Olga Tester").last).to_be_visible()
    _shoot(page, "raised-again")
