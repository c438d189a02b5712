"""/metrics: Prometheus text read from the database at scrape time, for allowed scrapers only."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import ip_network
from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists import services as list_services

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests"


def _scrape(client: Client, **headers: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_gauges_count_what_the_database_holds(client: Client, settings: Any) -> None:
    settings.TRUSTDESK_LISTS_EXPECTED = ["aspi-unitracker", "un-sc"]
    list_services.shipped_lists_ensure()
    officer = factories.make_user("olga", User.Role.OFFICER)
    factories.make_organisation(officer, "Example University")  # queues its screening
    TaskRun.objects.create(task="lists.update", actor="user:olga")
    TaskRun.objects.create(task="lists.update", actor="user:olga", status="running")

    samples = _scrape(client)

    assert samples[("trustdesk_database_up", ())] == 1
    assert samples[("trustdesk_screening_runs", (("status", "pending"),))] == 1
    assert samples[("trustdesk_screening_runs", (("status", "completed"),))] == 0
    queued = TaskRun.objects.filter(status="queued").count()  # the screening's run and ours
    assert samples[("trustdesk_task_runs", (("status", "queued"),))] == queued >= 2
    assert samples[("trustdesk_task_runs", (("status", "running"),))] == 1
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    assert samples[("trustdesk_audit_chain_length", ())] == last > 0
    aspi = (("kind", "research-security"), ("source", "aspi-unitracker"))
    un = (("kind", "sanctions"), ("source", "un-sc"))
    assert 0 <= samples[("trustdesk_list_age_seconds", aspi)] < 60  # loaded just now
    assert samples[("trustdesk_list_max_age_seconds", aspi)] == 400 * 86400
    assert samples[("trustdesk_list_missing", aspi)] == 0
    assert samples[("trustdesk_list_missing", un)] == 1
    assert ("trustdesk_list_age_seconds", un) not in samples  # never loaded: no age
    assert not any(name.startswith("trustdesk_task_queue") for name, _ in samples)  # embedded


def test_requests_are_counted_by_method_and_status_class(client: Client) -> None:
    def count(method: str, status: str) -> float:
        key = ("trustdesk_http_requests_total", (("method", method), ("status", status)))
        return _scrape(client).get(key, 0.0)

    before_404, before_302 = count("GET", "4xx"), count("GET", "3xx")

    client.get("/no-such-page/")
    client.get("/")  # to the account page, then to sign in

    assert count("GET", "4xx") == before_404 + 1
    assert count("GET", "3xx") == before_302 + 1
    assert _scrape(client)[("trustdesk_http_request_duration_seconds_count", (("method", "GET"),))]


def test_an_unreachable_queue_is_reported_down_without_failing_the_scrape(
    client: Client, settings: Any, unused_port: int
) -> None:
    settings.TRUSTDESK_TASKS = replace(
        TaskSettings(), redis_url=f"redis://127.0.0.1:{unused_port}/0"
    )

    samples = _scrape(client)

    assert samples[("trustdesk_task_queue_up", ())] == 0
    assert ("trustdesk_task_queue_length", ()) not in samples


def test_a_request_through_a_proxy_needs_the_token(client: Client, settings: Any) -> None:
    # REMOTE_ADDR is the proxy's own loopback address: it says nothing about the client.
    proxied = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    settings.TRUSTDESK_METRICS_TOKEN = TOKEN

    refused = client.get("/metrics", **proxied)
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope", **proxied)

    assert (refused.status_code, wrong.status_code) == (403, 403)
    assert b"TRUSTDESK_METRICS_TOKEN" in refused.content
    assert _scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **proxied)


def test_only_allowed_addresses_scrape_without_a_token(client: Client, settings: Any) -> None:
    settings.TRUSTDESK_METRICS_TOKEN = ""  # unset: no token opens it

    outside = client.get("/metrics", REMOTE_ADDR="198.51.100.7")
    no_token = client.get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer ")

    assert (outside.status_code, no_token.status_code) == (403, 403)
    allowed = ip_network("198.51.100.0/24")
    settings.TRUSTDESK_METRICS_ALLOW = (*settings.TRUSTDESK_METRICS_ALLOW, allowed)
    assert _scrape(client, REMOTE_ADDR="198.51.100.7")
