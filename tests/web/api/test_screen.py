"""Ad-hoc screening of a name: officers only, with explanations, snapshots and matcher version."""

from __future__ import annotations

import pytest

from tests.web.api.conftest import ApiClient
from tests.web.cases.conftest import Cast
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.lists.screening import MATCHER_VERSION
from trustdesk.web.lists.services import shipped_lists_ensure

pytestmark = pytest.mark.django_db
Api = dict[str, ApiClient]


@pytest.fixture
def shipped_lists(db: None) -> None:
    shipped_lists_ensure()


def test_an_officer_screens_a_name_and_reads_why(cast: Cast, api: Api, shipped_lists: None) -> None:
    response = api["olga"].post(
        "/api/screen", {"name": "Beihang University", "type": "organization", "limit": 3}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["matcher_version"] == MATCHER_VERSION
    assert body["type"] == "organization"
    assert "aspi-unitracker" in body["snapshots"]
    assert 1 <= len(body["hits"]) <= 3
    best = body["hits"][0]
    assert best["name"]
    assert best["explanation"]
    assert best["features"]
    assert best["score"] >= body["threshold"]
    event = AuditEvent.objects.get(action="trustdesk.name.screened")
    assert event.target_label == "Beihang University"
    assert event.data["hits"] == [f"{h['source']}:{h['entry_id']}" for h in body["hits"]]


@pytest.mark.parametrize("who", ["rita", "cara", "alan", "aude", "ada"])
def test_only_officers_screen_ad_hoc(cast: Cast, api: Api, who: str) -> None:
    response = api[who].post("/api/screen", {"name": "Beihang University"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "X", "threshold": 0}, "threshold"),
        ({"name": "X", "threshold": 1.5}, "threshold"),
        ({"name": "X", "limit": 0}, "limit"),
        ({"name": "X", "type": "vessel"}, "type"),
    ],
)
def test_bad_queries_are_422(cast: Cast, api: Api, body: dict[str, object], field: str) -> None:
    response = api["olga"].post("/api/screen", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == field


def test_unknown_country_is_422(cast: Cast, api: Api) -> None:
    response = api["olga"].post("/api/screen", {"name": "X", "country": "Atlantis"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("name", ["", "---", "   ", "\u00ad\u200b", "of the"])
def test_a_name_with_nothing_to_screen_is_422_name_not_screenable(
    cast: Cast, api: Api, name: str
) -> None:
    response = api["olga"].post("/api/screen", {"name": name})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "name_not_screenable"
    assert body["errors"][0]["loc"] == ["body", "name"]
    assert body["message"].startswith("the name has nothing to screen")
    assert not AuditEvent.objects.filter(action="trustdesk.name.screened").exists()


def test_no_match_without_sanctions_lists_says_they_were_not_checked(
    cast: Cast, api: Api, shipped_lists: None
) -> None:
    response = api["olga"].post("/api/screen", {"name": "Acme Widgets Oxford", "type": "any"})

    assert response.status_code == 200
    body = response.json()
    assert body["hits"] == []
    coverage = body["coverage"]
    assert coverage["complete"] is False
    assert coverage["sanctions_checked"] is False
    assert {c["source"] for c in coverage["consulted"]} == set(body["snapshots"])
    assert {c["snapshot_id"] for c in coverage["consulted"]} == set(body["snapshots"].values())
    assert {"un-sc", "uk-sanctions", "ofac-sdn"} <= {m["source"] for m in coverage["missing"]}
    assert coverage["summary"].startswith("Sanctions were not checked")
