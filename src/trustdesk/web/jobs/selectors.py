"""Reads for task runs: the runs a user may watch, and a run's progress as a page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.jobs.models import TaskRun


def task_run_list_for_user(*, user: User) -> QuerySet[TaskRun]:
    """Runs the user may see: every run with `task.view` (the desk's background work), else none.

    Researchers do not watch runs: what their work queues (a screening) shows on its own page.
    """
    if has_permission(user, "task.view"):
        return TaskRun.objects.all()
    return TaskRun.objects.none()


@dataclass(frozen=True, slots=True)
class RunProgress:
    """A run as a progress bar shows it; `stalled`: the running attempt's worker went quiet."""

    status: str
    done: int
    total: int | None
    percent: int | None
    message: str
    stalled: bool
    error: str
    result: Any


def task_run_progress(run: TaskRun, *, lease: int, now: datetime | None = None) -> RunProgress:
    """How far the run got; a run whose heartbeat is past its lease will be taken over."""
    now = now or timezone.now()
    stalled = (
        run.status == TaskRun.Status.RUNNING
        and run.heartbeat_at is not None
        and now - run.heartbeat_at >= timedelta(seconds=lease)
    )
    percent = None
    if run.progress_total:
        percent = min(100, 100 * run.progress_done // run.progress_total)
    return RunProgress(
        status=run.status,
        done=run.progress_done,
        total=run.progress_total,
        percent=percent,
        message=run.progress_message,
        stalled=stalled,
        error=run.error,
        result=run.result,
    )


def task_run_pending(*, queued_before: datetime) -> QuerySet[TaskRun]:
    """Runs waiting for a worker since before `queued_before` (perhaps never sent, or lost).

    Runs the queue could not be given (`unsent_since`) count however recent: they certainly
    wait. A retried run counts from its last failure (its heartbeat), a fresh one from its creation.
    """
    return (
        TaskRun.objects.filter(status=TaskRun.Status.QUEUED)
        .filter(
            Q(heartbeat_at__lt=queued_before)
            | Q(heartbeat_at=None, created_at__lt=queued_before)
            | Q(unsent_since__isnull=False)
        )
        .order_by("created_at", "id")
    )
