"""The embedded default: a queued task runs in the queuing process once its transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.support import shared_path
from tests.web.lists.httpserver import LocalHTTPServer, serve_file
from tests.web.tasks import sample_tasks
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.jobs import services as jobs
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.selectors import task_run_progress
from trustdesk.web.lists import tasks as list_tasks
from trustdesk.web.lists.models import ListSource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedded_mode")]

UN = "data/un-sc/UN_consolidated.xml"
OnCommit = Callable[..., Any]


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


def test_a_list_update_runs_in_process_and_records_outcome_and_progress(
    server: LocalHTTPServer, settings: Any, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_LIST_URL_OVERRIDES = {
        "un-sc": server.route("/consolidated.xml", serve_file(shared_path(UN)))
    }

    with django_capture_on_commit_callbacks(execute=True):
        run = list_tasks.update.enqueue("user:test", sources=["un-sc"])

    run.refresh_from_db()
    assert (run.task, run.status, run.actor) == ("lists.update", "succeeded", "user:test")
    assert run.arguments == {"sources": ["un-sc"]}
    assert (run.attempts, run.failures, run.error) == (1, 0, "")
    assert (run.progress_done, run.progress_total) == (1, 1)
    assert run.progress_message == "1 done, 0 failed"
    assert run.result is not None
    [result] = run.result
    assert (result["source"], result["ok"], result["error"]) == ("un-sc", True, None)
    assert result["imported"][0]["counts"]["total"] == 1003
    current = ListSource.objects.get(key="un-sc").current
    assert current is not None
    assert result["imported"][0]["snapshot"] == str(current.public_id)
    # The new current snapshot warms the match index in a run of its own.
    index_run = TaskRun.objects.get(task="lists.rebuild_index")
    assert index_run.status == "succeeded"
    assert index_run.result is not None
    assert index_run.result["snapshots"] == {"un-sc": str(current.public_id)}


def test_a_shipped_list_needs_no_download_and_queues_no_index_build(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = list_tasks.update.enqueue("user:test", sources=["ca-nro"])

    run.refresh_from_db()
    assert run.result == [
        {
            "source": "ca-nro",
            "ok": True,
            "error": None,
            "never_loaded": True,  # this test database has no shipped snapshot loaded
            "note": "ships with trustdesk and is updated with it",
            "imported": [],
        }
    ]
    assert TaskRun.objects.count() == 1


def test_an_unknown_source_fails_the_run_with_the_reason(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = list_tasks.update.enqueue("user:test", sources=["no-such-list"])

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error.startswith("UnknownSource: ")
    assert run.attempts == 1


def test_nothing_runs_before_the_queuing_transaction_commits(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = sample_tasks.count.enqueue("user:test", upto=3)

    run.refresh_from_db()
    assert (run.status, run.attempts, len(callbacks)) == ("queued", 0, 1)


def test_progress_ends_at_its_last_value(django_capture_on_commit_callbacks: OnCommit) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = sample_tasks.count.enqueue("user:test", upto=250)

    run.refresh_from_db()
    shown = task_run_progress(run, lease=60)
    assert (shown.status, shown.done, shown.total, shown.percent) == ("succeeded", 250, 250, 100)
    assert (shown.message, shown.result, shown.stalled) == ("250 of 250", 250, False)


def test_a_transient_failure_is_retried_until_it_succeeds(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = sample_tasks.flaky.enqueue("user:test", failures=2)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.failures) == ("succeeded", 3, 2)
    assert run.result == {"attempt": 3}
    assert run.error == "Transient: attempt 2 failed"  # the last failure stays on the record


def test_retries_stop_at_the_attempt_limit(
    embedded_mode: TaskSettings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = sample_tasks.flaky.enqueue("user:test", failures=99)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.failures) == ("failed", 5, 4)
    assert run.error == "gave up after 5 attempts; last: Transient: attempt 5 failed"
    assert embedded_mode.max_attempts == 5


def test_an_error_that_is_not_transient_fails_at_once_with_its_traceback_logged(
    django_capture_on_commit_callbacks: OnCommit, caplog: pytest.LogCaptureFixture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = sample_tasks.broken.enqueue("user:test", partner=42)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("failed", 1, "LookupError: no partner 42")
    assert run.finished_at is not None
    [logged] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert logged.exc_info is not None  # unexpected: the traceback says where
    assert logged.exc_info[0] is LookupError


def test_an_expected_failure_fails_at_once_with_one_warning_line_and_no_traceback(
    django_capture_on_commit_callbacks: OnCommit, caplog: pytest.LogCaptureFixture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = sample_tasks.offline.enqueue("user:test", host="lists.example")

    run.refresh_from_db()
    message = "lists.example could not be reached; the previous copy stays current"
    assert (run.status, run.attempts, run.error) == ("failed", 1, message)
    assert run.finished_at is not None
    [logged] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert (logged.levelno, logged.getMessage()) == (
        logging.WARNING,
        f"tests.offline failed: {message}",
    )
    assert not any(r.exc_info for r in caplog.records)


def test_a_redelivered_message_for_a_finished_run_does_nothing(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = sample_tasks.flaky.enqueue("user:test", failures=0)

    sample_tasks.flaky.send(str(run.public_id))

    run.refresh_from_db()
    assert (run.status, run.attempts, run.result) == ("succeeded", 1, {"attempt": 1})


def test_arguments_must_be_plain_values() -> None:
    with pytest.raises(jobs.TaskArgumentsError) as caught:
        sample_tasks.count.enqueue("user:test", upto=object())  # type: ignore[arg-type]

    assert "tests.count: task arguments must be JSON values (pass ids, not objects)" in str(
        caught.value
    )
    assert TaskRun.objects.count() == 0


def _running(heartbeat_age: float) -> TaskRun:
    run = TaskRun.objects.create(task="tests.count", arguments={"upto": 1}, actor="user:test")
    claim = jobs.task_run_claim(
        public_id=str(run.public_id), worker="host-a:1", lease=60, max_attempts=5
    )
    assert claim.outcome is jobs.ClaimOutcome.RUN
    TaskRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=heartbeat_age)
    )
    return run


def test_a_run_with_a_fresh_lease_is_left_to_its_worker() -> None:
    run = _running(heartbeat_age=10)

    claim = jobs.task_run_claim(
        public_id=str(run.public_id), worker="host-b:2", lease=60, max_attempts=5
    )

    assert claim.outcome is jobs.ClaimOutcome.BUSY
    assert (claim.run.worker, claim.run.attempts) == ("host-a:1", 1)


def test_a_run_whose_worker_went_quiet_is_taken_over() -> None:
    run = _running(heartbeat_age=61)
    assert task_run_progress(TaskRun.objects.get(pk=run.pk), lease=60).stalled is True

    claim = jobs.task_run_claim(
        public_id=str(run.public_id), worker="host-b:2", lease=60, max_attempts=5
    )

    assert claim.outcome is jobs.ClaimOutcome.RUN
    assert (claim.run.worker, claim.run.attempts) == ("host-b:2", 2)
    assert claim.run.error == "attempt 1 on host-a:1 stopped without finishing"
    # The replaced attempt can no longer write to the run.
    assert jobs.task_run_succeed(public_id=str(run.public_id), attempt=1, result=1) is False
    assert jobs.task_run_succeed(public_id=str(run.public_id), attempt=2, result=2) is True


def test_a_file_import_records_its_snapshot_and_entries_read(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    path = str(shared_path(UN))

    with django_capture_on_commit_callbacks(execute=True):
        run = list_tasks.import_file.enqueue("user:test", path=path)

    run.refresh_from_db()
    assert (run.status, run.arguments) == ("succeeded", {"path": path})
    assert (run.progress_done, run.progress_total) == (1003, None)
    assert run.progress_message == "un-sc: 1,003 entries read"
    assert run.result is not None
    assert [(o["source"], o["created"], o["current"]) for o in run.result] == [
        ("un-sc", True, True)
    ]
