"""Who may run, override and read risk assessments: the role table's existing permissions.

Rating risk is part of reviewing a case (`engagement.review`: "… rate risks and set
mitigations"), so officers run and override; whoever sees the engagement (`engagement.view`, in
their scope) reads its assessment. Which listed entry a hit names is shown only to roles that
read the watch lists (`lists.view`); the others get every area's rating with its reasons
redacted by the facts' kind, never by the wording.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from trustdesk.web.accounts.permissions import AnyUser, has_permission, not_allowed
from trustdesk.web.cases.models import Engagement

Status = Engagement.Status

#: While the case is under an officer's review, the assessment can be run and changed.
ASSESSABLE = frozenset({Status.IN_REVIEW, Status.AWAITING_INFORMATION, Status.REVIEW_DUE})


def can_assess(user: AnyUser) -> bool:
    return has_permission(user, "engagement.review")


def can_assess_now(user: AnyUser, engagement: Engagement) -> bool:
    """Whether a page should offer the run and override forms on this engagement now."""
    return can_assess(user) and engagement.status in ASSESSABLE


def can_see_entries(user: AnyUser) -> bool:
    """Whether to show which listed entry a hit names, and an officer's free-text justification.

    A justification is written by someone who read the lists and may quote them, so it goes
    with the entries it may name.
    """
    return has_permission(user, "lists.view")


def require_assess(user: AnyUser) -> None:
    if not can_assess(user):
        raise PermissionDenied(not_allowed("engagement.review"))
