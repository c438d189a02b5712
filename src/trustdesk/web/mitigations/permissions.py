"""Who may do what to a mitigation plan, from the role table and the person's place on the case.

Reading follows the engagement: whoever sees the case sees its plan and opens its evidence.
Officers (`engagement.review`) shape the plan: propose, add, edit, remove, waive and reopen;
waiving accepts a risk, so it is theirs alone. An item's owner moves their own item along
(start, complete). Evidence comes from the item's owner, the engagement's researchers (owner
and team, who supply its evidence) or an officer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from trustdesk.web.accounts.permissions import AnyUser, has_permission, not_allowed, out_of_scope
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.permissions import sees
from trustdesk.web.mitigations.models import MitigationItem

NOT_YOUR_ITEM = "Only the item's owner or the research-security team may change its status."
NOT_ON_CASE = "Only the item's owner, the engagement's researchers or an officer may add evidence."


def can_view_plan(user: AnyUser, engagement: Engagement) -> bool:
    return sees(user, engagement)


def can_manage_plan(user: AnyUser, engagement: Engagement) -> bool:
    """Propose, add, edit, remove, waive and reopen: the reviewing officers."""
    return has_permission(user, "engagement.review") and sees(user, engagement)


def can_record_conditions(user: AnyUser, engagement: Engagement) -> bool:
    """Whoever may decide the case turns its conditions into items (officer or approver)."""
    deciders = ("engagement.decide", "engagement.review")
    return any(has_permission(user, p) for p in deciders) and sees(user, engagement)


def _is_item_owner(user: AnyUser, item: MitigationItem) -> bool:
    return user.is_authenticated and item.owner_id == user.pk


def _on_case(user: AnyUser, engagement: Engagement) -> bool:
    if not user.is_authenticated:
        return False
    return engagement.owner_id == user.pk or engagement.team.filter(pk=user.pk).exists()


@dataclass(frozen=True, slots=True)
class PlanAccess:
    """What one reader may do on one engagement's plan, worked out once for a whole page.

    The same rules as the `can_*` functions below, without a query per item.
    """

    user_id: int | None
    sees: bool
    manages: bool  # an officer who sees the case
    on_case: bool  # the engagement's owner or on its team
    supplies_evidence: bool

    def progresses(self, item: MitigationItem) -> bool:
        return self.sees and (self.manages or item.owner_id == self.user_id)

    def evidences(self, item: MitigationItem) -> bool:
        if not self.sees:
            return False
        return self.manages or (
            self.supplies_evidence and (self.on_case or item.owner_id == self.user_id)
        )


def access_for(user: AnyUser, engagement: Engagement) -> PlanAccess:
    seen = sees(user, engagement)
    return PlanAccess(
        user_id=user.pk,
        sees=seen,
        manages=seen and has_permission(user, "engagement.review"),
        on_case=seen and _on_case(user, engagement),
        supplies_evidence=has_permission(user, "engagement.supply_evidence"),
    )


def can_progress_item(user: AnyUser, item: MitigationItem) -> bool:
    """Start or complete: the item's owner, or an officer."""
    if not sees(user, item.engagement):
        return False
    return _is_item_owner(user, item) or has_permission(user, "engagement.review")


def can_add_evidence(user: AnyUser, item: MitigationItem) -> bool:
    engagement = item.engagement
    if not sees(user, engagement):
        return False
    if has_permission(user, "engagement.review"):
        return True
    return has_permission(user, "engagement.supply_evidence") and (
        _is_item_owner(user, item) or _on_case(user, engagement)
    )


def require_manage(user: AnyUser, engagement: Engagement) -> None:
    if can_manage_plan(user, engagement):
        return
    if not has_permission(user, "engagement.review"):
        raise PermissionDenied(not_allowed("engagement.review"))
    raise PermissionDenied(out_of_scope("engagement.review", what="engagement"))


def require_conditions(user: AnyUser, engagement: Engagement) -> None:
    if can_record_conditions(user, engagement):
        return
    if not sees(user, engagement):
        raise PermissionDenied(out_of_scope("engagement.decide", what="engagement"))
    raise PermissionDenied(not_allowed("engagement.decide"))


def require_progress(user: AnyUser, item: MitigationItem) -> None:
    if can_progress_item(user, item):
        return
    if not sees(user, item.engagement):
        raise PermissionDenied(out_of_scope("engagement.view", what="engagement"))
    raise PermissionDenied(NOT_YOUR_ITEM)


def require_evidence(user: AnyUser, item: MitigationItem) -> None:
    if can_add_evidence(user, item):
        return
    if not sees(user, item.engagement):
        raise PermissionDenied(out_of_scope("engagement.view", what="engagement"))
    if not has_permission(user, "engagement.supply_evidence"):
        raise PermissionDenied(not_allowed("engagement.supply_evidence"))
    raise PermissionDenied(NOT_ON_CASE)
