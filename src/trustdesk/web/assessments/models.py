"""Risk assessments of engagements, the officers' rating overrides, and case reviews.

Every run of the assessment is a new `RiskAssessment`, never an edit of an earlier one: the file
keeps what each run rested on (the triage session, the pack, the screenings with their list
snapshots and matcher version, the case facts) and what it gave (the engine's `Assessment`,
stored through its own `to_dict`). The officer's chosen rating sits beside the computed one on
`AreaRating`; each change of it is also a `RatingOverride` row, so the history of choices and
their justifications stays on the file. A `CaseReview` records what had changed when a periodic
review began, measured from the assessment before it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from trustdesk.policy.assessment import Assessment
from trustdesk.policy.review import CaseState


class RiskAssessment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: the file keeps every assessment and what it was worked out from.
    engagement = models.ForeignKey(
        "cases.Engagement", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    triage_session = models.ForeignKey(
        "triage.TriageSession", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    pack_id = models.CharField(max_length=100)
    pack_version = models.CharField(max_length=50)
    pack_digest = models.CharField(max_length=64)
    # Assessment.to_dict(): every area's computed rating with its structured reasons.
    result = models.JSONField()
    # The case facts the pack declares, as the engine took them (fact id -> value).
    facts = models.JSONField(default=dict, blank=True)
    # The screenings whose hits went in: [{"subject", "origin", "run", "snapshots",
    # "matcher_version"}], a partner's screening run or an organisation answer's screening.
    screenings = models.JSONField(default=list, blank=True)
    # CaseState.to_dict(): hits with their verdicts, each matched entry's fingerprint in the
    # snapshot it was found in, partners, countries, areas, ratings; what a review compares.
    state = models.JSONField()
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["engagement", "-created_at"], name="assess_eng_latest")]

    def __str__(self) -> str:
        return f"Risk assessment of {self.engagement_id} ({self.created_at:%Y-%m-%d})"

    @property
    def typed(self) -> Assessment:
        """The engine's assessment as it was computed (never redacted)."""
        return Assessment.from_dict(self.result)

    @property
    def typed_state(self) -> CaseState:
        return CaseState.from_dict(self.state)


class AreaRating(models.Model):
    """One risk area of one assessment: the engine's rating and the rating that stands."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=100)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()  # the pack's order of its areas
    computed = models.CharField(max_length=50)
    chosen = models.CharField(max_length=50)
    justification = models.TextField(blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="assess_area_unique"),
            # A rating other than the computed one is never kept without its justification.
            models.CheckConstraint(
                condition=Q(chosen=F("computed")) | ~Q(justification=""),
                name="assess_area_override_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.chosen}"

    @property
    def overridden(self) -> bool:
        return self.chosen != self.computed


class RatingOverride(models.Model):
    """One officer's change of an area's chosen rating, kept even when changed again later."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area_rating = models.ForeignKey(AreaRating, on_delete=models.CASCADE, related_name="overrides")
    computed = models.CharField(max_length=50)
    previous = models.CharField(max_length=50)  # the rating that stood before this change
    chosen = models.CharField(max_length=50)
    justification = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(justification=""), name="assess_override_has_justification"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous} → {self.chosen}"


class CaseReview(models.Model):
    """A periodic review begun on an engagement: what changed since the assessment before it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        "cases.Engagement", on_delete=models.PROTECT, related_name="case_reviews"
    )
    # The assessment the review starts from (None: the case was never assessed).
    previous = models.ForeignKey(
        RiskAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # [Change as JSON]: every difference review_check found, in its order.
    changes = models.JSONField(default=list, blank=True)
    # CaseState.to_dict() of the case when the review began (None: nothing to compare).
    state = models.JSONField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.engagement_id} ({self.started_at:%Y-%m-%d})"
