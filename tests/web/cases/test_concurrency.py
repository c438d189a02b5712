"""Two officers editing one engagement: the second save, made from a stale read, is refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.web.cases.conftest import Advance, Cast, fields
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services
from trustdesk.web.cases.forms import EngagementForm
from trustdesk.web.cases.models import Engagement

Status = Engagement.Status

pytestmark = pytest.mark.django_db


def test_every_change_moves_the_version(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.DRAFT)
    assert engagement.version == 1
    engagement = services.engagement_update(
        actor=cast.rita, engagement=engagement, fields=fields(title="Renamed")
    )
    assert engagement.version == 2
    # Saving the same values changes nothing, so the version stays.
    engagement = services.engagement_update(
        actor=cast.rita, engagement=engagement, fields=fields(title="Renamed")
    )
    assert engagement.version == 2
    engagement = services.engagement_submit(actor=cast.rita, engagement=engagement)
    engagement = services.engagement_review_start(actor=cast.olga, engagement=engagement)
    [question] = services.information_request(
        actor=cast.olga, engagement=engagement, questions=["Why?"]
    )
    services.information_answer(actor=cast.rita, request=question, answer="Because.")
    assert Engagement.objects.get(pk=engagement.pk).version == 6


def test_a_stale_version_is_refused_naming_what_changed(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.IN_REVIEW)
    read = engagement.version
    services.engagement_update(
        actor=cast.olga,
        engagement=engagement,
        fields=fields(title="First officer's title", team=[cast.tom]),
    )
    services.information_request(actor=cast.olga, engagement=engagement, questions=["Why?"])

    with pytest.raises(services.EditConflict) as raised:
        services.engagement_update(
            actor=cast.olga,
            engagement=engagement,
            fields=fields(summary="Second officer's summary"),
            version=read,
        )

    conflict = raised.value
    assert [(c.field, c.old, c.new) for c in conflict.changes] == [
        ("title", "Quantum sensing with Example University", "First officer's title"),
        ("status", "In review", "Awaiting information"),
    ]
    assert (conflict.read_version, conflict.current_version) == (read, read + 2)
    assert conflict.by == ["Olga Tester (olga)"]
    assert "title: “Quantum sensing with Example University” → “First officer's title”" in str(
        conflict
    )
    assert "status: “In review” → “Awaiting information”" in str(conflict)
    stored = Engagement.objects.get(pk=engagement.pk)
    assert (stored.title, stored.summary) == (
        "First officer's title",
        "Joint work on cold-atom gravimeters.",
    )


def test_a_change_without_field_values_is_named_by_its_label(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.IN_REVIEW)
    read = engagement.version
    partner = factories.make_organisation(cast.olga, "Example University")
    services.engagement_partner_add(
        actor=cast.olga, engagement=engagement, partner=partner, role="partner_institution"
    )

    with pytest.raises(services.EditConflict) as raised:
        services.engagement_update(
            actor=cast.olga, engagement=engagement, fields=fields(title="Late"), version=read
        )

    assert [str(c) for c in raised.value.changes] == ["Partner added"]


def test_the_current_version_saves(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.IN_REVIEW)
    saved = services.engagement_update(
        actor=cast.olga,
        engagement=engagement,
        fields=fields(title="Checked"),
        version=engagement.version,
    )
    assert (saved.title, saved.version) == ("Checked", engagement.version + 1)


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_data(client: Client, url: str) -> dict[str, str]:
    """What the edit page's form would post back unchanged, read from the page as rendered."""
    form = client.get(url).context["form"]
    assert isinstance(form, EngagementForm)
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else str(value)
    return data


def test_two_officers_load_the_edit_page_and_the_second_save_is_refused(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.IN_REVIEW)
    olive = factories.make_user("olive", User.Role.OFFICER)
    first, second = _as(cast.olga), _as(olive)
    url = reverse("cases:engagement-edit", args=[engagement.public_id])
    first_form, second_form = _form_data(first, url), _form_data(second, url)
    assert first_form["version"] == second_form["version"] == str(engagement.version)

    saved = first.post(url, {**first_form, "title": "Olga's title", "funding_source": "UKRI"})
    refused = second.post(url, {**second_form, "summary": "Olive's summary"})

    assert saved.status_code == 302
    assert refused.status_code == 200  # the form again, with what Olive typed
    page = " ".join(refused.content.decode().split())
    assert "This engagement was changed after you opened it (by Olga Tester (olga))" in page
    assert "title: “Quantum sensing with Example University” → “Olga&#x27;s title”" in page
    assert "funding_source: “Horizon Europe” → “UKRI”" in page
    assert "Olive&#x27;s summary" in page  # nothing Olive typed is lost either
    stored = Engagement.objects.get(pk=engagement.pk)
    assert (stored.title, stored.funding_source, stored.summary) == (
        "Olga's title",
        "UKRI",
        "Joint work on cold-atom gravimeters.",
    )

    # Reloaded, Olive's form carries the new version and her change goes through.
    reloaded = _form_data(second, url)
    assert reloaded["title"] == "Olga's title"
    assert second.post(url, {**reloaded, "summary": "Olive's summary"}).status_code == 302
    stored.refresh_from_db()
    assert (stored.title, stored.summary) == ("Olga's title", "Olive's summary")
