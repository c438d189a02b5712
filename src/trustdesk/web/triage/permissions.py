"""Who may see and act on a triage session, from the role table plus the person's place on it.

Triage reuses the engagement permissions rather than adding its own, because the role table
already says what they mean for triage: `engagement.view` ("… with their triage"),
`engagement.propose` ("… answer its triage questions"), `engagement.review` (officers, who
re-run a case's triage against the current lists and policy) and `lists.view` (who may see which
watch-list entry a screening matched; everyone else is told only that there is a possible match).

A session is seen by its owner, by whoever sees the engagement it is attached to, by the owner's
department champion, and by the roles that see everything. Only the owner answers, completes,
reopens or attaches it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from trustdesk.web.accounts.permissions import (
    NOTHING,
    AnyUser,
    department_scope,
    has_permission,
    not_allowed,
    scope_of,
)
from trustdesk.web.accounts.roles import Scope
from trustdesk.web.cases import permissions as case_permissions
from trustdesk.web.cases.models import Engagement
from trustdesk.web.triage.models import TriageSession

OWNER_ONLY = "Only the person who started this triage may {verb} it."


def triage_scope(user: AnyUser) -> Q:
    """Sessions the user sees: own, their department's (champion), their engagements', or all."""
    scope = scope_of(user)
    if scope is None or user.pk is None or not has_permission(user, "engagement.view"):
        return NOTHING
    if scope is Scope.ALL:
        return Q()
    engagements = Engagement.objects.filter(case_permissions.engagement_scope(user)).values("pk")
    own = department_scope(user, owner="owner", department="owner__department")
    return own | Q(engagement__in=engagements)


def is_owner(user: AnyUser, session: TriageSession) -> bool:
    return user.is_authenticated and session.owner_id == user.pk


def can_start_triage(user: AnyUser) -> bool:
    return has_permission(user, "engagement.propose")


def can_answer_triage(user: AnyUser, session: TriageSession) -> bool:
    """The owner changes answers while the session is a draft (and reopens it to do so later)."""
    return has_permission(user, "engagement.propose") and is_owner(user, session)


def can_rerun_triage(user: AnyUser, session: TriageSession) -> bool:
    """Officers re-run a completed triage with the current lists and policy."""
    return session.is_completed and has_permission(user, "engagement.review")


def can_see_hit_details(user: AnyUser) -> bool:
    """Whether to show which list entry matched, or only that there is a possible match."""
    return has_permission(user, "lists.view")


def can_attach_to(user: AnyUser, engagement: Engagement) -> bool:
    """A session goes onto an engagement the user owns or is on the team of, and may edit."""
    on_case = engagement.owner_id == user.pk or (
        user.pk is not None and engagement.team.filter(pk=user.pk).exists()
    )
    return on_case and case_permissions.can_edit_engagement(user, engagement)


def require_owner(user: AnyUser, session: TriageSession, verb: str) -> None:
    """PermissionDenied, saying why, unless the user may change this session."""
    if not has_permission(user, "engagement.propose"):
        raise PermissionDenied(not_allowed("engagement.propose"))
    if not is_owner(user, session):
        raise PermissionDenied(OWNER_ONLY.format(verb=verb))


def require_rerun(user: AnyUser) -> None:
    if not has_permission(user, "engagement.review"):
        raise PermissionDenied(not_allowed("engagement.review"))
