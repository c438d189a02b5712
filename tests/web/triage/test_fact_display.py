"""What issue 13's facts add to the pages: uncertainty beside the help, a process's basis."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.api.conftest import api_client
from tests.web.cases.conftest import Cast
from trustdesk.web.triage import services
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db


def client_for(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.rita)
    return client


def questionnaire(session: TriageSession) -> str:
    return reverse("triage:session-questionnaire", kwargs={"public_id": session.public_id})


def test_a_question_resting_on_an_uncertain_fact_says_so_in_its_help(cast: Cast) -> None:
    session = services.triage_start(actor=cast.rita)

    html = client_for(cast).get(questionnaire(session)).content.decode()

    assert (
        "For example quantum, advanced materials or aerospace. "
        '<strong class="uncertainty">Not certain:</strong> '
        "The list of sensitive areas is being revised (test data).</p>"
    ) in html


def test_a_process_that_is_institutional_practice_shows_its_basis_on_the_result(
    cast: Cast,
) -> None:
    session = services.triage_start(actor=cast.rita)
    client = client_for(cast)
    answers = {
        "activity": "research_collaboration",
        "partner_country": "IR",
        "sensitive_tech": "yes",
        "partner_name": "Tehran Example University",
        "funding": "50000",
        "start_date": "2027-02-01",
    }
    data: dict[str, object] = {"shown": list(answers), "action": "continue"}
    data.update({f"q-{k}": v for k, v in answers.items()})
    client.post(questionnaire(session), data)
    response = client.post(
        questionnaire(session),
        {"shown": ["tech_areas"], "action": "complete", "q-tech_areas": ["propulsion"]},
    )

    html = client.get(response["Location"]).content.decode()

    assert "<dt>Basis</dt><dd>The university&#x27;s own practice (test data).</dd>" in html


def test_the_api_gives_a_questions_uncertainty(cast: Cast) -> None:
    response = api_client(cast.rita).get("/api/policy/pack")

    assert response.status_code == 200, response.content[:500]
    question = next(q for q in response.json()["questions"] if q["id"] == "sensitive_tech")
    assert question["uncertainty"] == "The list of sensitive areas is being revised (test data)."
