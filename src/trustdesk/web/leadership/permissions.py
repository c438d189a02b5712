"""Who reads the institution's figures, and over which engagements.

The leadership dashboard and the governing body's report count engagements; they never open
one. So their scope is a permission of its own (`leadership.view`), not `engagement.view`: the
senior responsible owner holds the first and not the second, and sees every department's
figures with no case file, researcher or partner record behind them.
"""

from __future__ import annotations

from django.db.models import Q

from trustdesk.web.accounts.permissions import (
    NOTHING,
    AnyUser,
    department_scope,
    has_permission,
    scope_of,
)
from trustdesk.web.accounts.roles import Scope


def can_view_leadership(user: AnyUser) -> bool:
    return has_permission(user, "leadership.view")


def can_generate_board_report(user: AnyUser) -> bool:
    return has_permission(user, "board_report.generate")


def can_read_board_reports(user: AnyUser) -> bool:
    """Those who generate the report read it, and so does whoever sees the dashboard."""
    return can_view_leadership(user) or can_generate_board_report(user)


def aggregate_scope(user: AnyUser) -> Q:
    """The engagements the user's figures count, as a filter on `Engagement`."""
    scope = scope_of(user)
    if scope is None or not can_read_board_reports(user):
        return NOTHING
    if scope is Scope.ALL:
        return Q()
    return department_scope(user)
