"""Officers and administrators see a banner on every page while a sanctions list is missing or
stale; researchers do not, and the banner costs one query per request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.support import shared_path
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.lists import services

pytestmark = pytest.mark.django_db
BANNER = "Sanctions screening is incomplete."


def _client(role: User.Role) -> Client:
    department = Department.objects.get_or_create(name="Chemistry")[0]
    user = User(username=role.value, role=role, department=department)
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.ADMIN])
@pytest.mark.parametrize("page", ["/", "/accounts/me/", "/lists/", "/partners/organisations/"])
def test_officers_and_admins_see_the_banner_while_sanctions_lists_are_missing(
    role: User.Role, page: str
) -> None:
    services.shipped_lists_ensure()

    html = _client(role).get(page, follow=True).content.decode()

    assert BANNER in html
    assert "Never loaded: uk-sanctions, un-sc, ofac-sdn, ofac-cons, eu-fsf, us-csl." in html
    assert "ca-nro" not in html.split(BANNER)[1].split("</div>")[0]


@pytest.mark.parametrize("role", [User.Role.RESEARCHER, User.Role.CHAMPION])
def test_researchers_do_not_see_the_banner(role: User.Role) -> None:
    services.shipped_lists_ensure()

    html = _client(role).get("/", follow=True).content.decode()

    assert BANNER not in html


def test_the_banner_goes_when_every_expected_sanctions_list_is_current(settings: object) -> None:
    services.shipped_lists_ensure()
    services.list_snapshot_import(paths=[shared_path("data/un-sc/UN_consolidated.xml")], actor="t")
    settings.TRUSTDESK_LISTS_EXPECTED = ["un-sc", "ca-nro"]  # type: ignore[attr-defined]
    officer = _client(User.Role.OFFICER)

    assert BANNER not in officer.get("/accounts/me/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        stale = officer.get("/accounts/me/").content.decode()
    assert BANNER in stale
    assert "Out of date: un-sc (8 days old; at most 7)." in stale


def test_the_banner_costs_one_query_per_request() -> None:
    services.shipped_lists_ensure()
    officer = _client(User.Role.OFFICER)
    researcher = _client(User.Role.RESEARCHER)
    officer.get("/accounts/me/")  # sessions and caches warmed
    researcher.get("/accounts/me/")

    with CaptureQueriesContext(connection) as seen_by_officer:
        officer.get("/accounts/me/")
    with CaptureQueriesContext(connection) as seen_by_researcher:
        researcher.get("/accounts/me/")

    coverage = [q for q in seen_by_officer.captured_queries if "lists_listsource" in q["sql"]]
    assert len(coverage) == 1
    assert len(seen_by_officer) == len(seen_by_researcher) + 1
