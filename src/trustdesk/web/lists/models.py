"""List sources, their immutable snapshots and the entries of each snapshot."""

from __future__ import annotations

import uuid

from django.db import models

from trustdesk.web.core.runs import LeasedRun


class ListSource(models.Model):
    """A publisher's list; `current` is the snapshot screening uses, switched in one transaction."""

    key = models.CharField(max_length=100, unique=True)
    current = models.ForeignKey(
        "Snapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The snapshot that was current before `current`: the default base of a diff. Kept on the
    # source, not only on the snapshot, because an earlier snapshot can become current again
    # (a list going back to an earlier content) and a snapshot is never edited.
    previous = models.ForeignKey(
        "Snapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Snapshot(models.Model):
    """One import of one source; never edited after it is written (only `previous` is set once)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(ListSource, on_delete=models.PROTECT, related_name="snapshots")
    content_hash = models.CharField(max_length=64)
    format = models.CharField(max_length=50)
    parser_version = models.CharField(max_length=20)
    published = models.CharField(max_length=40, blank=True)  # ISO date/time stated by the file
    total = models.PositiveIntegerField()
    counts = models.JSONField(default=dict)  # entries by type
    files = models.JSONField(default=list)  # [{role, name, sha256, bytes}]
    warnings = models.JSONField(default=list)
    skipped = models.PositiveIntegerField(default=0)
    # The snapshot that was current when this one first became current.
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_by = models.CharField(max_length=150)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_hash"], name="snapshot_unique_content_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source.key} snapshot {self.short_id}"

    @property
    def short_id(self) -> str:
        return str(self.public_id)[:8]


class ListEntry(models.Model):
    """One listed organisation, person, vessel or aircraft, as `Entry.to_dict()` stored it."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="entries")
    entry_id = models.CharField(max_length=200)  # source-native id, without the source prefix
    entity_type = models.CharField(max_length=20)
    name = models.TextField()
    fingerprint = models.CharField(max_length=64)
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "entry_id"], name="entry_unique_id_per_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.name}"


class ImportRun(LeasedRun):
    """Every import or update attempt, kept so that failures are shown, not lost in a log."""

    class Status(models.TextChoices):
        RUNNING = "running"
        IMPORTED = "imported"
        UNCHANGED = "unchanged"
        # The content equals an earlier snapshot, which became current again (no new rows).
        REINSTATED = "reinstated"
        # Stored (or found stored) and checked, held back for review: not current.
        STAGED = "staged"
        FAILED = "failed"

    source_key = models.CharField(max_length=100, blank=True)  # blank when the format was unknown
    kind = models.CharField(max_length=20, default="import")  # import | update | shipped
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    files = models.JSONField(default=list)
    snapshot = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_key or '?'} {self.status}"

    def attach(self, snapshot: models.Model) -> None:
        if not isinstance(snapshot, Snapshot):
            raise TypeError(f"an import run stores a list snapshot, not {type(snapshot).__name__}")
        self.snapshot = snapshot


class Staging(models.Model):
    """A snapshot stored and checked but held back from screening until someone reviews it.

    The snapshot itself is as immutable as any other; what changes is this row: awaiting
    review, then made current or discarded, by whom and when. `base` is the source's current
    snapshot when it was staged, what its impact preview compares it with first.
    """

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting review"
        MADE_CURRENT = "made_current", "Made current"
        DISCARDED = "discarded", "Discarded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="stagings")
    base = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, default="import")  # import | update
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    staged_by = models.CharField(max_length=150)
    staged_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-staged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot"],
                condition=models.Q(status="awaiting"),
                name="staging_one_awaiting_per_snapshot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.source.key} snapshot {self.snapshot.short_id} ({self.status})"
