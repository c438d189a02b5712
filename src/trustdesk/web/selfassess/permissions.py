"""Who may see and change the institution's self-assessment and its actions.

The assessment is the institution's, not a department's: `selfassessment.view` sees all of it,
`selfassessment.manage` answers and completes it and follows its actions up. An action's owner,
whatever their role, sees their own action and marks it done: the gap is theirs to close, and it
reaches them on their desk.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import NOTHING, AnyUser, has_permission, not_allowed
from trustdesk.web.selfassess.models import Action

VIEW = "selfassessment.view"
MANAGE = "selfassessment.manage"

NOT_YOUR_ACTION = "Only the action's owner or someone who manages the self-assessment may do this."


def can_view(user: AnyUser) -> bool:
    return has_permission(user, VIEW)


def can_manage(user: AnyUser) -> bool:
    return has_permission(user, MANAGE)


def require_view(user: AnyUser) -> None:
    if not can_view(user):
        raise PermissionDenied(not_allowed(VIEW))


def require_manage(user: AnyUser) -> None:
    if not can_manage(user):
        raise PermissionDenied(not_allowed(MANAGE))


def action_scope(user: AnyUser) -> Q:
    """The actions the user sees, as a filter on `Action`: all, or their own."""
    if not isinstance(user, User) or not user.is_active:
        return NOTHING
    if can_view(user):
        return Q()
    return Q(owner_id=user.pk)


def can_complete_action(user: AnyUser, action: Action) -> bool:
    """Mark an open action done: its owner, or a manager."""
    owns = isinstance(user, User) and user.is_active and action.owner_id == user.pk
    return owns or can_manage(user)


def require_complete_action(user: AnyUser, action: Action) -> None:
    if not can_complete_action(user, action):
        raise PermissionDenied(NOT_YOUR_ACTION)
