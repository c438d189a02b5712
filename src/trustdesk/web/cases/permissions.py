"""Who may see and act on an engagement, from the role table plus the person's place on the case.

The role table (`accounts/roles.py`) says what a role may do; this module adds the relationships
the table cannot hold: a researcher sees the engagements they own or are on the team of, and only
the owner submits or withdraws. Each `can_*` answers for the user and the engagement as it is
now, leaving the status rules to `workflow.py`, so a page can ask both before offering a button.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from trustdesk.web.accounts.permissions import (
    NOTHING,
    AnyUser,
    department_scope,
    has_permission,
    in_scope,
    not_allowed,
    out_of_scope,
    scope_of,
)
from trustdesk.web.accounts.roles import Scope
from trustdesk.web.cases import workflow
from trustdesk.web.cases.models import Engagement

Status = Engagement.Status

OWNER_ONLY = "Only the engagement's owner may {verb} it."
ANSWER_ONLY = "Only the engagement's owner and team may answer its questions."
NOT_EDITABLE_BY_YOU = "Once submitted, only the research-security team may edit an engagement."


def engagement_scope(user: AnyUser) -> Q:
    """What the user sees: own and team engagements, the department's (champion), or all.

    Team membership is a subquery rather than a join, so a list never repeats an engagement.
    """
    scope = scope_of(user)
    if scope is None or user.pk is None or not has_permission(user, "engagement.view"):
        return NOTHING
    if scope is Scope.ALL:
        return Q()
    on_team = Engagement.team.through.objects.filter(user_id=user.pk).values("engagement_id")
    return department_scope(user) | Q(pk__in=on_team)


def sees(user: AnyUser, engagement: Engagement) -> bool:
    """The same rule as `engagement_scope`, for one engagement already in hand."""
    if not has_permission(user, "engagement.view"):
        return False
    if in_scope(user, engagement):
        return True
    return user.pk is not None and engagement.team.filter(pk=user.pk).exists()


def _is_owner(user: AnyUser, engagement: Engagement) -> bool:
    return user.is_authenticated and engagement.owner_id == user.pk


def can_view_engagement(user: AnyUser, engagement: Engagement) -> bool:
    return sees(user, engagement)


def can_propose_engagement(user: AnyUser) -> bool:
    return has_permission(user, "engagement.propose")


def can_edit_engagement(user: AnyUser, engagement: Engagement) -> bool:
    """Drafts: anyone on the case who supplies evidence; afterwards the reviewing officers."""
    if not sees(user, engagement):
        return False
    if engagement.status == Status.DRAFT:
        return has_permission(user, "engagement.supply_evidence")
    return has_permission(user, "engagement.review")


def can_submit_engagement(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.propose") and _is_owner(user, engagement)


def can_withdraw_engagement(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.propose") and _is_owner(user, engagement)


def can_review_engagement(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.review") and sees(user, engagement)


def can_request_information(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.request_information") and sees(user, engagement)


def can_assign_engagement(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.assign") and sees(user, engagement)


def can_be_assigned(user: AnyUser) -> bool:
    """Who may hold a case: an active account that reviews cases (an officer today)."""
    return has_permission(user, "engagement.review")


def require_assign(user: AnyUser, engagement: Engagement) -> None:
    """PermissionDenied, saying why, unless the user may assign the engagement."""
    if can_assign_engagement(user, engagement):
        return
    if not has_permission(user, "engagement.assign"):
        raise PermissionDenied(not_allowed("engagement.assign"))
    raise PermissionDenied(out_of_scope("engagement.assign", what="engagement"))


def can_answer_information(user: AnyUser, engagement: Engagement) -> bool:
    """The researchers on the case answer: its owner and team, who supply its evidence."""
    if not has_permission(user, "engagement.supply_evidence") or not user.is_authenticated:
        return False
    return _is_owner(user, engagement) or engagement.team.filter(pk=user.pk).exists()


def require_answer(user: AnyUser, engagement: Engagement) -> None:
    """PermissionDenied, saying why, unless the user may answer the engagement's questions."""
    if can_answer_information(user, engagement):
        return
    if not has_permission(user, "engagement.supply_evidence"):
        raise PermissionDenied(not_allowed("engagement.supply_evidence"))
    raise PermissionDenied(ANSWER_ONLY)


def can_decide_engagement(user: AnyUser, engagement: Engagement) -> bool:
    """The roles that may decide at all; which of them decides a case is its route's answer.

    The route (triage tier → officer, approver or committee) is checked by the decisions app,
    which is the only way to decide (`trustdesk.web.decisions.services`).
    """
    return has_permission(user, "engagement.decide") and sees(user, engagement)


def can_activate_engagement(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.activate") and sees(user, engagement)


def can_close_engagement(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.close") and sees(user, engagement)


_CHECKS = {
    workflow.Action.SUBMIT: (can_submit_engagement, "engagement.propose"),
    workflow.Action.WITHDRAW: (can_withdraw_engagement, "engagement.propose"),
    workflow.Action.START_REVIEW: (can_review_engagement, "engagement.review"),
    workflow.Action.DECIDE: (can_decide_engagement, "engagement.decide"),
    workflow.Action.REQUEST_INFORMATION: (
        can_request_information,
        "engagement.request_information",
    ),
    workflow.Action.ACTIVATE: (can_activate_engagement, "engagement.activate"),
    workflow.Action.CLOSE: (can_close_engagement, "engagement.close"),
}


def can_do(user: AnyUser, action: workflow.Action, engagement: Engagement) -> bool:
    """Whether the user may take `action` on the engagement: role, relationship and status."""
    check, _ = _CHECKS[action]
    return check(user, engagement) and workflow.leaves_from(action, engagement.status)


def available_actions(user: AnyUser, engagement: Engagement) -> frozenset[workflow.Action]:
    """The transitions a page should offer this user on this engagement now."""
    return frozenset(action for action in _CHECKS if can_do(user, action, engagement))


def require_action(user: AnyUser, action: workflow.Action, engagement: Engagement) -> None:
    """PermissionDenied, saying why, unless the user may take `action` (status aside)."""
    check, perm = _CHECKS[action]
    if check(user, engagement):
        return
    if not has_permission(user, perm):
        raise PermissionDenied(not_allowed(perm))
    if not sees(user, engagement):
        raise PermissionDenied(out_of_scope(perm, what="engagement"))
    raise PermissionDenied(OWNER_ONLY.format(verb=workflow.TRANSITIONS[action].verb))


def require_edit(user: AnyUser, engagement: Engagement) -> None:
    """PermissionDenied unless the user may edit the engagement in its current status."""
    if can_edit_engagement(user, engagement):
        return
    if not sees(user, engagement):
        raise PermissionDenied(out_of_scope("engagement.view", what="engagement"))
    if engagement.status == Status.DRAFT:
        raise PermissionDenied(not_allowed("engagement.supply_evidence"))
    raise PermissionDenied(NOT_EDITABLE_BY_YOU)
