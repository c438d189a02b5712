"""The OpenAPI document is valid and complete; the docs page loads nothing from elsewhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

from trustdesk.web.api.api import api

pytestmark = pytest.mark.django_db


def _routes() -> set[tuple[str, str]]:
    """(method, path) of every operation ninja routes, from the routers themselves."""
    found: set[tuple[str, str]] = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            full = "/api" + re.sub(r"\{\w+:(\w+)\}", r"{\1}", f"{prefix}{path}".replace("//", "/"))
            for operation in view.operations:
                found.update((m.lower(), full.rstrip("/") or "/api") for m in operation.methods)
    return found


def test_openapi_document_is_valid_and_lists_every_route() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    listed = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert listed == _routes()
    assert len(listed) == 30


def test_every_operation_declares_its_errors_and_bearer_auth() -> None:
    document = Client().get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)


def test_docs_page_serves_its_assets_from_here() -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "an external asset"


def test_unknown_api_paths_are_json_404() -> None:
    response = Client().get("/api/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}
