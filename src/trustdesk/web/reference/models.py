"""Reference data fetched from publishers (FCDO travel advice): immutable snapshots, one current.

A snapshot holds one value per country, with the publisher's own detail beside it (the FCDO's
alert codes, its page and the date it last changed the advice), so that a level shown to a
researcher can be traced to what the FCDO said and when. Only ``confirmed_at`` and ``is_current``
change after a snapshot is written: a refresh that finds the same content confirms it.
"""

from __future__ import annotations

import uuid

from django.db import models

from trustdesk.web.core.runs import LeasedRun


class ReferenceSnapshot(models.Model):
    class Kind(models.TextChoices):
        FCDO_TRAVEL_ADVICE = "fcdo-travel-advice", "FCDO travel advice"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    source_url = models.URLField(max_length=500)
    content_hash = models.CharField(max_length=64)
    fetched_at = models.DateTimeField()
    # The last refresh that found exactly this content: what "checked" means for its values.
    confirmed_at = models.DateTimeField()
    is_current = models.BooleanField(default=False)
    # The snapshot that was current when this one became current: the base of "what changed".
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countries = models.PositiveIntegerField()
    entries = models.PositiveIntegerField()  # publisher entries read (one may cover several codes)
    # Entries not read this time (their previous value carried over) and names left unmapped.
    failures = models.JSONField(default=list)
    unmapped = models.JSONField(default=list)
    fetched_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["kind", "-fetched_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_current=True),
                name="reference_one_current_snapshot_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} snapshot {self.short_id}"

    @property
    def short_id(self) -> str:
        return str(self.public_id)[:8]


class ReferenceValue(models.Model):
    """One country's value in a snapshot and what the publisher said to produce it."""

    snapshot = models.ForeignKey(
        ReferenceSnapshot, on_delete=models.CASCADE, related_name="country_values"
    )
    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2 (XK for Kosovo)
    name = models.CharField(max_length=200)
    value = models.JSONField()  # the indicator's value: an int 0-4 for travel advice
    source_ref = models.CharField(max_length=200)  # the publisher's id: the FCDO page slug
    source_url = models.URLField(max_length=500, blank=True)
    codes = models.JSONField(default=list)  # the publisher's own codes (FCDO alert_status)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    # When the value was not read in this refresh but kept from an earlier one, since when.
    carried_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["snapshot", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "country"], name="reference_value_unique_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.value}"


class RefreshRun(LeasedRun):
    """Every refresh attempt, so that a failure is shown beside the snapshot still in use."""

    class Status(models.TextChoices):
        RUNNING = "running"
        STORED = "stored"
        UNCHANGED = "unchanged"
        FAILED = "failed"

    kind = models.CharField(max_length=40, choices=ReferenceSnapshot.Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    snapshot = models.ForeignKey(
        ReferenceSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} refresh {self.status}"

    def attach(self, snapshot: models.Model) -> None:
        if not isinstance(snapshot, ReferenceSnapshot):
            raise TypeError(f"a refresh run stores a reference snapshot, not {type(snapshot)}")
        self.snapshot = snapshot


class PackVersion(models.Model):
    """A policy pack file an admin installed, and whether it is the one triage uses now.

    The YAML is stored as uploaded, so every web process and worker reads the same pack from
    the database, and a case triaged under it can be replayed later. At most one version is
    current; with none, the pack named by TRUSTDESK_POLICY_PACK is in use. ``preview`` holds the
    latest impact preview (`trustdesk.policy.impact.Impact` as JSON): what making it current
    would change for the open cases.
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Not yet in use"
        CURRENT = "current", "In use"
        RETIRED = "retired", "Replaced"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pack_id = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    file_name = models.CharField(max_length=255)
    content = models.TextField()
    digest = models.CharField(max_length=64)  # sha256 of content
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CANDIDATE)
    uploaded_by = models.CharField(max_length=150)  # an actor, as jobs.actors writes it
    uploaded_at = models.DateTimeField(auto_now_add=True)
    preview = models.JSONField(null=True, blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="current"),
                name="reference_one_current_pack_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pack_id} {self.version}"

    @property
    def label(self) -> str:
        return f"{self.pack_id}@{self.version}"


class PackChange(models.Model):
    """A pack version made current: who, when, what it replaced, and what it changed.

    ``impact`` is the comparison worked out as it was made current (the same computation as
    the preview, between the pack it replaced and this one), kept as the "what changed" record.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(PackVersion, on_delete=models.PROTECT, related_name="changes")
    replaced = models.CharField(max_length=200)  # "id@version" in use before
    replaced_version = models.ForeignKey(
        PackVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    activated_by = models.CharField(max_length=150)
    activated_at = models.DateTimeField()
    impact = models.JSONField()

    class Meta:
        ordering = ["-activated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.replaced} -> {self.version.label}"
