"""Organisations, people and their screenings through the API, for each role and scope."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests import factories
from tests.web.api.conftest import ApiClient
from tests.web.cases.conftest import Cast
from trustdesk.web.partners import services
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun

pytestmark = pytest.mark.django_db
NOT_FOUND = {"code": "not_found", "message": "Not found."}
Api = dict[str, ApiClient]


def _org(cast: Cast, name: str, **fields: Any) -> Organisation:
    return factories.make_organisation(cast.rita, name, **fields)


@pytest.fixture
def person(cast: Cast) -> Person:
    """Rita's (Physics) record: Cara (Physics champion) sees it, Chad and Otto do not."""
    return factories.make_person(cast.rita, "Ann Lee")


def _hit(person: Person) -> ScreeningHit:
    run = ScreeningRun.objects.get(person=person)
    return ScreeningHit.objects.create(
        run=run,
        source="custom:test",
        entry_id="entry-ann-lee-1",
        entry_name="Ann Lee",
        matched_name="Ann Lee",
        query_name="Ann Lee",
        score=0.97,
        explanation="Every word of the name matched.",
        features=[{"feature": "name_words", "weight": 0.9, "detail": "ann, lee"}],
    )


# --- organisations -------------------------------------------------------------------------


def test_organisations_are_listed_searched_and_paged(cast: Cast, api: Api) -> None:
    for name in ["Alpha University", "Beihang University", "Gamma Institute"]:
        _org(cast, name)
    first = api["otto"].get("/api/organisations", limit=2).json()
    second = api["otto"].get("/api/organisations", limit=2, offset=2).json()
    assert first["count"] == 3
    assert second["count"] == 3
    assert [o["name"] for o in first["items"] + second["items"]] == [
        "Alpha University",
        "Beihang University",
        "Gamma Institute",
    ]
    found = api["aude"].get("/api/organisations", q="beihang").json()
    assert [o["name"] for o in found["items"]] == ["Beihang University"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_paging_out_of_bounds_is_422_invalid(cast: Cast, api: Api, params: dict[str, int]) -> None:
    response = api["olga"].get("/api/organisations", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["loc"][-1] == next(iter(params))


def test_organisation_detail_and_missing_is_404(cast: Cast, api: Api) -> None:
    org = _org(cast, "Beihang University", ror_id="https://ror.org/00wk2mp56")
    body = api["alan"].get(f"/api/organisations/{org.public_id}").json()
    assert body["id"] == str(org.public_id)
    assert body["ror_id"] == "00wk2mp56"
    missing = api["alan"].get(f"/api/organisations/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json() == NOT_FOUND


def test_create_validates_through_the_service(cast: Cast, api: Api) -> None:
    bad_kind = api["rita"].post("/api/organisations", {"name": "X", "kind": "pirate"})
    assert bad_kind.status_code == 422
    assert bad_kind.json()["code"] == "invalid"
    bad_country = api["rita"].post(
        "/api/organisations", {"name": "X Uni", "kind": "university", "country": "ZZ"}
    )
    assert bad_country.status_code == 422
    assert bad_country.json()["message"] == "'ZZ' is not an ISO 3166 country code."


def test_duplicate_ror_is_409_duplicate(cast: Cast, api: Api) -> None:
    _org(cast, "Beihang University", ror_id="00wk2mp56")
    response = api["olga"].post(
        "/api/organisations", {"name": "BUAA", "kind": "university", "ror_id": "00wk2mp56"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


@pytest.mark.parametrize("who", ["aude", "alan", "ada"])
def test_read_only_roles_cannot_create(cast: Cast, api: Api, who: str) -> None:
    response = api[who].post("/api/organisations", {"name": "X Uni", "kind": "university"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Organisation.objects.count() == 0


def test_update_changes_only_what_is_sent(cast: Cast, api: Api) -> None:
    org = _org(cast, "Beihang University", country="CN")
    response = api["rita"].patch(f"/api/organisations/{org.public_id}", {"aliases": ["BUAA"]})
    assert response.status_code == 200
    body = response.json()
    assert body["aliases"] == ["BUAA"]
    assert body["country"] == "CN"


def test_a_researcher_corrects_only_their_own_organisations(cast: Cast, api: Api) -> None:
    org = _org(cast, "Beihang University")
    response = api["otto"].patch(f"/api/organisations/{org.public_id}", {"country": "CN"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    changed = api["olga"].patch(f"/api/organisations/{org.public_id}", {"country": "CN"})
    assert changed.status_code == 200


def test_merge_is_for_officers_and_needs_a_reason(cast: Cast, api: Api) -> None:
    keep, dup = _org(cast, "Beihang University"), _org(cast, "BUAA")
    url = f"/api/organisations/{dup.public_id}/merge"
    assert api["rita"].post(url, {"into": str(keep.public_id), "reason": "dup"}).status_code == 403
    assert api["olga"].post(url, {"into": str(keep.public_id)}).status_code == 422
    merged = api["olga"].post(url, {"into": str(keep.public_id), "reason": "Same ROR"})
    assert merged.status_code == 200
    assert merged.json()["aliases"] == ["BUAA"]
    tombstone = api["olga"].get(f"/api/organisations/{dup.public_id}").json()
    assert (tombstone["merged"], tombstone["merged_into"]) == (True, str(keep.public_id))
    again = api["olga"].post(url, {"into": str(keep.public_id), "reason": "again"})
    assert again.status_code == 409
    assert again.json()["code"] == "merged"


# --- people --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rita", "cara", "olga", "alan", "aude", "ada"])
def test_people_in_scope_are_listed_and_read(
    cast: Cast, api: Api, person: Person, who: str
) -> None:
    listed = api[who].get("/api/people").json()
    assert [p["id"] for p in listed["items"]] == [str(person.public_id)]
    assert api[who].get(f"/api/people/{person.public_id}").status_code == 200


@pytest.mark.parametrize("who", ["otto", "tom", "chad"])
def test_people_out_of_scope_are_the_same_404_as_missing(
    cast: Cast, api: Api, person: Person, who: str
) -> None:
    assert api[who].get("/api/people").json()["count"] == 0
    hidden = api[who].get(f"/api/people/{person.public_id}")
    missing = api[who].get(f"/api/people/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    for path in ["", "/screenings"]:
        response = api[who].patch(f"/api/people/{person.public_id}{path}", {"name": "X"})
        assert response.status_code in {404, 405}
    rescreen = api[who].post(f"/api/people/{person.public_id}/screenings")
    assert rescreen.status_code == 404
    assert rescreen.content == missing.content


def test_a_merge_into_a_record_out_of_scope_names_neither_it_nor_its_id(
    cast: Cast, api: Api, person: Person
) -> None:
    # Tom's (Chemistry) record is kept: Rita and Cara (Physics) may see the duplicate only.
    kept = factories.make_person(cast.tom, "Ann Lee-Smith")
    services.person_merge(actor=cast.olga, duplicate=person, into=kept, reason="same person")

    for who in ("rita", "cara"):
        tombstone = api[who].get(f"/api/people/{person.public_id}")
        edit = api[who].patch(f"/api/people/{person.public_id}", {"aliases": ["A. Lee"]})
        for response in (tombstone, edit):
            assert str(kept.public_id) not in response.content.decode()
            assert "Lee-Smith" not in response.content.decode()
        assert (tombstone.json()["merged"], tombstone.json()["merged_into"]) == (True, None)
        assert edit.status_code == 409
        assert edit.json()["message"] == "Ann Lee was merged into a record you cannot see."
    seen_by_officer = api["olga"].get(f"/api/people/{person.public_id}").json()
    assert seen_by_officer["merged_into"] == str(kept.public_id)


def test_person_create_and_update(cast: Cast, api: Api) -> None:
    org = _org(cast, "Beihang University")
    created = api["tom"].post(
        "/api/people", {"name": "Wei Zhang", "affiliations": [str(org.public_id)]}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["affiliations"] == [str(org.public_id)]
    unknown = api["tom"].post("/api/people", {"name": "X Y", "affiliations": [str(uuid.uuid4())]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == [
        "body",
        "affiliations",
    ]
    no_reason = api["tom"].patch(f"/api/people/{body['id']}", {"nationality": "CN"})
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "invalid"
    changed = api["tom"].patch(f"/api/people/{body['id']}", {"aliases": ["W. Zhang"]})
    assert changed.json()["aliases"] == ["W. Zhang"]
    assert changed.json()["affiliations"] == [str(org.public_id)]


# --- screening -----------------------------------------------------------------------------


def test_screenings_show_runs_with_hits_and_snapshots(cast: Cast, api: Api, person: Person) -> None:
    hit = _hit(person)
    ScreeningRun.objects.filter(person=person).update(
        status="completed", snapshots={"custom:test": "s1"}, matcher_version="m1"
    )
    body = api["olga"].get(f"/api/people/{person.public_id}/screenings").json()
    assert body["count"] == 1
    run = body["items"][0]
    assert run["snapshots"] == {"custom:test": "s1"}
    assert run["matcher_version"] == "m1"
    assert run["possible_matches"] == 1
    assert run["hits"][0]["id"] == str(hit.public_id)
    assert run["hits"][0]["explanation"] == "Every word of the name matched."
    assert run["hits"][0]["features"][0]["feature"] == "name_words"


def test_screenings_tell_roles_without_the_lists_how_many_matches_not_which(
    cast: Cast, api: Api, person: Person
) -> None:
    # given a run with a hit on a person the champion may see
    _hit(person)
    ScreeningRun.objects.filter(person=person).update(status="completed")

    # when the champion (no lists.view) reads the screenings
    response = api["cara"].get(f"/api/people/{person.public_id}/screenings")

    # then the count is there and no listed entry's name or id is
    run = response.json()["items"][0]
    assert (run["possible_matches"], run["hits"], run["groups"]) == (1, [], [])
    # An id no UUID can contain by chance (not hexadecimal), unlike a short one such as "e1".
    assert "entry-ann-lee-1" not in response.content.decode()
    assert "custom:test" not in response.content.decode()


def test_rescreen_is_queued_for_officers_only(cast: Cast, api: Api, person: Person) -> None:
    url = f"/api/people/{person.public_id}/screenings"
    refused = api["rita"].post(url)
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    queued = api["olga"].post(url)
    assert queued.status_code == 202
    assert queued.json()["status"] == "pending"
    assert ScreeningRun.objects.filter(person=person).count() == 2


def test_organisation_rescreen(cast: Cast, api: Api) -> None:
    org = _org(cast, "Beihang University")
    assert api["olga"].post(f"/api/organisations/{org.public_id}/screenings").status_code == 202
    assert api["alan"].post(f"/api/organisations/{org.public_id}/screenings").status_code == 403
    listed = api["alan"].get(f"/api/organisations/{org.public_id}/screenings").json()
    assert listed["count"] == 2


def test_adjudication_needs_an_officer_and_a_reason(cast: Cast, api: Api, person: Person) -> None:
    hit = _hit(person)
    url = f"/api/hits/{hit.public_id}/adjudication"
    assert api["rita"].post(url, {"verdict": "false_positive", "reason": "x"}).status_code == 403
    no_reason = api["olga"].post(url, {"verdict": "false_positive"})
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "invalid"
    blank = api["olga"].post(url, {"verdict": "false_positive", "reason": "   "})
    assert blank.status_code == 422
    assert blank.json()["code"] == "reason_required"
    opened = api["olga"].post(url, {"verdict": "unresolved", "reason": "x"})
    assert opened.status_code == 422
    done = api["olga"].post(url, {"verdict": "false_positive", "reason": "Different birth date"})
    assert done.status_code == 200
    assert done.json()["verdict"] == "false_positive"
    assert done.json()["adjudicated_by"] == "olga"


def test_hits_on_people_out_of_scope_are_the_same_404(cast: Cast, api: Api, person: Person) -> None:
    hit = _hit(person)
    body = {"verdict": "false_positive", "reason": "x"}
    hidden = api["otto"].post(f"/api/hits/{hit.public_id}/adjudication", body)
    missing = api["otto"].post(f"/api/hits/{uuid.uuid4()}/adjudication", body)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_a_completed_run_keeps_the_coverage_it_had(cast: Cast, api: Api) -> None:
    from trustdesk.web.lists.services import shipped_lists_ensure

    shipped_lists_ensure()
    org = _org(cast, "Beihang University")
    run = ScreeningRun.objects.get(organisation=org)

    services.screening_run(run_id=str(run.public_id), actor="test")

    body = api["olga"].get(f"/api/organisations/{org.public_id}/screenings").json()
    coverage = body["items"][0]["coverage"]
    assert {c["source"] for c in coverage["consulted"]} == {
        "aspi-unitracker",
        "ca-nro",
        "us-dod-1286",
    }
    assert coverage["sanctions_checked"] is False
    assert "un-sc" in {m["source"] for m in coverage["missing"]}
    stored = ScreeningRun.objects.get(pk=run.pk).coverage
    assert stored is not None
    assert stored["missing"] == coverage["missing"]
    assert [c["snapshot_id"] for c in stored["consulted"]] == [
        c["snapshot_id"] for c in coverage["consulted"]
    ]
