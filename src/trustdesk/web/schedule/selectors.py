"""Reads for the schedule: each declared job with when it last started and how that run ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from trustdesk.web.schedule.models import JobRecord
from trustdesk.web.schedule.table import SCHEDULE, Job


@dataclass(frozen=True, slots=True)
class JobStatus:
    job: Job
    last_started: datetime | None
    last_status: str | None  # the last run's TaskRun status; None when it never ran
    due: bool

    def text(self) -> str:
        last = "never run"
        if self.last_started is not None:
            last = f"last started {self.last_started:%Y-%m-%d %H:%M} UTC ({self.last_status})"
        due = ", due now" if self.due else ""
        head = f"{self.job.name} [{self.job.task}]: {self.job.cadence.text()}; {last}{due}"
        return f"{head}\n    {self.job.why}"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.job.name,
            "task": self.job.task,
            "cadence": self.job.cadence.text(),
            "why": self.job.why,
            "in_scheduler": self.job.here,
            "last_started": self.last_started.isoformat() if self.last_started else None,
            "last_status": self.last_status,
            "due": self.due,
        }


def schedule_status(*, now: datetime | None = None) -> list[JobStatus]:
    """Every declared job in schedule order, with its last start; one query."""
    now = now or timezone.now()
    records = {r.name: r for r in JobRecord.objects.select_related("task_run")}
    rows = []
    for job in SCHEDULE:
        record = records.get(job.name)
        run = record.task_run if record is not None else None
        rows.append(
            JobStatus(
                job=job,
                last_started=record.started_at if record is not None else None,
                last_status=run.status if run is not None else None,
                due=record is None or record.slot < job.cadence.slot(now),
            )
        )
    return rows
