"""Recommendations, decisions, committee seats and votes: how a case is carried to a decision.

A decision round opens with an officer's recommendation and closes with the decision made on
it: by the officer or an approver alone, or by a committee's votes, as the triage tier routes
the case under the policy pack (`trustdesk.policy.routing`). Each decision keeps the route, the
tier and the pack it was routed under, so the file says why that person (or committee) could
decide; the engagement keeps only the latest decision for reading.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Outcome(models.TextChoices):
    """What a recommendation, a vote and a decision may say (the engagement's decision values)."""

    APPROVE = "approve", "Approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
    DECLINE = "decline", "Decline"
    REFER_BACK = "refer_back", "Refer back to the researcher"


class Recommendation(models.Model):
    """An officer's recommended outcome for one decision round, with the reasoning behind it.

    ``conditions`` holds the proposed conditions as ``[{"text": …, "due": "YYYY-MM-DD"}]``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        "cases.Engagement", on_delete=models.CASCADE, related_name="recommendations"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    reasoning = models.TextField()
    conditions = models.JSONField(default=list, blank=True)
    review_date = models.DateField(null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (recommended by {self.made_by})"


class Decision(models.Model):
    """The decision that closed a round: what, why, by whom, and the route that allowed it."""

    class Route(models.TextChoices):
        OFFICER = "officer", "An officer"
        APPROVER = "approver", "An approver"
        COMMITTEE = "committee", "The committee"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        "cases.Engagement", on_delete=models.CASCADE, related_name="decisions"
    )
    # One decision per round: the recommendation it decided on.
    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    reason = models.TextField()
    # [{"text": …, "due": "YYYY-MM-DD"}]: each becomes a tracked mitigation item.
    conditions = models.JSONField(default=list, blank=True)
    review_date = models.DateField(null=True, blank=True)
    # For a committee, the member whose vote completed the quorum.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    route = models.CharField(max_length=20, choices=Route.choices)
    tier = models.CharField(max_length=50)
    pack_id = models.CharField(max_length=100)
    pack_version = models.CharField(max_length=50)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="decisions_decision_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.get_route_display()})"


class CommitteeSeat(models.Model):
    """Who holds one of a pack's committee seats; assigned by an officer or administrator.

    Keyed by the pack id and the seat id the pack declares, so a new version of the same pack
    keeps its members; a seat the pack no longer declares simply stops counting.
    """

    pack_id = models.CharField(max_length=100)
    seat = models.CharField(max_length=100)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["pack_id", "seat"]
        constraints = [
            models.UniqueConstraint(fields=["pack_id", "seat"], name="decisions_seat_unique"),
            # One person, one vote: nobody holds two seats of one committee.
            models.UniqueConstraint(
                fields=["pack_id", "holder"], name="decisions_seat_one_per_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}:{self.seat} held by {self.holder}"


class Vote(models.Model):
    """A committee member's vote on a round's recommendation, with their reason."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="votes"
    )
    seat = models.CharField(max_length=100)
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    reason = models.TextField()
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "seat"], name="decisions_vote_seat"),
            models.UniqueConstraint(
                fields=["recommendation", "voter"], name="decisions_vote_voter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat}: {self.get_outcome_display()}"
