"""Template tags that ask the role table, so pages show only the links a user can follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django import template
from django.http import HttpRequest
from django.urls import reverse

from trustdesk.web.accounts import permissions

register = template.Library()


@register.filter
def can(user: permissions.AnyUser, perm: str) -> bool:
    """`{% if request.user|can:"user.view" %}`: the same answer the services will give."""
    return permissions.has_permission(user, perm)


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A destination of the main navigation, shown to the roles that hold its permission."""

    label: str
    url_name: str
    permission: str | None  # None: every signed-in user
    current: str  # the page is this destination when its view name starts with this
    unless: str | None = None  # not shown to holders of this permission (they get another link)
    folds: bool = False  # goes under "More" when the bar would not fit one line


#: The main navigation in its order. Daily work stays in the bar; what an officer or an
#: administrator opens now and then folds under "More" once a role sees more than
#: `INLINE_AT_MOST` links, so that the bar fits one line of a 1,366 px screen.
NAV: Final = (
    NavEntry("Notifications", "notify:list", None, "notify:"),
    NavEntry("Guidance", "hub:home", None, "hub:"),
    NavEntry("Users", "accounts:user_list", "user.view", "accounts:user_list"),
    NavEntry("Engagements", "cases:engagement-list", "engagement.view", "cases:"),
    NavEntry("Check what applies", "triage:session-create", "engagement.propose", "triage:"),
    NavEntry(
        "Triage", "triage:session-list", "engagement.view", "triage:", unless="engagement.propose"
    ),
    NavEntry(
        "Organisations", "partners:organisation-list", "partner.view", "partners:organisation-list"
    ),
    NavEntry("People", "partners:person-list", "partner.view", "partners:person-list"),
    NavEntry("Watch lists", "lists:index", "lists.view", "lists:"),
    NavEntry("Monitoring", "watch:index", "watch.view", "watch:", folds=True),
    NavEntry("Policy versions", "packs:version-list", "policy.preview", "packs:", folds=True),
    NavEntry("Leadership", "leadership:dashboard", "leadership.view", "leadership:", folds=True),
    NavEntry(
        "Committee seats",
        "decisions:committee-seats",
        "committee.manage",
        "decisions:committee-seats",
        folds=True,
    ),
    NavEntry(
        "Self-assessment",
        "selfassess:assessment-list",
        "selfassessment.view",
        "selfassess:",
        folds=True,
    ),
    NavEntry("Task runs", "jobs:run_list", "task.view", "jobs:", folds=True),
    NavEntry("Audit trail", "audit:event_list", "audit.view", "audit:", folds=True),
)
INLINE_AT_MOST: Final = 8


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    url: str
    current: bool
    key: str  # the URL name, for the template to add the unread count to notifications


@dataclass(frozen=True, slots=True)
class Nav:
    """The links a user sees: those in the bar, and those under "More" (often none)."""

    bar: list[NavLink]
    more: list[NavLink]

    @property
    def more_current(self) -> bool:
        """Whether the page shown is one of those under "More" (which then reads as current)."""
        return any(link.current for link in self.more)


@register.simple_tag
def main_nav(request: HttpRequest) -> Nav:
    """`{% main_nav request as nav %}`: the destinations the user's role may open, in order."""
    user = request.user
    match = request.resolver_match
    here = f"{match.view_name}" if match else ""
    shown = [
        entry
        for entry in NAV
        if (entry.permission is None or permissions.has_permission(user, entry.permission))
        and not (entry.unless and permissions.has_permission(user, entry.unless))
    ]
    fold = len(shown) > INLINE_AT_MOST
    bar: list[NavLink] = []
    more: list[NavLink] = []
    for entry in shown:
        current = here == entry.current or (
            entry.current.endswith(":") and here.startswith(entry.current)
        )
        link = NavLink(entry.label, reverse(entry.url_name), current, entry.url_name)
        (more if fold and entry.folds else bar).append(link)
    return Nav(bar, more)
