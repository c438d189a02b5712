"""Redis mode with real worker processes: completion, retries, and a worker killed mid-task."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.web.tasks import sample_tasks
from tests.web.tasks.conftest import Workers, wait_finished
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists import tasks as list_tasks

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("redis_mode"),
]


def test_a_queued_list_update_completes_in_a_worker(workers: Workers) -> None:
    workers.start()

    run = wait_finished(list_tasks.update.enqueue("user:test", sources=["ca-nro"]))

    assert (run.status, run.attempts, run.error) == ("succeeded", 1, "")
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
    assert (run.progress_done, run.progress_total, run.progress_message) == (
        1,
        1,
        "1 done, 0 failed",
    )


def test_a_transient_failure_is_retried_in_the_worker(workers: Workers) -> None:
    if not workers.started:
        workers.start()

    run = wait_finished(sample_tasks.flaky.enqueue("user:test", failures=1))

    assert (run.status, run.attempts, run.failures) == ("succeeded", 2, 1)
    assert run.result == {"attempt": 2}
    assert run.error == "Transient: attempt 1 failed"


def test_a_task_of_a_killed_worker_is_picked_up_by_another(
    workers: Workers, redis_mode: TaskSettings, tmp_path: Path
) -> None:
    workers.stop_all()  # only the worker about to die may take the task
    first = workers.start()
    log, release = tmp_path / "starts.log", tmp_path / "release"
    run = sample_tasks.block_until.enqueue("user:test", release=str(release), log=str(log))
    _wait_for(lambda: log.exists() and log.read_text().count("attempt") == 1)

    first.kill()
    killed_at = time.monotonic()
    workers.start()
    release.touch()
    run = wait_finished(run)

    assert (run.status, run.attempts, run.result) == ("succeeded", 2, {"attempt": 2})
    first_pid = log.read_text().split()[3]
    assert run.error == f"attempt 1 on {socket.gethostname()}:{first_pid} stopped without finishing"
    # Redelivered only after the visibility timeout, as promised, and well within a minute.
    assert redis_mode.visibility_timeout <= time.monotonic() - killed_at < 30
    assert [line.split()[1] for line in log.read_text().splitlines()] == ["1", "2"]


def _wait_for(condition: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    pytest.fail("timed out")
