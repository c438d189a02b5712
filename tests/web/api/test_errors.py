"""No request gives a 500 page: NUL characters and out-of-range paging are 422s, and every API
error (unknown path, wrong method, server fault) is JSON with a `code`.
"""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client

from tests.web.api.conftest import ApiClient
from tests.web.cases.conftest import Cast

pytestmark = pytest.mark.django_db
Api = dict[str, ApiClient]
NUL_MESSAGE = (
    "The request contains a NUL character (\\x00), which no text field accepts: remove it and "
    "send the request again."
)


def test_a_nul_in_a_json_body_is_a_json_422(cast: Cast, api: Api) -> None:
    response = api["rita"].post(
        "/api/organisations", {"name": "Acme\x00", "kind": "company", "aliases": ["ok", "b\x00"]}
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": NUL_MESSAGE,
        "errors": [
            {"loc": ["body", "name"], "message": "NUL character", "type": "nul"},
            {"loc": ["body", "aliases", 1], "message": "NUL character", "type": "nul"},
        ],
    }


def test_a_nul_in_a_query_string_is_a_json_422(cast: Cast, api: Api) -> None:
    response = api["rita"].get("/api/organisations", q="Ac\x00me")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["query", "q"], "message": "NUL character", "type": "nul"}
    ]


def test_a_nul_in_a_page_form_or_query_is_a_422_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.rita)

    # As a browser sends a form without a file field: URL-encoded.
    posted = client.post(
        "/partners/organisations/new/",
        "name=Acme%00&kind=company",
        content_type="application/x-www-form-urlencoded",
    )
    searched = client.get("/partners/organisations/", {"q": "\x00"})

    for response in (posted, searched):
        assert response.status_code == 422
        assert response["Content-Type"].startswith("text/html")
        assert NUL_MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"offset": -1}, {"offset": 10**12}, {"offset": 10**30}, {"limit": 0}, {"limit": 101}],
)
def test_paging_out_of_range_is_a_422(cast: Cast, api: Api, params: dict[str, int]) -> None:
    response = api["olga"].get("/api/organisations", **params)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["loc"] == ["query", next(iter(params))]


def test_the_largest_offset_allowed_is_an_empty_page(cast: Cast, api: Api) -> None:
    response = api["olga"].get("/api/organisations", offset=10_000_000)

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_method_a_path_lacks_is_a_json_405(cast: Cast, api: Api) -> None:
    response = api["olga"].client.delete("/api/organisations", headers=api["olga"].headers)

    assert response.status_code == 405
    allowed = response["Allow"]
    assert set(allowed.split(", ")) == {"GET", "POST"}
    assert response.json() == {
        "code": "method_not_allowed",
        "message": f"This path does not take that method. ({allowed})",
    }


@pytest.mark.parametrize("path", ["/api/no-such-thing", "/api/organisations/0%0A"])
def test_an_unknown_api_path_is_a_json_404_for_any_method(cast: Cast, api: Api, path: str) -> None:
    response = api["olga"].post(path, {})

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_a_server_fault_is_json_and_logged_with_its_traceback(
    cast: Cast, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    # The outside world fails: the table is gone (renamed inside the test's own transaction).
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE partners_organisation RENAME TO partners_organisation_gone")

    with caplog.at_level(logging.ERROR, logger="trustdesk.web.api.errors"):
        response = api["olga"].get("/api/organisations")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    logged = [r for r in caplog.records if r.name == "trustdesk.web.api.errors"]
    assert [r.getMessage() for r in logged] == ["Internal Server Error: /api/organisations"]
    assert logged[0].exc_info is not None
