"""A travel-advice refresh queued as a task (run in-process on the embedded default)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.web.lists.httpserver import LocalHTTPServer, status
from tests.web.reference.fcdo_api import FakeFCDO
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.reference import selectors, services
from trustdesk.web.reference.models import RefreshRun
from trustdesk.web.schedule import services as schedule
from trustdesk.web.schedule.table import job_get

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
    assert run.error.startswith("FCDO travel advice not refreshed: ")
    assert "answered 404 Not Found" in run.error
    assert selectors.current_snapshot() is None


OFFLINE = "could not connect to 127.0.0.1:9: connection refused — are you offline?"


def _start_up_offline(settings: Any, on_commit: OnCommit) -> TaskRun:
    """The scheduler's first check after a start with no network: the refresh is due."""
    settings.TRUSTDESK_TRAVEL_ADVICE_URL = "http://127.0.0.1:9/api/content"  # nothing listens
    with on_commit(execute=True):
        started = schedule.job_start(job_get("travel-advice.update"), actor="scheduler")
    assert started.run is not None
    return TaskRun.objects.get(pk=started.run.pk)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_offline_at_start_up_before_any_snapshot_logs_one_warning_line(
    settings: Any,
    pack_path: Path,
    django_capture_on_commit_callbacks: OnCommit,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = _start_up_offline(settings, django_capture_on_commit_callbacks)

    why = (
        f"FCDO travel advice not refreshed: {OFFLINE}; "
        "no snapshot yet: the pack's shipped values (checked 2026-08-22) stay in use"
    )
    assert (run.status, run.error) == ("failed", why)  # what the jobs page shows
    [logged] = _warnings(caplog)
    assert logged.levelno == logging.WARNING
    assert logged.getMessage() == f"reference.travel_advice_update failed: {why}"
    assert not any(r.exc_info for r in caplog.records)
    refresh = RefreshRun.objects.get()
    assert (refresh.status, refresh.error) == ("failed", OFFLINE)


def test_offline_at_start_up_keeps_the_previous_snapshot_and_says_so_in_one_line(
    fcdo: FakeFCDO,
    settings: Any,
    pack_path: Path,
    django_capture_on_commit_callbacks: OnCommit,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = services.travel_advice_refresh(actor="user:test").snapshot
    caplog.clear()

    run = _start_up_offline(settings, django_capture_on_commit_callbacks)

    assert run.status == "failed"
    assert run.error.startswith(f"FCDO travel advice not refreshed: {OFFLINE}; the snapshot ")
    assert run.error.endswith(f"({before.short_id}) stays current")
    [logged] = _warnings(caplog)
    assert logged.getMessage() == f"reference.travel_advice_update failed: {run.error}"
    assert not any(r.exc_info for r in caplog.records)
    assert selectors.current_snapshot() == before
