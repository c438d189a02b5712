"""Which partner records a user sees, from the role table in `accounts/roles.py`.

Organisations are a shared register: everyone holding `partner.view` sees every live one, so a
researcher finds the existing record instead of adding a duplicate. People are personal data, so
a person is seen only within the role's scope (the researcher who added them, their department's
champion, and the central roles), and an out-of-scope person is indistinguishable from a missing
one. Writes additionally pass `accounts.permissions.require(user, perm, record)`, which applies
the same scope to organisations: a researcher corrects only the organisations they added.
"""

from __future__ import annotations

from django.db.models import Q

from trustdesk.web.accounts.permissions import (
    NOTHING,
    AnyUser,
    department_scope,
    has_permission,
    in_scope,
)
from trustdesk.web.partners.models import Organisation, Person


def organisation_scope(user: AnyUser) -> Q:
    """Organisations the user sees: all of them with `partner.view`, otherwise none."""
    return Q() if has_permission(user, "partner.view") else NOTHING


def person_scope(user: AnyUser, *, prefix: str = "") -> Q:
    """People the user sees: `partner.view` within the role's scope; `prefix` reaches through."""
    if not has_permission(user, "partner.view"):
        return NOTHING
    return department_scope(user, owner=f"{prefix}owner", department=f"{prefix}department")


def can_view(user: AnyUser, record: Organisation | Person) -> bool:
    """Whether the user sees this record: the rule the scopes above filter querysets by.

    Messages and API fields that would name another record (the one a duplicate was merged
    into, the holder of a clashing identifier) ask this first.
    """
    if not has_permission(user, "partner.view"):
        return False
    return isinstance(record, Organisation) or in_scope(user, record)


def can_edit(user: AnyUser, record: Organisation | Person) -> bool:
    """For pages: whether to offer the edit link (the service decides again on submit)."""
    return has_permission(user, "partner.propose") and in_scope(user, record)
