"""The Notifications page, the nav count and the preference form: each person's own only."""

from __future__ import annotations

import uuid

from django.test import Client
from django.urls import reverse

from trustdesk.web.accounts.models import User
from trustdesk.web.notify import services
from trustdesk.web.notify.models import Notification, Preference

from .conftest import Advance, Cast

Kind = Notification.Kind


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(response: object) -> str:
    return " ".join(response.content.decode().split())  # type: ignore[attr-defined]


def _tell(cast: Cast, advance: Advance, *users: User, review_date: str = "2027-03-01") -> None:
    engagement = advance()
    services.notify(
        recipients=users,
        kind=Kind.REVIEW_DUE,
        engagement=engagement,
        actor="scheduler",
        data={"review_date": review_date},
    )


def test_the_page_lists_the_users_own_unread_first_with_a_count_in_the_nav(
    cast: Cast, advance: Advance
) -> None:
    _tell(cast, advance, cast.rita, review_date="2027-01-01")
    _tell(cast, advance, cast.rita, review_date="2027-02-02")
    _tell(cast, advance, cast.otto, review_date="2099-09-09")
    older = Notification.objects.get(recipient=cast.rita, data__review_date="2027-01-01")
    services.notification_mark_read(user=cast.rita, notification=older)

    page = _page(_as(cast.rita).get(reverse("notify:list")))
    assert 'Notifications <span class="badge">1<span class="visually-hidden"> unread' in page
    assert page.index("2027-02-02") < page.index("2027-01-01")  # unread first, though newer
    assert "2099-09-09" not in page  # Otto's
    assert "E-mail is not set up" in page
    assert "<script" not in page.split("</head>", 1)[1]
    assert "style=" not in page


def test_marking_read_is_for_the_recipient_only_and_another_s_is_a_missing_one(
    cast: Cast, advance: Advance
) -> None:
    _tell(cast, advance, cast.rita)
    mine = Notification.objects.get(recipient=cast.rita)
    url = reverse("notify:read", kwargs={"public_id": mine.public_id})

    assert _as(cast.otto).post(url).status_code == 404
    missing = reverse("notify:read", kwargs={"public_id": uuid.uuid4()})
    assert _as(cast.otto).post(missing).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None

    assert _as(cast.rita).post(url).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    page = _page(_as(cast.rita).get(reverse("notify:list")))
    assert 'class="badge"' not in page


def test_mark_all_read_touches_only_the_users_own(cast: Cast, advance: Advance) -> None:
    _tell(cast, advance, cast.rita, cast.otto)
    response = _as(cast.rita).post(reverse("notify:read-all"))
    assert response.status_code == 302
    assert Notification.objects.get(recipient=cast.rita).read_at is not None
    assert Notification.objects.get(recipient=cast.otto).read_at is None


def test_the_preference_is_chosen_on_my_account(cast: Cast) -> None:
    client = _as(cast.rita)
    account = _page(client.get(reverse("accounts:account")))
    assert 'value="immediate" checked' in account  # no choice made: immediately

    response = client.post(reverse("notify:preference"), {"delivery": "digest"})
    assert response.status_code == 302
    assert Preference.objects.get(user=cast.rita).delivery == "digest"
    assert 'value="digest" checked' in _page(client.get(reverse("accounts:account")))

    client.post(reverse("notify:preference"), {"delivery": "hourly"})
    assert Preference.objects.get(user=cast.rita).delivery == "digest"
    assert not Preference.objects.filter(user=cast.otto).exists()
