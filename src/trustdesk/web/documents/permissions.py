"""Who reads which document of an engagement.

The letter is part of the case file: whoever sees the engagement reads it, with listed-entry
details only if their role may read the watch lists (the builders decide that). The report
carries every entry's details and the audit excerpt, so it is for the roles holding
`engagement.report` (officers, approvers, auditors), within their scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from trustdesk.web.accounts.permissions import AnyUser, has_permission, not_allowed, out_of_scope
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.permissions import sees


def can_view_letter(user: AnyUser, engagement: Engagement) -> bool:
    return sees(user, engagement)


def can_view_report(user: AnyUser, engagement: Engagement) -> bool:
    return has_permission(user, "engagement.report") and sees(user, engagement)


def require_letter(user: AnyUser, engagement: Engagement) -> None:
    """PermissionDenied, saying why, unless the user may read the engagement's letter."""
    if can_view_letter(user, engagement):
        return
    if not has_permission(user, "engagement.view"):
        raise PermissionDenied(not_allowed("engagement.view"))
    raise PermissionDenied(out_of_scope("engagement.view", what="engagement"))


def require_report(user: AnyUser, engagement: Engagement) -> None:
    """PermissionDenied, saying why, unless the user may read the engagement's report."""
    if can_view_report(user, engagement):
        return
    if not has_permission(user, "engagement.report"):
        raise PermissionDenied(not_allowed("engagement.report"))
    raise PermissionDenied(out_of_scope("engagement.report", what="engagement"))
