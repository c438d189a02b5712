"""Local users change their password, and reset a forgotten one by e-mail without revealing who
has an account; single sign-on users have no trustdesk password."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts import services
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db

OLD = "correct horse battery staple"
NEW = "a new and long pass phrase"
OnCommit = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
LINK = re.compile(r"http://testserver/accounts/password/set/[^\s]+/")
SENT = "If that address belongs to a trustdesk account with a password"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_signed_in_user_changes_their_password_and_stays_signed_in(
    make_user: MakeUser,
) -> None:
    user = make_user("jdoe", password=OLD)
    client = _signed_in(user)

    response = client.post(
        "/accounts/me/password/",
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )

    user.refresh_from_db()
    assert user.check_password(NEW)
    assert "Your password has been changed." in response.content.decode()
    assert client.get("/accounts/me/").status_code == 200  # the session survived the change
    event = AuditEvent.objects.get(action="trustdesk.user.password_changed")
    assert (event.target_id, event.actor_id) == (str(user.pk), user.pk)


def test_a_wrong_old_password_changes_nothing(make_user: MakeUser) -> None:
    user = make_user("jdoe", password=OLD)

    response = _signed_in(user).post(
        "/accounts/me/password/",
        {"old_password": "not it", "new_password1": NEW, "new_password2": NEW},
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    assert user.check_password(OLD)
    assert not AuditEvent.objects.filter(action="trustdesk.user.password_changed").exists()


def test_a_weak_new_password_is_refused_by_the_validators(make_user: MakeUser) -> None:
    user = make_user("jdoe", password=OLD)

    response = _signed_in(user).post(
        "/accounts/me/password/",
        {"old_password": OLD, "new_password1": "short", "new_password2": "short"},
    )

    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )


def test_a_single_sign_on_user_is_told_to_change_it_at_the_university(
    make_user: MakeUser,
) -> None:
    user = make_user("sso1")
    user.sso_issuer, user.sso_subject = "https://idp.example", "abc"
    user.save(update_fields=["sso_issuer", "sso_subject"])

    page = _signed_in(user).get("/accounts/me/password/").content.decode()

    assert "You sign in with your university account" in page
    assert 'name="old_password"' not in page


def _reset(email: str) -> tuple[str, str]:
    response = Client().post("/accounts/password/reset/", {"email": email}, follow=True)
    return response.redirect_chain[-1][0], response.content.decode()


def test_a_reset_link_is_emailed_and_sets_a_new_password(
    make_user: MakeUser, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_EMAIL_CONFIGURED = True
    user = make_user("jdoe", password=OLD)

    with django_capture_on_commit_callbacks(execute=True):
        where, page = _reset("JDOE@uni.example")
    (message,) = mail.outbox
    match = LINK.search(message.body)
    assert match is not None
    client = Client()
    form = client.get(match.group(0), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    user.refresh_from_db()
    assert (where, message.subject) == (
        "/accounts/password/reset/sent/",
        "Reset your trustdesk password",
    )
    assert SENT in page
    assert user.check_password(NEW)
    assert AuditEvent.objects.get(action="trustdesk.user.password_set").data == {"first": False}
    requested = AuditEvent.objects.get(action="trustdesk.user.password_reset_requested")
    assert requested.actor_label == "password-reset:127.0.0.1"
    assert (
        "This link does not work any more"
        in Client().get(match.group(0), follow=True).content.decode()
    )


def test_the_answer_is_the_same_for_unknown_and_sso_addresses(
    make_user: MakeUser, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_EMAIL_CONFIGURED = True
    make_user("jdoe", password=OLD)
    sso = make_user("sso1")
    sso.sso_issuer, sso.sso_subject = "https://idp.example", "abc"
    sso.save(update_fields=["sso_issuer", "sso_subject"])

    with django_capture_on_commit_callbacks(execute=True):
        known = _reset("jdoe@uni.example")
        unknown = _reset("nobody@uni.example")
        single_sign_on = _reset("sso1@uni.example")

    assert known == unknown == single_sign_on
    assert [m.to for m in mail.outbox] == [["jdoe@uni.example"]]


def test_reset_links_are_limited_per_account_per_hour(
    make_user: MakeUser, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_EMAIL_CONFIGURED = True
    make_user("jdoe", password=OLD)

    with django_capture_on_commit_callbacks(execute=True):
        answers = {_reset("jdoe@uni.example") for _ in range(services.RESET_LINKS_PER_HOUR + 2)}

    assert len(answers) == 1
    assert len(mail.outbox) == services.RESET_LINKS_PER_HOUR == 3


def test_without_email_the_reset_page_says_to_ask_an_administrator(make_user: MakeUser) -> None:
    make_user("jdoe", password=OLD)

    page = Client().get("/accounts/password/reset/").content.decode()
    _reset("jdoe@uni.example")

    assert "This trustdesk cannot send e-mail. Ask an administrator" in page
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="trustdesk.user.password_reset_requested").exists()


def test_the_sign_in_page_links_to_the_reset_page() -> None:
    page = Client().get("/accounts/login/").content.decode()

    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in page
