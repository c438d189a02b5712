"""A task run whose process is killed: its heartbeat stops, and recovery fails it with a reason.

The embedded default runs tasks in the process that queues them (a `trustdesk serve`), so nothing
redelivers the work of a killed process: the run would stay "running" for ever. Here a real
process runs a task and is killed with SIGKILL mid-way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.web.tasks.conftest import QUEUE_SETTINGS, ROOT, _database_url
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.recovery import work_recover

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = 1  # seconds: the child renews every quarter second

CHILD = """
import django
django.setup()
from tests.web.tasks import sample_tasks
sample_tasks.block_until.enqueue("test", release={release!r}, log={log!r})
"""


def _wait_for(check: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def test_a_killed_in_process_run_is_failed_once_its_lease_expires(
    tmp_path: Path, settings: Any
) -> None:
    settings.TRUSTDESK_TASKS = replace(QUEUE_SETTINGS, redis_url="", lease=LEASE)
    log, release = tmp_path / "starts.log", tmp_path / "release"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trustdesk.web.settings",
        "TRUSTDESK_HOME": str(tmp_path / "home"),
        "TRUSTDESK_SECRET_KEY": "test-only-secret",
        "TRUSTDESK_DATABASE_URL": _database_url(),
        "TRUSTDESK_REDIS_URL": "",
        "TRUSTDESK_TASK_LEASE": str(LEASE),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    script = CHILD.format(release=str(release), log=str(log))
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)  # noqa: S603 - this interpreter, a fixed script
    try:
        _wait_for(lambda: log.exists() and "attempt 1" in log.read_text(), "the task to start")
        run = TaskRun.objects.get(task="tests.block_until")
        first_beat = run.heartbeat_at
        # The in-process run renews its lease, so no sweep takes a live run for a dead one.
        _wait_for(lambda: TaskRun.objects.get(pk=run.pk).heartbeat_at != first_beat, "a heartbeat")
        assert work_recover().reaped == ()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    time.sleep(LEASE + 0.5)
    recovery = work_recover()

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error.startswith("the process running it stopped; lease expired at ")
    assert run.error.endswith(f"UTC (attempt 1 on {run.worker})")
    assert recovery.reaped == (f"tests.block_until {run.public_id}: {run.error}",)
