"""Reads of mitigation plans, always from engagements the reader sees.

An engagement's items by area, overdue items in a reader's scope, what the pack's checklist
would propose, and what the case page shows of it all.

Every read starts from an engagement the reader sees (`engagement_scope`), so an item or a file of
a case outside their scope is the same DoesNotExist as one that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from trustdesk.policy.models import Pack
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import AnyUser
from trustdesk.web.accounts.roles import ROLES
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.permissions import engagement_scope
from trustdesk.web.mitigations import files, permissions
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem
from trustdesk.web.triage import selectors as triage_selectors

Status = MitigationItem.Status
CLOSED = (Status.DONE, Status.WAIVED)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _overdue_q(today: date) -> Q:
    return Q(removed_at__isnull=True, due_date__lt=today) & ~Q(status__in=CLOSED)


def item_list(*, engagement: Engagement) -> QuerySet[MitigationItem]:
    """The engagement's current items (removed ones left out), soonest due first.

    For an engagement already fetched in the reader's scope: its plan is part of its file.
    """
    return (
        MitigationItem.objects.filter(engagement=engagement, removed_at__isnull=True)
        .select_related("owner", "engagement")
        .prefetch_related("evidence", "evidence__uploaded_by")
    )


def item_get(*, engagement: Engagement, public_id: uuid.UUID) -> MitigationItem:
    """One current item of this engagement; DoesNotExist for another engagement's, as for none."""
    return item_list(engagement=engagement).get(public_id=public_id)


def evidence_get(*, item: MitigationItem, public_id: uuid.UUID) -> EvidenceFile:
    """One evidence file of this item; DoesNotExist for another item's, as for none."""
    return EvidenceFile.objects.select_related("item").get(item=item, public_id=public_id)


def items_in_scope(*, user: AnyUser) -> QuerySet[MitigationItem]:
    """Every current item on the engagements the user sees."""
    return MitigationItem.objects.filter(
        removed_at__isnull=True,
        engagement__in=Engagement.objects.filter(engagement_scope(user)).values("pk"),
    ).select_related("owner", "engagement")


def overdue_items(user: AnyUser, *, today: date | None = None) -> QuerySet[MitigationItem]:
    """Items past their due date, neither done nor waived, on the engagements the user sees.

    Most overdue first: the desk's "mitigations overdue" queue (an officer's: every case's).
    """
    return items_in_scope(user=user).filter(_overdue_q(_today(today))).order_by("due_date", "pk")


def items_to_do(user: AnyUser) -> QuerySet[MitigationItem]:
    """The user's own open or started items, soonest due first: a researcher's next steps."""
    if user.pk is None:
        return MitigationItem.objects.none()
    return (
        items_in_scope(user=user)
        .filter(owner_id=user.pk)
        .exclude(status__in=CLOSED)
        .order_by("due_date", "pk")
    )


def overdue_counts(*, engagement_ids: Iterable[int], today: date | None = None) -> dict[int, int]:
    """Overdue items per engagement (by primary key), for flags on lists the caller scoped."""
    rows = (
        MitigationItem.objects.filter(_overdue_q(_today(today)), engagement_id__in=engagement_ids)
        .values("engagement_id")
        .annotate(n=Count("pk"))
    )
    return {row["engagement_id"]: row["n"] for row in rows}


def has_overdue(*, engagement: Engagement, today: date | None = None) -> bool:
    return MitigationItem.objects.filter(_overdue_q(_today(today)), engagement=engagement).exists()


# --- what the pack's checklist proposes ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """One checklist item the engagement's triage outcome calls for."""

    checklist_item: str
    area: str  # the pack's risk-area id
    text: str
    why: tuple[str, ...]  # the rules' reasons, in words every reader may see


def _current_pack() -> Pack | None:
    try:
        return triage_selectors.pack()
    except triage_selectors.PackUnavailable:
        return None


def proposals(
    *, engagement: Engagement, reads: triage_selectors.CaseReads | None = None
) -> list[Proposal]:
    """The checklist items the latest completed triage of the engagement applies, pack order.

    The outcome names each item and its area's label; the area's id comes from the pack (the
    item's own declaration, else the area whose label the outcome gives). `reads` shares the
    latest triage with the rest of the case page.
    """
    session = (reads or triage_selectors.CaseReads(engagement)).latest
    outcome = session.typed_outcome if session is not None else None
    if outcome is None:
        return []
    pack = _current_pack()
    declared = {m.id: m.area for m in pack.mitigations} if pack else {}
    by_label = {a.label: a.id for a in pack.risk_areas} if pack else {}
    return [
        Proposal(
            checklist_item=m.id,
            area=declared.get(m.id) or by_label.get(m.label, ""),
            text=m.description,
            why=tuple(dict.fromkeys(r.text for r in m.reasons if r.text)),
        )
        for m in outcome.mitigations
    ]


def new_proposals(
    *, engagement: Engagement, reads: triage_selectors.CaseReads | None = None
) -> list[Proposal]:
    """The proposals not yet on the plan (an item once removed counts as on it)."""
    known = set(
        MitigationItem.objects.filter(
            engagement=engagement, source=MitigationItem.Source.PACK
        ).values_list("checklist_item", flat=True)
    )
    return [
        p for p in proposals(engagement=engagement, reads=reads) if p.checklist_item not in known
    ]


def area_labels() -> dict[str, str]:
    """Risk-area id → label from the current pack, in the pack's order."""
    pack = _current_pack()
    return {a.id: a.label for a in pack.risk_areas} if pack else {}


def owner_candidates(*, engagement: Engagement) -> list[User]:
    """Who may own an item: the engagement's owner and team, and the active officers."""
    team = list(engagement.team.filter(is_active=True))
    reviewing = [r.role for r in ROLES.values() if "engagement.review" in r.permissions]
    officers = list(
        User.objects.filter(is_active=True, role__in=reviewing).order_by(
            "last_name", "first_name", "pk"
        )
    )
    people = {u.pk: u for u in [engagement.owner, *team, *officers] if u.is_active}
    return list(people.values())


# --- the case page's section ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemView:
    item: MitigationItem
    overdue: bool
    evidence: list[EvidenceFile]
    can_progress: bool  # start or complete
    can_add_evidence: bool
    next_step: bool  # the reader's own open item: its forms are shown unfolded


@dataclass(frozen=True, slots=True)
class AreaGroup:
    area: str
    label: str
    items: list[ItemView]


@dataclass(frozen=True, slots=True)
class CaseMitigations:
    groups: list[AreaGroup]
    count: int
    overdue: int
    mine_to_do: int  # the reader's own items not yet done
    open: int  # items not yet done or waived, whoever owns them
    can_manage: bool
    new_proposals: list[Proposal]
    owners: list[User]
    areas: dict[str, str]
    statuses: list[tuple[str, str]]
    max_label: str  # the evidence size limit, in words
    accept: str  # the file input's accept attribute
    allowed_label: str


def _group(items: list[ItemView], labels: dict[str, str]) -> list[AreaGroup]:
    order = {area: i for i, area in enumerate(labels)}
    by_area: dict[str, list[ItemView]] = {}
    for view in items:
        by_area.setdefault(view.item.area, []).append(view)
    ordered = sorted(by_area, key=lambda a: (order.get(a, len(order)), a))
    return [
        AreaGroup(a, labels.get(a) or (a.replace("-", " ").capitalize() or "Other"), by_area[a])
        for a in ordered
    ]


def case_context(
    user: AnyUser,
    engagement: Engagement,
    *,
    today: date | None = None,
    reads: triage_selectors.CaseReads | None = None,
) -> dict[str, object]:
    """What the engagement page's mitigation section shows this reader, as `mitigations`.

    `reads` shares the latest triage with the rest of the case page.
    """
    day = _today(today)
    access = permissions.access_for(user, engagement)  # once: the same for every item
    can_manage = access.manages
    views = []
    for item in item_list(engagement=engagement):
        mine = user.pk is not None and item.owner_id == user.pk
        views.append(
            ItemView(
                item=item,
                overdue=item.is_overdue(day),
                evidence=list(item.evidence.all()),
                can_progress=access.progresses(item) and not item.is_closed,
                can_add_evidence=item.status != Status.WAIVED and access.evidences(item),
                next_step=mine and not item.is_closed,
            )
        )
    labels = area_labels()
    context = CaseMitigations(
        groups=_group(views, labels),
        count=len(views),
        overdue=sum(v.overdue for v in views),
        mine_to_do=sum(v.next_step for v in views),
        open=sum(not v.item.is_closed for v in views),
        can_manage=can_manage,
        new_proposals=new_proposals(engagement=engagement, reads=reads) if can_manage else [],
        owners=owner_candidates(engagement=engagement) if can_manage else [],
        areas=labels,
        statuses=[(s.value, str(s.label)) for s in Status],
        max_label=files.human_bytes(files.max_bytes()),
        accept=",".join(files.ALLOWED_EXTENSIONS),
        allowed_label="PDF, PNG, JPEG, text, CSV, Word, Excel, PowerPoint or OpenDocument",
    )
    return {"mitigations": context}
