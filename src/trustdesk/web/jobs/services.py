"""Writes for task runs: queueing, claiming a run for one attempt, progress, and its outcome.

Every write after the claim names the attempt it belongs to and applies only while that attempt
still owns the run, so a worker that lost its lease (and was replaced) cannot overwrite the
record of the attempt that replaced it.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from trustdesk.web.core.runs import lease_expired_reason
from trustdesk.web.jobs.models import TaskRun

RUNNING = TaskRun.Status.RUNNING


class Sendable(Protocol):
    """What the queue glue hands over: a registered task that can be sent a run's id."""

    @property
    def name(self) -> str: ...

    def send(self, run_id: str) -> bool: ...


class TaskArgumentsError(Exception):
    """Task arguments must be plain JSON values (ids, strings, numbers), never model objects."""

    MESSAGE = "task arguments must be JSON values (pass ids, not objects)"

    def __init__(self, task: str, detail: str) -> None:
        super().__init__(f"{task}: {self.MESSAGE}: {detail}")


def task_run_enqueue(*, task: Sendable, arguments: Mapping[str, Any], actor: str) -> TaskRun:
    """Record a run and send it to the queue once the caller's transaction commits.

    Sending after commit means a worker never looks for a row it cannot see yet, and a rolled-back
    request queues nothing. On the embedded default the send runs the task there and then.
    """
    run = task_run_record(task=task.name, arguments=arguments, actor=actor)
    run_id = str(run.public_id)
    transaction.on_commit(lambda: task.send(run_id))
    return run


def task_run_record(*, task: str, arguments: Mapping[str, Any], actor: str) -> TaskRun:
    """Record a queued run of `task` without sending it: the caller runs or sends it."""
    try:
        plain = json.loads(json.dumps(dict(arguments)))
    except (TypeError, ValueError) as exc:
        raise TaskArgumentsError(task, str(exc)) from exc
    return TaskRun.objects.create(task=task, arguments=plain, actor=actor)


def task_run_unsent(*, public_id: str, error: str) -> bool:
    """Note on a queued run that the queue could not be reached; it stays queued to be resent.

    The first failure's time is kept, so the run's page says how long it has waited.
    """
    queued = TaskRun.objects.filter(public_id=public_id, status=TaskRun.Status.QUEUED)
    queued.filter(unsent_since=None).update(unsent_since=timezone.now())
    return bool(queued.update(error=error))


def task_run_sent(*, public_id: str) -> None:
    """The queue took the run: it no longer waits to be sent again."""
    TaskRun.objects.filter(public_id=public_id).exclude(unsent_since=None).update(unsent_since=None)


class ClaimOutcome(enum.Enum):
    RUN = "run"  # this attempt owns the run now
    FINISHED = "finished"  # a redelivered message for a run that already ended: nothing to do
    BUSY = "busy"  # another attempt holds a fresh lease: look again later
    GAVE_UP = "gave-up"  # too many attempts; the run is now failed


@dataclass(frozen=True, slots=True)
class Claim:
    outcome: ClaimOutcome
    run: TaskRun


@transaction.atomic
def task_run_claim(*, public_id: str, worker: str, lease: int, max_attempts: int) -> Claim:
    """Take a run for one attempt, unless it ended, a live attempt holds it, or it ran too often.

    A running row whose heartbeat is older than the lease belonged to a worker that died; this
    attempt takes it over. The row lock makes two deliveries of one message claim in turn.
    """
    run = TaskRun.objects.select_for_update().get(public_id=public_id)
    now = timezone.now()
    if run.finished:
        return Claim(ClaimOutcome.FINISHED, run)
    fresh = run.heartbeat_at is not None and now - run.heartbeat_at < timedelta(seconds=lease)
    if run.status == RUNNING and fresh:
        return Claim(ClaimOutcome.BUSY, run)
    if run.status == RUNNING:
        run.error = f"attempt {run.attempts} on {run.worker} stopped without finishing"
    if run.attempts >= max_attempts:
        run.status, run.finished_at = TaskRun.Status.FAILED, now
        run.error = f"gave up after {run.attempts} attempts; last: {run.error or 'no error'}"
        run.save(update_fields=["status", "finished_at", "error"])
        return Claim(ClaimOutcome.GAVE_UP, run)
    run.status, run.worker, run.heartbeat_at = RUNNING, worker, now
    run.attempts += 1
    run.started_at = run.started_at or now
    run.save(update_fields=["status", "worker", "heartbeat_at", "attempts", "started_at", "error"])
    return Claim(ClaimOutcome.RUN, run)


def _owned(public_id: str, attempt: int) -> QuerySet[TaskRun]:
    return TaskRun.objects.filter(public_id=public_id, status=RUNNING, attempts=attempt)


def task_run_heartbeat(*, public_id: str, attempt: int) -> bool:
    """Renew the attempt's lease; False when it no longer owns the run."""
    return bool(_owned(public_id, attempt).update(heartbeat_at=timezone.now()))


def task_run_progress(
    *, public_id: str, attempt: int, done: int, total: int | None, message: str
) -> bool:
    """Show how far the attempt got (and renew its lease); False when it no longer owns the run."""
    updated = _owned(public_id, attempt).update(
        progress_done=done,
        progress_total=total,
        progress_message=message,
        heartbeat_at=timezone.now(),
    )
    return bool(updated)


def task_run_succeed(*, public_id: str, attempt: int, result: Any) -> bool:
    """Record the outcome; a redelivered message for this run will then do nothing."""
    now = timezone.now()
    updated = _owned(public_id, attempt).update(
        status=TaskRun.Status.SUCCEEDED, result=result, finished_at=now, heartbeat_at=now
    )
    return bool(updated)


def task_run_fail(*, public_id: str, attempt: int, error: str) -> bool:
    """Record a failure that no retry will mend."""
    now = timezone.now()
    updated = _owned(public_id, attempt).update(
        status=TaskRun.Status.FAILED, error=error, finished_at=now, heartbeat_at=now
    )
    return bool(updated)


@transaction.atomic
def task_run_retry_or_fail(
    *, public_id: str, attempt: int, error: str, max_attempts: int
) -> TaskRun | None:
    """After a transient failure: queue the run again, or fail it once it has run too often.

    Returns the run when a retry should be sent, None when it failed or is no longer owned.
    """
    run = _owned(public_id, attempt).select_for_update().first()
    if run is None:
        return None
    run.error, run.heartbeat_at = error, timezone.now()
    if run.attempts >= max_attempts:
        run.status, run.finished_at = TaskRun.Status.FAILED, run.heartbeat_at
        run.error = f"gave up after {run.attempts} attempts; last: {error}"
        run.save(update_fields=["status", "finished_at", "error", "heartbeat_at"])
        return None
    run.status = TaskRun.Status.QUEUED
    run.failures += 1
    run.save(update_fields=["status", "failures", "error", "heartbeat_at"])
    return run


def task_run_reap(
    *, lease: int, grace: int, task: str | None = None, now: datetime | None = None
) -> list[TaskRun]:
    """Fail running runs (of `task`, or all) whose heartbeat stopped over `lease + grace` s ago.

    `grace` is how long a queue that redelivers (Redis) may take to hand the run to another
    worker, which would take it over (`task_run_claim`); on the embedded default nothing
    redelivers, so it is 0 and the lease alone decides.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=lease + grace)
    stale = TaskRun.objects.filter(status=RUNNING, heartbeat_at__lt=cutoff)
    if task is not None:
        stale = stale.filter(task=task)
    return [
        run for pk in list(stale.values_list("pk", flat=True)) if (run := _reap(pk, lease, cutoff))
    ]


@transaction.atomic
def _reap(pk: int, lease: int, cutoff: datetime) -> TaskRun | None:
    # Locked and checked again: a heartbeat or the end of the run may have come since listing.
    run = TaskRun.objects.select_for_update().filter(pk=pk, status=RUNNING).first()
    if run is None or run.heartbeat_at is None or run.heartbeat_at >= cutoff:
        return None
    now = timezone.now()
    run.status, run.finished_at = TaskRun.Status.FAILED, now
    run.error = lease_expired_reason(run.heartbeat_at + timedelta(seconds=lease))
    if run.worker:
        run.error += f" (attempt {run.attempts} on {run.worker})"
    run.save(update_fields=["status", "finished_at", "error"])
    return run


def task_run_prune(*, tasks: list[str], finished_before: datetime) -> int:
    """Delete succeeded runs of `tasks` that finished before the date; failures are kept.

    For the scheduler's own upkeep, which runs hundreds of times a day and whose successes say
    nothing after a few days, so that the task-run list shows the work people look for.
    """
    deleted, _ = TaskRun.objects.filter(
        task__in=tasks, status=TaskRun.Status.SUCCEEDED, finished_at__lt=finished_before
    ).delete()
    return deleted
