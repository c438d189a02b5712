"""Notification e-mail on the task queue: one notification now, or the daily digest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trustdesk.web.accounts.models import User
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes
from trustdesk.web.notify import services


@task("notify.send")
def send(ctx: TaskContext, notification_id: str) -> dict[str, Any]:
    """E-mail one notification (idempotent: a second run finds it sent)."""
    return {"sent": services.notification_send(public_id=notification_id)}


@task("notify.digest")
def digest(ctx: TaskContext) -> dict[str, Any]:
    """The daily digest to everyone who chose it (idempotent: what went is marked)."""
    return {"recipients": len(services.notification_digest_send())}


@describes("notify.send", title="E-mail a notification")
def _send(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("One notification, to its recipient") for run in runs}


@describes("notify.digest", title="Daily notification digest")
def _digest(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("Everyone on the daily digest") for run in runs}
