"""Starting scheduled jobs: each job at most once per period, whichever runner asks first.

Three runners share this module: Celery beat in production (`trustdesk scheduler`), cron or a
systemd timer on `trustdesk jobs run-due`, and on the embedded default `trustdesk serve`, which
checks every minute in a thread. A runner claims a job's period in the database before it
starts the job, so two runners (or two cron runs) never start the same period twice.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from trustdesk.web.core import tasks
from trustdesk.web.core.context import audit_context
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.schedule.models import JobRecord
from trustdesk.web.schedule.table import SCHEDULE, Job

log = logging.getLogger(__name__)

SCHEDULER_ACTOR = "scheduler"
CHECK_EVERY = 60  # seconds between `serve`'s checks: the shortest period is minutes long


@dataclass(frozen=True, slots=True)
class Started:
    """A job a runner started (or found already started for this period)."""

    job: Job
    slot: datetime
    run: TaskRun | None  # None: another runner had claimed this period

    def line(self) -> str:
        if self.run is None:
            return f"{self.job.name}: already started for {self.slot:%Y-%m-%d %H:%M} UTC"
        return f"{self.job.name}: {self.run.task} {self.run.public_id} {self.run.status}"

    def as_dict(self) -> dict[str, object]:
        return {
            "job": self.job.name,
            "task": self.job.task,
            "slot": self.slot.isoformat(),
            "run": None if self.run is None else str(self.run.public_id),
            "status": None if self.run is None else self.run.status,
        }


def job_due(job: Job, *, now: datetime | None = None) -> bool:
    """Whether the job has not been started for the period `now` falls in."""
    slot = job.cadence.slot(now or timezone.now())
    return not JobRecord.objects.filter(name=job.name, slot__gte=slot).exists()


def _claim(job: Job, slot: datetime, *, now: datetime, actor: str) -> bool:
    """Move the job's record to `slot` unless a runner already did: True for the one that did."""
    try:
        with transaction.atomic():
            _, created = JobRecord.objects.get_or_create(
                name=job.name, defaults={"slot": slot, "started_at": now, "started_by": actor}
            )
    except IntegrityError:  # another runner created it between our look and our insert
        return False
    if created:
        return True
    moved = JobRecord.objects.filter(Q(name=job.name) & Q(slot__lt=slot)).update(
        slot=slot, started_at=now, started_by=actor, task_run=None
    )
    return moved == 1


def job_done_by_hand(job: Job, *, actor: str, now: datetime | None = None) -> bool:
    """Count a run done by hand (`trustdesk lists update`) as this period's: no second one.

    `./scripts/run` updates the lists and travel advice before it starts the server, whose
    schedule would otherwise download them all again a moment later. False when the period had
    been claimed already.
    """
    now = now or timezone.now()
    return _claim(job, job.cadence.slot(now), now=now, actor=actor)


def job_start(job: Job, *, actor: str, now: datetime | None = None, force: bool = False) -> Started:
    """Start the job for the current period unless it was; `force` starts it regardless.

    A job on the queue is queued (on the embedded default it runs here, as every task does);
    a job marked `here` runs in this process. Either way it is a TaskRun, and each task's
    service records its own audit events.
    """
    now = now or timezone.now()
    slot = job.cadence.slot(now)
    arguments = {k: (list(v) if isinstance(v, list) else v) for k, v in job.arguments.items()}
    # One group in the audit trail per job, not one for everything a long-lived scheduler or a
    # `run-due` command does.
    with audit_context(request_id=uuid.uuid4(), actor=actor):
        # The claim and the run's record commit together: a failure between them (the database
        # went away) leaves the period unclaimed for the next check, never claimed with no run.
        with transaction.atomic():
            if not _claim(job, slot, now=now, actor=actor) and not force:
                return Started(job, slot, None)
            if job.here:
                run = tasks.record(job.task, actor, **arguments)
            else:
                run = tasks.enqueue(job.task, actor, **arguments)  # sent once this commits
            JobRecord.objects.filter(name=job.name, slot=slot).update(task_run=run)
        if job.here:
            run = tasks.run_here(run)
    log.info("scheduled job %s started: %s %s", job.name, run.task, run.public_id)
    return Started(job, slot, run)


def jobs_run_due(*, actor: str, now: datetime | None = None) -> list[Started]:
    """Start every job whose period has come and that nobody started for it yet."""
    now = now or timezone.now()
    started = []
    for job in SCHEDULE:
        if not job_due(job, now=now):
            continue
        outcome = job_start(job, actor=actor, now=now)
        if outcome.run is not None:
            started.append(outcome)
    return started


class RunnerBusy(Exception):
    """Another `run-due` on this machine is still running; this one does nothing."""

    MESSAGE = "another `trustdesk jobs run-due` is still running ({path}); nothing started"

    def __init__(self, path: Path) -> None:
        super().__init__(self.MESSAGE.format(path=path))


@contextmanager
def run_due_lock(path: Path | None = None) -> Iterator[None]:
    """Hold the machine's run-due lock, or raise RunnerBusy at once (cron must not pile up).

    A lock on an owner-only file in TRUSTDESK_HOME, released by the system when the process
    ends however it ends, so a killed run never leaves it held.
    """
    path = path or Path(settings.HOME) / "locks" / "run-due.lock"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunnerBusy(path) from None
        yield
    finally:
        os.close(fd)


def schedule_thread_start(*, actor: str, every: float = CHECK_EVERY) -> threading.Event:
    """Check for due jobs now and every `every` seconds in a daemon thread; set it to stop.

    `trustdesk serve` runs this on the embedded default, where it is the one process that is
    always up, so nobody has to set up cron for the schedule to hold.
    """
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                jobs_run_due(actor=actor)
            except Exception:  # a bad minute must not end the schedule; the next check retries
                log.exception("scheduled jobs check failed")
            finally:
                connections.close_all()  # this thread's own connections
            stop.wait(every)

    threading.Thread(target=loop, name="schedule", daemon=True).start()
    return stop
