"""Requests for information: an officer asks, the case waits, the researchers answer, it resumes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.web.cases.conftest import EVERYONE, Advance, Cast
from trustdesk.web.cases import permissions, services, workflow
from trustdesk.web.cases.models import Engagement, InformationRequest
from trustdesk.web.core.models import AuditEvent

Status = Engagement.Status

pytestmark = pytest.mark.django_db

QUESTIONS = ["Who funds the partner's laboratory?", "Will any data leave the university?"]


def _events(engagement: Engagement) -> list[tuple[str, dict[str, object]]]:
    rows = AuditEvent.objects.filter(
        target_type="cases.engagement", target_id=str(engagement.pk)
    ).order_by("sequence")
    return [(e.action, e.data) for e in rows]


def _as(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(cast.by_name(who))
    return client


def _page(response: object) -> str:
    return " ".join(response.content.decode().split())  # type: ignore[attr-defined]


def test_asking_moves_the_case_to_awaiting_information_and_audits_the_questions(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.IN_REVIEW)

    asked = services.information_request(
        actor=cast.olga, engagement=engagement, questions=[*QUESTIONS, "  "]
    )

    assert [q.question for q in asked] == QUESTIONS
    assert all(q.is_open and q.asked_by == cast.olga for q in asked)
    engagement.refresh_from_db()
    assert engagement.status == Status.AWAITING_INFORMATION
    action, data = _events(engagement)[-1]
    assert action == "trustdesk.information.requested"
    assert (data["old"], data["new"]) == ("in_review", "awaiting_information")
    assert data["requests"] == [{"id": str(q.public_id), "question": q.question} for q in asked]


def test_the_last_answer_takes_the_case_back_into_review(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.IN_REVIEW)
    first, second = services.information_request(
        actor=cast.olga, engagement=engagement, questions=QUESTIONS
    )

    services.information_answer(actor=cast.rita, request=first, answer="  The ministry.  ")
    engagement.refresh_from_db()
    assert engagement.status == Status.AWAITING_INFORMATION  # one question still open
    services.information_answer(actor=cast.tom, request=second, answer="No.")

    engagement.refresh_from_db()
    assert engagement.status == Status.IN_REVIEW
    first.refresh_from_db()
    assert (first.answer, first.answered_by) == ("The ministry.", cast.rita)
    assert first.answered_at is not None
    (a1, d1), (a2, d2) = _events(engagement)[-2:]
    assert (a1, a2) == ("trustdesk.information.answered",) * 2
    assert "old" not in d1
    assert (d2["old"], d2["new"]) == ("awaiting_information", "in_review")


def test_more_questions_while_waiting_keep_it_waiting(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.AWAITING_INFORMATION)
    [first] = InformationRequest.objects.filter(engagement=engagement)
    [later] = services.information_request(
        actor=cast.olga, engagement=engagement, questions=["And the travel dates?"]
    )

    services.information_answer(actor=cast.rita, request=first, answer="The ministry.")

    engagement.refresh_from_db()
    assert engagement.status == Status.AWAITING_INFORMATION
    services.information_answer(actor=cast.rita, request=later, answer="May.")
    engagement.refresh_from_db()
    assert engagement.status == Status.IN_REVIEW


@pytest.mark.parametrize("who", sorted(set(EVERYONE) - {"olga"}))
def test_only_officers_ask(cast: Cast, advance: Advance, who: str) -> None:
    engagement = advance(Status.IN_REVIEW)

    with pytest.raises(PermissionDenied):
        services.information_request(
            actor=cast.by_name(who), engagement=engagement, questions=QUESTIONS
        )
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize("who", sorted(set(EVERYONE) - {"rita", "tom"}))
def test_only_the_owner_and_team_answer(cast: Cast, advance: Advance, who: str) -> None:
    engagement = advance(Status.AWAITING_INFORMATION)
    [question] = InformationRequest.objects.filter(engagement=engagement)

    with pytest.raises(PermissionDenied):
        services.information_answer(actor=cast.by_name(who), request=question, answer="Yes")
    question.refresh_from_db()
    assert question.is_open


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.DECIDED])
def test_asking_is_refused_outside_review(cast: Cast, advance: Advance, status: Status) -> None:
    engagement = advance(status)

    with pytest.raises(services.InvalidTransition, match="Cannot ask for information on"):
        services.information_request(actor=cast.olga, engagement=engagement, questions=QUESTIONS)


def test_refusals_blank_question_blank_answer_answered_twice(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.IN_REVIEW)
    with pytest.raises(services.NotReady, match=services.NEEDS_QUESTION):
        services.information_request(actor=cast.olga, engagement=engagement, questions=[" "])
    [question] = services.information_request(
        actor=cast.olga, engagement=engagement, questions=QUESTIONS[:1]
    )
    with pytest.raises(services.NotReady, match=services.NEEDS_ANSWER):
        services.information_answer(actor=cast.rita, request=question, answer="  ")
    services.information_answer(actor=cast.rita, request=question, answer="The ministry.")
    with pytest.raises(services.NotReady, match=services.ALREADY_ANSWERED):
        services.information_answer(actor=cast.tom, request=question, answer="Someone else")
    question.refresh_from_db()
    assert question.answered_by == cast.rita


def test_a_closed_case_cannot_be_answered(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.AWAITING_INFORMATION)
    [question] = InformationRequest.objects.filter(engagement=engagement)
    services.engagement_close(actor=cast.olga, engagement=engagement, reason="Abandoned")

    with pytest.raises(services.InvalidTransition, match="Closed"):
        services.information_answer(actor=cast.rita, request=question, answer="Too late")


def test_the_workflow_table_has_the_waiting_state() -> None:
    ask = workflow.TRANSITIONS[workflow.Action.REQUEST_INFORMATION]
    back = workflow.TRANSITIONS[workflow.Action.INFORMATION_RECEIVED]
    assert ask.sources == {Status.IN_REVIEW, Status.AWAITING_INFORMATION}
    assert ask.target == Status.AWAITING_INFORMATION
    assert (back.sources, back.target) == ({Status.AWAITING_INFORMATION}, Status.IN_REVIEW)


# --- the pages -------------------------------------------------------------------------------


def test_an_officer_asks_on_the_page_and_the_researcher_answers_there(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.IN_REVIEW)
    officer, researcher = _as(cast, "olga"), _as(cast, "rita")
    ask_url = reverse("cases:engagement-information-request", args=[engagement.public_id])

    page = _page(officer.get(engagement.get_absolute_url()))
    assert "Ask the researchers" in page
    response = officer.post(ask_url, {"questions": f"{QUESTIONS[0]}\n\n{QUESTIONS[1]}"})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == Status.AWAITING_INFORMATION
    first, second = InformationRequest.objects.filter(engagement=engagement)

    page = _page(researcher.get(engagement.get_absolute_url()))
    assert "Awaiting information" in page
    top = page.split('<h2 id="details-heading"')[0]  # what the researcher must do, in the brief
    assert (
        '<a href="#information-heading">Answer the 2 questions from the research security office'
        in top
    )
    assert "Who funds the partner&#x27;s laboratory?" in page
    assert page.count("Send answer") == 2
    assert "Ask the researchers" not in page
    assert "Answer the 2 questions" not in _page(officer.get(engagement.get_absolute_url()))
    for question, answer in [(first, "The ministry."), (second, "No.")]:
        url = reverse(
            "cases:engagement-information-answer",
            args=[engagement.public_id, question.public_id],
        )
        assert researcher.post(url, {"answer": answer}).status_code == 302

    engagement.refresh_from_db()
    assert engagement.status == Status.IN_REVIEW
    page = _page(officer.get(engagement.get_absolute_url()))
    assert "The ministry." in page
    assert "Answer</strong> from Rita Tester" in page
    assert "Information given" in page  # on the timeline


def test_the_page_shows_questions_to_those_in_scope_without_answer_forms(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.AWAITING_INFORMATION)

    for who in ["cara", "olga", "alan", "aude"]:
        page = _page(_as(cast, who).get(engagement.get_absolute_url()))
        assert "Who funds the partner&#x27;s lab?" in page, who  # asked by `advance`
        assert "Send answer" not in page, who
        assert "Not answered yet" in page, who
    assert _as(cast, "otto").get(engagement.get_absolute_url()).status_code == 404


def test_an_empty_answer_shows_the_form_error_in_place(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.AWAITING_INFORMATION)
    [question] = InformationRequest.objects.filter(engagement=engagement)
    url = reverse(
        "cases:engagement-information-answer", args=[engagement.public_id, question.public_id]
    )

    response = _as(cast, "rita").post(url, {"answer": ""})

    assert response.status_code == 200
    assert "This field is required." in _page(response)
    question.refresh_from_db()
    assert question.is_open


def test_another_engagements_question_is_a_404(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.AWAITING_INFORMATION)
    other = advance(Status.AWAITING_INFORMATION)
    [foreign] = InformationRequest.objects.filter(engagement=other)
    url = reverse(
        "cases:engagement-information-answer", args=[engagement.public_id, foreign.public_id]
    )

    assert _as(cast, "rita").post(url, {"answer": "x"}).status_code == 404
    assert not permissions.can_answer_information(cast.cara, engagement)
