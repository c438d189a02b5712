"""The scheduler's own jobs as tasks: the audit anchor and the reaping of abandoned work.

Both run in the scheduler's process (`Job.here`), recorded as task runs like every other job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.core.anchors import audit_anchor_write
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs import services as jobs
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes
from trustdesk.web.recovery import work_recover


class AnchorRefused(Exception):
    """The chain failed its check, so no anchor was written: the run fails and says why."""


@task("schedule.audit_anchor")
def audit_anchor(ctx: TaskContext) -> dict[str, object]:
    """Check the audit chain and append its head to the anchor file; a broken chain fails."""
    outcome = audit_anchor_write()
    if not outcome.verification.intact:
        raise AnchorRefused(outcome.message)
    return outcome.as_dict()


# Succeeded runs of the scheduler's own upkeep are kept this long (failures are kept).
UPKEEP_KEPT = timedelta(days=7)


@task("schedule.reap")
def reap(ctx: TaskContext) -> dict[str, Any]:
    """Fail work whose process stopped; send again queued work the queue never took.

    Also removes the upkeep's own succeeded runs older than UPKEEP_KEPT: at one every five
    minutes they would otherwise bury every other run in the task-run list.
    """
    pruned = jobs.task_run_prune(
        tasks=["schedule.reap", "schedule.audit_anchor"],
        finished_before=timezone.now() - UPKEEP_KEPT,
    )
    return {**work_recover().as_dict(), "pruned": pruned}


@describes("schedule.audit_anchor", title="Anchor the audit trail outside the database")
def _anchored(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("The audit trail's newest event") for run in runs}


@describes("schedule.reap", title="Recover abandoned and unsent work")
def _reaped(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("Background work left running or waiting") for run in runs}
