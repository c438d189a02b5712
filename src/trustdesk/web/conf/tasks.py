"""Task-queue settings: in-process on the embedded default, Redis workers in production.

`TRUSTDESK_REDIS_URL` unset runs every task in the process that queues it (nothing else to
install); set, tasks go to Redis and separate `trustdesk worker` processes, on any number of
machines, run them. The other variables tune how soon the work of a dead worker is picked up again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from trustdesk.web.env import env_int, env_str

# jobs: the record of every task run; schedule: the scheduled jobs and when each last ran.
APPS: list[str] = ["trustdesk.web.jobs", "trustdesk.web.schedule"]


@dataclass(frozen=True, slots=True)
class TaskSettings:
    """Everything the queue glue reads; frozen and hashable: one Celery app per value."""

    # Broker and result backend; "" runs tasks in-process (the embedded default).
    redis_url: str = ""
    # Prepended to every Redis key, so several installs (or test runs) can share one Redis.
    key_prefix: str = "trustdesk:"
    # Seconds a message taken by a worker may stay unacknowledged before Redis hands it to another
    # worker: how long the work of a killed worker waits. A live worker's long task keeps its lease
    # (below), so the redelivered copy only waits for it; this is no limit on task length. Five
    # minutes: a killed worker's jobs start again within minutes, not Celery's hour.
    visibility_timeout: int = 300
    # Seconds between a worker's sweeps for such messages.
    restore_interval: int = 10
    # Seconds without a heartbeat after which a running task counts as abandoned.
    lease: int = 60
    # Starts of one run (first try, retries and redeliveries) before it is marked failed.
    max_attempts: int = 5
    # Retry delays: backoff * 2**failures seconds, at most backoff_max; 0 derives it from the
    # visibility timeout (half of it), so lowering that timeout needs no second variable.
    backoff: int = 10
    backoff_max: int = 0

    @property
    def embedded(self) -> bool:
        return not self.redis_url

    @property
    def retry_delay_max(self) -> int:
        """The longest retry delay: TRUSTDESK_TASK_BACKOFF_MAX, else half the visibility timeout.

        A retry waits in the worker's memory, unacknowledged, until its countdown ends; were it
        longer than the visibility timeout, Redis would hand a second copy to another worker.
        """
        return self.backoff_max or max(1, self.visibility_timeout // 2)

    def check(self) -> TaskSettings:
        """Refuse values that would lose or duplicate work, naming the variable to change."""
        for name, value in (
            ("TRUSTDESK_TASK_VISIBILITY_TIMEOUT", self.visibility_timeout),
            ("TRUSTDESK_TASK_LEASE", self.lease),
            ("TRUSTDESK_TASK_RESTORE_INTERVAL", self.restore_interval),
            ("TRUSTDESK_TASK_MAX_ATTEMPTS", self.max_attempts),
            ("TRUSTDESK_TASK_BACKOFF", self.backoff),
        ):
            if value < 1:
                raise ImproperlyConfigured(f"{name}={value}: must be at least 1")
        if self.retry_delay_max >= self.visibility_timeout:
            raise ImproperlyConfigured(
                "TRUSTDESK_TASK_BACKOFF_MAX must be below TRUSTDESK_TASK_VISIBILITY_TIMEOUT "
                f"({self.retry_delay_max} >= {self.visibility_timeout}); leave it unset to "
                "use half the visibility timeout"
            )
        # A redelivered copy of a run that a live worker holds waits one lease in that worker's
        # memory before it looks again: the same limit as a retry's countdown.
        if self.lease >= self.visibility_timeout:
            raise ImproperlyConfigured(
                "TRUSTDESK_TASK_LEASE must be below TRUSTDESK_TASK_VISIBILITY_TIMEOUT "
                f"({self.lease} >= {self.visibility_timeout})"
            )
        return self


def from_env() -> TaskSettings:
    return TaskSettings(
        redis_url=env_str("TRUSTDESK_REDIS_URL"),
        key_prefix=env_str("TRUSTDESK_TASK_KEY_PREFIX", "trustdesk:"),
        visibility_timeout=env_int("TRUSTDESK_TASK_VISIBILITY_TIMEOUT", 300),
        restore_interval=env_int("TRUSTDESK_TASK_RESTORE_INTERVAL", 10),
        lease=env_int("TRUSTDESK_TASK_LEASE", 60),
        max_attempts=env_int("TRUSTDESK_TASK_MAX_ATTEMPTS", 5),
        backoff=env_int("TRUSTDESK_TASK_BACKOFF", 10),
        backoff_max=env_int("TRUSTDESK_TASK_BACKOFF_MAX", 0),
    ).check()


TASKS: TaskSettings = from_env()


def task_settings() -> TaskSettings:
    """The queue settings in force: Django's TRUSTDESK_TASKS, else those of the environment.

    Here rather than in `core.tasks` so the jobs pages can read the lease without importing the
    task runner, which itself records runs through the jobs app (the app order forbids both).
    """
    value = getattr(settings, "TRUSTDESK_TASKS", None)
    return value if isinstance(value, TaskSettings) else TASKS
