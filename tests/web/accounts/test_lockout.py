"""Repeated failed sign-ins lock the account and the address, say so, and are recorded."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = (
    "Too many failed sign-in attempts: after 5 failures, sign-in for this account and from this "
    "address is locked for 15 minutes."
)
WRONG = (
    "That username and password do not match an active account. "
    "Repeated failures lock sign-in for a while."
)


def _attempt(client: Client, username: str, password: str) -> tuple[int, str]:
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code, response.content.decode()


def _text(html: str) -> str:
    return " ".join(html.split())


def test_five_failures_lock_the_account_with_a_clear_message(make_user: MakeUser) -> None:
    make_user("jdoe", password=PASSWORD)
    client = Client()

    first_four = [_attempt(client, "jdoe", "wrong")[0] for _ in range(4)]
    fifth_status, fifth_page = _attempt(client, "jdoe", "wrong")
    right_status, right_page = _attempt(client, "jdoe", PASSWORD)

    assert first_four == [200, 200, 200, 200]
    assert (fifth_status, right_status) == (429, 429)
    assert LOCKED in _text(fifth_page)
    assert LOCKED in _text(right_page)
    assert "_auth_user_id" not in client.session


def test_a_failed_attempt_says_why_before_the_lock(make_user: MakeUser) -> None:
    make_user("jdoe", password=PASSWORD)

    status, page = _attempt(Client(), "jdoe", "wrong")

    assert status == 200
    assert WRONG in _text(page)


def test_the_lockout_is_recorded_by_axes_and_on_the_audit_trail(make_user: MakeUser) -> None:
    user = make_user("jdoe", password=PASSWORD)
    client = Client()
    for _ in range(7):  # two more while locked: still one lockout event
        _attempt(client, "jdoe", "wrong")

    attempt = AccessAttempt.objects.get()
    event = AuditEvent.objects.get(action="trustdesk.user.locked_out")
    assert (attempt.username, attempt.ip_address) == ("jdoe", "127.0.0.1")
    assert attempt.failures_since_start == 7  # attempts while locked still count (and extend it)
    assert AccessFailureLog.objects.filter(username="jdoe").count() == 7
    assert event.data == {"username": "jdoe", "ip_address": "127.0.0.1"}
    assert (event.target_type, event.target_id) == ("accounts.user", str(user.pk))
    assert event.actor_label == "sign-in:127.0.0.1"


def test_one_address_guessing_many_accounts_is_locked(make_user: MakeUser) -> None:
    for name in ("ann", "bob", "cat", "dan", "eve"):
        make_user(name, password=PASSWORD)
    client = Client()

    statuses = [_attempt(client, name, "Winter2025!")[0] for name in ("ann", "bob", "cat", "dan")]
    last_status, _ = _attempt(client, "eve", "Winter2025!")
    eve_status, _ = _attempt(client, "eve", PASSWORD)

    assert statuses == [200, 200, 200, 200]
    assert (last_status, eve_status) == (429, 429)


def test_a_successful_sign_in_resets_the_count(make_user: MakeUser) -> None:
    make_user("jdoe", password=PASSWORD)
    client = Client()
    for _ in range(4):
        _attempt(client, "jdoe", "wrong")

    status, _ = _attempt(client, "jdoe", PASSWORD)
    Client().post("/accounts/logout/")
    again = [_attempt(Client(), "jdoe", "wrong")[0] for _ in range(4)]

    assert status == 302
    assert again == [200, 200, 200, 200]
    assert User.objects.get().last_login is not None
