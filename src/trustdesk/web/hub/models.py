"""The guidance hub: guidance pages with their history, named contacts, training, search rows.

Pages and modules are Markdown written by people; what a reader sees is rendered and sanitised by
`markup.py` on the way out, never stored as HTML, so a sanitiser fix reaches every old page.
Every edit of a page keeps the text it replaced as a `PageVersion`, so a diff and a restore need
nothing but these rows. `SearchDocument` is the one table the database's full-text search reads
(an FTS5 index on SQLite, a trigger-kept tsvector with a GIN index on PostgreSQL, both made by
migration 0002).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from trustdesk.web.accounts.models import Department


class GuidancePage(models.Model):
    """One page of guidance: its owner keeps it true and is told when its review date passes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The public URL's last part; stable across title changes, so published links keep working.
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    tags = models.JSONField(default=list, blank=True)  # lower-case words, sorted
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guidance_pages"
    )
    review_by = models.DateField()
    # Readable without signing in at /guidance/public/<slug>/ when set.
    public = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the owner was last told the page is past its review date: once per review date.
    stale_notified_for = models.DateField(null=True, blank=True)
    # A withdrawn page is gone for readers (lists, search, its public address) but keeps every
    # version for the audit trail, and can be reinstated; pages are never deleted.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hub:page-detail", kwargs={"public_id": self.public_id})

    def is_stale(self, today: dt.date) -> bool:
        return self.review_by < today

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PageVersion(models.Model):
    """A page as it was after one edit; number 1 is the page as first written."""

    page = models.ForeignKey(GuidancePage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    tags = models.JSONField(default=list, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="hub_page_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page} v{self.number}"


class Contact(models.Model):
    """A named point of contact; the pack's contacts resolve to one by ``key``.

    The pack says "export-control"; the record says who that is this month, so a change of
    person is one edit here and every triage result, process page and case page follows it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The policy pack's contact key this record answers for ("export-control"); blank for a
    # contact the pack does not name (a faculty adviser, say).
    key = models.SlugField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)  # role or job title
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    topics = models.CharField(max_length=500, blank=True)
    processes = models.JSONField(default=list, blank=True)  # pack process ids
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # Out of office between these dates (inclusive); the deputy answers meanwhile.
    away_from = models.DateField(null=True, blank=True)
    away_until = models.DateField(null=True, blank=True)
    deputy = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="deputising_for"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="hub_contact_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(away_from__isnull=True)
                | Q(away_until__isnull=True)
                | Q(away_until__gte=models.F("away_from")),
                name="hub_contact_away_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hub:contact-detail", kwargs={"public_id": self.public_id})

    def is_away(self, today: dt.date) -> bool:
        if self.away_until is None or self.away_until < today:
            return False
        return self.away_from is None or self.away_from <= today


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """One multiple-choice question of a module's quiz; ``answer`` indexes ``options``."""

    text: str
    options: tuple[str, ...]
    answer: int


class TrainingModule(models.Model):
    """A short course: Markdown content and a quiz; passing it counts for ``valid_days``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What a policy pack's ``training`` requirement names ("trusted-research-essentials").
    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    # [{"text": …, "options": [...], "answer": i}], read through `quiz()`.
    questions = models.JSONField(default=list)
    pass_mark = models.PositiveSmallIntegerField(default=80)  # per cent of questions right
    valid_days = models.PositiveIntegerField(default=730)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="hub_module_pass_mark"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hub:module-detail", kwargs={"public_id": self.public_id})

    def quiz(self) -> list[QuizQuestion]:
        return [
            QuizQuestion(str(q["text"]), tuple(str(o) for o in q["options"]), int(q["answer"]))
            for q in self.questions
        ]


class TrainingCompletion(models.Model):
    """A pass of a module by one person; it counts until ``expires_at``. Failures are not kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    score = models.PositiveSmallIntegerField()  # per cent
    completed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # When the person was reminded that this pass is about to expire (once per pass).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "module", "expires_at"], name="hub_completion_current"),
        ]

    def __str__(self) -> str:
        return f"{self.user} passed {self.module}"


class SearchDocument(models.Model):
    """One searchable thing: a page, a pack process or mitigation, a contact or a module.

    Pages, contacts and modules are written here by the services that change them; the pack's
    processes and mitigations whenever the active pack differs from the one last indexed.
    """

    class Kind(models.TextChoices):
        PAGE = "page", "Guidance"
        PROCESS = "process", "Process"
        MITIGATION = "mitigation", "Mitigation"
        CONTACT = "contact", "Contact"
        MODULE = "module", "Training"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200)  # the thing's own id within its kind
    title = models.CharField(max_length=300)
    body = models.TextField()  # plain text
    url = models.CharField(max_length=300)
    # Readable by visitors who have not signed in (a public guidance page).
    public = models.BooleanField(default=False)
    # PostgreSQL only: title (weight A) and body (B) as a tsvector, kept by a trigger (migration
    # 0002), so ranking reads a stored vector instead of parsing every matching text again.
    # Always NULL on SQLite, whose FTS5 table holds its own index.
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="hub_search_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class IndexedPack(models.Model):
    """Which pack the process and mitigation rows of the search index were built from."""

    digest = models.CharField(max_length=64)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.digest
