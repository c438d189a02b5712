"""`trustdesk scheduler` as production runs it: Celery beat with Redis, starting the due jobs,
which a worker then runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from tests.web.tasks.conftest import ROOT, Workers, wait_finished
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.schedule.models import JobRecord
from trustdesk.web.schedule.table import SCHEDULE, job_get

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("redis_mode"),
]

# Jobs that would reach for the internet from the worker: marked as run for this period.
ONLINE = ("lists.update", "travel-advice.update")
# Jobs the scheduler process runs itself rather than queueing for a worker.
IN_SCHEDULER = ("audit.anchor", "work.reap")


def test_the_scheduler_starts_each_due_job_once_and_workers_run_them(
    workers: Workers, tmp_path: Path
) -> None:
    now = timezone.now()
    for name in ONLINE:
        slot = job_get(name).cadence.slot(now)
        JobRecord.objects.create(name=name, slot=slot, started_at=now, started_by="test")
    anchors = tmp_path / "anchors.jsonl"
    env = {**workers.env, "TRUSTDESK_AUDIT_ANCHOR_PATH": str(anchors)}
    log = tmp_path / "scheduler.log"
    offline = [job.name for job in SCHEDULE if job.name not in ONLINE]

    with log.open("wb") as out:
        beat = subprocess.Popen(
            [sys.executable, "-m", "trustdesk.cli", "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                started = JobRecord.objects.filter(name__in=offline, task_run__isnull=False)
                # The scheduler runs its own upkeep itself: stop it only once that has finished,
                # or a run it is still writing is cut short and stays "running".
                upkeep = started.filter(name__in=IN_SCHEDULER).select_related("task_run")
                if started.count() == len(offline) and all(
                    record.task_run.finished for record in upkeep
                ):
                    break
                time.sleep(0.2)
            else:
                pytest.fail(f"jobs not started:\n{log.read_text(errors='replace')[-3000:]}")
        finally:
            os.killpg(beat.pid, signal.SIGTERM)
            beat.wait(timeout=20)

    runs = {r.name: r.task_run for r in JobRecord.objects.filter(name__in=offline)}
    assert {name: run.actor for name, run in runs.items() if run} == dict.fromkeys(
        offline, "scheduler"
    )
    # Its own upkeep ran in the scheduler; no schedule file was written anywhere.
    assert runs["audit.anchor"] is not None
    assert runs["audit.anchor"].status == "succeeded"
    assert runs["work.reap"] is not None
    assert runs["work.reap"].status == "succeeded"
    assert list((tmp_path / "home").glob("celerybeat-schedule*")) == []
    assert not list(ROOT.glob("celerybeat-schedule*"))
    # The others were queued, once each, and a worker runs them.
    assert TaskRun.objects.filter(task__in=[j.task for j in SCHEDULE]).count() == len(offline)
    workers.start()
    for name in ("engagements.review-due", "screenings.purge"):
        run = runs[name]
        assert run is not None
        assert wait_finished(run).status == "succeeded", run.error
