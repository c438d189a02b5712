"""The daily review sweep: reviews due on their date, and reviews a change brings forward."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trustdesk.web.accounts.models import User
from trustdesk.web.assessments.services import engagement_review_due_on_triggers
from trustdesk.web.cases.services import engagement_mark_review_due
from trustdesk.web.core.context import audit_context
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes


@task("assessments.review_due")
def review_due(ctx: TaskContext) -> dict[str, Any]:
    """Cases whose review date has come, then assessed cases a change makes due (idempotent).

    The date sweep runs first, so a case due on both counts is moved once, by its date.
    """
    with audit_context(actor=ctx.actor):  # one group in the trail for one sweep
        marked = engagement_mark_review_due(actor=ctx.actor)
        triggered = engagement_review_due_on_triggers(actor=ctx.actor)
    return {
        "marked": [str(e.public_id) for e in marked],
        "triggered": [str(e.public_id) for e in triggered],
    }


@describes("assessments.review_due", title="Mark engagements due for review")
def _review_due(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    target = RunTarget("Engagements whose review date has come or whose case changed")
    return {run.pk: target for run in runs}
