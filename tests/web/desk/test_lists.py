"""The engagement list shows and filters tier, screening, assignee and age (GET, bookmarkable)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.web.cases.conftest import Advance, Cast
from tests.web.desk.support import screened_partner, triaged
from trustdesk.web.cases import selectors, services
from trustdesk.web.cases.models import Engagement

pytestmark = pytest.mark.django_db
Status = Engagement.Status


def titles(user: object, **query: str) -> list[str]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get("/engagements/", query)
    assert response.status_code == 200
    return sorted(
        re.findall(r'<td><a href="/engagements/[^"]+/">([^<]+)</a></td>', response.content.decode())
    )


@pytest.fixture
def three(cast: Cast, advance: Advance) -> dict[str, Engagement]:
    """An open-hit case assigned to Olga (enhanced), a confirmed-hit one, and an old clear one."""
    hits = factories.make_engagement(cast.rita, title="Open hits")
    screened_partner(hits, cast.rita, "Open Institute", ["unresolved", "false_positive"])
    hits = services.engagement_submit(actor=cast.rita, engagement=hits)
    services.engagement_assign(actor=cast.olga, engagement=hits, assignee=cast.olga)
    triaged(hits, "enhanced")
    confirmed = factories.make_engagement(cast.rita, title="Confirmed hit")
    screened_partner(confirmed, cast.rita, "Confirmed Institute", ["confirmed"])
    old = factories.make_engagement(cast.rita, title="Old and clear")
    Engagement.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))
    triaged(old, "standard")
    return {"hits": hits, "confirmed": confirmed, "old": old}


def test_the_list_shows_tier_screening_assignee_and_age(
    cast: Cast, three: dict[str, Engagement]
) -> None:
    client = Client()
    client.force_login(cast.olga)
    page = client.get("/engagements/", {"q": "Open"}).content.decode()
    row = re.sub(r"\s+", " ", page.split("<tbody>")[1].split("</tbody>")[0])
    assert "Enhanced due diligence" in row
    assert '<span class="status hits-open">1 open</span>' in row
    assert '<span class="status hits-dismissed">1 dismissed</span>' in row
    assert "<td>Olga Tester</td>" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"screening": "open"}, ["Open hits"]),
        ({"screening": "confirmed"}, ["Confirmed hit"]),
        ({"screening": "clear"}, ["Old and clear"]),
        ({"tier": "enhanced"}, ["Open hits"]),
        ({"tier": "none"}, ["Confirmed hit"]),
        ({"assignee": "me"}, ["Open hits"]),
        ({"assignee": "none"}, ["Confirmed hit", "Old and clear"]),
        ({"age": "90"}, ["Old and clear"]),
        ({"age": "90", "tier": "enhanced"}, []),
    ],
)
def test_the_list_filters(
    cast: Cast, three: dict[str, Engagement], query: dict[str, str], expected: list[str]
) -> None:
    assert titles(cast.olga, **query) == expected


def test_a_researcher_filters_only_within_their_own(
    cast: Cast, three: dict[str, Engagement]
) -> None:
    assert titles(cast.otto, screening="open") == []
    assert titles(cast.rita, screening="open") == ["Open hits"]


def test_the_api_filters_alike(cast: Cast, three: dict[str, Engagement]) -> None:
    client = Client()
    client.force_login(cast.olga)
    body = client.get("/api/engagements", {"screening": "confirmed"}).json()
    assert [i["title"] for i in body["items"]] == ["Confirmed hit"]
    body = client.get("/api/engagements", {"tier": "enhanced", "assignee": "me"}).json()
    assert [(i["title"], i["tier"], i["assignee"]) for i in body["items"]] == [
        ("Open hits", "enhanced", "olga")
    ]
    body = client.get("/api/engagements", {"older_than_days": "90"}).json()
    assert [i["title"] for i in body["items"]] == ["Old and clear"]


def test_the_organisation_list_shows_and_filters_screening_and_age(
    cast: Cast, three: dict[str, Engagement]
) -> None:
    client = Client()
    client.force_login(cast.olga)

    def names(**query: str) -> list[str]:
        page = client.get("/partners/organisations/", query).content.decode()
        return sorted(re.findall(r'<td><a href="/partners/organisations/[^"]+/">([^<]+)</a>', page))

    assert names(screening="open") == ["Open Institute"]
    assert names(screening="confirmed") == ["Confirmed Institute"]
    assert names(age="90") == []
    page = client.get("/partners/organisations/", {"q": "Open"}).content.decode()
    assert '<span class="status hits-open">1 open</span>' in page
    assert '<span class="status hits-dismissed">1 dismissed</span>' in page


def test_an_assignee_that_is_no_user_id_matches_nothing(
    cast: Cast, three: dict[str, Engagement]
) -> None:
    wanted = selectors.EngagementFilter(assignee="w")
    assert not selectors.engagement_list_for_user(user=cast.olga, filters=wanted).exists()
    client = Client()
    client.force_login(cast.olga)
    response = client.get("/api/engagements", {"assignee": "w"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
