"""A copy of the database must not sign anyone in: django_session holds digests, not keys."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts.models import User
from trustdesk.web.core.sessions import stored_key

pytestmark = pytest.mark.django_db

PASSWORD = "a long pass phrase"


def _signed_in_admin(make_user: MakeUser) -> tuple[Client, str]:
    make_user("ada", User.Role.ADMIN, password=PASSWORD)
    client = Client()
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def _stored_keys() -> list[str]:
    # Read the table the way someone holding a copy of the database file would: raw SQL.
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key FROM django_session")
        return [row[0] for row in cursor.fetchall()]


def _account_page_status(cookie: str) -> int:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client.get("/accounts/me/").status_code


def test_no_key_read_from_the_session_table_works_as_a_cookie(make_user: MakeUser) -> None:
    client, cookie = _signed_in_admin(make_user)

    keys = _stored_keys()

    assert keys == [stored_key(cookie)]
    assert cookie not in keys
    assert [_account_page_status(key) for key in keys] == [302]
    assert client.get("/accounts/me/").status_code == 200
    assert _account_page_status(cookie) == 200


def test_sign_out_deletes_the_stored_session(make_user: MakeUser) -> None:
    client, cookie = _signed_in_admin(make_user)

    client.post("/accounts/logout/")

    assert stored_key(cookie) not in _stored_keys()
    assert _account_page_status(cookie) == 302


def test_a_new_key_on_sign_in_removes_the_old_row(make_user: MakeUser) -> None:
    make_user("ada", User.Role.ADMIN, password=PASSWORD)
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    anonymous = client.session.session_key
    assert anonymous is not None

    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in != anonymous
    assert _stored_keys() == [stored_key(signed_in)]
