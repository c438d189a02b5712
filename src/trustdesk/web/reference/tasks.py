"""Reference-data refreshes on the task queue, so an admin page or a scheduler can start one.

Idempotent as the service is: a refresh that finds what is already stored confirms it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.core.tasks import ExpectedFailure, TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes
from trustdesk.web.reference import report, services


@task("reference.travel_advice_update")
def travel_advice_update(ctx: TaskContext) -> dict[str, Any]:
    """Refresh FCDO travel advice, showing how many country pages have been read."""

    def pages_read(done: int, total: int) -> None:
        ctx.progress(done=done, total=total, message=f"FCDO travel advice: {done} of {total}")

    # A failure (RefreshFailed) is recorded and audited by the service and fails the run with
    # its message; it is not retried here, as the next scheduled refresh tries again anyway.
    try:
        outcome = services.travel_advice_refresh(actor=ctx.actor, progress=pages_read)
    except services.RefreshFailed as exc:
        if not exc.expected:
            raise  # the refresh could not be stored: its traceback is logged
        # Offline (at start-up, say): one warning line, no traceback.
        raise ExpectedFailure(f"FCDO travel advice not refreshed: {exc}") from None
    return report.refresh_json(outcome)


@describes("reference.travel_advice_update", title="Refresh FCDO travel advice")
def _refreshed(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    # The travel-advice page is for list readers (views.travel_advice_detail).
    url = reverse("reference:travel-advice-detail") if has_permission(viewer, "lists.view") else ""
    return {run.pk: RunTarget("FCDO travel advice", url) for run in runs}
