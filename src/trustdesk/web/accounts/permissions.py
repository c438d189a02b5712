"""Who may do what, and which rows they see, answered from the role table in `roles.py`.

Services call `require()` before every write; selectors filter reads with `department_scope()`.
Later apps (organisations, engagements) use both with their own field names, e.g.::

    Engagement.objects.filter(department_scope(user, owner="proposer"))
    permissions.require(actor, "engagement.supply_evidence", engagement)

An object passed to `require()` names its owner and department through `owner_id` and
`department_id` (the attributes a model with `owner` and `department` foreign keys has).
"""

from __future__ import annotations

from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.roles import PERMISSIONS, ROLES, Role, Scope

AnyUser = User | AnonymousUser

# Matches no row on every database: what an anonymous or deactivated user sees.
NOTHING = Q(pk__in=[])


class DepartmentScoped(Protocol):
    """A record that belongs to one person (its owner) and, through them, a department."""

    @property
    def owner_id(self) -> int | None: ...

    @property
    def department_id(self) -> int | None: ...


class UnknownPermission(KeyError):
    """A permission key that `roles.PERMISSIONS` does not declare: a bug in the caller."""


def _active(user: AnyUser) -> User | None:
    if isinstance(user, User) and user.is_active:
        return user
    return None


def scope_of(user: AnyUser) -> Scope | None:
    """The user's scope from their role; None for anonymous and deactivated users."""
    active = _active(user)
    return ROLES[Role(active.role)].scope if active else None


def has_permission(user: AnyUser, perm: str) -> bool:
    """Whether the user's role grants `perm`; anonymous and deactivated users hold none."""
    if perm not in PERMISSIONS:
        raise UnknownPermission(perm)
    active = _active(user)
    return active is not None and perm in ROLES[Role(active.role)].permissions


def in_scope(user: AnyUser, obj: DepartmentScoped) -> bool:
    """Whether `obj` lies in what the user sees: the same rule `department_scope` filters by."""
    active = _active(user)
    scope = scope_of(user)
    if active is None or scope is None:
        return False
    if scope is Scope.ALL or obj.owner_id == active.pk:
        return True
    return (
        scope is Scope.DEPARTMENT
        and active.department_id is not None
        and obj.department_id == active.department_id
    )


# What a refusal says: the permission's label, never its key, as people read these (403 pages,
# API errors). `{label}` completes "you to …" / "needed to …".
NOT_ALLOWED = "Your role does not allow you to {label}."
OUT_OF_SCOPE = "This {what} is outside what you can see (needed to {label})."


def label(perm: str) -> str:
    """The words people read for `perm` ("propose engagements"), declared with it in roles.py."""
    if perm not in PERMISSIONS:
        raise UnknownPermission(perm)
    return PERMISSIONS[perm].label


def not_allowed(perm: str) -> str:
    """The refusal message for a role without `perm`."""
    return NOT_ALLOWED.format(label=label(perm))


def out_of_scope(perm: str, *, what: str = "record") -> str:
    """The refusal message for a `what` (record, engagement…) outside the user's scope."""
    return OUT_OF_SCOPE.format(what=what, label=label(perm))


def require(user: AnyUser, perm: str, obj: DepartmentScoped | None = None) -> None:
    """Raise PermissionDenied unless the user holds `perm` (and, given `obj`, sees it)."""
    if not has_permission(user, perm):
        raise PermissionDenied(not_allowed(perm))
    if obj is not None and not in_scope(user, obj):
        raise PermissionDenied(out_of_scope(perm))


def department_scope(user: AnyUser, *, owner: str = "owner", department: str = "department") -> Q:
    """Rows the user sees: own (researcher), own and department's (champion), or all.

    `owner` and `department` name the model's foreign keys (or lookups through them, such as
    `"engagement__owner"`), so the rule lives here once while each app keeps its own field names.
    """
    active = _active(user)
    scope = scope_of(user)
    if active is None or scope is None:
        return NOTHING
    if scope is Scope.ALL:
        return Q()
    own = Q(**{owner: active.pk})
    if scope is Scope.DEPARTMENT and active.department_id is not None:
        return own | Q(**{department: active.department_id})
    return own


def user_scope(user: AnyUser) -> Q:
    """User accounts the user sees: all with `user.view`, otherwise only their own."""
    active = _active(user)
    if active is None:
        return NOTHING
    if has_permission(active, "user.view"):
        return Q()
    return Q(pk=active.pk)
