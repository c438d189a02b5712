"""A travel-advice refresh queued as a task (run in-process on the embedded default)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.web.lists.httpserver import LocalHTTPServer, status
from tests.web.reference.fcdo_api import FakeFCDO
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.reference import selectors, services

pytestmark = pytest.mark.django_db
OnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def test_a_queued_refresh_stores_the_snapshot_and_reports_progress(
    fcdo: FakeFCDO, pack_path: Path, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.travel_advice_refresh_enqueue(actor="user:test")

    run.refresh_from_db()
    current = selectors.current_snapshot()
    assert current is not None
    assert (run.task, run.status) == ("reference.travel_advice_update", "succeeded")
    assert (run.progress_done, run.progress_total) == (6, 6)
    assert run.result is not None
    assert (run.result["snapshot"], run.result["countries"]) == (str(current.public_id), 6)


def test_a_queued_refresh_that_fails_fails_the_run_with_the_reason(
    fcdo: FakeFCDO,
    server: LocalHTTPServer,
    pack_path: Path,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    server.route("/api/content/foreign-travel-advice", status(404))

    with django_capture_on_commit_callbacks(execute=True):
        run = services.travel_advice_refresh_enqueue(actor="user:test")

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error.startswith("RefreshFailed: ")
    assert "answered 404 Not Found" in run.error
    assert selectors.current_snapshot() is None
