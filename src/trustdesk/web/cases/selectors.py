"""Reads of engagements, always through the reader's scope, and the status timeline of one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import AnyUser
from trustdesk.web.cases.models import Engagement, EngagementPartner, InformationRequest
from trustdesk.web.cases.permissions import engagement_scope
from trustdesk.web.core.audit import action_type
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.partners.models import Organisation, Person
from trustdesk.web.partners.selectors import (
    OPEN_VERDICTS,
    SCREENING_FILTERS,
    HitCounts,
    current_hits,
    hit_bucket,
    organisation_list_for_user,
    organisation_search,
    person_list_for_user,
    person_search,
)

# The audit target type of an engagement: `record()` writes the model's `app_label.model_name`.
TARGET_TYPE = Engagement._meta.label_lower


@dataclass(frozen=True, slots=True)
class EngagementFilter:
    """What a list is narrowed to; every field left empty matches everything."""

    status: str = ""
    kind: str = ""
    department: uuid.UUID | None = None  # a Department's public id
    text: str = ""  # words in the title, summary, funding source or research areas
    assignee: str = ""  # ME, UNASSIGNED, or a User's public id
    screening: str = ""  # one of SCREENING_FILTERS
    older_than_days: int | None = None  # proposed more than this many days ago


ME, UNASSIGNED = "me", "none"
CONFIRMED = "confirmed"
__all__ = ["SCREENING_FILTERS", "HitCounts"]  # re-exported: the list's form and view read them


def engagement_list_for_user(
    *, user: AnyUser, filters: EngagementFilter | None = None
) -> QuerySet[Engagement]:
    """The engagements the user sees, newest change first, narrowed by `filters`."""
    engagements = Engagement.objects.filter(engagement_scope(user)).select_related(
        "owner", "department", "assignee"
    )
    f = filters or EngagementFilter()
    if f.assignee == ME:
        engagements = engagements.filter(assignee_id=user.pk)
    elif f.assignee == UNASSIGNED:
        engagements = engagements.filter(assignee__isnull=True)
    elif f.assignee:
        try:
            engagements = engagements.filter(assignee__public_id=uuid.UUID(f.assignee))
        except ValueError:  # not a user id: nobody is assigned under it
            engagements = engagements.none()
    return _filtered(engagements, f)


def _with_hits(verdicts: Sequence[str]) -> QuerySet[EngagementPartner]:
    """Partner links whose organisation or person has a current hit with one of `verdicts`."""
    hits = current_hits().filter(verdict__in=verdicts)
    # Two narrow subqueries (one per kind of subject) rather than one OR over both sides.
    return EngagementPartner.objects.filter(
        Q(
            organisation_id__in=hits.filter(run__organisation__isnull=False).values(
                "run__organisation_id"
            )
        )
        | Q(person_id__in=hits.filter(run__person__isnull=False).values("run__person_id"))
    )


def engagement_ids_with_open_hits() -> QuerySet[EngagementPartner, Any]:
    """Engagement ids (a subquery) whose partners' current screening has an open hit."""
    return _with_hits(OPEN_VERDICTS).values("engagement_id")


def _screening_filtered(engagements: QuerySet[Engagement], wanted: str) -> QuerySet[Engagement]:
    open_ = _with_hits(OPEN_VERDICTS).values("engagement_id")
    confirmed = _with_hits([CONFIRMED]).values("engagement_id")
    if wanted == "open":
        return engagements.filter(pk__in=open_)
    if wanted == "confirmed":
        return engagements.filter(pk__in=confirmed)
    if wanted == "clear":
        return engagements.exclude(pk__in=open_).exclude(pk__in=confirmed)
    return engagements


def engagement_hit_counts(*, engagement_ids: Sequence[int]) -> dict[int, HitCounts]:
    """Current hit counts for each engagement named (one page of a list): two grouped queries."""
    tally: dict[int, dict[str, int]] = {}
    for via in ("organisation", "person"):
        link = f"run__{via}__engagement_links__engagement_id"
        rows = (
            current_hits()
            .filter(**{f"{link}__in": list(engagement_ids)})
            .values(link, "verdict")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            counts = tally.setdefault(row[link], {})
            bucket = hit_bucket(row["verdict"])
            counts[bucket] = counts.get(bucket, 0) + row["n"]
    return {pk: HitCounts(**counts) for pk, counts in tally.items()}


def _filtered(engagements: QuerySet[Engagement], f: EngagementFilter) -> QuerySet[Engagement]:
    if f.screening:
        engagements = _screening_filtered(engagements, f.screening)
    if f.older_than_days is not None:
        engagements = engagements.filter(
            created_at__lt=timezone.now() - timedelta(days=f.older_than_days)
        )
    if f.status:
        engagements = engagements.filter(status=f.status)
    if f.kind:
        engagements = engagements.filter(kind=f.kind)
    if f.department is not None:
        engagements = engagements.filter(department__public_id=f.department)
    for word in f.text.split()[:8]:  # a bound, so a pasted paragraph is not 200 LIKE clauses
        engagements = engagements.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(funding_source__icontains=word)
            # JSON lists are searched as their text, on SQLite and PostgreSQL alike.
            | Q(research_areas__icontains=word)
        )
    return engagements


def engagement_get_for_user(*, user: AnyUser, public_id: uuid.UUID) -> Engagement:
    """One engagement in the user's scope; Engagement.DoesNotExist alike for missing and unseen."""
    return engagement_list_for_user(user=user).get(public_id=public_id)


def engagement_list_review_due(*, today: date) -> QuerySet[Engagement]:
    """Active engagements whose review date has come: the sweep's work list (no user scope)."""
    return Engagement.objects.filter(
        status=Engagement.Status.ACTIVE, review_date__lte=today
    ).order_by("review_date", "pk")


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One audited change of an engagement, as its detail page lists it."""

    at: datetime
    actor: str
    label: str
    old_status: str | None  # a Status label, for transitions
    new_status: str | None
    reason: str
    sequence: int


def engagement_timeline(*, engagement: Engagement) -> list[TimelineEntry]:
    """Every audited event of the engagement, oldest first, read from the audit trail itself.

    The trail is the record of what happened, so the page shows it rather than a second copy
    of the history that could disagree with it.
    """
    events = AuditEvent.objects.filter(
        target_type=TARGET_TYPE, target_id=str(engagement.pk)
    ).order_by("sequence")
    return [_entry(event) for event in events]


def _status_label(value: object) -> str | None:
    if isinstance(value, str) and value in Engagement.Status.values:
        return str(Engagement.Status(value).label)
    return None


def _entry(event: AuditEvent) -> TimelineEntry:
    kind = action_type(event.action)
    data = event.data if isinstance(event.data, dict) else {}
    is_transition = isinstance(data.get("old"), str)
    return TimelineEntry(
        at=event.created_at,
        actor=event.actor_label,
        label=kind.label if kind is not None else event.action,
        old_status=_status_label(data.get("old")) if is_transition else None,
        new_status=_status_label(data.get("new")) if is_transition else None,
        reason=str(data.get("reason", "")),
        sequence=event.sequence,
    )


def assignable_officers() -> QuerySet[User]:
    """The accounts a case may be assigned to: active officers, by name."""
    return User.objects.filter(is_active=True, role=User.Role.OFFICER).order_by(
        "first_name", "last_name", "username"
    )


def team_candidates(*, identifiers: Sequence[str]) -> tuple[list[User], list[str]]:
    """Active accounts named by username or e-mail, and the identifiers that named none.

    Anyone proposing an engagement may add colleagues, so this answers for every active account,
    as a university directory would; it never lists accounts that were not asked for.
    """
    found: dict[int, User] = {}
    missing: list[str] = []
    for identifier in identifiers:
        user = (
            User.objects.filter(is_active=True)
            .filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
            .order_by("pk")
            .first()
        )
        if user is None:
            missing.append(identifier)
        else:
            found.setdefault(user.pk, user)
    return list(found.values()), missing


def engagement_partner_list(*, engagement: Engagement) -> QuerySet[EngagementPartner]:
    """The engagement's partners, for whoever sees the engagement: they are part of its file."""
    return engagement.partners.select_related("organisation", "person")


def engagement_partner_get(*, engagement: Engagement, public_id: uuid.UUID) -> EngagementPartner:
    """One partner link of an engagement already fetched in scope; DoesNotExist otherwise."""
    return engagement_partner_list(engagement=engagement).get(public_id=public_id)


def information_request_list(*, engagement: Engagement) -> QuerySet[InformationRequest]:
    """The engagement's questions and answers, oldest first; whoever sees the case sees these."""
    return engagement.information_requests.select_related("asked_by", "answered_by")


def information_request_get(*, engagement: Engagement, public_id: uuid.UUID) -> InformationRequest:
    """One question on this engagement; DoesNotExist for another engagement's, as for none."""
    return information_request_list(engagement=engagement).get(public_id=public_id)


@dataclass(frozen=True, slots=True)
class PartnerMatches:
    """The records a partner search found, each kind capped; `more` when either had more."""

    organisations: list[Organisation]
    people: list[Person]
    more: bool

    def __bool__(self) -> bool:
        return bool(self.organisations or self.people)


def partner_matches(*, user: User, query: str, limit: int) -> PartnerMatches:
    """Organisations and people the user sees whose name, alias or identifier matches.

    Two small queries of at most `limit + 1` rows each (the register may hold thousands), with
    the partners app's own search: any script, transliterated, or a ROR id or ORCID iD exactly.
    """
    organisations = list(
        organisation_search(organisation_list_for_user(user=user), query).order_by("name", "pk")[
            : limit + 1
        ]
    )
    people = list(
        person_search(person_list_for_user(user=user), query).order_by("name", "pk")[: limit + 1]
    )
    return PartnerMatches(
        organisations[:limit], people[:limit], len(organisations) > limit or len(people) > limit
    )
