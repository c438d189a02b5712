"""What the governing body's report names: case references, and what changed in the period.

Bounded slices: a list names at most `REFERENCES` cases and says how many more there are; the
rest of the report is the dashboard's aggregates (`selectors`). A case is its reference, kind,
tier, countries and outcome, never a researcher's or partner's name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q

from trustdesk.policy.models import Pack
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments.models import AreaRating
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.values import country_name
from trustdesk.web.decisions.models import Decision, Outcome
from trustdesk.web.documents.builders import reference
from trustdesk.web.leadership.selectors import (
    NOT_TRIAGED,
    Filters,
    Period,
    day,
    decisions_in,
    engagements_any_date,
    engagements_in_scope,
    latest_assessments,
    overdue_mitigations,
)
from trustdesk.web.lists.models import Snapshot
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage.models import TriageSession

REFERENCES = 25  # case references a report section names at most; it says how many more


@dataclass(frozen=True, slots=True)
class CaseLine:
    """A case as the governing body reads it: a reference and facts, never a person's name."""

    reference: str
    kind: str
    status: str
    tier: str
    countries: str
    outcome: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Lines:
    lines: tuple[CaseLine, ...]
    total: int  # how many there are; `lines` holds at most REFERENCES of them

    @property
    def more(self) -> int:
        return self.total - len(self.lines)


def _case_line(row: Mapping[str, Any], tiers: Mapping[str, str], **extra: str) -> CaseLine:
    """A case from its row of `_CASE_FIELDS`: the reference is derived, as on every document."""
    tier = str(row["triage_tier"] or "")
    return CaseLine(
        reference=reference(Engagement(public_id=row["public_id"])),
        kind=str(Engagement.Kind(row["kind"]).label) if row["kind"] else "",
        status=str(Engagement.Status(row["status"]).label),
        tier=tiers.get(tier, tier) or NOT_TRIAGED,
        countries=", ".join(country_name(str(c)) for c in row["countries"] or []),
        **extra,
    )


_CASE_FIELDS = ("public_id", "kind", "status", "triage_tier", "countries")


def high_risk_cases(
    *, user: User, filters: Filters, area: str, ratings: Mapping[str, str]
) -> Lines:
    """Engagements whose latest assessment rates `area` at one of `ratings` (id to label)."""
    engagements = engagements_in_scope(user=user, filters=filters)
    found = (
        AreaRating.objects.filter(
            assessment__in=latest_assessments(engagements), area=area, chosen__in=ratings
        )
        .order_by("assessment__engagement__created_at", "assessment__engagement_id")
        .values(*(f"assessment__engagement__{f}" for f in _CASE_FIELDS), "chosen")
    )
    total = found.count()
    tiers = triage_selectors.tier_labels()
    lines = tuple(
        _case_line(
            {f: row[f"assessment__engagement__{f}"] for f in _CASE_FIELDS},
            tiers,
            detail=ratings.get(row["chosen"], row["chosen"]),
        )
        for row in found[:REFERENCES]
    )
    return Lines(lines, total)


def committee_cases(*, user: User, filters: Filters) -> Lines:
    """Cases the committee decided in the period, with the outcome, by reference."""
    found = (
        decisions_in(user, filters)
        .filter(route=Decision.Route.COMMITTEE)
        .order_by("decided_at", "pk")
        .values(*(f"engagement__{f}" for f in _CASE_FIELDS), "outcome")
    )
    total = found.count()
    tiers = triage_selectors.tier_labels()
    lines = tuple(
        _case_line(
            {f: row[f"engagement__{f}"] for f in _CASE_FIELDS},
            tiers,
            outcome=str(Outcome(row["outcome"]).label),
        )
        for row in found[:REFERENCES]
    )
    return Lines(lines, total)


def overdue_cases(*, user: User, filters: Filters, today: dt.date) -> Lines:
    """Engagements with a review or a mitigation overdue, by reference, most overdue first."""
    scoped = engagements_any_date(user, filters)
    overdue_items = overdue_mitigations(scoped, today)
    found = (
        scoped.filter(
            Q(
                status__in=(Engagement.Status.ACTIVE, Engagement.Status.REVIEW_DUE),
                review_date__lt=today,
            )
            | Q(pk__in=overdue_items.values("engagement_id"))
        )
        .annotate(
            items=Count(
                "mitigations",
                filter=Q(mitigations__in=overdue_items.values("pk")),
                distinct=True,
            )
        )
        .order_by("review_date", "created_at", "pk")
        .values(*_CASE_FIELDS, "review_date", "items")
    )
    total = found.count()
    tiers = triage_selectors.tier_labels()
    lines = []
    for row in found[:REFERENCES]:
        review = row["review_date"]
        parts = []
        if review is not None and review < today:
            parts.append(f"review due {day(review)}")
        if row["items"]:
            parts.append(f"{row['items']} mitigation(s) overdue")
        lines.append(_case_line(row, tiers, detail="; ".join(parts)))
    return Lines(tuple(lines), total)


def overdue_mitigations_by_area(*, user: User, filters: Filters, today: dt.date) -> Counter[str]:
    rows = (
        overdue_mitigations(engagements_any_date(user, filters), today)
        .values("area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({row["area"]: row["n"] for row in rows})


@dataclass(frozen=True, slots=True)
class PackUse:
    pack: str  # "id version"
    first: dt.datetime
    last: dt.datetime
    triages: int


def pack_versions_used(period: Period) -> tuple[PackUse, ...]:
    """The pack versions triages were completed under in the period, first use first."""
    rows = (
        TriageSession.objects.filter(
            status=TriageSession.Status.COMPLETED,
            completed_at__gte=period.since,
            completed_at__lt=period.until,
        )
        .values("pack_id", "pack_version")
        .annotate(first=Min("completed_at"), n=Count("pk"), last=Max("completed_at"))
        .order_by("first")
    )
    return tuple(
        PackUse(f"{r['pack_id']} {r['pack_version']}", r["first"], r["last"], r["n"]) for r in rows
    )


@dataclass(frozen=True, slots=True)
class ListChange:
    source: str
    snapshots: int
    latest: dt.datetime


def list_changes(period: Period) -> tuple[ListChange, ...]:
    """Watch lists that took a new snapshot in the period: how many, and the latest when."""
    rows = (
        Snapshot.objects.filter(imported_at__gte=period.since, imported_at__lt=period.until)
        .values("source__key")
        .annotate(n=Count("pk"), latest=Max("imported_at"))
        .order_by("source__key")
    )
    return tuple(ListChange(r["source__key"], r["n"], r["latest"]) for r in rows)


@dataclass(frozen=True, slots=True)
class LawChange:
    title: str
    publisher: str
    published: dt.date | None
    checked: dt.date | None


def law_changes(pack: Pack | None, period: Period) -> tuple[LawChange, ...]:
    """The pack's cited sources published, or checked against, during the period."""
    if pack is None:
        return ()
    found = [
        LawChange(s.title, s.publisher or "", s.published, s.checked)
        for s in pack.sources
        if any(d is not None and period.start <= d <= period.end for d in (s.published, s.checked))
    ]
    return tuple(sorted(found, key=lambda c: (c.published or c.checked or period.start, c.title)))
