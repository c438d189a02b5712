"""The hub's daily upkeep on the task queue: stale pages told to owners, expiring passes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trustdesk.web.accounts.models import User
from trustdesk.web.core.context import audit_context
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.hub import services
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes


@task("hub.guidance_review")
def guidance_review(ctx: TaskContext) -> dict[str, Any]:
    """Tell owners of pages past their review date (idempotent: once per review date)."""
    with audit_context(actor=ctx.actor):
        pages = services.stale_pages_remind()
    return {"reminded": [str(p.public_id) for p in pages]}


@task("hub.training_reminders")
def training_reminders(ctx: TaskContext) -> dict[str, Any]:
    """Tell people whose training pass lapses within a month (idempotent: once per pass)."""
    with audit_context(actor=ctx.actor):
        passes = services.training_reminders_send()
    return {"reminded": len(passes)}


@describes("hub.guidance_review", title="Remind owners of guidance due for review")
def _guidance_review(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("Guidance pages past their review date") for run in runs}


@describes("hub.training_reminders", title="Remind people of expiring training")
def _training_reminders(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("Training passes that lapse within a month") for run in runs}
