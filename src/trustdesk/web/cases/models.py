"""Engagements: the proposed activity under review, its team and partners, and where it stands.

Status changes only through the services in `services.py`, one per transition; nothing here
writes a status. The latest decision is kept on the engagement for reading, while every decision
ever made (and every other change) lives on the audit trail, which the detail page's timeline reads.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from trustdesk.web.accounts.models import Department

if TYPE_CHECKING:
    from trustdesk.web.partners.models import Organisation, Person


class Engagement(models.Model):
    """One proposed international engagement and its case file."""

    class Kind(models.TextChoices):
        RESEARCH_COLLABORATION = "research_collaboration", "Research collaboration"
        CONTRACT_RESEARCH = "contract_research", "Contract research"
        STUDENTSHIP = "studentship", "Studentship"
        VISITING_RESEARCHER = "visiting_researcher", "Visiting researcher"
        STAFF_TRAVEL = "staff_travel", "Staff travel"
        DONATION_OR_FUNDING = "donation_or_funding", "Donation or funding"
        TNE_PARTNERSHIP = "tne_partnership", "Transnational-education partnership"
        LICENSING = "licensing", "Licensing"
        EVENT = "event", "Event"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        AWAITING_INFORMATION = "awaiting_information", "Awaiting information"
        DECIDED = "decided", "Decided"
        ACTIVE = "active", "Active"
        REVIEW_DUE = "review_due", "Review due"
        CLOSED = "closed", "Closed"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
        DECLINE = "decline", "Decline"
        REFER_BACK = "refer_back", "Refer back to the researcher"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagements_owned"
    )
    # The department decides which champion sees the case; it defaults to the owner's.
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="engagements"
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="engagements_on_team"
    )
    # ISO 3166-1 alpha-2 codes, upper case, validated by the services. A JSON list rather than a
    # table: the policy pack's country profiles will key on the codes, not on rows here.
    countries = models.JSONField(default=list, blank=True)
    # Free text for now; the policy pack's technology taxonomy replaces it (policy pack issue).
    research_areas = models.JSONField(default=list, blank=True)
    # Money is an amount and an ISO 4217 currency together, never a bare number. Two decimal
    # places cover every currency trustdesk expects to see in a funding offer.
    funding_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    funding_currency = models.CharField(max_length=3, blank=True)
    funding_source = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # The officer working the case: the desk's queues and the list's filter read it. Only
    # `services.engagement_assign` sets it; an account is deactivated, never deleted, so PROTECT.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements_assigned",
    )
    # The tier id of the latest completed triage ("" before any), kept by the triage services:
    # lists filter and the desk counts by tier on this column rather than a subquery per row.
    # Not a content field: setting it neither bumps `version` nor `updated_at`.
    triage_tier = models.CharField(max_length=100, blank=True, default="", editable=False)
    # Optimistic concurrency: every service that changes the engagement adds one, under the row
    # lock, so an edit made from a stale read (another officer saved first) is refused, not lost.
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "review_date"], name="cases_eng_status_review_idx"),
            # The list's order (newest change first): a page is read off the index, not sorted.
            models.Index(fields=["-updated_at", "-id"], name="cases_eng_recent_idx"),
            # The desk's queues (oldest first) and the list's age filter.
            models.Index(fields=["created_at", "id"], name="cases_eng_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding_amount__isnull=True, funding_currency="")
                | Q(funding_amount__isnull=False, funding_amount__gte=0) & ~Q(funding_currency=""),
                name="cases_engagement_money_has_currency",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="cases_engagement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:engagement-detail", kwargs={"public_id": self.public_id})

    @property
    def is_approved(self) -> bool:
        return self.decision in {self.Decision.APPROVE, self.Decision.APPROVE_WITH_CONDITIONS}


class EngagementPartner(models.Model):
    """An organisation or a person taking part in an engagement, in a named role.

    One row per partner and role: the same university may be both host and funder. The partner
    records themselves (names, identifiers, screening) belong to the partners app.
    """

    class Role(models.TextChoices):
        PARTNER_INSTITUTION = "partner_institution", "Partner institution"
        FUNDER = "funder", "Funder or sponsor"
        CLIENT = "client", "Client or contractor"
        HOST = "host", "Host"
        LICENSEE = "licensee", "Licensee"
        PRINCIPAL_INVESTIGATOR = "principal_investigator", "Partner's principal investigator"
        COLLABORATOR = "collaborator", "Collaborator"
        VISITOR = "visitor", "Visiting researcher"
        STUDENT = "student", "Student"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="partners")
    # PROTECT: a partner named on a case file cannot vanish from it; merges keep the tombstone.
    organisation = models.ForeignKey(
        "partners.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagement_links",
    )
    person = models.ForeignKey(
        "partners.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagement_links",
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, person__isnull=True)
                | Q(organisation__isnull=True, person__isnull=False),
                name="cases_partner_is_organisation_or_person",
            ),
            models.UniqueConstraint(
                fields=["engagement", "organisation", "role"],
                condition=Q(organisation__isnull=False),
                name="cases_partner_organisation_role_unique",
            ),
            models.UniqueConstraint(
                fields=["engagement", "person", "role"],
                condition=Q(person__isnull=False),
                name="cases_partner_person_role_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()})"

    @property
    def partner(self) -> Organisation | Person:
        partner = self.organisation or self.person
        assert partner is not None  # noqa: S101  # the check constraint guarantees one of them
        return partner


class InformationRequest(models.Model):
    """A question an officer asks the engagement's researcher, and its answer, kept on the file.

    While any question is open the engagement waits in "awaiting information"; the last answer
    takes it back into review (`services.information_answer`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="information_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField()
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True, answer="")
                | Q(answered_at__isnull=False, answered_by__isnull=False) & ~Q(answer=""),
                name="cases_information_answer_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
