"""Each role's desk: its own work, nothing out of its scope, figures with their numbers as text."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.web.cases.conftest import Advance, Cast
from tests.web.desk.support import screened_partner, triaged
from trustdesk.web.cases import services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions import services as decision_services

pytestmark = pytest.mark.django_db
Status = Engagement.Status


def desk(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _links(page: str, kind: str) -> list[str]:
    """The engagement links of the work items of one kind (titles may repeat; links do not)."""
    items = re.findall(rf'<li class="work-item work-{kind}[^"]*">(.*?)</li>', page, flags=re.S)
    return [m for i in items for m in re.findall(r'href="([^"]+)"', i)]


def _work(page: str) -> list[str]:
    """The work items' text, whitespace collapsed."""
    items = re.findall(r'<li class="work-item[^"]*">(.*?)</li>', page, flags=re.S)
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", i))).strip() for i in items]


def test_a_visitor_is_sent_to_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_researcher_sees_what_to_do_next_on_their_own_cases_only(
    cast: Cast, advance: Advance
) -> None:
    # given Rita's case waiting on her answer, her draft, and Otto's draft
    waiting = advance(Status.AWAITING_INFORMATION)
    draft = factories.make_engagement(cast.rita, title="Rita's draft")
    factories.make_engagement(cast.otto, title="Otto's secret draft")
    # then Rita is asked to answer and to submit, and sees nothing of Otto's
    items = _work(desk(cast.rita))
    assert items == [
        f"Answer {waiting.title} — a question to answer",
        f"Complete and submit {draft.title} — draft",
    ]
    page = desk(cast.rita)
    assert "secret draft" not in page
    assert "Cases in figures" not in page  # a researcher's role has no reports
    # Tom, on the team, answers too, but submits only his own drafts
    assert _work(desk(cast.tom)) == [f"Answer {waiting.title} — a question to answer"]
    # Otto sees only his draft
    assert _work(desk(cast.otto)) == ["Complete and submit Otto's secret draft — draft"]


def test_a_researcher_is_told_of_a_review_coming_up(cast: Cast, advance: Advance) -> None:
    active = advance(Status.ACTIVE)
    Engagement.objects.filter(pk=active.pk).update(review_date="2000-01-01")
    assert _work(desk(cast.rita)) == [
        f"Prepare the review of {active.title} — periodic review, overdue since 1 Jan 2000"
    ]


def test_an_officer_sees_the_queue_counts_and_coverage(cast: Cast, advance: Advance) -> None:
    submitted = advance(Status.SUBMITTED)
    in_review = advance(Status.IN_REVIEW)
    screened_partner(in_review, cast.olga, "Listed Institute", ["unresolved", "unresolved"])
    services.engagement_assign(actor=cast.olga, engagement=in_review, assignee=cast.olga)
    factories.make_engagement(cast.rita, title="Still a draft")
    triaged(submitted, "enhanced")
    page = desk(cast.olga)
    items = _work(page)
    assert f"Adjudicate {in_review.title} — 2 open hits, assigned to you" in items
    assert f"Start the review of {submitted.title} — submitted" in items
    assert not any("Still a draft" in i for i in items)
    assert "The watch lists are not complete and current." in page
    # the numbers behind the charts, as text in their tables
    assert re.search(r'<th scope="row">Submitted</th><td[^>]*>1</td>', page)
    assert re.search(r'<th scope="row">In review</th><td[^>]*>1</td>', page)
    assert re.search(r'<th scope="row">Draft</th><td[^>]*>1</td>', page)
    assert re.search(r'<th scope="row">Enhanced due diligence</th><td[^>]*>1</td>', page)
    # every case past a draft has been triaged (the one in review in the standard tier)
    assert re.search(r'<th scope="row">Standard</th><td[^>]*>1</td>', page)
    assert re.search(r'<th scope="row">Not triaged</th><td[^>]*>1</td>', page)
    assert 'role="img"' in page
    assert '<desc id="chart-status-desc">Cases: Draft: 1;' in page


def test_an_approver_sees_what_awaits_their_decision_and_what_they_decided(
    cast: Cast, advance: Advance
) -> None:
    # an enhanced case with a recommendation waits for the approver; another was decided by them
    waiting = advance(Status.IN_REVIEW, tier="enhanced")
    decision_services.recommendation_make(
        actor=cast.olga, engagement=waiting, proposal=factories.proposal()
    )
    decided = advance(Status.DECIDED, tier="enhanced")
    page = desk(cast.alan)
    assert _work(page) == [f"Decide {waiting.title} — recommendation made"]
    section = page.split('id="decided-heading"')[1].split("</section>")[0]
    assert decided.get_absolute_url() in section
    assert waiting.get_absolute_url() not in section


def test_an_officer_is_not_asked_to_decide_what_the_tier_routes_to_an_approver(
    cast: Cast, advance: Advance
) -> None:
    standard = advance(Status.IN_REVIEW)
    enhanced = advance(Status.IN_REVIEW, tier="enhanced")
    for case in (standard, enhanced):
        decision_services.recommendation_make(
            actor=cast.olga, engagement=case, proposal=factories.proposal()
        )
    page = desk(cast.olga)
    assert f"Decide {standard.title} — recommendation made" in _work(page)
    # both cases carry the same title, so the items are told apart by their links
    assert _links(page, "awaiting_decision") == [standard.get_absolute_url()]


def test_an_auditor_sees_recent_decisions_and_the_chain(cast: Cast, advance: Advance) -> None:
    advance(Status.DECIDED)
    page = desk(cast.aude)
    decisions = page.split('id="decisions-heading"')[1].split("</section>")[0]
    assert "Olga Tester (olga)" in decisions
    assert "approve" in decisions
    assert "Not anchored yet: verify the whole chain." in page
    assert "Verify the whole chain" in page
    assert _work(page) == []


def test_a_champion_sees_only_their_departments_cases(cast: Cast, advance: Advance) -> None:
    physics = advance(Status.SUBMITTED)  # Rita's: Physics
    chemistry = factories.make_engagement(cast.otto, title="Chemistry only")
    chemistry = services.engagement_submit(actor=cast.otto, engagement=chemistry)
    page = desk(cast.cara)
    section = page.split('id="department-heading"')[1].split("</section>")[0]
    assert physics.get_absolute_url() in section
    assert chemistry.get_absolute_url() not in page
    assert re.search(r'<th scope="row">Submitted</th><td[^>]*>1</td>', page)  # her scope's count


def test_time_to_decision_is_charted_with_its_numbers(cast: Cast, advance: Advance) -> None:
    # given a case decided ten days after its submission, as the audit trail recorded it
    decided = advance(Status.DECIDED)
    submitted = AuditEvent.objects.get(
        action="trustdesk.engagement.submitted", target_id=str(decided.pk)
    )
    Engagement.objects.filter(pk=decided.pk).update(
        decided_at=submitted.created_at + timedelta(days=10)
    )
    page = desk(cast.olga)
    assert "over the past year: 10.0 days (1 decision)." in page
    assert re.search(r'<th scope="row">1–2 weeks</th><td[^>]*>1</td>', page)
    assert re.search(r'<th scope="row">Within a week</th><td[^>]*>0</td>', page)


def _officer_desk_queries(cast: Cast) -> int:
    client = Client()
    client.force_login(cast.olga)
    client.get("/")  # warm: the session, the pack cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_the_officer_desk_costs_the_same_queries_for_few_or_many_cases(
    cast: Cast, advance: Advance
) -> None:
    def grow() -> None:
        for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.ACTIVE):
            e = advance(status)
            screened_partner(e, cast.olga, f"Org {e.pk}", ["unresolved", "confirmed"])
            triaged(e, "standard")

    grow()
    few = _officer_desk_queries(cast)
    for _ in range(4):
        grow()
    many = _officer_desk_queries(cast)
    assert few == many
    assert many <= 30
