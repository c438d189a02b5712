"""The self-assessment pages: who reaches them, and an assessment completed through them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.web.selfassess.conftest import Cast
from tests.web.selfassess.support import TODAY, answer_all, completed, pack
from trustdesk.web.accounts.models import User
from trustdesk.web.desk.providers import LIMIT, self_assessment_actions
from trustdesk.web.selfassess import selectors, services
from trustdesk.web.selfassess.models import Action, Assessment

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: object) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize(
    ("who", "status"),
    [("olga", 200), ("alan", 200), ("aude", 200), ("ada", 200), ("rita", 403), ("cara", 403)],
)
def test_the_list_is_for_readers_of_the_self_assessment(cast: Cast, who: str, status: int) -> None:
    assert client_for(cast.by_name(who)).get("/self-assessment/").status_code == status


def test_an_officer_completes_an_assessment_through_the_pages(cast: Cast) -> None:
    olga = client_for(cast.olga)
    # start
    response = olga.post("/self-assessment/start/", {"as_of": "2026-11-30", "title": ""})
    assessment = Assessment.objects.get()
    assert response["Location"] == assessment.get_absolute_url()
    # answer the first section: its page leads to the next one
    base = f"/self-assessment/{assessment.public_id}"
    page = olga.get(f"{base}/sections/governance/")
    assert "Is a named member of the senior team accountable" in page.content.decode()
    assert "Trusted Research Guidance for Senior Leaders" in page.content.decode()
    form = {
        "gov-senior-owner-level": "4",
        "gov-senior-owner-evidence": "Pro-Vice-Chancellor (Research), scheme of delegation 2026",
        "gov-senior-owner-link": "https://intranet.example/scheme",
        "gov-board-report-level": "1",
        "gov-policy-level": "3",
        "gov-self-review-level": "2",
    }
    response = olga.post(f"{base}/sections/governance/", form)
    assert response["Location"] == f"{base}/sections/risk/"
    # the rest through the services, then propose and complete through the pages
    answer_all(
        cast.olga,
        assessment,
        3,
        {"gov-board-report": 1, "gov-self-review": 2, "gov-senior-owner": 4},
    )
    olga.post(f"{base}/actions/propose/")
    assert Action.objects.filter(status=Action.Status.PROPOSED).count() == 2
    action = Action.objects.get(question_id="gov-board-report")
    response = olga.post(
        f"/self-assessment/actions/{action.public_id}/edit/",
        {"title": "Report to Council each July", "owner": "alan", "due_date": "2027-07-31"},
    )
    assert response.status_code == 302
    olga.post(f"{base}/complete/")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED
    # the result: the chart's numbers as a table, the actions confirmed
    text = _text(olga.get(f"{base}/"))
    assert "Maturity by section" in text
    assert "Governance and ownership: 2.5" in text  # the SVG's description
    assert "Report to Council each July" in text
    action.refresh_from_db()
    assert (action.status, action.owner) == (Action.Status.OPEN, cast.alan)


def test_evidence_without_a_level_is_sent_back_not_dropped(cast: Cast) -> None:
    assessment = services.assessment_start(actor=cast.olga, pack=pack(), as_of=TODAY)
    response = client_for(cast.olga).post(
        f"/self-assessment/{assessment.public_id}/sections/governance/",
        {"gov-policy-evidence": "Policy approved by Senate in 2025"},
    )
    assert response.status_code == 200
    assert "Choose a level: evidence is kept with the level it supports." in _text(response)
    assert not assessment.answers.exists()


def test_a_reader_without_manage_sees_the_result_but_no_form(cast: Cast) -> None:
    assessment = services.assessment_start(actor=cast.olga, pack=pack(), as_of=TODAY)
    alan = client_for(cast.alan)
    page = alan.get(assessment.get_absolute_url()).content.decode()
    assert "Propose actions from the gaps" not in page
    assert (
        alan.get(f"/self-assessment/{assessment.public_id}/sections/governance/").status_code == 403
    )
    assert alan.post(f"/self-assessment/{assessment.public_id}/complete/").status_code == 403


def test_the_comparison_page_shows_each_questions_movement(cast: Cast) -> None:
    completed(cast.olga, date(2025, 11, 30), 2)
    latest = completed(cast.olga, TODAY, 3, {"it-cyber": 1})
    text = _text(client_for(cast.aude).get(f"/self-assessment/{latest.public_id}/compare/"))
    assert "Governance and ownership: 2.0 → 3.0 (up)" in text
    assert re.search(r"aligned with the national guidance.*? 2 Developing 1 Initial down", text)


def test_an_owner_without_the_view_permission_reaches_only_their_own_action(cast: Cast) -> None:
    assessment = services.assessment_start(actor=cast.olga, pack=pack(), as_of=TODAY)
    answer_all(cast.olga, assessment, 3, {"pa-tne": 0, "it-cyber": 1})
    services.actions_propose(actor=cast.olga, assessment=assessment, today=TODAY)
    mine = Action.objects.get(question_id="pa-tne")
    services.action_update(
        actor=cast.olga,
        action=mine,
        fields=services.ActionFields(mine.title, cast.rita, mine.due_date),
    )
    services.assessment_complete(actor=cast.olga, assessment=assessment)
    theirs = Action.objects.get(question_id="it-cyber")
    rita = client_for(cast.rita)
    detail = rita.get(mine.get_absolute_url())
    assert detail.status_code == 200
    assert "0 Not started when assessed; target 3 Established" in _text(detail)
    assert "Are transnational education partnerships assessed" in _text(detail)
    assert rita.get(theirs.get_absolute_url()).status_code == 404
    assert rita.get(f"/self-assessment/actions/{theirs.public_id}/edit/").status_code == 404
    listed = _text(rita.get("/self-assessment/actions/"))
    assert "transnational education" in listed
    assert "national guidance" not in listed
    response = rita.post(f"/self-assessment/actions/{mine.public_id}/done/", {"note": "Reviewed"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.note) == (Action.Status.DONE, "Reviewed")


def test_the_owners_desk_lists_their_open_actions_overdue_first(cast: Cast) -> None:
    # given two of Alan's actions, one overdue, from a completed assessment
    today = timezone.localdate()
    assessment = services.assessment_start(actor=cast.olga, pack=pack(), as_of=today)
    answer_all(cast.olga, assessment, 3, {"pa-tne": 0, "it-cyber": 1})
    services.actions_propose(actor=cast.olga, assessment=assessment, today=today)
    for qid, due in (
        ("pa-tne", today + timedelta(days=20)),
        ("it-cyber", today - timedelta(days=3)),
    ):
        action = Action.objects.get(question_id=qid)
        services.action_update(
            actor=cast.olga,
            action=action,
            fields=services.ActionFields(qid.upper(), cast.alan, due),
        )
    services.assessment_complete(actor=cast.olga, assessment=assessment)
    # when Alan (an approver) opens his desk
    alan = client_for(cast.alan)
    with CaptureQueriesContext(connection) as queries:
        page = alan.get("/").content.decode()
    # then both are there, the overdue one first, linking to the action
    items = re.findall(
        r'<li class="work-item work-self_assessment_action[^"]*">(.*?)</li>', page, re.S
    )
    assert [re.search(r">([A-Z-]+)</a>", i).group(1) for i in items] == ["IT-CYBER", "PA-TNE"]  # type: ignore[union-attr]
    assert "overdue since" in items[0]
    assert str(Action.objects.get(question_id="it-cyber").public_id) in items[0]
    assert len(queries) < 40
    # and the admin's desk (no action of hers) shows no work section
    assert "work-self_assessment_action" not in client_for(cast.ada).get("/").content.decode()


def test_the_desk_provider_asks_one_query_however_many_actions(cast: Cast) -> None:
    completed(cast.olga, TODAY, 0)  # 25 gaps, all Olga's
    with CaptureQueriesContext(connection) as queries:
        items = list(self_assessment_actions(user=cast.olga, today=TODAY))
    assert len(items) == LIMIT
    assert len(queries) == 1
    assert selectors.open_actions_for_owner(user=cast.olga).count() == 25
