"""Screening on the task queue: one run per request, by the run's id (never the record itself).

Idempotent because `screening_run` is: a redelivered message for a completed run stores nothing.
"""

from __future__ import annotations

from typing import Any

from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.partners import services


@task("partners.screen")
def screen(ctx: TaskContext, *, run_id: str) -> dict[str, Any]:
    """Screen one organisation or person; a failure is written on the screening run too."""
    ctx.progress(done=0, total=1, message="screening")
    try:
        run = services.screening_run(run_id=run_id, actor=ctx.actor)
    except Exception as exc:
        # The run's page reads its own row, not the TaskRun; a retry that succeeds clears this.
        services.screening_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    ctx.progress(done=1, total=1, message="screened")
    return {"run": run_id, "hits": run.hits.count(), "snapshots": run.snapshots}


@task("partners.purge_screenings")
def purge_screenings(ctx: TaskContext) -> dict[str, Any]:
    """Delete screenings of people past the retention period (schedule it daily)."""
    return {"deleted": services.screening_purge_expired(actor=ctx.actor)}
