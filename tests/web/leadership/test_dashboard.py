"""The leadership dashboard: its figures, who reads them, their CSV, and their cost in queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.web.cases.conftest import Advance, Cast
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.leadership import selectors
from trustdesk.web.leadership.forms import default_period
from trustdesk.web.leadership.selectors import Filters

pytestmark = pytest.mark.django_db
Status = Engagement.Status


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _filters() -> Filters:
    return Filters(default_period(timezone.localdate()))


def test_the_senior_owner_sees_every_departments_figures_but_no_case(
    cast: Cast, advance: Advance, sam: User
) -> None:
    decided = advance(Status.DECIDED)
    advance(Status.SUBMITTED, tier="enhanced")
    factories.make_engagement(cast.otto, title="Chemistry draft")

    response = _client(sam).get("/leadership/")

    assert response.status_code == 200
    board = response.context["board"]
    assert board.engagements == 3
    assert board.by_tier.value("Standard") == 1
    assert board.by_tier.value("Enhanced due diligence") == 1
    assert board.by_tier.value(selectors.NOT_TRIAGED) == 1
    assert board.decisions_by_outcome.total == 1
    assert dict(board.by_department.rows) == {"Physics": 2, "Chemistry": 1}
    page = response.content.decode()
    assert decided.title not in page
    assert "Rita" not in page
    assert str(decided.public_id) not in page
    # The senior owner opens no case: it lies outside their scope, as a missing one does.
    assert _client(sam).get(decided.get_absolute_url()).status_code == 404


def test_the_department_filter_narrows_the_counts(cast: Cast, advance: Advance, sam: User) -> None:
    advance(Status.SUBMITTED)
    factories.make_engagement(cast.otto, title="Chemistry draft")

    response = _client(sam).get("/leadership/", {"department": str(cast.chemistry.public_id)})

    board = response.context["board"]
    assert board.engagements == 1
    assert dict(board.by_department.rows) == {"Chemistry": 1}


def test_the_heat_map_counts_each_areas_standing_rating(
    cast: Cast, advance: Advance, sam: User
) -> None:
    engagement = advance(Status.IN_REVIEW)
    assessment_services.assessment_run(actor=cast.olga, engagement=engagement)
    # A second run replaces the first: only the latest assessment counts.
    assessment_services.assessment_run(actor=cast.olga, engagement=engagement)

    board = selectors.dashboard(user=sam, filters=_filters())

    assert [label for _, label in board.heat.areas] == [
        "Reputation and values",
        "People",
        "Campuses",
        "Partnerships",
    ]
    assert sum(board.heat.counts.values()) == 4
    assert all(sum(n for _, n in board.heat.area_rows(area)) == 1 for area, _ in board.heat.areas)


def test_researchers_and_champions_are_refused(cast: Cast) -> None:
    for user in (cast.rita, cast.cara):
        assert _client(user).get("/leadership/").status_code == 403
        assert _client(user).get("/leadership/figures/tier.csv").status_code == 403


def test_a_figure_downloads_as_the_table_the_page_shows(advance: Advance, sam: User) -> None:
    advance(Status.SUBMITTED)

    response = _client(sam).get("/leadership/figures/tier.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tier-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Engagements by due-diligence tier", "Engagements"]
    assert ["Standard", "1"] in rows
    assert _client(sam).get("/leadership/figures/nothing.csv").status_code == 404


def test_a_formula_in_a_name_stays_text_in_the_csv(cast: Cast, sam: User) -> None:
    evil = factories.make_department('=HYPERLINK("http://x.example","click")')
    user = factories.make_user("eve", User.Role.RESEARCHER, department=evil)
    factories.make_engagement(user, title="Formula")

    response = _client(sam).get("/leadership/figures/department.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ['\'=HYPERLINK("http://x.example","click")', "1"] in rows


def _dashboard_queries(user: User) -> int:
    client = _client(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/leadership/").status_code == 200
    return len(captured.captured_queries)


def test_the_dashboard_costs_the_same_queries_for_few_or_many_cases(
    cast: Cast, advance: Advance, sam: User
) -> None:
    def grow() -> None:
        assessed = advance(Status.IN_REVIEW, tier="enhanced")
        assessment_services.assessment_run(actor=cast.olga, engagement=assessed)
        advance(Status.DECIDED)
        advance(Status.ACTIVE)

    grow()
    few = _dashboard_queries(sam)
    for _ in range(3):
        grow()
    many = _dashboard_queries(sam)

    assert Engagement.objects.count() == 12
    assert many == few
