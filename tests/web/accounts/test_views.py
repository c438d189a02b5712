"""The sign-in page, the account page, user administration and the site layout."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts.models import User

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str) -> str:
    return " ".join(client.get(url).content.decode().split())


def _as(make_user: MakeUser, username: str, role: User.Role = User.Role.RESEARCHER) -> Client:
    client = Client()
    client.force_login(make_user(username, role))  # axes needs a request, which login() lacks
    return client


def test_home_sends_visitors_to_sign_in() -> None:
    response = Client().get("/", follow=True)

    # The home page is the desk, which needs an account: sign in, then come back to it.
    assert response.redirect_chain == [("/accounts/login/?next=/", 302)]


def test_a_new_install_says_how_to_create_the_first_admin(make_user: MakeUser) -> None:
    before = _page(Client(), "/accounts/login/")
    make_user("ada", User.Role.ADMIN)
    after = _page(Client(), "/accounts/login/")

    notice = "run <code>trustdesk createadmin USERNAME EMAIL</code> to create the first one"
    assert notice in before
    assert notice not in after


def test_the_layout_has_landmarks_and_no_external_assets() -> None:
    html = Client().get("/accounts/login/").content.decode()

    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main" tabindex="-1">' in html
    assert 'role="status" aria-live="polite"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<link rel="stylesheet" href="/static/trustdesk/site.css">' in html
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []


def test_a_local_password_signs_in(make_user: MakeUser) -> None:
    make_user("rita", password="a long pass phrase")
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"username": "rita", "password": "a long pass phrase", "next": "/accounts/me/"},
        follow=True,
    )

    assert response.redirect_chain == [("/accounts/me/", 302)]
    assert "Signed in as <strong>Rita Tester</strong> (Researcher)" in " ".join(
        response.content.decode().split()
    )


def test_the_account_page_lists_what_the_role_allows(make_user: MakeUser) -> None:
    page = _page(_as(make_user, "rita"), "/accounts/me/")

    assert "<dt>Role</dt><dd>Researcher: Proposes engagements" in page
    assert re.findall(r"<li>([^<]*)</li>", page) == [
        "See engagements in your scope, with their triage, screening results and decision.",
        "Propose an engagement and answer its triage questions.",
        "Add answers, documents and evidence to an engagement in your scope.",
        "See organisations and the people in your scope, with their screening hits and verdicts.",
        "Add organisations and people, and correct the records in your scope.",
    ]
    assert 'href="/accounts/users/"' not in page


def test_a_researcher_cannot_see_the_user_list(make_user: MakeUser) -> None:
    response = _as(make_user, "rita").get("/accounts/users/")

    assert response.status_code == 403
    assert "Your role does not allow you to see user accounts." in response.content.decode()
    assert "user.view" not in response.content.decode()  # the label, never the key


def test_an_auditor_sees_users_but_no_change_forms(make_user: MakeUser) -> None:
    client = _as(make_user, "aud", User.Role.AUDITOR)
    make_user("rita")

    page = _page(client, "/accounts/users/")

    assert "Rita Tester" in page
    assert "Change role" not in page


def test_an_admin_changes_a_role_from_the_user_list(make_user: MakeUser) -> None:
    client = _as(make_user, "ada", User.Role.ADMIN)
    rita = make_user("rita")

    response = client.post(
        f"/accounts/users/{rita.public_id}/role/",
        {"role": "officer", "reason": "joined the team"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Rita Tester is now Research-security officer."
    ]
    assert User.objects.get(pk=rita.pk).role == User.Role.OFFICER


def test_a_role_change_without_a_reason_changes_nothing(make_user: MakeUser) -> None:
    client = _as(make_user, "ada", User.Role.ADMIN)
    rita = make_user("rita")

    response = client.post(
        f"/accounts/users/{rita.public_id}/role/", {"role": "admin"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Choose a role and give a reason for the change."
    ]
    assert User.objects.get(pk=rita.pk).role == User.Role.RESEARCHER


def test_the_last_admin_is_told_why_they_keep_the_role(make_user: MakeUser) -> None:
    ada = make_user("ada", User.Role.ADMIN)
    client = Client()
    client.force_login(ada)

    response = client.post(
        f"/accounts/users/{ada.public_id}/role/", {"role": "officer", "reason": "x"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "trustdesk needs at least one active administrator: make another user an "
        "administrator first."
    ]


def test_others_accounts_are_not_found_for_a_researcher(make_user: MakeUser) -> None:
    client = _as(make_user, "rita")
    other = make_user("otto")

    response = client.post(
        f"/accounts/users/{other.public_id}/role/", {"role": "admin", "reason": "x"}
    )

    assert response.status_code == 404
    assert User.objects.get(pk=other.pk).role == User.Role.RESEARCHER


def test_an_admin_deactivates_a_user_who_then_cannot_use_their_session(
    make_user: MakeUser,
) -> None:
    admin = _as(make_user, "ada", User.Role.ADMIN)
    rita = make_user("rita")
    rita_client = Client()
    rita_client.force_login(rita)

    admin.post(f"/accounts/users/{rita.public_id}/deactivate/", {"reason": "left"})

    assert User.objects.get(pk=rita.pk).is_active is False
    assert rita_client.get("/accounts/me/").status_code == 302


def test_sign_out_ends_the_session(make_user: MakeUser) -> None:
    client = _as(make_user, "rita")

    response = client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "_auth_user_id" not in client.session
