"""Every write to notifications: telling people, marking read, e-mailing, the daily digest.

`notify` is called by the services whose events people are told about, after their own
transaction commits (`transaction.on_commit`), so nobody is told of a change a rollback undid.
E-mail goes out only when TRUSTDESK_EMAIL_HOST is set; otherwise notifications are in-app only.
A person chooses each one by e-mail as it happens (sent through the task queue, the queue's
message carrying only the notification's id) or one daily digest (the `notifications.digest`
scheduled job).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.core import audit
from trustdesk.web.core.tasks import enqueue
from trustdesk.web.notify import selectors
from trustdesk.web.notify.models import Notification, Preference

Kind = Notification.Kind
SEND_TASK = "notify.send"
SYSTEM_ACTOR = "system:notifications"

audit.register_action(
    "trustdesk.notification.preference_changed", label="Notification e-mail preference changed"
)

# What each kind says, from the data recorded with it. Only the engagement's title, who acted and
# the outcome: never a listed entry's details, which a researcher's role may not read.
_TEXTS: Mapping[str, str] = {
    Kind.SUBMITTED: "{actor} submitted “{title}” for review.",
    Kind.DECIDED: "A decision was recorded on “{title}” (decision: {decision}).",
    Kind.REVIEW_DUE: "“{title}” is due for its periodic review (review date {review_date}).",
    Kind.INFORMATION_REQUESTED: (
        "{actor} asked {questions} about “{title}”: the review waits for your answers."
    ),
    Kind.INFORMATION_ANSWERED: "{actor} answered your question on “{title}”.",
    Kind.MITIGATION_ASSIGNED: "{actor} made you responsible for {items} on “{title}”.",
    Kind.ASSIGNED: "{actor} assigned “{title}” to you.",
    Kind.AWAITING_DECISION: (
        "{actor} recommended “{title}” ({recommendation}): it awaits your decision ({route})."
    ),
    Kind.VOTED: "{actor} voted on “{title}” for the seat {seat} ({vote}).",
    Kind.GUIDANCE_STALE: (
        "The guidance page “{page}” you own was due for review on {review_by}: check it and "
        "set a new review date."
    ),
    Kind.LIST_HITS: (
        "A change of {source} gave {partners} partner(s) on file new or changed possible "
        "matches: they await a verdict (Monitoring page)."
    ),
    Kind.TRAINING_EXPIRING: (
        "Your pass of the training module “{module}” expires on {expires}: take it again to "
        "keep it."
    ),
}


class Subject(Protocol):
    """What a notification needs of the engagement it is about (cases.models.Engagement)."""

    pk: int
    title: str

    def get_absolute_url(self) -> str: ...


def _actor_name(actor: User | str | None) -> str:
    if isinstance(actor, User):
        return str(actor)
    return "trustdesk"


def render_text(kind: str, data: Mapping[str, object]) -> str:
    """The sentence for a notification of this kind, from its structured data."""
    return _TEXTS[kind].format_map(dict(data))


def mail_enabled() -> bool:
    return bool(settings.TRUSTDESK_EMAIL_CONFIGURED)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    engagement: Subject | None,
    actor: User | str | None,
    data: Mapping[str, object],
) -> list[Notification]:
    """Tell each recipient (once, never the actor themself); the notifications written.

    Those who chose immediate e-mail get it through the task queue after this commits.
    """
    full = {
        "title": engagement.title if engagement is not None else "",
        "actor": _actor_name(actor),
        **data,
    }
    text = render_text(kind, full)
    seen: set[int] = set()
    written = []
    for user in recipients:
        if user.pk in seen or not user.is_active or user == actor:
            continue
        seen.add(user.pk)
        written.append(
            Notification.objects.create(
                recipient=user,
                kind=kind,
                engagement_id=engagement.pk if engagement is not None else None,
                data=full,
                text=text,
            )
        )
    if mail_enabled():
        immediate = [n for n in written if _wants_now(n.recipient)]
        for notification in immediate:
            public_id = str(notification.public_id)
            transaction.on_commit(
                lambda public_id=public_id: enqueue(  # type: ignore[misc]
                    SEND_TASK, SYSTEM_ACTOR, notification_id=public_id
                )
            )
    return written


def _wants_now(user: User) -> bool:
    return bool(user.email) and (
        selectors.preference_delivery(user=user) == Preference.Delivery.IMMEDIATE
    )


def _link(path: str) -> str:
    return f"{settings.TRUSTDESK_BASE_URL}{path}"


def _mail(*, user: User, notifications: list[Notification], digest: bool) -> None:
    context = {
        "user": user,
        "notifications": [
            {
                "text": n.text,
                "link": _link(n.engagement.get_absolute_url()) if n.engagement else "",
                "created_at": n.created_at,
            }
            for n in notifications
        ],
        "inbox": _link("/notifications/"),
        "digest": digest,
    }
    subject = render_to_string("notify/email/subject.txt", context).strip()
    body = render_to_string("notify/email/body.txt", context)
    send_mail(subject, body, None, [user.email], fail_silently=False)


def notification_send(*, public_id: UUID | str, now: datetime | None = None) -> bool:
    """E-mail one notification now; False when it already went, or e-mail is off.

    The row is locked and marked in the transaction that sends, so a redelivered task (the queue
    runs a task at least once) finds it sent and sends nothing.
    """
    if not mail_enabled():
        return False
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "engagement")
            .filter(public_id=public_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        _mail(user=notification.recipient, notifications=[notification], digest=False)
        notification.emailed_at = now or timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notification_digest_send(*, now: datetime | None = None) -> list[User]:
    """One e-mail to each digest reader with everything not yet e-mailed; those written to.

    Each person's in their own transaction: a mail server refusing one address leaves the
    others sent and that person's notifications waiting for the next day.
    """
    if not mail_enabled():
        return []
    sent = []
    for user in selectors.digest_recipients():
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update(of=("self",))
                .select_related("engagement")
                .filter(recipient=user, emailed_at__isnull=True)
                .order_by("created_at", "pk")
            )
            if not pending:
                continue
            _mail(user=user, notifications=pending, digest=True)
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                emailed_at=now or timezone.now()
            )
            sent.append(user)
    return sent


@transaction.atomic
def notification_mark_read(
    *, user: User, notification: Notification, now: datetime | None = None
) -> Notification:
    """The recipient marks their notification read (again: nothing changes)."""
    notification = selectors.notification_list_for_user(user=user).get(pk=notification.pk)
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Every unread notification of the user read; how many were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


@transaction.atomic
def preference_set(*, actor: User, delivery: str) -> Preference:
    """The user chooses immediate e-mail or the daily digest, for themself only."""
    if delivery not in Preference.Delivery.values:
        raise ValueError(f"unknown delivery {delivery!r}")
    preference, _ = Preference.objects.select_for_update().get_or_create(user=actor)
    old = preference.delivery
    preference.delivery = delivery
    preference.save(update_fields=["delivery", "updated_at"])
    if old != delivery:
        audit.record(
            actor=actor,
            action="trustdesk.notification.preference_changed",
            target=actor,
            data={"old": old, "new": delivery},
        )
    return preference


def recipients_officers() -> list[User]:
    """The research-security officers, who take submitted cases and reviews into their queue."""
    return list(User.objects.filter(role=User.Role.OFFICER, is_active=True).order_by("pk"))
