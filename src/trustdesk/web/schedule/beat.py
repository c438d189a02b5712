"""`trustdesk scheduler`: Celery beat with the declared schedule, for production with Redis.

Beat wakes at each job's time (its cadence as a crontab) and starts the job through the same
service as `trustdesk jobs run-due`: the period is claimed in the database, the run recorded as
a TaskRun and queued for the workers (or, for the scheduler's own upkeep, run here). Nothing of
beat's is kept on disk: the last run of each job is in the database, read back when beat
starts, so a restarted scheduler neither repeats a job nor misses one whose time passed while
it was down. Run exactly one; a second would find each period already claimed, and do nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from celery.beat import ScheduleEntry, Scheduler
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection

from trustdesk.web.schedule.models import JobRecord
from trustdesk.web.schedule.services import SCHEDULER_ACTOR, Started, job_start
from trustdesk.web.schedule.table import SCHEDULE, job_get

log = logging.getLogger(__name__)

# A time before any job could have run: a job never run is due as soon as beat starts.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The declared schedule in Celery's `beat_schedule` form, one entry per job."""
    return {
        job.name: {
            "task": job.task,
            "schedule": job.cadence.crontab(),
            "kwargs": dict(job.arguments),
        }
        for job in SCHEDULE
    }


class TrustdeskScheduler(Scheduler):
    """Beat's scheduler over the declared schedule, starting jobs through `job_start`."""

    def setup_schedule(self) -> None:
        last = dict(JobRecord.objects.values_list("name", "started_at"))
        # Each entry counts from the job's last start in the database: counting from beat's own
        # start, as beat does by default, would skip a period it slept through.
        self.schedule = {
            name: ScheduleEntry(name=name, app=self.app, last_run_at=last.get(name, NEVER), **spec)
            for name, spec in beat_schedule().items()
        }

    def apply_async(
        self, entry: ScheduleEntry, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> Started:
        if advance:
            self.reserve(entry)
        _drop_stale_connections()
        try:
            return job_start(job_get(str(entry.name)), actor=SCHEDULER_ACTOR)
        finally:
            _drop_stale_connections()

    @property
    def producer(self) -> None:  # type: ignore[override]  # beat's own producer is never built
        """None: jobs are sent by `job_start` (TaskDef.send), never by beat's own connection.

        Beat would otherwise connect to Redis before each job and retry for minutes while Redis
        is down, and with it the reaping that sends again what Redis missed.
        """
        return None

    def sync(self) -> None:
        """Nothing to save: the database holds when each job last ran."""


def _drop_stale_connections() -> None:
    """Beat lives for weeks: a connection the database dropped (a restart) is replaced.

    Not inside a transaction, whose connection is in use (a caller's atomic block).
    """
    if not connection.in_atomic_block:
        close_old_connections()


def run_scheduler(argv: list[str]) -> None:
    """Run beat until stopped; refuses the embedded default, whose `serve` runs the schedule."""
    from trustdesk.web.conf.tasks import task_settings
    from trustdesk.web.core.setup import ensure_ready
    from trustdesk.web.core.tasks import get_app

    if task_settings().embedded:
        raise ImproperlyConfigured(
            "TRUSTDESK_REDIS_URL is not set: on the embedded default `trustdesk serve` runs the "
            "scheduled jobs itself; without it, run `trustdesk jobs run-due` from cron"
        )
    ensure_ready()
    app = get_app()
    app.conf.beat_schedule = beat_schedule()
    app.start(scheduler_argv(argv))


def scheduler_argv(argv: list[str]) -> list[str]:
    """The `celery beat` command line: trustdesk's scheduler, then the caller's arguments."""
    return ["beat", f"--scheduler={__name__}:TrustdeskScheduler", "--loglevel=INFO", *argv]
