"""Reads for the monitoring pages: recent re-screens, and what one of them changed.

Partners and engagements are listed only as far as the reader may see them (the partners' and
engagements' own scoped selectors); the counts are for everyone who may read the page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.selectors import engagement_list_for_user
from trustdesk.web.partners.models import Organisation, Person
from trustdesk.web.partners.selectors import organisation_list_for_user, person_list_for_user
from trustdesk.web.watch.models import Rescreen, RescreenOutcome

RECENT = dt.timedelta(days=14)  # how far back the monitoring page looks


def rescreen_list(*, since: dt.datetime | None = None) -> QuerySet[Rescreen]:
    """Re-screens started since `since` (the last fortnight), newest first, with chunks done."""
    since = since or timezone.now() - RECENT
    return (
        Rescreen.objects.filter(created_at__gte=since)
        .exclude(chunks_total=0, kind=Rescreen.Kind.FULL, source="")
        .select_related("new_snapshot", "old_snapshot", "task_run")
        .order_by("-created_at", "-pk")  # an aggregated query drops the model's ordering
        .annotate(
            chunks_done=Count("chunks", filter=Q(chunks__done_at__isnull=False), distinct=True),
            partners_gaining=Count(
                "outcomes",
                filter=~Q(outcomes__gained=[]) | ~Q(outcomes__changed=[]),
                distinct=True,
            ),
            partners_losing=Count(
                "outcomes",
                filter=~Q(outcomes__lost=[]) | ~Q(outcomes__delisted=[]),
                distinct=True,
            ),
        )
    )


def rescreen_get(*, public_id: uuid.UUID) -> Rescreen:
    return rescreen_list(since=dt.datetime.min.replace(tzinfo=dt.UTC)).get(public_id=public_id)


@dataclass(frozen=True, slots=True)
class PartnerChange:
    name: str
    kind: str  # "organisation" or "person"
    url: str
    gained: list[str]
    changed: list[str]
    lost: list[str]
    delisted: list[str]


@dataclass(frozen=True, slots=True)
class RescreenImpact:
    gaining: list[PartnerChange]
    losing: list[PartnerChange]
    hidden: int  # partners affected that the reader may not see
    engagements: list[Engagement]


def rescreen_impact(*, user: User, rescreen: Rescreen) -> RescreenImpact:
    """The partners that gained or lost hits, and the engagements that fell due, as `user` sees."""
    outcomes = list(rescreen.outcomes.select_related("organisation", "person"))
    orgs = set(
        organisation_list_for_user(user=user)
        .filter(pk__in=[o.organisation_id for o in outcomes if o.organisation_id])
        .values_list("pk", flat=True)
    )
    people = set(
        person_list_for_user(user=user)
        .filter(pk__in=[o.person_id for o in outcomes if o.person_id])
        .values_list("pk", flat=True)
    )
    gaining, losing, hidden = [], [], 0
    for outcome in outcomes:
        subject = outcome.subject
        visible = (
            outcome.organisation_id in orgs
            if outcome.organisation_id
            else outcome.person_id in people
        )
        if not visible:
            hidden += 1
            continue
        change = _change(outcome, subject)
        if change.gained or change.changed:
            gaining.append(change)
        if change.lost or change.delisted:
            losing.append(change)
    engagements = list(
        engagement_list_for_user(user=user).filter(public_id__in=rescreen.engagements_due)
    )
    return RescreenImpact(gaining, losing, hidden, engagements)


def _change(outcome: RescreenOutcome, subject: Organisation | Person) -> PartnerChange:
    return PartnerChange(
        name=subject.name,
        kind=subject._meta.model_name or "",
        url=reverse(f"partners:{subject._meta.model_name}-detail", args=[subject.public_id]),
        gained=list(outcome.gained),
        changed=list(outcome.changed),
        lost=list(outcome.lost),
        delisted=list(outcome.delisted),
    )
