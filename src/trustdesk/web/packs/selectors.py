"""Reads for the pack pages: a stored impact laid out for one reader, with links to the cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.urls import reverse

from trustdesk.policy.impact import CaseChange, Impact
from trustdesk.web.accounts.permissions import AnyUser
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.reference.models import PackChange, PackVersion

STATUS_LABELS = dict(Engagement.Status.choices)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One changed case as a row: labels instead of ids, a link when the reader may open it."""

    title: str
    url: str  # blank when the reader may not open the case
    status: str
    tier_before: str
    tier_after: str
    tier_changed: bool
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    problems: tuple[str, ...]
    unanswered: tuple[str, ...]


def pack_version_get(*, public_id: uuid.UUID) -> PackVersion:
    return get_object_or_404(PackVersion, public_id=public_id)


def pack_change_get(*, public_id: uuid.UUID) -> PackChange:
    return get_object_or_404(PackChange.objects.select_related("version"), public_id=public_id)


def stored_impact(data: object) -> Impact | None:
    """An impact stored as JSON, typed; None when there is none (or of another schema)."""
    if not isinstance(data, dict):
        return None
    try:
        return Impact.from_dict(data)
    except (ValueError, KeyError, TypeError):
        return None


def change_rows(*, user: AnyUser, impact: Impact, changes: list[CaseChange]) -> list[ChangeRow]:
    """`changes` (one page of `impact.changes`) as rows; one query for the cases the user sees."""
    keys = [c.key for c in changes]
    visible = {
        str(p)
        for p in case_selectors.engagement_list_for_user(user=user)
        .filter(public_id__in=keys)
        .values_list("public_id", flat=True)
    }
    tiers, processes = impact.tiers, impact.processes
    return [
        ChangeRow(
            title=c.label if c.key in visible else "A case you may not open",
            url=reverse("cases:engagement-detail", args=[c.key]) if c.key in visible else "",
            status=STATUS_LABELS.get(c.extra.get("status", ""), ""),
            tier_before=tiers.get(c.tier_before, c.tier_before),
            tier_after=tiers.get(c.tier_after, c.tier_after),
            tier_changed=c.tier_changed,
            gained=tuple(processes.get(p, p) for p in c.gained),
            lost=tuple(processes.get(p, p) for p in c.lost),
            problems=c.problems,
            unanswered=tuple(impact.questions.get(q, q) for q in c.unanswered),
        )
        for c in changes
    ]
