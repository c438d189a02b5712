"""Admins add local accounts; the person sets their own password from a one-time, expiring link."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from tests import factories
from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts import services
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a new and long pass phrase"
OnCommit = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
LINK = re.compile(r"https?://[^\s<\"]+/accounts/password/set/[^\s<\"]+/")


def _admin_client(make_user: MakeUser) -> tuple[User, Client]:
    admin = make_user("ada", User.Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return admin, client


def _create(client: Client, **fields: str) -> str:
    data = {"username": "vis", "email": "vis@uni.example", "role": "officer", **fields}
    response = client.post("/accounts/users/new/", data)
    assert response.status_code == 200
    return response.content.decode()


def _set_password(link: str, password: str = PASSWORD) -> Client:
    client = Client()
    form = client.get(link, follow=True)
    assert "Choose a password for" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/set/done/"
    return client


def test_an_admin_adds_an_officer_who_is_emailed_an_invitation(
    make_user: MakeUser, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_EMAIL_CONFIGURED = True
    physics = factories.make_department("Physics")
    _, client = _admin_client(make_user)

    with django_capture_on_commit_callbacks(execute=True):
        page = _create(client, department=str(physics.pk), first_name="Vi", last_name="Sitor")

    user = User.objects.get(username="vis")
    (message,) = mail.outbox
    assert (user.role, user.department, user.has_usable_password()) == (
        User.Role.OFFICER,
        physics,
        False,
    )
    assert "An invitation to set a password was sent to" in page
    assert LINK.search(page) is None  # e-mailed, so not shown to the admin
    assert (message.to, message.subject) == (
        ["vis@uni.example"],
        "Your trustdesk account: set your password",
    )
    assert [
        e.action for e in AuditEvent.objects.filter(target_id=str(user.pk)).order_by("sequence")
    ] == [
        "trustdesk.user.created",
        "trustdesk.user.invited",
    ]
    assert AuditEvent.objects.get(action="trustdesk.user.created").data == {
        "via": "admin",
        "role": "officer",
        "department": "Physics",
    }


def test_the_invitation_link_sets_the_first_password_once(
    make_user: MakeUser, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_EMAIL_CONFIGURED = True
    _, client = _admin_client(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        _create(client)
    match = LINK.search(mail.outbox[0].body)
    assert match is not None

    _set_password(match.group(0))
    again = Client().get(match.group(0), follow=True).content.decode()
    signed_in = Client().post("/accounts/login/", {"username": "vis", "password": PASSWORD})

    assert User.objects.get(username="vis").check_password(PASSWORD)
    assert "This link does not work any more" in again
    assert signed_in.status_code == 302
    assert AuditEvent.objects.get(action="trustdesk.user.password_set").data == {"first": True}


def test_without_email_the_admin_is_shown_the_link_to_pass_on(make_user: MakeUser) -> None:
    _, client = _admin_client(make_user)

    page = _create(client)
    match = LINK.search(page)

    assert "This trustdesk cannot send e-mail" in page
    assert mail.outbox == []
    assert match is not None
    _set_password(match.group(0))
    assert AuditEvent.objects.get(action="trustdesk.user.invited").data["emailed"] is False


def test_an_invitation_expires(make_user: MakeUser, settings: Settings) -> None:
    settings.PASSWORD_RESET_TIMEOUT = 3600
    admin = make_user("ada", User.Role.ADMIN)
    user = make_user("vis")
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        link = services.user_invite(actor=admin, user=user, base_url="http://testserver")

    with time_machine.travel(now + timedelta(seconds=3601), tick=False):
        page = Client().get(link.url, follow=True).content.decode()

    assert link.expires_at == now + timedelta(hours=1)
    assert "This link does not work any more: it has been used, or it has expired." in page


def test_an_administrator_is_not_created_by_invitation(make_user: MakeUser) -> None:
    admin, client = _admin_client(make_user)

    page = _create(client, role="admin")
    with pytest.raises(services.AdminNotInvited):
        services.user_create(
            actor=admin, username="boss", email="boss@uni.example", role=User.Role.ADMIN
        )

    assert "Select a valid choice. admin is not one of the available choices." in page
    assert not User.objects.filter(username__in=["vis", "boss"]).exists()


def test_an_officer_cannot_add_users(make_user: MakeUser) -> None:
    officer = make_user("olga", User.Role.OFFICER)
    client = Client()
    client.force_login(officer)

    response = client.post(
        "/accounts/users/new/",
        {"username": "vis", "email": "vis@uni.example", "role": "researcher"},
    )

    assert response.status_code == 403
    assert "Your role does not allow you to manage user accounts." in response.content.decode()
    assert not User.objects.filter(username="vis").exists()


def test_a_taken_username_is_refused_on_the_form(make_user: MakeUser) -> None:
    _, client = _admin_client(make_user)
    make_user("vis")

    page = _create(client, username="VIS")

    assert "A user named &#x27;VIS&#x27; already exists." in page
    assert User.objects.filter(username__iexact="vis").count() == 1


def test_a_new_invitation_for_someone_without_a_password(make_user: MakeUser) -> None:
    _, client = _admin_client(make_user)
    invitee = make_user("vis")
    member = make_user("mem", password=PASSWORD)

    fresh = client.post(f"/accounts/users/{invitee.public_id}/invite/")
    refused = client.post(f"/accounts/users/{member.public_id}/invite/", follow=True)

    assert LINK.search(fresh.content.decode()) is not None
    assert (
        "Mem Tester has already set a password; they can reset it from the sign-in page."
        in refused.content.decode()
    )
    assert AuditEvent.objects.filter(action="trustdesk.user.invited").count() == 1


def test_the_users_page_offers_adding_and_says_who_is_invited(make_user: MakeUser) -> None:
    _, client = _admin_client(make_user)
    make_user("vis")

    page = client.get("/accounts/users/").content.decode()

    assert 'href="/accounts/users/new/"' in page
    assert "Invited: no password yet" in page
    assert "Send a new invitation" in page


def test_a_link_made_before_the_account_was_deactivated_sets_nothing(make_user: MakeUser) -> None:
    admin = make_user("ada", User.Role.ADMIN)
    user = make_user("vis")
    link = services.user_invite(actor=admin, user=user, base_url="http://testserver")
    services.user_deactivate(actor=admin, user=user, reason="Left the university.")

    page = Client().get(link.url, follow=True).content.decode()

    assert "This link does not work any more" in page
