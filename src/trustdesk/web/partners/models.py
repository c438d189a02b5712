"""Organisations and people (the partners of an engagement), and their screening results.

A merged record is kept as a tombstone pointing to the record it was merged into, so old links
and audit events still lead somewhere. Screening results are immutable apart from each hit's
adjudication: a run records the names it screened, the list snapshots and the matcher version,
so that a decision can be replayed against exactly what the officer saw.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from trustdesk.screening.matching.model import HitStatus
from trustdesk.screening.matching.model import ScreeningHit as TypedHit
from trustdesk.web.accounts.models import Department


class Partner(models.Model):
    """What organisations and people share: names, who added them, and how they were merged."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=300)
    aliases = models.JSONField(default=list, blank=True)  # other names, any script
    # search_key() of the name and every alias, with transliterations, one per line.
    search_text = models.TextField(blank=True, editable=False)
    # Who added the record and their department then: what researchers and champions may edit.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> list[str]:
        """The name first, then the aliases: what screening compares with the lists."""
        return [self.name, *self.aliases]


class Organisation(Partner):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", "University"
        COMPANY = "company", "Company"
        GOVERNMENT = "government", "Government body"
        MILITARY = "military", "Military"
        FUNDER = "funder", "Funder"
        NGO = "ngo", "NGO"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    ror_id = models.CharField(max_length=9, blank=True)  # bare, e.g. 052gg0110
    website = models.URLField(max_length=500, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ror_id"],
                condition=~Q(ror_id="") & Q(merged_into__isnull=True),
                name="partners_organisation_ror_unique",
            ),
        ]


class Person(Partner):
    """A person screened on the minimum data: names and, where known, their ORCID iD.

    Nationality is kept only where a process needs it (export control, ATAS), with that reason,
    and is never sent to screening: nothing is profiled on nationality alone.
    """

    orcid = models.CharField(max_length=19, blank=True)  # e.g. 0000-0002-1825-0097
    nationality = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    nationality_reason = models.CharField(max_length=300, blank=True)
    affiliations = models.ManyToManyField(
        Organisation, through="Affiliation", related_name="people", blank=True
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["orcid"],
                condition=~Q(orcid="") & Q(merged_into__isnull=True),
                name="partners_person_orcid_unique",
            ),
            models.CheckConstraint(
                condition=Q(nationality="") | ~Q(nationality_reason=""),
                name="partners_person_nationality_has_reason",
            ),
        ]


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="partners_affiliation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.organisation_id}"


class ScreeningRun(models.Model):
    """One screening of one organisation or person: every name against every current list."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to run"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        CREATED = "created", "Record added"
        RENAMED = "renamed", "Names changed"
        MERGED = "merged", "Duplicate merged in"
        REQUESTED = "requested", "Screened again on request"
        LIST_CHANGED = "list_changed", "A list it matched changed"
        RESCREEN = "rescreen", "Screened again: the matcher or its threshold changed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="screenings"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="screenings"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    names = models.JSONField(default=list)  # the names screened, as they were then
    snapshots = models.JSONField(default=dict)  # list source -> snapshot public id
    # Coverage.to_dict() when the run completed: the lists consulted with their dates, and the
    # expected ones missing or out of date then, so a stored result says what it did not check.
    coverage = models.JSONField(null=True, blank=True)
    matcher_version = models.CharField(max_length=100, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    requested_by = models.CharField(max_length=200)  # actor label, e.g. "user:<uuid>"
    task_run = models.ForeignKey(
        "jobs.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    # The re-screen (ongoing monitoring) that wrote this run: at most one run per subject each,
    # so a chunk of that re-screen delivered twice (a worker died mid-chunk) adds nothing.
    batch = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, person__isnull=True)
                    | Q(organisation__isnull=True, person__isnull=False)
                ),
                name="partners_screeningrun_one_subject",
            ),
            models.UniqueConstraint(
                fields=["organisation", "batch"],
                condition=~Q(batch=""),
                name="partners_run_one_per_batch_org",
            ),
            models.UniqueConstraint(
                fields=["person", "batch"],
                condition=~Q(batch=""),
                name="partners_run_one_per_batch_person",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "completed_at"], name="partners_run_person_done"),
        ]

    def __str__(self) -> str:
        return f"screening of {self.subject} ({self.status})"

    @property
    def subject(self) -> Organisation | Person:
        subject = self.organisation or self.person
        assert subject is not None  # noqa: S101  # the check constraint guarantees one
        return subject


class ScreeningHit(models.Model):
    """A listed entry one of the subject's names matched, and an officer's verdict on it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="hits")
    source = models.CharField(max_length=100)  # list source key, e.g. "aspi-unitracker"
    entry_id = models.CharField(max_length=200)  # source-native id of the listed entry
    entry_name = models.TextField()  # the entry's primary name
    matched_name = models.TextField()  # the listed name or alias that matched
    query_name = models.TextField()  # which of the subject's names matched it
    score = models.FloatField()
    explanation = models.TextField()
    features = models.JSONField(default=list)  # [{feature, weight, detail}]
    # Where the officer's review stands: the screening engine's `HitStatus`, declared there once.
    verdict = models.CharField(
        max_length=20,
        choices=[(s.value, s.label) for s in HitStatus],
        default=HitStatus.UNRESOLVED.value,
    )
    verdict_reason = models.TextField(blank=True)
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjudicated_at = models.DateTimeField(null=True, blank=True)
    # The remembered verdict this hit's verdict was carried over from (a later screening that
    # found the same entry, unchanged, for the same names), or that no longer applies because
    # `changes` says what changed since.
    memory = models.ForeignKey(
        "VerdictMemory", null=True, blank=True, on_delete=models.SET_NULL, related_name="hits"
    )
    # What changed since the remembered verdict: [{"what": "entry_names" | "entry_details" |
    # "subject_names", "added": [...], "removed": [...]}]; empty when nothing did.
    changes = models.JSONField(default=list, blank=True)
    # The day the entry left its list (a later snapshot no longer has it): the hit stays on the
    # record with its verdict, marked, rather than vanishing from the officer's view.
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "source", "entry_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "source", "entry_id"], name="partners_hit_unique_entry_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.entry_id} ({self.score:.2f})"

    @property
    def key(self) -> str:
        return f"{self.source}:{self.entry_id}"

    @property
    def status(self) -> HitStatus:
        return HitStatus(self.verdict)

    def typed(
        self, *, subject: str, origin: str, programme: str | None = None, role: str = ""
    ) -> TypedHit:
        """This row as the one typed hit the engine, the pages and the API share."""
        return TypedHit(
            source=self.source,
            entry_id=self.entry_id,
            name=self.entry_name,
            status=self.status,
            programme=programme,
            matched_name=self.matched_name,
            score=self.score,
            subject=subject,
            origin=origin,
            role=role,
        )


class VerdictMemory(models.Model):
    """An officer's verdict on one listed entry for one subject, remembered for later screenings.

    It keeps the entry as it was judged (its fingerprint, the one `ListEntry.fingerprint`, and
    its names and identifying details) and the subject's names then. A later screening that
    finds the same entry carries the verdict over while neither side changed in what the
    verdict rested on, and otherwise raises the hit again saying what changed. A new verdict on
    the same entry supersedes the memory; superseded ones stay as the hit's history.
    """

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=100)
    entry_id = models.CharField(max_length=200)
    verdict = models.CharField(max_length=20, choices=[(s.value, s.label) for s in HitStatus])
    reason = models.TextField()
    entry_fingerprint = models.CharField(max_length=64, blank=True)
    # {"names": [...], "details": [...]}: what a change of the entry is compared on.
    entry_identity = models.JSONField(default=dict)
    subject_names = models.JSONField(default=list)
    hit = models.ForeignKey(
        ScreeningHit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, person__isnull=True)
                    | Q(organisation__isnull=True, person__isnull=False)
                ),
                name="partners_memory_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["source", "entry_id"], name="partners_memory_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} on {self.source}:{self.entry_id}"
