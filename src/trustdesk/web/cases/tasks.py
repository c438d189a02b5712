"""Engagement upkeep on the task queue, so the scheduler runs it as it runs every other job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trustdesk.web.accounts.models import User
from trustdesk.web.cases.services import engagement_mark_review_due
from trustdesk.web.core.context import audit_context
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes


@task("cases.review_due")
def review_due(ctx: TaskContext) -> dict[str, Any]:
    """Mark active engagements whose review date has come as due (idempotent: once per date)."""
    with audit_context(actor=ctx.actor):  # one group in the trail for one sweep
        marked = engagement_mark_review_due(actor=ctx.actor)
    return {"marked": [str(e.public_id) for e in marked]}


@describes("cases.review_due", title="Mark engagements due for review")
def _review_due(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("Engagements whose review date has come") for run in runs}
