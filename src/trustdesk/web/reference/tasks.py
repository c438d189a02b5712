"""Reference-data refreshes on the task queue, so an admin page or a scheduler can start one.

Idempotent as the service is: a refresh that finds what is already stored confirms it.
"""

from __future__ import annotations

from typing import Any

from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.reference import report, services


@task("reference.travel_advice_update")
def travel_advice_update(ctx: TaskContext) -> dict[str, Any]:
    """Refresh FCDO travel advice, showing how many country pages have been read."""

    def pages_read(done: int, total: int) -> None:
        ctx.progress(done=done, total=total, message=f"FCDO travel advice: {done} of {total}")

    # A failure (RefreshFailed) is recorded and audited by the service and fails the run with
    # its message; it is not retried here, as the next scheduled refresh tries again anyway.
    outcome = services.travel_advice_refresh(actor=ctx.actor, progress=pages_read)
    return report.refresh_json(outcome)
