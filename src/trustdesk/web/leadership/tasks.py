"""The governing body's report, generated on the task queue with its progress on the run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trustdesk.web.accounts.models import User
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes
from trustdesk.web.leadership import permissions, services
from trustdesk.web.leadership.models import BoardReport


@task(services.TASK)
def board_report(ctx: TaskContext, *, report_id: str) -> dict[str, Any]:
    """Build, render and store one report; each section written is a step of the progress."""

    def step(done: int, total: int, message: str) -> None:
        ctx.progress(done=done, total=total, message=message)

    row = services.board_report_generate(report_id=report_id, progress=step)
    return {"report": str(row.public_id), "bytes": len(row.pdf or b""), **row.figures}


@describes(services.TASK, title="Generate the governing body's report")
def _described(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    """The period the report covers, linked to its page for those who may read reports."""
    ids = {str(run.arguments.get("report_id", "")): run.pk for run in runs}
    rows = BoardReport.objects.filter(public_id__in=[i for i in ids if i])
    found = {str(r.public_id): r for r in rows}
    targets = {}
    for key, pk in ids.items():
        row = found.get(key)
        if row is None:
            targets[pk] = RunTarget("A report no longer kept", "")
            continue
        link = row.get_absolute_url() if permissions.can_read_board_reports(viewer) else ""
        targets[pk] = RunTarget(f"Period {row.period_start} to {row.period_end}", link)
    return targets
