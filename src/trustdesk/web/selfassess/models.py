"""The institution's self-assessment: periodic answers on a maturity scale, and the gaps' actions.

An assessment keeps the questionnaire it was answered against (the policy pack's
``self_assessment`` as it stood when the assessment started), so a later pack that rewords or
drops a question never changes what an earlier assessment asked; comparison with the previous
assessment goes question by question on the pack's stable ids. A gap (an answer below its target
level) becomes an action with an owner and a due date, proposed by the service and confirmed by
the person who completes the assessment; open actions then sit on their owners' desks.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    # The day the answers describe the institution as at: comparison and the governing-body
    # report order assessments by it, not by when someone clicked "complete".
    as_of = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    pack_id = models.CharField(max_length=100)
    pack_version = models.CharField(max_length=50)
    # The pack's questionnaire as it was when the assessment started (SelfAssessment as JSON).
    questionnaire = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "-pk"]
        constraints = [
            # One draft at a time: two people answering two drafts would split the evidence.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="draft"), name="selfassess_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", completed_at__isnull=True, completed_by__isnull=True)
                | Q(status="completed", completed_at__isnull=False, completed_by__isnull=False),
                name="selfassess_completed_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selfassess:assessment-detail", kwargs={"public_id": self.public_id})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Answer(models.Model):
    """One question's answer: a level on the scale, with the evidence that supports it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=100)
    section_id = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField()
    evidence = models.TextField(blank=True)
    # A web address or a reference to a document in the institution's records system.
    evidence_link = models.CharField(max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_id"], name="selfassess_answer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.level}"


class Action(models.Model):
    """What closes a gap: proposed from an answer below target, confirmed, then done."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="actions")
    question_id = models.CharField(max_length=100)
    section_id = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    # The level the answer had and the one the action should reach, as proposed.
    level = models.PositiveSmallIntegerField()
    target = models.PositiveSmallIntegerField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="self_assessment_actions"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # What completing the action involved, or why a proposal was dropped.
    note = models.TextField(blank=True)
    # When it was marked done: a report for a past period counts it open until then.
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="selfassess_owner_due")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_id"], name="selfassess_action_per_question"
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(note=""), name="selfassess_drop_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | ~Q(status="done") & Q(done_at__isnull=True),
                name="selfassess_done_has_when",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selfassess:action-detail", kwargs={"public_id": self.public_id})

    def is_overdue(self, today: date) -> bool:
        return self.status == self.Status.OPEN and self.due_date < today
