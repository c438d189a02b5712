"""The OpenAPI document is valid and complete; the docs page loads nothing from elsewhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db.models import TextChoices
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


def _component(document: dict[str, Any], schema: str, field: str) -> dict[str, Any]:
    """The component a request schema's field refers to (directly or through anyOf)."""
    prop = document["components"]["schemas"][schema]["properties"][field]
    ref = prop.get("$ref") or next(o["$ref"] for o in prop["anyOf"] if "$ref" in o)
    component: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return component


@pytest.mark.parametrize(
    ("schema", "field", "choices"),
    [
        ("OrganisationCreateIn", "kind", Organisation.Kind),
        ("OrganisationUpdateIn", "kind", Organisation.Kind),
        ("EngagementCreateIn", "kind", Engagement.Kind),
        ("EngagementUpdateIn", "kind", Engagement.Kind),
    ],
)
def test_each_kind_lists_its_own_models_values(
    schema: str, field: str, choices: type[TextChoices]
) -> None:
    document = Client().get("/api/openapi.json").json()

    component = _component(document, schema, field)

    assert component["enum"] == list(choices.values)


def test_the_statuses_of_engagements_and_triage_sessions_are_apart() -> None:
    document = Client().get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]

    assert schemas["EngagementStatus"]["enum"] == list(Engagement.Status.values)
    assert schemas["TriageStatus"]["enum"] == list(TriageSession.Status.values)
    assert "Kind" not in schemas
    assert "Status" not in schemas
