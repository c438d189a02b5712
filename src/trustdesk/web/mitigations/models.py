"""The mitigation plan of an engagement: tracked actions with owners, due dates and evidence.

Each item has an owner, a due date, a status and the evidence that it was done.

An item comes from the policy pack's checklist (the triage outcome proposed it), from an officer,
or from a condition of an approval. Removing an item keeps its row (marked removed), so the file
still shows what was once asked and the pack cannot propose it a second time. Evidence files live
under TRUSTDESK_HOME, never under a served path; the row keeps what was checked on upload.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q


class MitigationItem(models.Model):
    class Source(models.TextChoices):
        PACK = "pack", "Policy pack checklist"
        OFFICER = "officer", "Added by an officer"
        CONDITION = "condition", "Condition of the decision"

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        WAIVED = "waived", "Waived"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        "cases.Engagement", on_delete=models.CASCADE, related_name="mitigations"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # The pack's risk-area id ("people", "partnerships"); blank when none applies.
    area = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    # The pack checklist item's id for items the pack proposed; blank otherwise.
    checklist_item = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mitigations_owned"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Why an item was waived, or what completing it involved: read by the decider and auditor.
    status_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="mitig_status_due"),
            models.Index(fields=["owner", "status"], name="mitig_owner_status"),
        ]
        constraints = [
            # The pack proposes each checklist item once per engagement, removed ones included.
            models.UniqueConstraint(
                fields=["engagement", "checklist_item"],
                condition=Q(source="pack"),
                name="mitig_pack_item_once",
            ),
            models.CheckConstraint(
                condition=Q(source="pack") & ~Q(checklist_item="")
                | ~Q(source="pack") & Q(checklist_item=""),
                name="mitig_checklist_item_iff_pack",
            ),
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(status_note=""),
                name="mitig_waiver_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.WAIVED)

    def is_overdue(self, today: date) -> bool:
        """Past its due date and neither done nor waived (removed items are never overdue)."""
        return (
            self.removed_at is None
            and not self.is_closed
            and self.due_date is not None
            and self.due_date < today
        )


class EvidenceFile(models.Model):
    """One uploaded file supporting a mitigation item, as it was checked when it arrived."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(MitigationItem, on_delete=models.PROTECT, related_name="evidence")
    # Relative to the evidence directory (files.evidence_root()); made of ids only, never of
    # the uploader's file name.
    stored_path = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)  # sniffed from the bytes, never the browser's
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="mitig_evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name
