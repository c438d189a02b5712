"""Redis down: a request that queues work answers at once, keeps its record, and the work is
sent when the queue is back (through `task_runs_resume`, which the scheduler's reaping runs)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.utils import timezone

from tests.web.api.conftest import api_client
from tests.web.cases.conftest import Cast, cast  # noqa: F401  # the fixture
from tests.web.tasks import sample_tasks
from tests.web.tasks.conftest import QUEUE_SETTINGS
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.tasks import QUEUE, task_runs_resume
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.partners.models import Organisation, ScreeningRun

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Nothing listens on port 1: a connection is refused, as by a Redis host that is down.
CLOSED = "redis://127.0.0.1:1/0"


def test_an_organisation_added_while_redis_is_down_is_kept_and_screened_later(
    cast: Cast,  # noqa: F811  # the imported fixture
    redis_settings: TaskSettings,
    settings: Any,
) -> None:
    settings.TRUSTDESK_TASKS = replace(redis_settings, redis_url=CLOSED)
    started = time.monotonic()

    response = api_client(cast.olga).post(
        "/api/organisations", {"name": "Beihang University", "kind": "university"}
    )

    took = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert took < 3, f"the request took {took:.1f} s"
    org = Organisation.objects.get(public_id=response.json()["id"])
    screening = ScreeningRun.objects.get(organisation=org)
    assert screening.status == ScreeningRun.Status.PENDING
    run = TaskRun.objects.get(pk=screening.task_run_id)
    assert run.status == TaskRun.Status.QUEUED
    assert run.error.startswith("queue unreachable: Error 111 connecting to 127.0.0.1:1.")
    assert run.unsent_since is not None

    # The queue is back (the same settings with the real Redis): the sweep sends the run at
    # once, without waiting for the visibility timeout that covers messages lost in Redis.
    settings.TRUSTDESK_TASKS = redis_settings
    resumed = task_runs_resume()

    assert [r.public_id for r in resumed] == [run.public_id]
    run.refresh_from_db()
    assert (run.status, run.unsent_since) == (TaskRun.Status.QUEUED, None)
    client = redis.Redis.from_url(redis_settings.redis_url)
    messages = client.lrange(f"{redis_settings.key_prefix}{QUEUE}", 0, -1)
    client.delete(f"{redis_settings.key_prefix}{QUEUE}")
    assert [json.loads(m)["headers"]["argsrepr"] for m in messages] == [f"('{run.public_id}',)"]


def test_a_sweep_while_redis_is_still_down_stops_at_the_first_unsent_run(
    cast: Cast,  # noqa: F811  # the imported fixture
    settings: Any,
) -> None:
    settings.TRUSTDESK_TASKS = replace(QUEUE_SETTINGS, redis_url=CLOSED)
    client = api_client(cast.olga)
    for name in ("Beihang University", "Harbin Institute of Technology"):
        assert (
            client.post("/api/organisations", {"name": name, "kind": "university"}).status_code
            == 201
        )

    resumed = task_runs_resume()

    assert len(resumed) == 1  # one more try showed the queue still down; the other waits
    assert TaskRun.objects.filter(status="queued", unsent_since__isnull=False).count() == 2


def test_runs_queued_long_ago_are_sent_again_only_when_nothing_waits_in_redis(
    redis_settings: TaskSettings, settings: Any
) -> None:
    # Workers behind a backlog: the old run's message is in the queue, behind the others.
    settings.TRUSTDESK_TASKS = redis_settings
    client = redis.Redis.from_url(redis_settings.redis_url)
    key = f"{redis_settings.key_prefix}{QUEUE}"
    old = sample_tasks.flaky.enqueue("user:test", failures=0)
    waiting = sample_tasks.flaky.enqueue("user:test", failures=0)
    assert client.llen(key) == 2
    late = timezone.now() + timedelta(seconds=redis_settings.visibility_timeout + 1)
    TaskRun.objects.filter(pk=waiting.pk).update(created_at=late)  # a recent one

    assert task_runs_resume(now=late) == []  # two messages wait: nothing is lost
    assert client.llen(key) == 2

    client.delete(key)  # the messages were lost (Redis restarted without its data)
    assert [r.public_id for r in task_runs_resume(now=late)] == [old.public_id]
    assert client.llen(key) == 1
    client.delete(key)
