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

from tests import factories
from tests.support import shared_path
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.lists import services

pytestmark = pytest.mark.django_db
BANNER = "Sanctions screening is incomplete."


def _client(role: User.Role) -> Client:
    department = Department.objects.filter(name="Chemistry").first()
    user = factories.make_user(
        role.value, role, department=department or factories.make_department("Chemistry")
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.ADMIN])
@pytest.mark.parametrize("page", ["/", "/accounts/me/", "/policy/", "/partners/organisations/"])
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


def test_the_watch_lists_page_flags_each_expected_list_missing_or_out_of_date(
    settings: object,
) -> None:
    # given the UN list loaded, then left unconfirmed for eight days, and OFAC's never loaded
    services.shipped_lists_ensure()
    services.list_snapshot_import(paths=[shared_path("data/un-sc/UN_consolidated.xml")], actor="t")
    settings.TRUSTDESK_LISTS_EXPECTED = ["un-sc", "ofac-sdn", "ca-nro"]  # type: ignore[attr-defined]
    officer = _client(User.Role.OFFICER)

    # when an officer opens the watch lists
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        html = officer.get("/lists/").content.decode()

    # then the page says which expected lists screening cannot vouch for, and flags the row
    notice = html.split('id="coverage"')[1].split("</div>")[0]
    assert "Never loaded, so nothing is checked against them: <strong>ofac-sdn</strong>." in notice
    assert "Out of date: <strong>un-sc</strong> (last confirmed 8 days ago; at most 7)." in notice
    assert "ca-nro" not in notice
    assert BANNER not in html  # the page says it in full; the banner would repeat it
    un_row = html.split('href="/lists/un-sc/"')[1].split("</td>")[0]
    assert '<strong class="flag">Out of date</strong>' in un_row


def test_the_watch_lists_page_has_no_coverage_notice_when_every_expected_list_is_current(
    settings: object,
) -> None:
    services.shipped_lists_ensure()
    settings.TRUSTDESK_LISTS_EXPECTED = ["ca-nro"]  # type: ignore[attr-defined]

    html = _client(User.Role.OFFICER).get("/lists/").content.decode()

    assert 'id="coverage"' not in html
    assert 'class="flag"' not in html
