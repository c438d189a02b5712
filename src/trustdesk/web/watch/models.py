"""Re-screens of the partners on file: one per list change (delta) or matcher change (full).

A re-screen is split into chunks, each a task run of its own so that workers share the work;
a chunk row records when it finished, so a chunk delivered again (its worker died) is skipped
or, if it had not finished, redone without adding anything twice (a subject gets at most one
screening per re-screen: `ScreeningRun.batch`).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from trustdesk.web.lists.models import Snapshot
from trustdesk.web.partners.models import Organisation, Person, ScreeningRun


class Rescreen(models.Model):
    class Kind(models.TextChoices):
        DELTA = "delta", "List change"
        FULL = "full", "Full re-screen"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    source = models.CharField(max_length=100, blank=True)  # blank for a full re-screen
    old_snapshot = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_snapshot = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    # What the screenings used: a full re-screen is started when either differs from the last.
    matcher_version = models.CharField(max_length=100)
    threshold = models.FloatField()
    chunks_total = models.PositiveIntegerField(null=True, blank=True)  # None until split
    subjects_screened = models.PositiveIntegerField(default=0)
    # Engagements brought forward for review once the re-screen completed (public ids).
    engagements_due = models.JSONField(default=list, blank=True)
    actor = models.CharField(max_length=150)
    task_run = models.ForeignKey(
        "jobs.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source or 'all'} ({self.status})"


class RescreenChunk(models.Model):
    """One slice of a re-screen: listed entries (delta) or subjects (full), done at most once."""

    rescreen = models.ForeignKey(Rescreen, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    # Entry ids of the new snapshot (delta), or subject keys "o<pk>" / "p<pk>" (full).
    items = models.JSONField(default=list)
    task_run = models.ForeignKey(
        "jobs.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rescreen", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rescreen", "number"], name="watch_chunk_unique"),
        ]

    def __str__(self) -> str:
        return f"chunk {self.number} of {self.rescreen_id}"


class RescreenOutcome(models.Model):
    """What one re-screen changed for one subject: hits gained, changed, lost or delisted."""

    rescreen = models.ForeignKey(Rescreen, on_delete=models.CASCADE, related_name="outcomes")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(
        ScreeningRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gained = models.JSONField(default=list)  # "source:entry_id" keys
    changed = models.JSONField(default=list)
    lost = models.JSONField(default=list)
    delisted = models.JSONField(default=list)  # hits whose entry left the list

    class Meta:
        ordering = ["rescreen", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, person__isnull=True)
                    | Q(organisation__isnull=True, person__isnull=False)
                ),
                name="watch_outcome_one_subject",
            ),
            models.UniqueConstraint(
                fields=["rescreen", "organisation"],
                condition=Q(organisation__isnull=False),
                name="watch_outcome_unique_org",
            ),
            models.UniqueConstraint(
                fields=["rescreen", "person"],
                condition=Q(person__isnull=False),
                name="watch_outcome_unique_person",
            ),
        ]

    def __str__(self) -> str:
        return f"outcome of {self.rescreen_id}"

    @property
    def subject(self) -> Organisation | Person:
        subject = self.organisation or self.person
        assert subject is not None  # noqa: S101  # the check constraint guarantees one
        return subject


class StagedImpact(models.Model):
    """What making a staged snapshot current would do, worked out beforehand and kept here.

    Written nowhere else: no screening, hit or engagement changes for it.

    One per staging, worked out again on request (partners and cases move on while it waits);
    `data` is `preview.ImpactData` as JSON, `base` the snapshot it was compared with.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    staging = models.OneToOneField("lists.Staging", on_delete=models.CASCADE, related_name="impact")
    base = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    data = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_run = models.ForeignKey(
        "jobs.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"impact of {self.staging} ({self.status})"
