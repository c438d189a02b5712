"""Who may write guidance and whose training records a person sees.

Reading guidance, contacts and training needs only an account (public pages need none); writing
needs `guidance.manage`. Completion records are personal: a person sees their own, a champion
their department's, the research-security team and auditors everyone's.
"""

from __future__ import annotations

from django.db.models import Q

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import (
    NOTHING,
    AnyUser,
    department_scope,
    has_permission,
)

MANAGE = "guidance.manage"
COMPLETION = "training.view_completion"


def can_manage_guidance(user: AnyUser) -> bool:
    return has_permission(user, MANAGE)


def can_view_completion(user: AnyUser) -> bool:
    return has_permission(user, COMPLETION)


def completion_people_scope(user: AnyUser) -> Q:
    """Accounts whose training records the user sees, as a filter on `User`."""
    if not isinstance(user, User) or not user.is_active:
        return NOTHING
    if not can_view_completion(user):
        return Q(pk=user.pk)
    return department_scope(user, owner="pk", department="department")
