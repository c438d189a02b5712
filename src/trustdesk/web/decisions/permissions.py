"""Who may recommend, decide, vote and assign seats: roles, the route and the conflict rule.

The route (`trustdesk.policy.routing`) says which role decides a tier and whether a committee
votes; this module adds what only the case knows: whether the person proposed the case or is on
its team (who never decide or vote on it), and which seat they hold.
"""

from __future__ import annotations

from trustdesk.policy import routing
from trustdesk.policy.models import Route
from trustdesk.web.accounts.permissions import AnyUser, has_permission
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.permissions import sees

#: A recommendation on one's own case is a conflict too: the decider reads it as independent.
CONFLICTED_RECOMMENDATION = "Nobody recommends on a case they proposed or are on the team of."


def is_conflicted(user: AnyUser, engagement: Engagement) -> bool:
    """Whether the user proposed the engagement or is on its team."""
    if user.pk is None:
        return False
    return engagement.owner_id == user.pk or engagement.team.filter(pk=user.pk).exists()


def can_recommend(user: AnyUser, engagement: Engagement) -> bool:
    return (
        has_permission(user, "engagement.recommend")
        and sees(user, engagement)
        and not is_conflicted(user, engagement)
    )


def may_act(
    user: AnyUser, engagement: Engagement, route: Route, seat: str | None
) -> routing.Permission:
    """Whether the user may decide (or, on a committee route, vote on) the engagement.

    The engine's answer, with the role read from the account (inactive or anonymous: none).
    """
    role = getattr(user, "role", "") if user.is_authenticated and user.is_active else ""
    if not has_permission(user, "engagement.decide") or not sees(user, engagement):
        role = role or "anonymous"
        return routing.Permission(
            False, (routing.NOT_ROUTED_ROLE.format(role=route.role, actor=role),)
        )
    return routing.may_decide(route, str(role), is_conflicted(user, engagement), seat=seat)


def can_manage_seats(user: AnyUser) -> bool:
    return has_permission(user, "committee.manage")
