"""One row per queued task run: what was asked, by whom, how far it got and how it ended."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class TaskRun(models.Model):
    """The durable record of one task run; the queue message carries only its public id.

    The row, not the message, is the truth: a redelivered message re-reads it and does nothing
    when the run has finished, waits while another live worker holds it, and takes it over once
    that worker's heartbeat is older than the lease.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"  # waiting for a worker (first time, or a retry after a failure)
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.CharField(max_length=100)  # registered task name, e.g. "lists.update"
    arguments = models.JSONField(default=dict)  # ids and plain values only, never objects
    actor = models.CharField(max_length=150)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)  # starts, including redeliveries
    failures = models.PositiveIntegerField(default=0)  # retried failures; drives the backoff
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)  # None: not known
    progress_message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)  # the last failure, kept after a successful retry
    worker = models.CharField(max_length=200, blank=True)  # host and pid of the latest attempt
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the queue could not be reached to hand the run over (Redis down); the run stays
    # queued and the scheduler's reaping sends it again at once, not after the visibility timeout.
    unsent_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="taskrun_status_created")]

    def __str__(self) -> str:
        return f"{self.task} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
