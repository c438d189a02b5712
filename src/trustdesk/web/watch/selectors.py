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
from trustdesk.web.lists import selectors as lists_selectors
from trustdesk.web.lists.models import Snapshot, Staging
from trustdesk.web.partners.models import Organisation, Person
from trustdesk.web.partners.selectors import organisation_list_for_user, person_list_for_user
from trustdesk.web.watch.models import Rescreen, RescreenOutcome, StagedImpact
from trustdesk.web.watch.staged import HitChange, ImpactData

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


# --- staged snapshots --------------------------------------------------------------------------


def staging_awaiting_list() -> QuerySet[Staging]:
    """Staged snapshots awaiting review, oldest first (the longest waiting is the first to do)."""
    return lists_selectors.staging_awaiting_list().select_related("impact")


def staging_get(*, public_id: uuid.UUID) -> Staging:
    return Staging.objects.select_related("snapshot__source", "base").get(public_id=public_id)


def source_current(staging: Staging) -> Snapshot | None:
    """The snapshot serving now for the staged snapshot's source: what it would replace."""
    return (
        Snapshot.objects.filter(pk=staging.snapshot.source.current_id).first()
        if staging.snapshot.source.current_id
        else None
    )


def staged_impact_get(staging: Staging) -> StagedImpact | None:
    return StagedImpact.objects.filter(staging=staging).select_related("task_run").first()


def rescreen_after(staging: Staging) -> Rescreen | None:
    """The re-screen that followed making the staged snapshot current: its "what changed"."""
    return (
        Rescreen.objects.filter(kind=Rescreen.Kind.DELTA, new_snapshot_id=staging.snapshot_id)
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass(frozen=True, slots=True)
class PartnerRow:
    name: str
    url: str
    kind: str
    gained: tuple[HitChange, ...]
    lost: tuple[HitChange, ...]


@dataclass(frozen=True, slots=True)
class EngagementRow:
    title: str
    url: str
    status: str
    partners: tuple[str, ...]
    replayed: bool
    tier_before: str
    tier_after: str
    tier_changed: bool
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    review_due: bool


@dataclass(frozen=True, slots=True)
class StagedImpactView:
    data: ImpactData
    gaining: list[PartnerRow]
    losing: list[PartnerRow]
    suppressed: int  # gained hits a remembered verdict would keep from awaiting one
    hidden: int  # partners affected that the reader may not see
    engagements: list[EngagementRow]
    engagements_hidden: int


def staged_impact_view(*, user: User, data: ImpactData) -> StagedImpactView:
    """The stored impact as `user` may see it: partners and cases outside their scope counted."""
    ids = [p.public_id for p in data.partners]
    visible = {
        str(p)
        for p in organisation_list_for_user(user=user)
        .filter(public_id__in=ids)
        .values_list("public_id", flat=True)
    } | {
        str(p)
        for p in person_list_for_user(user=user)
        .filter(public_id__in=ids)
        .values_list("public_id", flat=True)
    }
    rows = [
        PartnerRow(
            p.name,
            reverse(f"partners:{p.kind}-detail", args=[p.public_id]),
            p.kind,
            p.gained,
            p.lost,
        )
        for p in data.partners
        if p.public_id in visible
    ]
    cases = {
        str(p)
        for p in engagement_list_for_user(user=user)
        .filter(public_id__in=[e.public_id for e in data.engagements])
        .values_list("public_id", flat=True)
    }
    statuses = dict(Engagement.Status.choices)
    engagements = [
        EngagementRow(
            e.title,
            reverse("cases:engagement-detail", args=[e.public_id]),
            str(statuses.get(e.status, e.status)),
            e.partners,
            e.replayed,
            data.tiers.get(e.tier_before, e.tier_before),
            data.tiers.get(e.tier_after, e.tier_after),
            e.tier_changed,
            tuple(data.processes.get(p, p) for p in e.gained),
            tuple(data.processes.get(p, p) for p in e.lost),
            e.review_due,
        )
        for e in data.engagements
        if e.public_id in cases
    ]
    return StagedImpactView(
        data=data,
        gaining=[r for r in rows if r.gained],
        losing=[r for r in rows if r.lost],
        suppressed=sum(
            1
            for p in data.partners
            for h in p.gained
            if h.remembered is not None and h.remembered.carried
        ),
        hidden=len(data.partners) - len(rows),
        engagements=engagements,
        engagements_hidden=len(data.engagements) - len(engagements),
    )
