"""Repeated failed sign-ins lock the account and the address, say so, and are recorded."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from pytest_django.fixtures import Settings

from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts.models import User
from trustdesk.web.conf import auth as auth_conf
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = (
    "Too many failed sign-in attempts: after 5 failures, sign-in to this account from this "
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


def test_one_address_guessing_many_accounts_is_locked_when_addresses_are_locked_too(
    make_user: MakeUser, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTDESK_LOCKOUT_BY", "username+ip_address,ip_address")
    settings.AXES_LOCKOUT_PARAMETERS = auth_conf._lockout_parameters()
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


# --- behind a reverse proxy: the client's address, from the proxy's X-Forwarded-For --------

PROXY = "10.0.0.2"  # every request reaches trustdesk from here


def _through_proxy(username: str, password: str, client_address: str) -> int:
    client = Client(REMOTE_ADDR=PROXY)
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        headers={"X-Forwarded-For": client_address},
    )
    return response.status_code


def test_five_failures_by_different_users_through_one_proxy_leave_officer1_signing_in(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.TRUSTDESK_PROXY_COUNT = 1
    make_user("officer1", role=User.Role.OFFICER, password=PASSWORD)
    people = [("ann", "198.51.100.1"), ("bob", "198.51.100.2"), ("cat", "198.51.100.3")]
    people += [("dan", "198.51.100.4"), ("eve", "198.51.100.5")]
    for name, _ in people:
        make_user(name, password=PASSWORD)

    failures = [_through_proxy(name, "wrong", address) for name, address in people]
    officer = _through_proxy("officer1", PASSWORD, "198.51.100.9")

    assert failures == [200] * 5
    assert officer == 302
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        address for _, address in people
    ]


def test_five_failures_lock_officer1_from_that_address_only(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.TRUSTDESK_PROXY_COUNT = 1
    make_user("officer1", role=User.Role.OFFICER, password=PASSWORD)

    failures = [_through_proxy("officer1", "wrong", "203.0.113.66") for _ in range(5)]
    there = _through_proxy("officer1", PASSWORD, "203.0.113.66")
    elsewhere = _through_proxy("officer1", PASSWORD, "198.51.100.9")

    assert failures == [200, 200, 200, 200, 429]
    assert (there, elsewhere) == (429, 302)


def test_two_proxies_count_the_address_the_outer_one_saw(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.TRUSTDESK_PROXY_COUNT = 2
    make_user("officer1", role=User.Role.OFFICER, password=PASSWORD)
    # The client wrote the first address itself; the outer proxy appended the client's real one.
    chain = "192.0.2.1, 203.0.113.66, 10.0.0.1"

    for _ in range(5):
        _through_proxy("officer1", "wrong", chain)
    forged_first = _through_proxy("officer1", PASSWORD, "192.0.2.99, 203.0.113.66, 10.0.0.1")

    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"
    assert forged_first == 429


def test_a_spoofed_forwarded_for_is_ignored_when_not_behind_a_proxy(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.TRUSTDESK_PROXY_COUNT = 0
    make_user("officer1", role=User.Role.OFFICER, password=PASSWORD)

    for n in range(5):
        client = Client(REMOTE_ADDR="203.0.113.66")
        client.post(
            "/accounts/login/",
            {"username": "officer1", "password": "wrong"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
    with_new_claim = Client(REMOTE_ADDR="203.0.113.66").post(
        "/accounts/login/",
        {"username": "officer1", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )

    assert with_new_claim.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"
