"""The OpenAPI document is valid and complete; the docs page loads nothing from elsewhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate

from trustdesk.web.api.api import api
from trustdesk.web.cases.models import Engagement
from trustdesk.web.partners.models import Organisation
from trustdesk.web.triage.models import TriageSession

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
    # 35, and 3 of the risk assessment, 8 of the mitigation plans, 2 of the documents, 1 assign,
    # 4 of recommendations, decisions and votes (replacing the 1 of the old direct decision),
    # 8 of the guidance hub (2 of them withdraw a page and delete a contact)
    assert len(listed) == 60


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


def _definitions_by_name() -> dict[str, list[dict[str, object]]]:
    """Every definition each operation's models produce, by the component name ninja files it
    under: ninja keeps one per name, so two different ones under a name lose one silently."""
    from ninja.openapi.schema import REF_TEMPLATE
    from ninja.schema import NinjaGenerateJsonSchema

    found: dict[str, list[dict[str, object]]] = {}
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                models = [*operation.models, *operation.response_models.values()]
                for model in models:
                    if not hasattr(model, "model_json_schema"):
                        continue
                    schema = model.model_json_schema(
                        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
                    )
                    for name, definition in schema.get("$defs", {}).items():
                        found.setdefault(name, [])
                        if definition not in found[name]:
                            found[name].append(definition)
    return found


def test_every_component_name_stands_for_one_schema() -> None:
    shared = {name: defs for name, defs in _definitions_by_name().items() if len(defs) > 1}

    assert shared == {}, f"component names given to different schemas: {sorted(shared)}"


def _enum(schema: dict[str, Any]) -> list[str]:
    """The choices a property or parameter declares, optional ones (anyOf … null) included."""
    for option in schema.get("anyOf", [schema]):
        if "enum" in option:
            return list(option["enum"])
    raise AssertionError(f"no enum in {schema}")


def test_each_kind_and_status_lists_its_own_models_choices() -> None:
    document = Client().get("/api/openapi.json").json()
    bodies = document["components"]["schemas"]
    params = {
        (path, p["name"]): p["schema"]
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for p in operation.get("parameters", [])
    }

    assert _enum(bodies["OrganisationCreateIn"]["properties"]["kind"]) == Organisation.Kind.values
    assert _enum(bodies["EngagementCreateIn"]["properties"]["kind"]) == Engagement.Kind.values
    assert _enum(params[("/api/engagements", "status")]) == Engagement.Status.values
    assert _enum(params[("/api/triage/sessions", "status")]) == TriageSession.Status.values
