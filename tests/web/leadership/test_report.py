"""The governing body's report: generated on the queue, in the four areas, naming no one."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.web.cases.conftest import Advance, Cast
from tests.web.documents.pdftext import read_pdf
from tests.web.selfassess.support import completed
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.documents.builders import reference
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.leadership import report, services
from trustdesk.web.leadership.exports import REPORT_COLUMNS
from trustdesk.web.leadership.forms import default_period
from trustdesk.web.leadership.models import BoardReport
from trustdesk.web.leadership.selectors import Filters, Period

pytestmark = pytest.mark.django_db
Status = Engagement.Status
Commits = Callable[..., AbstractContextManager[Any]]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _generate(user: User, commits: Commits, period: Period | None = None) -> BoardReport:
    period = period or default_period(timezone.localdate())
    with commits(execute=True):
        response = _client(user).post(
            "/leadership/reports/", {"start": period.start, "end": period.end}
        )
    assert response.status_code == 302
    return BoardReport.objects.get()


def test_the_report_is_generated_in_the_background_and_names_cases_by_reference_only(
    cast: Cast, advance: Advance, sam: User, django_capture_on_commit_callbacks: Commits
) -> None:
    assessed = advance(Status.IN_REVIEW, tier="enhanced")
    assessment = assessment_services.assessment_run(actor=cast.olga, engagement=assessed)
    assessment_services.assessment_override(
        actor=cast.olga,
        assessment=assessment,
        area="campuses",
        rating="very-high",
        justification="The partner's laboratory sits on a military campus.",
    )
    decided = advance(Status.DECIDED)

    row = _generate(sam, django_capture_on_commit_callbacks)

    assert row.ready
    run = TaskRun.objects.get(pk=row.run_id)
    assert (run.status, run.progress_done, run.progress_total) == (
        TaskRun.Status.SUCCEEDED,
        len(report.SECTIONS) + 1,
        len(report.SECTIONS) + 1,
    )
    assert row.figures["engagements"] == 2
    assert row.figures["decisions"] == 1
    page = _client(sam).get(row.get_absolute_url())
    assert b"Download the report (PDF)" in page.content
    pdf = _client(sam).get(f"{row.get_absolute_url()}report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = read_pdf(pdf.content).flat
    for heading in ("Reputation and values", "People", "Campuses", "Partnerships"):
        assert heading in text
    assert "Escalations and their outcomes" in text
    assert "Changes in law, policy and the watch lists" in text
    # No researcher, officer or title: the cases are references.
    for name in ("Rita", "Tom Tester", "Olga", "Alan", decided.title, "Tester"):
        assert name not in text
    # The campuses section names the case rated very high by its reference, and only there.
    assert "1 rated high or very high" in text
    assert f"{reference(assessed)} Research collaboration Enhanced due diligence" in text
    assert "military campus" not in text  # the case file's reasons stay in the case file
    actions = list(
        AuditEvent.objects.filter(action__startswith="trustdesk.board_report.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "trustdesk.board_report.requested",
        "trustdesk.board_report.generated",
        "trustdesk.board_report.downloaded",
    ]


def test_the_reports_csv_holds_the_same_figures(
    advance: Advance, sam: User, django_capture_on_commit_callbacks: Commits
) -> None:
    advance(Status.DECIDED)
    advance(Status.SUBMITTED, tier="enhanced")

    row = _generate(sam, django_capture_on_commit_callbacks)
    response = _client(sam).get(f"{row.get_absolute_url()}report.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(REPORT_COLUMNS)
    tier = {
        r[2]: r[4]
        for r in rows
        if r[1] == "Engagements by due-diligence tier" and r[0] == "Summary"
    }
    assert tier["Standard"] == "1"
    assert tier["Enhanced due diligence"] == "1"


def test_only_those_who_generate_reports_ask_for_one(cast: Cast, sam: User) -> None:
    for user in (cast.alan, cast.aude, cast.ada):
        response = _client(user).post("/leadership/reports/", {})
        assert response.status_code == 403
    assert _client(cast.rita).get("/leadership/reports/").status_code == 403
    assert _client(cast.aude).get("/leadership/reports/").status_code == 200


def test_a_backwards_or_overlong_period_is_refused(sam: User) -> None:
    today = timezone.localdate()
    with pytest.raises(services.ReportError, match=services.PERIOD_BACKWARDS):
        services.board_report_request(
            actor=sam, period=Period(today, today.replace(year=today.year - 1))
        )
    with pytest.raises(services.ReportError, match=services.PERIOD_TOO_LONG):
        services.board_report_request(
            actor=sam, period=Period(today.replace(year=today.year - 5), today)
        )
    assert BoardReport.objects.count() == 0


def _report_queries(user: User) -> int:
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        report.build_report(user=user, filters=Filters(default_period(today)), today=today)
    return len(captured.captured_queries)


def test_the_report_costs_the_same_queries_for_few_or_many_cases(
    cast: Cast, advance: Advance, sam: User
) -> None:
    def grow() -> None:
        assessed = advance(Status.IN_REVIEW, tier="enhanced")
        assessment_services.assessment_run(actor=cast.olga, engagement=assessed)
        advance(Status.DECIDED)
        advance(Status.ACTIVE)

    grow()
    few = _report_queries(sam)
    for _ in range(3):
        grow()
    many = _report_queries(sam)

    assert Engagement.objects.count() == 12
    assert many == few


def test_the_report_closes_with_the_latest_self_assessment_against_the_one_before(
    cast: Cast, sam: User
) -> None:
    today = timezone.localdate()
    filters = Filters(default_period(today))
    none_yet = report.build_report(user=sam, filters=filters, today=today).sections[-1]
    assert none_yet.key == "self-assessment"
    assert "No self-assessment had been completed" in none_yet.paragraphs[0]

    year_ago = filters.period.end.replace(year=filters.period.end.year - 1)
    completed(cast.olga, year_ago, 2, today=year_ago)
    completed(cast.olga, filters.period.end, 3, {"pa-tne": 0}, today=filters.period.end)

    section = report.build_report(user=sam, filters=filters, today=today).sections[-1]
    assert section.paragraphs[0].endswith(
        f"average maturity 2.9 out of 4, against 2.0 in the assessment of {year_ago:%d %B %Y}."
    )
    # last year's 25 gaps are still open (and past their dates), this year's one is new
    assert section.paragraphs[1] == (
        "26 action(s) from its gaps were open at the end of the period, 25 of them overdue."
    )
    rows = {row[0]: row[1:] for row in section.tables[0].rows}
    assert rows["Governance and ownership"] == ("3.0", "2.0", "up")
