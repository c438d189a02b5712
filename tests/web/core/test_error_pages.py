"""Refusals and failures with DEBUG off: styled pages within the layout, one log line for a
refused permission, a traceback only for a real server error, and a favicon.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from trustdesk.web.accounts.models import User

pytestmark = pytest.mark.django_db
LAYOUT = '<a class="skip-link" href="#main">Skip to main content</a>'
ICON = '<link rel="icon" href="/static/trustdesk/favicon.svg" type="image/svg+xml">'


@pytest.fixture(autouse=True)
def _debug_off(settings: SettingsWrapper) -> None:
    settings.DEBUG = False


def _client(role: User.Role) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user(username=f"u-{role}", role=role))
    return client


def _request_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_refused_permission_is_one_log_line_and_a_page_in_the_layout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = _client(User.Role.RESEARCHER)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/accounts/users/")

    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page
    assert "<h1>Not allowed</h1>" in page
    [record] = _request_log(caplog)
    assert record.getMessage() == (
        "Forbidden (Permission denied): /accounts/users/ "
        "(Your role does not allow you to see user accounts.)"
    )
    assert (record.exc_info, record.exc_text) == (None, None)
    assert "Traceback" not in caplog.text


def test_a_missing_page_is_a_404_in_the_layout(caplog: pytest.LogCaptureFixture) -> None:
    response = _client(User.Role.OFFICER).get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert LAYOUT in page
    assert ICON in page
    assert "<h1>Page not found</h1>" in page
    assert "Signed in as" in page  # the normal header: the page is inside the site


def test_a_server_error_is_a_500_in_the_layout_and_keeps_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = _client(User.Role.OFFICER)
    # The outside world fails: a table is gone (renamed inside the test's own transaction).
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE partners_organisation RENAME TO partners_organisation_gone")

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/partners/organisations/")

    assert response.status_code == 500
    page = response.content.decode()
    assert LAYOUT in page
    assert ICON in page
    assert "<h1>Something went wrong</h1>" in page
    [record] = _request_log(caplog)
    assert record.exc_info is not None


def test_a_form_without_its_csrf_token_is_a_403_in_the_layout() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_user(username="rita", role=User.Role.RESEARCHER))

    response = client.post("/accounts/logout/")

    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page
    assert "<h1>Form expired</h1>" in page


def test_a_request_for_another_host_is_a_400_in_the_layout() -> None:
    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")

    assert response.status_code == 400
    page = response.content.decode()
    assert LAYOUT in page
    assert "<h1>Request not understood</h1>" in page


def test_the_favicon_is_linked_and_answers_at_the_usual_address() -> None:
    response = Client().get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/trustdesk/favicon.svg"
    assert finders.find("trustdesk/favicon.svg") is not None
    assert ICON in Client().get("/accounts/login/").content.decode()
