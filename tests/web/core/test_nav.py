"""The main navigation: each role's links, and "More" only for the roles with too many."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from trustdesk.web.accounts.models import User

pytestmark = pytest.mark.django_db


def _nav(role: User.Role, path: str = "/notifications/") -> tuple[list[str], list[str], str]:
    """The bar's links, those under "More", and the current one (with "More" if it is marked
    current), on `path` seen by `role`."""
    client = Client()
    client.force_login(factories.make_user(f"u-{role}", role))
    page = client.get(path).content.decode()
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    bar, _, more = nav.partition('<li class="nav-more">')
    label = re.compile(r"<a [^>]*>([^<]+)")
    current = re.findall(r'aria-current="page">([^<]+)|<summary class="current">([^<]+)', nav)
    return label.findall(bar), label.findall(more), " ".join("".join(c) for c in current)


def test_a_researcher_sees_every_link_in_the_bar_and_no_more() -> None:
    bar, more, current = _nav(User.Role.RESEARCHER)

    assert bar == ["Notifications", "Guidance", "Engagements", "Check what applies",
                   "Organisations", "People"]  # fmt: skip
    assert more == []
    assert current == "Notifications"


def test_an_officer_finds_the_links_used_less_under_more() -> None:
    bar, more, _ = _nav(User.Role.OFFICER)

    assert bar == ["Notifications", "Guidance", "Engagements", "Check what applies",
                   "Organisations", "People", "Watch lists"]  # fmt: skip
    assert more == ["Monitoring", "Policy versions", "Leadership", "Committee seats",
                    "Self-assessment", "Task runs"]  # fmt: skip


def test_a_monitoring_page_is_current_under_more() -> None:
    _, _, current = _nav(User.Role.OFFICER, "/monitoring/")

    assert current == "More Monitoring"


def test_a_page_under_more_is_current_there_and_more_says_so() -> None:
    _, _, current = _nav(User.Role.ADMIN, "/jobs/")

    assert current == "More Task runs"


def test_a_senior_owner_has_too_few_links_to_fold_any() -> None:
    bar, more, _ = _nav(User.Role.SENIOR_OWNER)

    assert (bar, more) == (["Notifications", "Guidance", "Leadership", "Self-assessment"], [])
