"""The decision round through the API: state, recommendation, routed decision, committee votes."""

from __future__ import annotations

import pytest

from tests import factories
from tests.web.api.conftest import ApiClient, api_client
from tests.web.cases.conftest import Cast, fields
from trustdesk.policy.routing import route_for
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import services

pytestmark = pytest.mark.django_db
Api = dict[str, ApiClient]
APPROVE = {"outcome": "approve", "reason": "Low risk", "review_date": "2099-03-01"}


def _in_review(cast: Cast, tier: str = "standard") -> Engagement:
    e = case_services.engagement_create(actor=cast.rita, fields=fields(team=[cast.tom]))
    factories.complete_triage(e, cast.rita, tier)
    e = case_services.engagement_submit(actor=cast.rita, engagement=e)
    return case_services.engagement_review_start(actor=cast.olga, engagement=e)


def _url(e: Engagement, step: str = "") -> str:
    return f"/api/engagements/{e.public_id}/decision" + (f"/{step}" if step else "")


def test_the_state_says_who_decides_and_what_the_caller_may_do(cast: Cast, api: Api) -> None:
    e = _in_review(cast, "enhanced")

    olga = api["olga"].get(_url(e)).json()
    rita = api["rita"].get(_url(e)).json()

    assert (olga["tier"], olga["route"], olga["decided_by"]) == (
        "enhanced",
        "approver",
        "an approver",
    )
    assert (olga["can_recommend"], olga["can_decide"]) == (True, False)
    assert (rita["can_recommend"], rita["can_decide"], rita["can_vote"]) == (False, False, False)
    assert olga["recommendation"] is None
    assert olga["options"] == ["approve", "approve_with_conditions", "decline", "refer_back"]


def test_recommend_then_the_routed_approver_decides_with_conditions(cast: Cast, api: Api) -> None:
    e = _in_review(cast, "enhanced")
    conditions = [{"text": "Annual report", "due": "2099-01-31"}]
    body = {**APPROVE, "outcome": "approve_with_conditions", "conditions": conditions}

    recommended = api["olga"].post(_url(e, "recommendation"), {**body, "reasoning": body["reason"]})
    refused = api["olga"].post(_url(e, "decide"), body)
    decided = api["alan"].post(_url(e, "decide"), body)

    assert recommended.status_code == 200
    assert recommended.json()["recommendation"]["conditions"] == conditions
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "Cases of this tier are decided by the approver role, not by officer."
    )
    assert decided.status_code == 200
    [decision] = decided.json()["decisions"]
    assert (decision["route"], decision["tier"], decision["decided_by"]) == (
        "approver",
        "enhanced",
        "alan",
    )
    assert decision["conditions"] == conditions
    detail = api["rita"].get(f"/api/engagements/{e.public_id}").json()
    assert (detail["status"], detail["decision"]) == ("decided", "approve_with_conditions")


def test_a_decision_without_a_recommendation_is_409(cast: Cast, api: Api) -> None:
    e = _in_review(cast)

    response = api["olga"].post(_url(e, "decide"), APPROVE)

    assert response.status_code == 409
    assert response.json() == {"code": "decision_refused", "message": services.NO_RECOMMENDATION}


def test_committee_votes_through_the_api(cast: Cast, api: Api) -> None:
    e = _in_review(cast, "escalated")
    route = route_for(factories.triage_selectors.pack(), "escalated")
    members = {}
    for name, seat in (("bea", "chair"), ("cem", "research-director"), ("dov", "legal-member")):
        user = factories.make_user(name, User.Role.APPROVER)
        services.committee_seat_assign(
            actor=cast.ada, route=route, seat=seat, holder=user, pack_id="gb-base"
        )
        members[name] = api_client(user)
    api["olga"].post(_url(e, "recommendation"), {**APPROVE, "reasoning": "Fine"})

    first = members["bea"].post(_url(e, "vote"), {"outcome": "approve", "reason": "Yes"})
    again = members["bea"].post(_url(e, "vote"), {"outcome": "decline", "reason": "No"})
    members["cem"].post(_url(e, "vote"), {"outcome": "approve", "reason": "Yes"})
    last = members["dov"].post(_url(e, "vote"), {"outcome": "decline", "reason": "No"})

    assert first.status_code == 200
    assert (first.json()["votes_needed"], first.json()["votes"][0]["seat"]) == (2, "chair")
    assert again.status_code == 409
    assert last.status_code == 200
    assert last.json()["decisions"][0]["outcome"] == "approve"
    assert last.json()["decisions"][0]["route"] == "committee"
    assert api["alan"].post(_url(e, "vote"), {"outcome": "approve", "reason": "x"}).status_code == (
        403
    )


@pytest.mark.parametrize("who", ["otto", "chad"])
def test_out_of_scope_is_the_same_404(cast: Cast, api: Api, who: str) -> None:
    e = _in_review(cast)

    assert api[who].get(_url(e)).status_code == 404
    assert api[who].post(_url(e, "decide"), APPROVE).status_code == 404
