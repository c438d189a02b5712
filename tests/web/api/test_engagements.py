"""Engagements through the API: scope, filters, create/update and every transition by role."""

from __future__ import annotations

import uuid

import pytest

from tests import factories
from tests.web.api.conftest import ApiClient
from tests.web.cases.conftest import Advance, Cast
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions.models import Outcome

pytestmark = pytest.mark.django_db
Status = Engagement.Status
Api = dict[str, ApiClient]
SEES = ["rita", "tom", "cara", "olga", "alan", "aude", "ada"]
BLIND = ["otto", "chad"]  # Chad champions Chemistry: Tom is on the team, but the case is Physics'


def _url(e: Engagement, action: str = "") -> str:
    return f"/api/engagements/{e.public_id}" + (f"/{action}" if action else "")


@pytest.mark.parametrize("who", SEES)
def test_in_scope_engagements_are_listed_and_read(api: Api, advance: Advance, who: str) -> None:
    e = advance(Status.SUBMITTED)
    listed = api[who].get("/api/engagements").json()
    assert [item["id"] for item in listed["items"]] == [str(e.public_id)]
    body = api[who].get(_url(e)).json()
    assert body["status"] == "submitted"
    assert body["team"] == ["tom"]
    assert body["owner"] == "rita"


@pytest.mark.parametrize("who", BLIND)
def test_out_of_scope_engagements_are_the_same_404_as_missing(
    api: Api, advance: Advance, who: str
) -> None:
    e = advance(Status.SUBMITTED)
    assert api[who].get("/api/engagements").json()["count"] == 0
    missing = api[who].get(f"/api/engagements/{uuid.uuid4()}")
    assert missing.status_code == 404
    for response in [
        api[who].get(_url(e)),
        api[who].patch(_url(e), {"title": "X"}),
        api[who].post(_url(e, "review-start")),
        api[who].post(_url(e, "close"), {"reason": "x"}),
    ]:
        assert response.status_code == 404
        assert response.content == missing.content


def test_filters_and_paging(cast: Cast, api: Api, advance: Advance) -> None:
    draft, submitted = advance(), advance(Status.SUBMITTED)
    by_status = api["olga"].get("/api/engagements", status="submitted").json()
    assert [i["id"] for i in by_status["items"]] == [str(submitted.public_id)]
    by_dept = api["olga"].get("/api/engagements", department=str(cast.physics.public_id)).json()
    assert by_dept["count"] == 2
    paged = api["olga"].get("/api/engagements", limit=1, offset=1).json()
    assert paged["count"] == 2
    assert [i["id"] for i in paged["items"]] == [str(draft.public_id)]
    assert api["olga"].get("/api/engagements", status="nonsense").status_code == 422


def test_create_defaults_to_the_owners_department(cast: Cast, api: Api) -> None:
    response = api["rita"].post(
        "/api/engagements",
        {
            "title": "Cold atoms",
            "kind": "research_collaboration",
            "countries": ["Japan"],
            "funding_amount": "1000.50",
            "funding_currency": "gbp",
            "team": ["tom@uni.example"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["department"] == str(cast.physics.public_id)
    assert body["countries"] == ["JP"]
    assert body["funding_currency"] == "GBP"
    assert body["team"] == ["tom"]
    assert body["status"] == "draft"
    assert body["actions"] == ["submit"]


def test_create_reports_field_errors(api: Api) -> None:
    response = api["rita"].post(
        "/api/engagements",
        {"title": "X", "kind": "event", "funding_amount": "10", "team": ["nobody"]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "team"]
    response = api["rita"].post(
        "/api/engagements", {"title": "X", "kind": "event", "funding_amount": "10"}
    )
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid"
    assert body["errors"] == [
        {
            "loc": ["body", "funding_currency"],
            "message": "Give the currency of the amount.",
            "type": "invalid",
        }
    ]


@pytest.mark.parametrize("who", ["aude", "alan", "ada"])
def test_roles_without_propose_cannot_create(api: Api, who: str) -> None:
    response = api[who].post("/api/engagements", {"title": "X", "kind": "event"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_update_changes_only_what_is_sent(api: Api, advance: Advance) -> None:
    e = advance()
    response = api["tom"].patch(_url(e), {"summary": "New summary"})
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == "New summary"
    assert body["countries"] == ["DE", "JP"]
    event = AuditEvent.objects.filter(action="trustdesk.engagement.updated").get()
    assert list(event.data["new"]) == ["summary"]


def test_after_submission_only_officers_edit(api: Api, advance: Advance) -> None:
    e = advance(Status.SUBMITTED)
    assert api["rita"].patch(_url(e), {"summary": "x"}).status_code == 403
    assert api["olga"].patch(_url(e), {"summary": "x"}).status_code == 200


# (action, status it starts from, body, who may, who may not but sees it)
TRANSITIONS = [
    ("submit", Status.DRAFT, {}, "rita", ["tom", "cara", "olga", "alan", "aude", "ada"]),
    ("withdraw", Status.SUBMITTED, {}, "rita", ["tom", "cara", "olga", "alan", "aude", "ada"]),
    ("review-start", Status.SUBMITTED, {}, "olga", ["rita", "tom", "cara", "alan", "aude", "ada"]),
    ("activate", Status.DECIDED, {}, "olga", ["rita", "tom", "cara", "alan", "aude", "ada"]),
    (
        "close",
        Status.ACTIVE,
        {"reason": "Finished"},
        "olga",
        ["rita", "tom", "cara", "alan", "aude", "ada"],
    ),
]


@pytest.mark.parametrize(("action", "start", "body", "allowed", "refused"), TRANSITIONS)
def test_each_transition_by_role(
    api: Api,
    advance: Advance,
    action: str,
    start: Status,
    body: dict[str, str],
    allowed: str,
    refused: list[str],
) -> None:
    e = advance(start)
    for who in refused:
        response = api[who].post(_url(e, action), body)
        assert response.status_code == 403, who
        assert response.json()["code"] == "forbidden"
    done = api[allowed].post(_url(e, action), body)
    assert done.status_code == 200
    assert done.json()["status"] != start.value


def test_a_transition_from_the_wrong_status_is_409(api: Api, advance: Advance) -> None:
    e = advance(Status.DRAFT)
    response = api["olga"].post(_url(e, "activate"))
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "message": 'Cannot activate this engagement while its status is "Draft".',
    }


def test_unmet_preconditions_are_409_not_ready(cast: Cast, api: Api, advance: Advance) -> None:
    e = advance(Status.IN_REVIEW)
    factories.recommend_and_decide(
        e, cast.olga, what=factories.proposal(Outcome.DECLINE, "Sanctions listed")
    )
    response = api["olga"].post(_url(e, "activate"))
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"


def test_unknown_transition_path_is_the_api_404(api: Api, advance: Advance) -> None:
    e = advance()
    response = api["olga"].post(_url(e, "approve"))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}
    assert api["olga"].get("/api/engagements/not-a-uuid").json()["code"] == "not_found"
