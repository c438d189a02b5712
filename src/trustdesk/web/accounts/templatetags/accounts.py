"""Template filters that ask the role table, so pages show only the links a user can follow."""

from __future__ import annotations

from django import template

from trustdesk.web.accounts import permissions

register = template.Library()


@register.filter
def can(user: permissions.AnyUser, perm: str) -> bool:
    """`{% if request.user|can:"user.view" %}`: the same answer the services will give."""
    return permissions.has_permission(user, perm)
