"""Notifications: what a person is told about an engagement, in the app and by e-mail.

The text is rendered once, when the notification is written, from the structured `data` kept
beside it: what the recipient read stays what they were told, whatever happens to the case later.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Engagement submitted"
        DECIDED = "decided", "Decision recorded"
        REVIEW_DUE = "review_due", "Review due"
        INFORMATION_REQUESTED = "information_requested", "Information requested"
        INFORMATION_ANSWERED = "information_answered", "Question answered"
        MITIGATION_ASSIGNED = "mitigation_assigned", "Mitigation assigned"
        ASSIGNED = "assigned", "Engagement assigned"
        AWAITING_DECISION = "awaiting_decision", "Awaiting your decision"
        VOTED = "voted", "Committee vote cast"
        GUIDANCE_STALE = "guidance_stale", "Guidance page due for review"
        TRAINING_EXPIRING = "training_expiring", "Training pass expiring"
        LIST_HITS = "list_hits", "New possible matches after a list change"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # A string reference: cases sits above this app and calls it, never the other way round.
    engagement = models.ForeignKey(
        "cases.Engagement", null=True, on_delete=models.CASCADE, related_name="notifications"
    )
    data = models.JSONField(default=dict)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the notification went out by e-mail, on its own or in a digest: never sent twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notify_recipient_read"),
            models.Index(fields=["emailed_at", "recipient"], name="notify_unsent"),
        ]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """How a person wants their notifications by e-mail; no row means immediately."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "Each one by e-mail as it happens"
        DIGEST = "digest", "One e-mail a day with everything new (07:00 UTC)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_delivery_display()}"
