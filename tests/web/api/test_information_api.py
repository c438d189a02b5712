"""Requests for information and edit conflicts through the JSON API."""

from __future__ import annotations

import uuid

import pytest

from tests.web.api.conftest import ApiClient
from tests.web.cases.conftest import Advance
from trustdesk.web.cases.models import Engagement

pytestmark = pytest.mark.django_db
Status = Engagement.Status
Api = dict[str, ApiClient]


def _url(e: Engagement, tail: str = "") -> str:
    return f"/api/engagements/{e.public_id}" + tail


def test_an_officer_asks_and_the_researchers_answer(api: Api, advance: Advance) -> None:
    e = advance(Status.IN_REVIEW)

    asked = api["olga"].post(
        _url(e, "/information-requests"), {"questions": ["Who funds it?", "Any data shared?"]}
    )

    assert asked.status_code == 201
    first, second = asked.json()
    assert (first["question"], first["asked_by"], first["answer"]) == ("Who funds it?", "olga", "")
    assert api["rita"].get(_url(e)).json()["status"] == "awaiting_information"
    answer = api["rita"].post(
        _url(e, f"/information-requests/{first['id']}/answer"), {"answer": "The ministry."}
    )
    assert answer.status_code == 200
    assert (answer.json()["answer"], answer.json()["answered_by"]) == ("The ministry.", "rita")
    assert api["rita"].get(_url(e)).json()["status"] == "awaiting_information"
    api["tom"].post(_url(e, f"/information-requests/{second['id']}/answer"), {"answer": "No."})

    assert api["olga"].get(_url(e)).json()["status"] == "in_review"
    listed = api["aude"].get(_url(e, "/information-requests")).json()
    assert [(i["question"], i["answer"], i["answered_by"]) for i in listed] == [
        ("Who funds it?", "The ministry.", "rita"),
        ("Any data shared?", "No.", "tom"),
    ]


def test_refusals_are_403_409_and_404(api: Api, advance: Advance) -> None:
    e = advance(Status.IN_REVIEW)
    draft = advance(Status.DRAFT)
    ask = {"questions": ["Who funds it?"]}

    assert api["rita"].post(_url(e, "/information-requests"), ask).status_code == 403
    refused = api["olga"].post(_url(draft, "/information-requests"), ask)
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    [question] = api["olga"].post(_url(e, "/information-requests"), ask).json()
    answer_url = _url(e, f"/information-requests/{question['id']}/answer")
    assert api["olga"].post(answer_url, {"answer": "x"}).status_code == 403
    assert api["otto"].post(answer_url, {"answer": "x"}).status_code == 404
    assert api["otto"].get(_url(e, "/information-requests")).status_code == 404
    missing = _url(e, f"/information-requests/{uuid.uuid4()}/answer")
    assert api["rita"].post(missing, {"answer": "x"}).status_code == 404
    assert api["rita"].post(answer_url, {"answer": "Yes"}).status_code == 200
    again = api["rita"].post(answer_url, {"answer": "Yes again"})
    assert (again.status_code, again.json()["code"]) == (409, "not_ready")


def test_a_change_from_a_stale_version_is_409_naming_the_changes(
    api: Api, advance: Advance
) -> None:
    e = advance(Status.IN_REVIEW)
    read = api["olga"].get(_url(e)).json()["version"]

    first = api["olga"].patch(_url(e), {"title": "First", "version": read})
    assert first.status_code == 200
    assert first.json()["version"] == read + 1
    second = api["olga"].patch(_url(e), {"summary": "Second", "version": read})

    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "edit_conflict"
    assert body["errors"] == [
        {
            "loc": ["body", "title"],
            "message": "title: “Quantum sensing with Example University” → “First”",
            "type": "changed",
        }
    ]
    stored = api["olga"].get(_url(e)).json()
    assert (stored["title"], stored["summary"]) == ("First", "Joint work on cold-atom gravimeters.")
