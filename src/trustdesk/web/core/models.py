"""The audit trail: one append-only table whose rows are chained to each other by SHA-256."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit event; the trail only ever grows."""

    MESSAGE = "the audit trail is append-only: events cannot be changed or deleted"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses every bulk write, so no ORM path can rewrite history or skip the chain.

    Reads and filters are untouched; selectors build on them.
    """

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def delete(self) -> NoReturn:
        raise AppendOnlyError

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        # bulk_create would insert rows without sequence/hash from the chain head.
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


class AuditEvent(models.Model):
    """One recorded action. Written only by `trustdesk.web.core.audit.record()`.

    `hash` is SHA-256 over a canonical JSON of every other column and the previous event's hash,
    so a changed, removed or inserted row breaks the chain at a point `verify_chain()` names.
    Labels of the actor and target are stored as they were, so the record stays readable after
    users are renamed or targets deleted.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(db_index=True)
    # A user actor keeps its row; PROTECT stops deleting a user who is named in the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)  # "Jane Doe (jdoe)" or "cli:root@host"
    action = models.CharField(max_length=100, db_index=True)  # "trustdesk.case.submitted"
    target_type = models.CharField(max_length=100, blank=True)  # "lists.snapshot"
    target_id = models.CharField(max_length=100, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict)
    request_id = models.UUIDField(db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="core_audit_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError
