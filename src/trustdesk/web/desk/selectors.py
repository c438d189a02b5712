"""The desk's reads: counts by status and tier, time to decision, decisions, the audit chain.

Every read is an aggregate or a bounded slice over the reader's scope, so a desk costs the same
few queries with fifty engagements or fifty thousand (a test holds it to that).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, Min, QuerySet

from trustdesk.web.accounts.models import User
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.anchors import AnchorFileError, StoredAnchor, latest_anchor
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.core.selectors import AuditFilter, audit_event_list_for_user
from trustdesk.web.triage import selectors as triage_selectors

Status = Engagement.Status
NOT_TRIAGED = "Not triaged"
RECENT = 10  # rows in the desk's short lists (recent decisions, the department's cases)
DECISION_WINDOW = timedelta(days=365)  # time to decision is measured over the past year


@dataclass(frozen=True, slots=True)
class Counts:
    """Engagements in scope by status (every status, zeros included) and by tier."""

    by_status: list[tuple[str, int]]
    by_tier: list[tuple[str, int]]
    total: int


def status_tier_counts(*, engagements: QuerySet[Engagement]) -> Counts:
    """One grouped query: each (status, tier) pair with its count, folded both ways."""
    rows = (
        triage_selectors.engagements_with_tier(engagements.order_by())
        .values("status", "tier")  # type: ignore[misc]  # the plugin cannot see annotations
        .annotate(n=Count("pk"))
        .order_by()
    )
    status: Counter[str] = Counter()
    tier: Counter[str | None] = Counter()
    for row in rows:
        status[row["status"]] += row["n"]
        tier[row["tier"]] += row["n"]
    labels = triage_selectors.tier_labels()
    by_tier = [(label, tier[key]) for key, label in labels.items() if tier[key]]
    by_tier += [(key, n) for key, n in tier.items() if key is not None and key not in labels]
    if tier[None]:
        by_tier.append((NOT_TRIAGED, tier[None]))
    return Counts(
        by_status=[(str(s.label), status[s.value]) for s in Status],
        by_tier=by_tier,
        total=sum(status.values()),
    )


# Bands of time from submission to decision, as an officer would say them.
BANDS: Sequence[tuple[str, int]] = (
    ("Within a week", 7),
    ("1–2 weeks", 14),
    ("2–4 weeks", 28),
    ("1–3 months", 91),
)
LONGER = "Longer than 3 months"


@dataclass(frozen=True, slots=True)
class DecisionTimes:
    bands: list[tuple[str, int]]
    median_days: float | None
    decided: int


def decision_times(*, engagements: QuerySet[Engagement], today: date) -> DecisionTimes:
    """Days from first submission (the audit trail's "submitted") to decision, past year.

    Two queries: the decisions in the window, and the first submission of each, read from the
    trail grouped by target so the timestamps are the recorded ones, not a second copy.
    """
    since = datetime.combine(today, time.min, tzinfo=UTC) - DECISION_WINDOW
    decided = dict(
        engagements.filter(decided_at__gte=since).order_by().values_list("pk", "decided_at")
    )
    submitted = dict(
        AuditEvent.objects.filter(
            action="trustdesk.engagement.submitted",
            target_type=case_selectors.TARGET_TYPE,
            target_id__in=[str(pk) for pk in decided],
        )
        .values("target_id")
        .annotate(first=Min("created_at"))
        .values_list("target_id", "first")
    )
    days = [
        (decided_at - submitted[str(pk)]).total_seconds() / 86400
        for pk, decided_at in decided.items()
        if str(pk) in submitted and decided_at is not None
    ]
    counts = Counter(_band(d) for d in days)
    bands = [(label, counts[label]) for label, _ in BANDS] + [(LONGER, counts[LONGER])]
    return DecisionTimes(
        bands=bands,
        # Never below zero: a decision recorded within the second of its submission gave -0.0.
        median_days=round(max(0.0, median(days)), 1) if days else None,
        decided=len(days),
    )


def _band(days: float) -> str:
    return next((label for label, limit in BANDS if days <= limit), LONGER)


def decided_by(*, user: User) -> QuerySet[Engagement]:
    """The cases this person decided, latest first (the approver's record of their own)."""
    return (
        case_selectors.engagement_list_for_user(user=user)
        .filter(decided_by=user)
        .order_by("-decided_at", "-pk")[:RECENT]
    )


def recent_decisions(*, user: User) -> QuerySet[AuditEvent]:
    """The latest decisions as the audit trail recorded them, for those who read the trail."""
    return audit_event_list_for_user(
        user=user, filters=AuditFilter(action_prefix="trustdesk.engagement.decided")
    )[:RECENT]


def recent_cases(*, user: User) -> QuerySet[Engagement]:
    """The latest changed cases in the reader's scope (a champion's: their department's)."""
    return case_selectors.engagement_list_for_user(user=user)[:RECENT]


@dataclass(frozen=True, slots=True)
class ChainState:
    """Where the audit chain stands against its newest anchor, read without a full verify.

    `anchor_holds` says the anchored event still carries the anchored hash (one indexed read);
    a full verification, which recomputes every hash, stays a deliberate action on its page.
    """

    events: int
    head_sequence: int
    anchor: StoredAnchor | None
    anchor_holds: bool | None  # None: no anchor yet
    anchor_error: str

    @property
    def since_anchor(self) -> int:
        return self.head_sequence - (self.anchor.anchor.sequence if self.anchor else 0)


def chain_state() -> ChainState:
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    events = AuditEvent.objects.count()
    try:
        stored = latest_anchor()
    except AnchorFileError as exc:
        return ChainState(events, head or 0, None, False, str(exc))
    holds = None
    if stored is not None:
        holds = AuditEvent.objects.filter(
            sequence=stored.anchor.sequence, hash=stored.anchor.hash
        ).exists()
    return ChainState(events, head or 0, stored, holds, "")
