"""When each scheduled job last ran: one row per job, whichever runner (beat, cron, serve)."""

from __future__ import annotations

from django.db import models

from trustdesk.web.jobs.models import TaskRun


class JobRecord(models.Model):
    """The latest period a job was started for, claimed by one runner at a time.

    A runner takes a period by moving `slot` forward in one conditional update; the runner
    whose update changed no row lost the race and leaves the job alone.
    """

    name = models.CharField(max_length=100, unique=True)  # the job's name in the schedule
    slot = models.DateTimeField()  # start of the latest period claimed
    started_at = models.DateTimeField()
    started_by = models.CharField(max_length=150)  # "scheduler", "cli:…", "serve"
    task_run = models.ForeignKey(TaskRun, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M}"
