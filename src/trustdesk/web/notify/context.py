"""The signed-in user's unread count for the navigation, counted only when a page shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from trustdesk.web.notify import selectors


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notifications_unread": SimpleLazyObject(
            lambda: selectors.notification_unread_count(user=user)
        ),
        "notification_delivery": SimpleLazyObject(lambda: selectors.preference_delivery(user=user)),
    }
