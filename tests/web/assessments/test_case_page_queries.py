"""The case page costs the same SQL statements for a case with one partner or with many.

Every section (partners, triage and its freshness, the assessment with its replay, mitigations,
questions, timeline) reads its rows in a fixed number of queries, so a case with ten listed
partners is no slower to open for its size than one with a single partner.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.assessments.conftest import Case
from tests.web.cases.conftest import Cast
from tests.web.desk.support import screened_partner
from trustdesk.web.assessments import services
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.mitigations import services as mitigation_services

pytestmark = pytest.mark.django_db
BOUND = 80  # a ceiling well above today's count, so a new section's few queries still fit


def _queries(cast: Cast, engagement: Engagement) -> int:
    client = Client()
    client.force_login(cast.olga)
    assert client.get(engagement.get_absolute_url()).status_code == 200  # warm: the pack
    with CaptureQueriesContext(connection) as captured:
        assert client.get(engagement.get_absolute_url()).status_code == 200
    return len(captured.captured_queries)


def _grow(cast: Cast, engagement: Engagement, n: int) -> None:
    """More screened partners with hits, mitigation items and questions on the same case."""
    for i in range(n):
        screened_partner(
            engagement, cast.olga, f"Grown Institute {engagement.pk}-{n}-{i}", ["unresolved"] * 3
        )
        mitigation_services.mitigation_add(
            actor=cast.olga,
            engagement=engagement,
            fields=mitigation_services.ItemFields(f"Check {n}-{i}", area="partnerships"),
        )
    services.assessment_run(actor=cast.olga, engagement=engagement)


def test_the_case_page_costs_the_same_queries_for_one_partner_or_many(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    _grow(cast, engagement, 1)
    engagement = case_services.information_request(
        actor=cast.olga, engagement=engagement, questions=["Who funds the lab?"]
    )[0].engagement
    few = _queries(cast, engagement)

    _grow(cast, engagement, 6)
    many = _queries(cast, engagement)

    assert few == many
    assert many <= BOUND
