"""The whole path in Chromium: a collaboration with a listed university, from triage to a committee
decision, the letter, a mitigation completed with evidence, and an intact audit chain.

Each person works in their own browser context (their own session), as on separate machines.
Controls are found by role and accessible name, and folded forms by their summary, so the test
follows the case page through layout changes. With TRUSTDESK_SCREENSHOTS=dir set, the desks,
the case page and the letter are saved at 1366 and 390 px wide.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_triage import saved
from trustdesk.cli import main
from trustdesk.web import demo_data
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.decisions import services as decisions
from trustdesk.web.decisions.models import Decision, Vote
from trustdesk.web.lists.screening import current_index
from trustdesk.web.lists.services import shipped_lists_ensure
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem
from trustdesk.web.partners import services as partners
from trustdesk.web.partners.models import Organisation, ScreeningHit
from trustdesk.web.triage import selectors as triage_selectors

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"
TITLE = "Icing-tunnel tests with Beihang University"
CONDITION = "Export-control check of the simulation code before any copy leaves Wessex"
WIDTHS = ((1366, 900), (390, 844))
# Each committee member's vote, in order; the third meets the quorum of three.
VOTES = (
    ("mthornbury", "Approve with conditions", "Civil certification work; the check covers code."),
    ("rvance", "Refer back to the researcher", "I want the data list in a signed agreement."),
    ("lfairbairn", "Approve with conditions", "Routine civil aeronautics, conditions suffice."),
)


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.HOME = tmp_path / "home"
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def people(transactional_db: None) -> dict[str, User]:
    """A researcher, an officer and the four approvers who hold the committee's seats."""
    shipped_lists_ensure()
    current_index()  # built here, so the first search as the name is typed does not wait on it
    aero, _ = Department.objects.get_or_create(name="Aerospace Engineering")
    made = {
        "aokafor": factories.make_user(
            "aokafor", department=aero, password=PASSWORD, first_name="Amara", last_name="Okafor"
        ),
        "hkowalczyk": factories.make_user(
            "hkowalczyk",
            User.Role.OFFICER,
            password=PASSWORD,
            first_name="Hanna",
            last_name="Kowalczyk",
        ),
    }
    for _seat, username in demo_data.COMMITTEE_SEATS:
        made[username] = factories.make_user(
            username, User.Role.APPROVER, password=PASSWORD, first_name=username[1:].title()
        )
    pack = triage_selectors.pack()
    route = next(r for r in pack.routing if r.committee is not None)
    for seat, username in demo_data.COMMITTEE_SEATS:
        decisions.committee_seat_assign(
            actor=made["hkowalczyk"], route=route, seat=seat, holder=made[username], pack_id=pack.id
        )
    return made


@pytest.fixture
def beihang(people: dict[str, User]) -> Organisation:
    """Beihang in the shared register, as the demo adds it, screened (on commit).

    With one alias more, a researcher's slip: a name the Navy Aviation University is listed
    under, which the officer dismisses as a group of its own.
    """
    data = next(o for o in demo_data.ORGANISATIONS if o.name == demo_data.BEIHANG)
    return partners.organisation_create(
        actor=people["aokafor"],
        data=partners.OrganisationInput(
            name=data.name,
            kind=data.kind,
            aliases=[*data.aliases, "Naval Aeronautics and Astronautics University"],
            country=data.country,
            ror_id=data.ror_id,
        ),
    )


class Desk:
    """One person's browser session on the live server."""

    def __init__(self, browser: Browser, live_server: LiveServer, user: User) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 900})
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.url = live_server.url
        page = self.page
        page.goto(f"{self.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    def go(self, path: str) -> Page:
        self.page.goto(f"{self.url}{path}")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desks(browser: Browser, live_server: LiveServer) -> Iterator[list[Desk]]:
    opened: list[Desk] = []
    yield opened
    for desk in opened:
        desk.close()


def unfold(page: Page | Locator, summary: str) -> None:
    """Open the <details> whose summary reads `summary` (no-op when it is open or not folded)."""
    toggle = page.locator("summary").filter(has_text=re.compile(rf"^\s*{re.escape(summary)}"))
    if toggle.count() == 0:
        return
    details = toggle.first.locator("xpath=..")
    if details.get_attribute("open") is None:
        toggle.first.click()


def shoot(page: Page, name: str) -> None:
    """Full-page screenshots at desktop and phone width, when TRUSTDESK_SCREENSHOTS names a dir."""
    folder = os.environ.get("TRUSTDESK_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(folder) / f"path-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def settled(engagement: Engagement, status: str) -> None:
    """Wait until the case reaches `status` (read from the database, not from the layout)."""
    deadline = time.monotonic() + 10
    while True:
        engagement.refresh_from_db(fields=["status"])
        if engagement.status == status or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert engagement.status == status


def area_row(page: Page, area: str) -> Locator:
    """The risk assessment's row of one area, by its row header."""
    risk = page.get_by_role("region", name="Risk assessment")
    return risk.get_by_role("row").filter(has=page.get_by_role("rowheader", name=area, exact=True))


def plan_item(page: Page, title: str) -> Locator:
    """The mitigation plan's entry whose title is `title`."""
    plan = page.get_by_role("region", name="Mitigation plan")
    return plan.get_by_role("listitem").filter(has=page.get_by_text(title, exact=True))


def choose(page: Page, control: str) -> None:
    """Tick a triage answer unless it is already (prefilled) ticked; it autosaves."""
    box = page.locator(control)
    if box.count() and not box.is_checked():
        saved(page, lambda: box.check())


def test_a_listed_collaboration_goes_from_triage_to_a_committee_decision_and_evidence(
    browser: Browser,
    live_server: LiveServer,
    people: dict[str, User],
    beihang: Organisation,
    desks: list[Desk],
    tmp_path: Path,
) -> None:
    started = time.perf_counter()
    lap = started
    laps: list[tuple[str, float]] = []

    def mark(step: str) -> None:
        nonlocal lap
        now = time.perf_counter()
        laps.append((step, now - lap))
        lap = now

    def sign_in(username: str) -> Desk:
        desk = Desk(browser, live_server, people[username])
        desks.append(desk)
        return desk

    # --- the researcher proposes the collaboration, names Beihang and triages it -------------
    amara = sign_in("aokafor")
    page = amara.go("/engagements/")
    page.get_by_role("link", name="Propose an engagement").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Kind of engagement").select_option("research_collaboration")
    page.get_by_label("Summary").fill("Ice-accretion tests on wing sections in Beihang's tunnel.")
    page.get_by_label("Countries").fill("China")
    page.get_by_label("Research areas").fill("Aircraft icing")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    engagement = Engagement.objects.get(title=TITLE)
    case = f"/engagements/{engagement.public_id}/"

    unfold(page, "Add a partner")
    page.get_by_label("Find the organisation or person").fill(demo_data.BEIHANG)
    partner = page.get_by_role("radio", name=re.compile(re.escape(demo_data.BEIHANG)))
    expect(partner).to_be_visible()  # the matches arrive as the name is typed (htmx)
    expect(page.locator(".htmx-settling, .htmx-added, .htmx-swapping")).to_have_count(0)
    partner.check()
    page.get_by_label("Role").select_option(label="Partner institution")
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_role("region", name="Partners")).to_contain_text(demo_data.BEIHANG)

    page.get_by_role("button", name="Check what applies").click()
    expect(page).to_have_url(re.compile(r".*/triage/[0-9a-f-]{36}/(#questionnaire)?$"))
    for control in (
        "#q-partner_kind-university",
        "#q-research_areas-aerospace-engineering",
        "#q-transfer_abroad-yes",
        "#q-military_end_use-none",
        "#q-partner_military_links-yes",
        "#q-personal_data-none",
        "#q-human_participants-no",
        "#q-publication_restrictions-no",
        "#q-ip_transfer-no",
        "#q-goods_rating-no-goods",
        "#q-publication_status-unpublished",
        "#q-payment_to_partner-no",
    ):
        choose(page, control)
    page.get_by_role("button", name="See what applies").click()
    expect(page).to_have_url(re.compile(r".*/triage/[0-9a-f-]{36}/result/$"))
    expect(page.get_by_text("Escalated to the research security committee").first).to_be_visible()
    page = amara.go(case)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted to the research-security team.")).to_be_visible()
    settled(engagement, "submitted")
    mark("researcher: proposal, partner, triage, submit")

    # --- the officer starts the review and gives one verdict to each group of hits -----------
    hanna = sign_in("hkowalczyk")
    page = hanna.go("/")
    shoot(page, "desk-officer")
    page = hanna.go(case)
    page.get_by_role("button", name="Start review").click()
    settled(engagement, "in_review")

    page = hanna.go(f"/partners/organisations/{beihang.public_id}/")
    for name, verdict, reason in (
        ("Beihang University", "Confirmed match", "Same university: Beijing, ROR 00wk2mp56."),
        ("Navy Aviation University", "False positive", "Yantai naval school, not Beihang."),
    ):
        group = page.get_by_role("article").filter(
            has=page.get_by_role("heading", level=3, name=name, exact=True)
        )
        form = group.locator("form:has(input[name=group])")
        form.get_by_role("radio", name=verdict).check()
        form.get_by_label("Reason").fill(reason)
        form.get_by_role("button", name="Record verdict").click()
        expect(page.get_by_role("status").filter(has_text="Verdict recorded on")).to_contain_text(
            name
        )
    hits = ScreeningHit.objects.filter(run__organisation=beihang)
    assert {h.verdict for h in hits} == {"confirmed", "false_positive"}

    page = hanna.go(case)
    unfold(page, "Ask the researchers")
    page.get_by_label("Questions").fill("Will any wing geometry or tunnel data be shared?")
    page.get_by_role("button", name="Send questions").click()
    settled(engagement, "awaiting_information")
    mark("officer: review, group verdicts, question")

    # --- the researcher answers ---------------------------------------------------------------
    page = amara.go("/")
    shoot(page, "desk-researcher")
    page = amara.go(case)
    page.get_by_label("Answer").fill("Only the public NACA 0012 section; nothing else.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Only the public NACA 0012 section; nothing else.")).to_be_visible()

    # --- the officer assesses, overrides one rating, plans mitigations and recommends --------
    settled(engagement, "in_review")
    page = hanna.go(case)
    page.get_by_role("button", name="Assess the risk").click()
    expect(area_row(page, "Partnerships")).to_contain_text("Very high")
    unfold(page, "Change a rating")
    page.get_by_label("Area").select_option("reputation-and-values")
    page.get_by_label("Rating", exact=True).select_option("medium")
    page.get_by_label("Justification").fill(
        "Icing data for civil certification is published; the listing is rated under partnerships."
    )
    page.get_by_role("button", name="Change the rating").click()
    expect(area_row(page, "Reputation and values")).to_contain_text("Computed: High")

    page.get_by_role("button", name=re.compile(r"^Add (it|them) to the plan$")).click()
    page.get_by_role("link", name="Add a mitigation").click()
    page.get_by_label("What must be done").fill("Share only the public NACA sections")
    page.get_by_label("Due date").fill(f"{timezone.localdate() + timedelta(days=30):%Y-%m-%d}")
    page.get_by_role("button", name="Add to the plan").click()
    page = hanna.go(case)
    expect(page.get_by_role("region", name="Mitigation plan")).to_contain_text(
        "Share only the public NACA sections"
    )

    unfold(page, "Recommend a decision")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Record recommendation"))
    form.get_by_role("radio", name="Approve with conditions").check()
    form.get_by_label("Reasoning").fill("Civil research on public sections; sharing is limited.")
    form.get_by_label("Condition 1").fill(CONDITION)
    due = timezone.localdate() + timedelta(days=60)
    form.get_by_label("due", exact=True).first.fill(f"{due:%Y-%m-%d}")
    review = timezone.localdate() + timedelta(days=365)
    form.get_by_label("Review date").fill(f"{review:%Y-%m-%d}")
    form.get_by_role("button", name="Record recommendation").click()
    decision_region = page.get_by_role("region", name="Decision")
    expect(decision_region).to_contain_text("the research security committee")
    shoot(page, "case-officer")
    mark("officer: answer read, assessment, override, mitigations, recommendation")

    # --- the committee votes until the quorum decides -----------------------------------------
    for username, outcome, reason in VOTES:
        member = sign_in(username)
        page = member.go(case)
        unfold(page, "Cast your vote")
        page.get_by_role("radio", name=outcome).check()
        page.get_by_label("Reason").fill(reason)
        page.get_by_role("button", name="Record vote").click()
        expect(page.get_by_role("region", name="Decision")).to_contain_text(reason)
        member.close()
        desks.remove(member)
    decision = Decision.objects.get(engagement=engagement)
    assert (decision.route, decision.tier, decision.outcome) == (
        "committee",
        "escalated",
        "approve_with_conditions",
    )
    assert decision.decided_by.username == "lfairbairn"
    assert Vote.objects.filter(recommendation__engagement=engagement).count() == 3
    mark("committee: three votes")

    # --- the researcher reads the letter and completes the condition with evidence -----------
    page = amara.go(f"{case}letter/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(CONDITION)
    letter_text = page.locator("main").inner_text()
    assert "navy-aviation" not in letter_text.lower()  # no list-entry details for a researcher
    shoot(page, "letter")

    page = amara.go(case)
    shoot(page, "case-researcher")
    item = plan_item(page, CONDITION)
    unfold(item, "Upload evidence")
    evidence = tmp_path / "export-control-check.txt"
    evidence.write_text("Export-control check of the icing code: no licence needed (ECJU ref 123).")
    item.get_by_label("File").set_input_files(evidence)
    item.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("export-control-check.txt uploaded.")).to_be_visible()
    item = plan_item(page, CONDITION)
    unfold(item, "Mark as done")
    item.get_by_label("What was done (optional)").fill("Checked by the export control officer")
    item.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Marked as done.")).to_be_visible()
    done = MitigationItem.objects.get(engagement=engagement, source="condition")
    assert done.status == "done"
    assert EvidenceFile.objects.get(item=done).original_name == "export-control-check.txt"
    mark("researcher: letter, evidence, done")

    # --- and the audit trail of all of it is intact -------------------------------------------
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    total = time.perf_counter() - started
    sys.stdout.write(
        "\nwhole path: "
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in laps)
        + f"; total {total:.1f} s\n"
    )
    # About 50 s on an idle two-core machine; the bound is for a real slowdown, not for load.
    assert total < 180
