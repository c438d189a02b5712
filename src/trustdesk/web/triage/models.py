"""Triage sessions: one person's answers to a policy pack's questions, and the outcome they gave.

A session records exactly what it was triaged under (pack id, version, lineage and a digest of
the pack with its reference data laid over it) and the screening hits that went in, so an outcome
can be replayed, and so a page can say when the policy or the screening has moved on since.
Answers are stored as plain JSON (dates as ISO strings); the services turn them into the typed
answers the engine expects.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from trustdesk.policy.triage import Outcome


class TriageSession(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="triage_sessions"
    )
    # PROTECT: an engagement's file keeps the triage it was assessed under.
    engagement = models.ForeignKey(
        "cases.Engagement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="triage_sessions",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    pack_id = models.CharField(max_length=100)
    pack_version = models.CharField(max_length=50)
    pack_lineage = models.JSONField(default=list, blank=True)  # base packs, as "id@version"
    # sha256 of the pack as loaded (reference overlays included): a travel-advice change moves it
    # even when the pack's version does not.
    pack_digest = models.CharField(max_length=64)
    answers = models.JSONField(default=dict, blank=True)  # question id -> JSON value
    # Organisation answers screened against the lists: question id -> {"name", "snapshots",
    # "matcher_version", "hits": [...]}, kept so the outcome and the page show the same hits.
    answer_screening = models.JSONField(default=dict, blank=True)
    # Every hit that went into the completed outcome (answers' and the engagement partners').
    hits = models.JSONField(default=list, blank=True)
    # Person and PEP records on the engagement's organisation partners when it was completed:
    # officers' context, kept apart from `hits` because they never went into the outcome.
    partner_context = models.JSONField(default=list, blank=True)
    outcome = models.JSONField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["engagement", "status", "completed_at"], name="triage_eng_done"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", outcome__isnull=True, completed_at__isnull=True)
                | Q(status="completed", outcome__isnull=False, completed_at__isnull=False),
                name="triage_session_outcome_iff_completed",
            ),
        ]

    def __str__(self) -> str:
        subject = self.engagement.title if self.engagement_id and self.engagement else "stand-alone"
        return f"Triage ({subject}) by {self.owner}"

    def get_absolute_url(self) -> str:
        name = "triage:session-result" if self.is_completed else "triage:session-questionnaire"
        return reverse(name, kwargs={"public_id": self.public_id})

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def typed_outcome(self) -> Outcome | None:
        """The stored outcome read back typed (None while a draft); never redacted.

        For a reader, use `selectors.outcome_for_user`, which redacts what their role may not
        see; this is for what every reader may see (the tier, the verdicts' labels).
        """
        return Outcome.from_dict(self.outcome) if self.outcome is not None else None
