"""Reads of notifications: every one starts from the recipient, so nobody reads another's."""

from __future__ import annotations

import uuid

from django.db.models import F, QuerySet

from trustdesk.web.accounts.models import User
from trustdesk.web.notify.models import Notification, Preference


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first within each."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("engagement")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def notification_get_for_user(*, user: User, public_id: uuid.UUID) -> Notification:
    """One of the user's notifications; another's raises DoesNotExist, as a missing one does."""
    return notification_list_for_user(user=user).get(public_id=public_id)


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_delivery(*, user: User) -> str:
    """How the user wants e-mail: their choice, or immediately when they never chose."""
    found = Preference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return found or Preference.Delivery.IMMEDIATE


def digest_recipients() -> QuerySet[User]:
    """Active users on the daily digest with at least one notification not yet e-mailed."""
    return (
        User.objects.filter(
            is_active=True,
            notification_preference__delivery=Preference.Delivery.DIGEST,
            notifications__emailed_at__isnull=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
