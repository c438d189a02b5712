"""Assigning a case: officers only, to an officer, audited, the new assignee told."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests import factories
from tests.web.cases.conftest import Advance, Cast
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.notify.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)  # notifications are sent on commit
Status = Engagement.Status


def test_an_officer_assigns_a_case_to_another_officer_who_is_told(
    cast: Cast, advance: Advance
) -> None:
    # given a submitted case and a second officer
    oscar = factories.make_user("oscar", User.Role.OFFICER)
    engagement = advance(Status.SUBMITTED)
    # when Olga assigns it to Oscar
    assigned = services.engagement_assign(actor=cast.olga, engagement=engagement, assignee=oscar)
    # then it is Oscar's, the trail says so, and Oscar (only) is told
    assert Engagement.objects.get(pk=engagement.pk).assignee == oscar
    assert assigned.version == engagement.version + 1
    event = AuditEvent.objects.filter(action="trustdesk.engagement.assigned").get()
    assert event.data == {"from": None, "to": "oscar", "version": assigned.version}
    assert event.actor == cast.olga
    told = Notification.objects.filter(kind=Notification.Kind.ASSIGNED).get()
    assert told.recipient == oscar
    assert told.text == f"{cast.olga} assigned “{engagement.title}” to you."


def test_assigning_to_oneself_tells_nobody_and_unassigning_is_audited(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.SUBMITTED)
    services.engagement_assign(actor=cast.olga, engagement=engagement, assignee=cast.olga)
    services.engagement_assign(actor=cast.olga, engagement=engagement, assignee=None)
    assert Engagement.objects.get(pk=engagement.pk).assignee is None
    trail = AuditEvent.objects.filter(action="trustdesk.engagement.assigned").order_by("sequence")
    assert [(e.data["from"], e.data["to"]) for e in trail] == [(None, "olga"), ("olga", None)]
    assert not Notification.objects.filter(kind=Notification.Kind.ASSIGNED).exists()


@pytest.mark.parametrize("who", ["rita", "cara", "alan", "aude", "ada"])
def test_only_officers_assign(cast: Cast, advance: Advance, who: str) -> None:
    engagement = advance(Status.SUBMITTED)
    with pytest.raises(PermissionDenied, match="assign cases to officers"):
        services.engagement_assign(
            actor=cast.by_name(who), engagement=engagement, assignee=cast.olga
        )
    assert not AuditEvent.objects.filter(action="trustdesk.engagement.assigned").exists()


@pytest.mark.parametrize("who", ["rita", "alan"])
def test_a_case_goes_only_to_an_officer(cast: Cast, advance: Advance, who: str) -> None:
    engagement = advance(Status.SUBMITTED)
    with pytest.raises(services.NotReady, match="only an active officer"):
        services.engagement_assign(
            actor=cast.olga, engagement=engagement, assignee=cast.by_name(who)
        )


def test_the_engagement_page_assigns_to_me(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.SUBMITTED)
    client = Client()
    client.force_login(cast.olga)
    page = client.get(engagement.get_absolute_url())
    assert b"Assign to me" in page.content
    response = client.post(f"{engagement.get_absolute_url()}assign/", {"to_me": "1"})
    assert response.status_code == 302
    assert Engagement.objects.get(pk=engagement.pk).assignee == cast.olga
    # and the researcher sees who has it, without the form
    client.force_login(cast.rita)
    page = client.get(engagement.get_absolute_url())
    assert b"Assign to me" not in page.content
    assert str(cast.olga).encode() in page.content


def test_the_api_assigns_and_lists_by_assignee(cast: Cast, advance: Advance) -> None:
    oscar = factories.make_user("oscar", User.Role.OFFICER)
    engagement, other = advance(Status.SUBMITTED), advance(Status.SUBMITTED)
    client = Client()
    client.force_login(cast.olga)
    url = f"/api/engagements/{engagement.public_id}/assign"
    response = client.post(url, {"assignee": str(oscar.public_id)}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["assignee"] == "oscar"
    refused = client.post(
        url, {"assignee": str(cast.rita.public_id)}, content_type="application/json"
    )
    assert refused.status_code == 422
    listed = client.get("/api/engagements", {"assignee": "none"}).json()
    assert [item["id"] for item in listed["items"]] == [str(other.public_id)]
