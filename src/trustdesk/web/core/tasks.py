"""Task-queue glue: the Celery app, the `@task` decorator and the conventions it enforces.

Why Celery (5, Redis transport): it is the best-kept Python queue with a Django integration, and
with `acks_late` a message is removed from Redis only after its task returns. A worker killed
mid-task (SIGKILL, power loss) never acknowledges, so after the visibility timeout another
worker's sweep puts the message back on the queue: nothing is lost. Celery's weak point, that
Redis also redelivers a task that is merely running longer than that timeout, is closed here
rather than by choosing Dramatiq (whose per-worker heartbeats avoid it but which has a smaller
ecosystem): each run has a `TaskRun` row with a heartbeat lease, and a redelivered copy waits
while the lease is fresh and takes over only once it is stale. RQ and Huey lack late
acknowledgement on Redis.

Conventions every task follows, enforced by `@task`:

- The queue message carries only the run's id; the arguments, plain JSON, live on the row, so a
  task takes ids and re-reads the database, never a pickled object that may be stale.
- A task is idempotent: it may run twice (a redelivery after its worker died) and its services
  must make the second run harmless, as list imports do by content hash.
- `Transient` and database connection errors are retried with exponential backoff; anything else
  fails the run at once, with the error on the row for an admin to read.

On the embedded default (no TRUSTDESK_REDIS_URL) Celery runs each task eagerly, in the process
that queues it, after the queuing transaction commits.
"""

from __future__ import annotations

import inspect
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Concatenate, Generic, ParamSpec

from celery import Celery, shared_task
from celery import Task as CeleryTask
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from trustdesk.web.conf.tasks import TaskSettings, task_settings
from trustdesk.web.core.logs import task_log_context
from trustdesk.web.core.runs import repeating
from trustdesk.web.jobs import services as jobs
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.selectors import task_run_pending

log = logging.getLogger(__name__)

P = ParamSpec("P")
QUEUE = "trustdesk"
# Failures worth another attempt: the database went away or was busy. Tasks add their own.
RETRY_ON: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
PROGRESS_EVERY = 0.5  # seconds between progress writes; the last value is always written
# Seconds to connect to Redis when sending: a request waits this long at most for a queue that
# is down (twice: one retry). Redis on the same network answers in milliseconds.
SEND_TIMEOUT = 1.0
# Seconds a Redis command may take once connected; workers' blocking reads are not affected
# (kombu's polling reads do not block on the socket).
SOCKET_TIMEOUT = 5.0
# Noted on a run that could not be handed to the queue; the scheduler's reaping sends it again.
UNREACHABLE = "queue unreachable"


class Transient(Exception):
    """Raise from a task for a failure that another attempt may not meet (a busy service)."""


class ExpectedFailure(Exception):
    """Raise from a task for a failure the outside world causes and its message explains.

    Offline, a publisher's error page: nothing in the code is wrong, so the log gets one
    warning line with the message and no traceback, which would only bury it; the run fails
    with the message, which the jobs page shows, and is not retried (the schedule tries again).
    Anything else a task raises is unexpected and keeps its traceback.
    """


def celery_config(conf: TaskSettings) -> dict[str, Any]:
    """Celery settings for `conf`: eager in-process, or Redis with late acknowledgement."""
    common: dict[str, Any] = {
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_default_queue": QUEUE,
        "enable_utc": True,
        "timezone": "UTC",
        "worker_hijack_root_logger": False,
        "broker_connection_retry_on_startup": True,
    }
    if conf.embedded:
        # Failures are on the TaskRun row; raising them into the request that queued would
        # turn a failed list update into a server error page.
        return {**common, "task_always_eager": True, "task_eager_propagates": False}
    return {
        **common,
        "broker_url": conf.redis_url,
        # No result backend: the TaskRun row is the lasting record of every outcome. Celery's
        # Redis result backend also subscribed to each result as the task was sent, retrying a
        # lost Redis 20 times a second apart: a request that queued work hung for 20 s, then
        # failed with a server error, whenever Redis was down.
        "task_ignore_result": True,
        # Sending from a web request: an unreachable queue must fail within a second or two, so
        # the request answers and the run waits on its row (`TaskDef.send`) to be sent again.
        "broker_connection_timeout": SEND_TIMEOUT,
        "task_publish_retry_policy": {
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 0.5,
        },
        # Acknowledge only after the task returns: a worker that dies mid-task leaves its
        # message unacknowledged in Redis, to be handed to another worker.
        "task_acks_late": True,
        # A pool child killed under a living worker: put its message straight back.
        "task_reject_on_worker_lost": True,
        # Without this, a worker's prefetched messages wait for its death and the timeout too.
        "worker_prefetch_multiplier": 1,
        # Lost connection to Redis: the messages will be redelivered, so stop their tasks.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "broker_transport_options": {
            "visibility_timeout": conf.visibility_timeout,
            "socket_connect_timeout": SEND_TIMEOUT,
            "socket_timeout": SOCKET_TIMEOUT,
            "global_keyprefix": conf.key_prefix,
            # kombu sweeps for abandoned messages only on every Nth tick (100 s by default);
            # every tick, at the interval chosen, keeps recovery close to the timeout.
            "unacked_restore_interval": conf.restore_interval,
            "unacked_restore_throttle": 1,
        },
    }


_apps: dict[TaskSettings, Celery] = {}  # a cache: one app per settings value, built on first use
_apps_lock = threading.Lock()


def get_app() -> Celery:
    """The Celery app for the settings in force (tests switch modes through Django settings)."""
    conf = task_settings()
    with _apps_lock:
        app = _apps.get(conf)
        if app is None:
            app = Celery("trustdesk", set_as_current=False)
            app.conf.update(celery_config(conf))
            # Each app's tasks.py registers its tasks (as shared tasks) when imported.
            app.autodiscover_tasks(lambda: list(settings.INSTALLED_APPS))
            _apps[conf] = app
    return app


@dataclass(slots=True)
class TaskContext:
    """What a task body receives besides its arguments: who asked, and a way to show progress."""

    run_id: str
    attempt: int
    actor: str
    _last_write: float = 0.0
    _pending: tuple[int, int | None, str] | None = field(default=None)

    def progress(self, *, done: int, total: int | None = None, message: str = "") -> None:
        """Record how far the task got; writes at most every PROGRESS_EVERY seconds."""
        self._pending = (done, total, message)
        if time.monotonic() - self._last_write >= PROGRESS_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._pending is None:
            return
        done, total, message = self._pending
        jobs.task_run_progress(
            public_id=self.run_id, attempt=self.attempt, done=done, total=total, message=message
        )
        self._pending, self._last_write = None, time.monotonic()


@dataclass(frozen=True, slots=True)
class TaskDef(Generic[P]):
    """A registered task: `enqueue` records a TaskRun and queues it; `send` queues a run."""

    name: str
    fn: Callable[Concatenate[TaskContext, P], Any]
    retry_on: tuple[type[Exception], ...]

    def enqueue(self, actor: str, /, *args: P.args, **kwargs: P.kwargs) -> TaskRun:
        """Queue a run with these arguments (bound to the task's own parameter names).

        Runs of the same task whose process stopped are failed first, with the reason, so a
        killed update is reported as soon as anyone starts the next one.
        """
        bound = inspect.signature(self.fn).bind(None, *args, **kwargs)
        arguments = dict(list(bound.arguments.items())[1:])  # all but the TaskContext
        conf = task_settings()
        jobs.task_run_reap(lease=conf.lease, grace=redelivery_grace(conf), task=self.name)
        return jobs.task_run_enqueue(task=self, arguments=arguments, actor=actor)

    def send(self, run_id: str) -> bool:
        """Hand the run to the queue; on the embedded default this runs it here and now.

        False when the queue could not be reached: the run stays queued, with the reason on its
        row, and `task_runs_resume` (the scheduler's reaping, a server or worker start) sends it
        again once the queue is back. The caller, often a web request whose record is already
        committed, carries on rather than failing over work it cannot do anything about.
        """
        celery_task = get_app().tasks[self.name]
        if task_settings().embedded:
            # Run here without touching any transport (eager mode would still build one).
            celery_task.apply(args=(run_id,))
            return True
        try:
            celery_task.apply_async(args=(run_id,))
        except (BrokerError, OSError, RedisError) as exc:
            log.warning("%s %s not sent, %s: %s", self.name, run_id, UNREACHABLE, exc)
            jobs.task_run_unsent(public_id=run_id, error=f"{UNREACHABLE}: {exc}")
            return False
        jobs.task_run_sent(public_id=run_id)
        return True


def redelivery_grace(conf: TaskSettings) -> int:
    """Seconds past a dead worker's lease before its run counts as lost, not merely abandoned.

    With Redis the message is redelivered once its visibility timeout passes (swept every
    restore interval) and the next worker takes the run over; on the embedded default nothing
    redelivers, so the lease alone decides.
    """
    return 0 if conf.embedded else conf.visibility_timeout + conf.restore_interval


def task_runs_resume(*, now: datetime | None = None) -> list[TaskRun]:
    """Send again the runs that waited too long for a worker; a server or worker start runs this.

    On the embedded default the row is the only record of queued work: a process that stopped
    between committing a run and running it (an upload accepted just before a restart) left
    it queued for ever. With Redis the message normally survives, so only a run queued for
    longer than the visibility timeout is sent again, in case its message never reached Redis
    (the web process stopped right after its commit). Sending twice is harmless: the second
    delivery finds the run finished, or waits while the first holds its lease.
    """
    conf = task_settings()
    wait = conf.lease if conf.embedded else conf.visibility_timeout
    pending = list(
        task_run_pending(queued_before=(now or timezone.now()) - timedelta(seconds=wait))
    )
    if not conf.embedded and any(r.unsent_since is None for r in pending) and _backlog() != 0:
        # Messages wait in Redis (or its size cannot be read): runs queued long ago are behind
        # them rather than lost, and the reaping every few minutes would pile up copies of each.
        pending = [r for r in pending if r.unsent_since is not None]
    if pending:
        autodiscover_modules("tasks")  # each installed app's tasks.py registers its tasks
    resumed = []
    for run in pending:
        if run.task not in _registry:
            log.warning("queued run %s names no known task %r", run.public_id, run.task)
            continue
        log.info("sending again %s %s, queued since %s", run.task, run.public_id, run.created_at)
        sent = _registry[run.task].send(str(run.public_id))
        run.refresh_from_db()
        resumed.append(run)
        if not sent:
            break  # the queue is still down: the rest wait for the next sweep, not a timeout each
    return resumed


def _backlog() -> int | None:
    """Messages waiting in the Redis queue; None when Redis cannot be asked."""
    try:
        with get_app().connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            # The queue is one Redis list (trustdesk sends no priorities), read through the
            # channel's client, which adds the key prefix. A passive queue_declare would be
            # the portable call, but kombu's check under a key prefix misses the list.
            channel: Any = conn.default_channel  # kombu's Redis channel; typed as the base
            return int(channel.client.llen(QUEUE))
    except (BrokerError, OSError, RedisError) as exc:
        log.warning("queue length not read: %s", exc)
        return None


# Every task by name, filled in by `@task` as each app's tasks.py is imported. A service that queues
# a task of its own app asks for it here by name (`enqueue`) instead of importing its tasks.py,
# because that module imports the services: the layers put tasks above services, and the lazy
# import that used to hide this cycle is gone. Celery's `send_task` by name was the other way, but
# it would skip the TaskRun row (arguments, actor, lease) that makes a run visible and recoverable.
_registry: dict[str, TaskDef[Any]] = {}


class UnknownTask(LookupError):
    """No installed app registers a task by this name: a typo in the caller."""


def _definition(name: str) -> TaskDef[Any]:
    if name not in _registry:
        autodiscover_modules("tasks")  # each installed app's tasks.py registers its tasks
    try:
        return _registry[name]
    except KeyError:
        raise UnknownTask(name) from None


def enqueue(name: str, actor: str, /, **arguments: Any) -> TaskRun:
    """Queue a run of the task registered as `name`, its arguments checked against the task's."""
    return _definition(name).enqueue(actor, **arguments)


def record(name: str, actor: str, /, **arguments: Any) -> TaskRun:
    """Record a run of task `name` without sending it anywhere, for `run_here` to run."""
    definition = _definition(name)
    bound = inspect.signature(definition.fn).bind(None, **arguments)
    return jobs.task_run_record(
        task=name, arguments=dict(list(bound.arguments.items())[1:]), actor=actor
    )


def run_here(run: TaskRun) -> TaskRun:
    """Run a recorded run in this process now, whatever the queue; the run, as it ended.

    For work that must not wait on the queue it looks after: the scheduler's reaping sends
    again the runs an unreachable queue did not take, so it cannot itself wait in that queue.
    The run is claimed, leased, retried and failed exactly as a queued one.
    """
    get_app().tasks[run.task].apply(args=(str(run.public_id),))
    run.refresh_from_db()
    return run


def task(
    name: str, *, retry_on: tuple[type[Exception], ...] = ()
) -> Callable[[Callable[Concatenate[TaskContext, P], Any]], TaskDef[P]]:
    """Register `fn(ctx, **arguments)` as task `name`; its return value (JSON) is the outcome."""

    def register(fn: Callable[Concatenate[TaskContext, P], Any]) -> TaskDef[P]:
        definition = TaskDef(name, fn, (Transient, *RETRY_ON, *retry_on))

        def execute(celery_task: CeleryTask[Any, Any], run_id: str) -> None:
            # Every record logged while the run executes names it (core.logs.RequestContext).
            with task_log_context(task=name, task_id=celery_task.request.id, run=run_id):
                _execute(definition, celery_task, run_id)

        execute.__name__ = execute.__qualname__ = name.replace(".", "_")
        # max_retries=None: how often a run may start is decided by its TaskRun row, which
        # also counts redeliveries after a worker died, which Celery's counter cannot see.
        shared_task(name=name, bind=True, max_retries=None)(execute)
        _registry[name] = definition
        return definition

    return register


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _execute(definition: TaskDef[Any], celery_task: CeleryTask[Any, Any], run_id: str) -> None:
    conf = task_settings()
    eager = bool(celery_task.request.is_eager)
    claim = jobs.task_run_claim(
        public_id=run_id, worker=_worker_id(), lease=conf.lease, max_attempts=conf.max_attempts
    )
    if claim.outcome is jobs.ClaimOutcome.BUSY and not eager:
        # Another worker is alive and on it (this copy was redelivered because the task outlasted
        # the visibility timeout): look again after a lease, until that attempt ends or dies.
        raise celery_task.retry(countdown=conf.lease)
    if claim.outcome is not jobs.ClaimOutcome.RUN:
        return
    run = claim.run
    ctx = TaskContext(run_id=run_id, attempt=run.attempts, actor=run.actor)
    # The log's record of the run (its ids are on every record: core.logs.RequestContext).
    log.info("attempt %s started for %s", ctx.attempt, run.actor)
    started = time.monotonic()
    try:
        # Eager runs beat too: a reaper in another process (`trustdesk jobs reap`) must not take
        # a live in-process run for one whose process stopped. Inside a transaction (a test,
        # or a caller's atomic block) no other connection can see the run, so there is no need.
        beating = not connections["default"].in_atomic_block
        with _heartbeat(ctx, every=conf.lease / 4, enabled=beating):
            result = definition.fn(ctx, **run.arguments)
            ctx.flush()
    except ExpectedFailure as exc:
        jobs.task_run_fail(public_id=run_id, attempt=ctx.attempt, error=str(exc))
        log.warning("%s failed: %s", definition.name, exc)
        return
    except definition.retry_on as exc:
        error = f"{type(exc).__name__}: {exc}"
        again = jobs.task_run_retry_or_fail(
            public_id=run_id, attempt=ctx.attempt, error=error, max_attempts=conf.max_attempts
        )
        if again is None:
            return
        countdown = min(conf.retry_delay_max, conf.backoff * 2 ** (again.failures - 1))
        log.warning("%s %s: %s; retrying in %s s", definition.name, run_id, error, countdown)
        raise celery_task.retry(countdown=countdown, exc=exc) from exc
    except Exception as exc:
        jobs.task_run_fail(
            public_id=run_id, attempt=ctx.attempt, error=f"{type(exc).__name__}: {exc}"
        )
        raise
    jobs.task_run_succeed(public_id=run_id, attempt=ctx.attempt, result=result)
    log.info("attempt %s succeeded in %.2f s", ctx.attempt, time.monotonic() - started)


@contextmanager
def _heartbeat(ctx: TaskContext, *, every: float, enabled: bool) -> Iterator[None]:
    """Renew the run's lease from a thread while the task body runs, whatever the body does."""
    if not enabled:
        yield
        return

    def beat() -> None:
        try:
            jobs.task_run_heartbeat(public_id=ctx.run_id, attempt=ctx.attempt)
        except DatabaseError:
            log.warning("heartbeat of %s failed", ctx.run_id, exc_info=True)

    with repeating(beat, every=every, name=f"heartbeat-{ctx.run_id}"):
        yield
