"""/healthz and /readyz: what a load balancer reads, with no sign-in and nothing sensitive."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

from tests.support import shared_path
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists import services as list_services

# A probe asks by address, not by a configured host name, over plain HTTP.
PROBE_HOST = "10.20.30.40:8000"


def _probe(client: Client, path: str) -> tuple[int, dict[str, Any]]:
    response = client.get(path, HTTP_HOST=PROBE_HOST)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    # No django_db mark: any query here would raise.
    assert _probe(client, "/healthz") == (200, {"status": "ok"})


def test_healthz_refuses_a_post(client: Client) -> None:
    assert client.post("/healthz", HTTP_HOST=PROBE_HOST).status_code == 405


@pytest.mark.django_db
def test_readyz_is_ok_when_the_expected_lists_are_fresh(client: Client, settings: Any) -> None:
    settings.TRUSTDESK_LISTS_EXPECTED = []  # nothing expected: nothing can be missing

    status, body = _probe(client, "/readyz")

    assert (status, body) == (
        200,
        {
            "status": "ok",
            "checks": {
                "database": {"status": "ok"},
                "migrations": {"status": "ok"},
                "queue": {"status": "not configured"},  # the embedded default
                "lists": {"status": "ok"},
            },
        },
    )


@pytest.mark.django_db
def test_readyz_is_degraded_not_down_when_sanctions_lists_are_missing_or_stale(
    client: Client, settings: Any
) -> None:
    settings.TRUSTDESK_LISTS_EXPECTED = ["un-sc", "ofac-sdn", "aspi-unitracker"]
    list_services.list_snapshot_import(
        paths=[shared_path("data/un-sc/UN_consolidated.xml")], actor="test"
    )

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        status, body = _probe(client, "/readyz")

    assert status == 200  # a late list must not take every instance out of the balancer
    assert body["status"] == "degraded"
    assert body["checks"]["lists"] == {
        "status": "degraded",
        "detail": "sanctions lists missing or out of date",
        "missing": ["ofac-sdn"],  # aspi-unitracker is missing too, but is no sanctions list
        "stale": ["un-sc"],
    }


@pytest.mark.django_db
def test_readyz_is_unavailable_while_migrations_are_pending(client: Client, settings: Any) -> None:
    settings.TRUSTDESK_LISTS_EXPECTED = []
    # the newest migration of an app, as after an upgrade that was not migrated yet
    [newest] = MigrationLoader(connection).graph.leaf_nodes("jobs")
    MigrationRecorder(connection).record_unapplied(*newest)

    status, body = _probe(client, "/readyz")

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["migrations"] == {
        "status": "unavailable",
        "detail": "migrations pending: run `trustdesk migrate`",
    }


@pytest.mark.django_db
def test_an_unreachable_queue_degrades_readiness_and_names_no_address(
    client: Client, settings: Any, unused_port: int
) -> None:
    settings.TRUSTDESK_LISTS_EXPECTED = []
    secret_url = f"redis://:s3cret-password@127.0.0.1:{unused_port}/0"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url=secret_url)

    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)

    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["queue"] == {
        "status": "degraded",
        "detail": "unreachable",
    }
    text = response.content.decode()
    assert "s3cret" not in text
    assert "127.0.0.1" not in text
    assert str(unused_port) not in text


def test_probes_are_answered_over_plain_http_where_pages_redirect_to_https(
    client: Client, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    page = client.get("/accounts/login/", HTTP_HOST="localhost")
    probe = client.get("/healthz", HTTP_HOST=PROBE_HOST)

    assert (page.status_code, page["Location"]) == (301, "https://localhost/accounts/login/")
    assert probe.status_code == 200
