"""A researcher uploads evidence for their mitigation and marks it done, in the browser."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import axe_violations
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services as cases
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.mitigations import services as mitigations
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem
from trustdesk.web.triage import services as triage

PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.HOME = tmp_path / "home"
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def case(transactional_db: None) -> Engagement:
    """Rita's staff trip carrying devices, triaged, in review, its checklist item proposed."""
    physics = factories.make_department("Physics")
    rita = factories.make_user("rita", department=physics, password=PASSWORD, last_name="")
    olga = factories.make_user("olga", User.Role.OFFICER, last_name="")
    engagement = factories.make_engagement(rita, title="Conference trip to Berlin")
    session = triage.triage_start(actor=rita, engagement=engagement)
    for answers in (
        {"engagement_kind": ["staff-travel"], "travel_country": "DE"},
        {"research_areas": ["history"], "travel_carrying": ["devices"]},
    ):
        session = triage.triage_answers_save(
            actor=rita, session=session, answers=answers, questions=list(answers)
        )
    triage.triage_complete(actor=rita, session=session)
    engagement = cases.engagement_submit(actor=rita, engagement=engagement)
    engagement = cases.engagement_review_start(actor=olga, engagement=engagement)
    mitigations.mitigation_propose(actor=olga, engagement=engagement)
    return engagement


def test_a_researcher_uploads_evidence_and_completes_their_mitigation(
    page: Page, live_server: LiveServer, case: Engagement, tmp_path: Path
) -> None:
    # given Rita signed in, on her engagement's page
    path = case.get_absolute_url()
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_text("You have a mitigation to complete.")).to_be_visible()
    assert axe_violations(page) == []
    item = page.locator(".mitigation")

    # when she uploads the evidence from the unfolded form, then marks the item done
    evidence = tmp_path / "device-loan.pdf"
    evidence.write_bytes(PDF)
    item.get_by_label("File").set_input_files(evidence)
    item.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("device-loan.pdf uploaded.")).to_be_visible()
    page.locator(".mitigation").get_by_label("What was done (optional)").fill("Loan laptop booked")
    page.locator(".mitigation").get_by_role("button", name="Mark as done").click()

    # then the item reads as done, its evidence a download link, and the page still passes axe
    expect(page.get_by_text("Marked as done.")).to_be_visible()
    done = page.locator(".mitigation")
    expect(done.locator(".status-done")).to_have_text("Done")
    expect(done.get_by_role("link", name="device-loan.pdf")).to_have_attribute("download", "")
    page.screenshot(path=str(Path("/tmp") / "mitigations-done.png"), full_page=True)
    assert axe_violations(page) == []
    stored = EvidenceFile.objects.get()
    assert (stored.content_type, stored.item.status) == ("application/pdf", "done")
    assert MitigationItem.objects.get().status_note == "Loan laptop booked"
