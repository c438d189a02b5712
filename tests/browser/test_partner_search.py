"""Adding a partner from a search in Chromium: with JavaScript the matches arrive as the name is
typed (htmx, under the strict CSP); without it, the search opens its own page.

With TRUSTDESK_SCREENSHOTS=/some/dir the case page with its matches is saved there at 1366 and
390 px, for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_accessibility import PASSWORD
from tests.browser.test_csp import Watched, violations, watched  # noqa: F401  # the fixture
from tests.web.cases.conftest import Cast, cast  # noqa: F401  # the fixture
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import EngagementPartner

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("TRUSTDESK_SCREENSHOTS", "")
PARTNER = "Kestrel Institute of Hydrology"


@pytest.fixture
def draft(cast: Cast) -> str:  # noqa: F811
    """Rita's draft (she signs in), the partner among others in the register; its page."""
    cast.rita.set_password(PASSWORD)
    cast.rita.save(update_fields=["password"])
    for name in (PARTNER, "Kestrel Polytechnic", "Harbour College of Art"):
        factories.make_organisation(cast.olga, name)
    engagement = case_services.engagement_create(
        actor=cast.rita, fields=factories.engagement_fields()
    )
    return engagement.get_absolute_url()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_partner_is_found_as_it_is_typed_and_added(
    watched: Watched,  # noqa: F811
    cast: Cast,  # noqa: F811
    draft: str,
    width: int,
) -> None:
    page = watched.tab(cast.rita)
    page.set_default_timeout(30_000)  # the case page is the heaviest: slow on a busy machine
    page.set_viewport_size({"width": width, "height": 900})
    watched.visit(cast.rita, draft)
    page.get_by_text("Add a partner", exact=True).click()
    page.get_by_label("Find the organisation or person").fill("kestrel")

    choice = page.get_by_role("radio", name=re.compile(PARTNER))
    expect(choice).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(2)  # both Kestrels, not the college
    assert page.url.endswith(draft)  # no page load: the matches came into this page
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/partner-search-case-{width}.png", full_page=True)
    # The answer swapped in and settled (htmx marks new content for a moment; a click inside
    # that moment is lost to the swap, far quicker than a person moves to the list).
    page.wait_for_load_state("networkidle")
    expect(page.locator(".htmx-settling, .htmx-added, .htmx-swapping")).to_have_count(0)
    choice.check()
    page.get_by_label("Role").select_option(label="Funder or sponsor")
    page.get_by_role("button", name="Add partner").click()

    expect(page.get_by_role("region", name="Partners")).to_contain_text(PARTNER)
    assert EngagementPartner.objects.get().partner.name == PARTNER
    assert violations(page) == []
    assert watched.console == []


def test_without_javascript_the_search_opens_its_own_page(
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,  # noqa: F811
    draft: str,
) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(cast.rita.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + draft)
    page.get_by_text("Add a partner", exact=True).click()
    page.get_by_label("Find the organisation or person").fill("kestrel")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a partner")
    page.get_by_role("radio", name=re.compile(PARTNER)).check()
    page.get_by_role("button", name="Add partner").click()

    expect(page.get_by_role("region", name="Partners")).to_contain_text(PARTNER)
    context.close()
