"""Guidance pages: written by officers, every edit kept as a version, diffed and restorable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.web.hub.conftest import Cast, make_page, page_fields
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.hub import selectors, services
from trustdesk.web.hub.models import GuidancePage, PageVersion
from trustdesk.web.notify.models import Notification


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_an_officer_writes_a_page_which_is_version_one_and_audited(cast: Cast) -> None:
    page = make_page(cast.olga)

    assert (page.version, page.owner, page.slug) == (1, cast.olga, "export-controls-for-academics")
    assert page.tags == ["export-control", "law"]
    assert [v.number for v in page.versions.all()] == [1]
    event = AuditEvent.objects.get(action="trustdesk.guidance_page.created")
    assert (event.actor, event.target_id) == (cast.olga, str(page.pk))


def test_a_researcher_may_not_write_guidance(cast: Cast) -> None:
    with pytest.raises(PermissionDenied, match="Your role does not allow you to edit guidance"):
        make_page(cast.rita)

    assert GuidancePage.objects.count() == 0


def test_a_page_needs_a_title_a_body_and_a_review_date(cast: Cast) -> None:
    with pytest.raises(services.GuidanceInvalid) as caught:
        make_page(cast.olga, title=" ", body="", review_by=None)

    assert caught.value.errors == {
        "title": [services.NEEDS_TITLE],
        "body": [services.NEEDS_BODY],
        "review_by": [services.NEEDS_REVIEW_BY],
    }


def test_an_edit_is_a_new_version_and_the_diff_shows_what_changed(cast: Cast) -> None:
    page = make_page(cast.olga)

    page = services.page_update(
        actor=cast.olga,
        page=page,
        fields=page_fields(body="## Licences\n\nA **licence** is needed for listed technology."),
        read_version=1,
    )

    assert page.version == 2
    version, lines = selectors.version_diff(page, 2)
    assert version.edited_by == cast.olga
    assert [(line.op, line.text) for line in lines if line.op in {"add", "remove"}] == [
        ("remove", "A **licence** may be needed for controlled technology."),
        ("add", "A **licence** is needed for listed technology."),
    ]
    event = AuditEvent.objects.get(action="trustdesk.guidance_page.updated")
    assert event.data["changed"] == ["body"]


def test_a_stale_edit_is_refused_and_changes_nothing(cast: Cast) -> None:
    page = make_page(cast.olga)
    services.page_update(actor=cast.olga, page=page, fields=page_fields(title="New"))

    with pytest.raises(services.EditConflict, match="now version 2"):
        services.page_update(
            actor=cast.olga, page=page, fields=page_fields(title="Other"), read_version=1
        )

    assert GuidancePage.objects.get().title == "New"


def test_restoring_makes_an_old_text_current_as_a_new_version(cast: Cast) -> None:
    page = make_page(cast.olga)
    page = services.page_update(actor=cast.olga, page=page, fields=page_fields(body="Wrong."))

    page = services.page_restore(actor=cast.olga, page=page, number=1)

    assert (page.version, page.body) == (3, page_fields().body)
    assert PageVersion.objects.get(page=page, number=3).note == "Restored from version 1"
    assert AuditEvent.objects.get(action="trustdesk.guidance_page.restored").data == {
        "from_version": 1,
        "version": 3,
    }


def test_the_owner_is_told_once_when_a_page_passes_its_review_date(cast: Cast) -> None:
    page = make_page(cast.olga, review_by=dt.date(2026, 1, 1))
    make_page(cast.olga, title="Fresh page")

    told = services.stale_pages_remind(today=dt.date(2026, 1, 2))
    again = services.stale_pages_remind(today=dt.date(2026, 1, 3))

    assert (told, again) == ([page], [])
    note = Notification.objects.get(kind=Notification.Kind.GUIDANCE_STALE)
    assert note.recipient == cast.olga
    assert note.text == (
        "The guidance page “Export controls for academics” you own was due for review on "
        "2026-01-01: check it and set a new review date."
    )
    assert mail.outbox == []  # e-mail is off in the tests' settings


def test_the_preview_answers_sanitised_html(cast: Cast) -> None:
    response = _client(cast.olga).post(
        reverse("hub:preview"), {"body": "**hi** <script>x()</script> [a](javascript:x())"}
    )

    assert response.status_code == 200
    assert response.content.decode() == (
        "<p><strong>hi</strong> &lt;script&gt;x()&lt;/script&gt; [a](javascript:x())</p>\n"
    )


def test_a_page_renders_sanitised_for_a_reader(cast: Cast) -> None:
    page = make_page(cast.olga, body='Hi <img src=x onerror="steal()"> [x](javascript:steal())')

    html = _client(cast.rita).get(page.get_absolute_url()).content.decode()

    assert 'Hi &lt;img src=x onerror="steal()"&gt; [x](javascript:steal())' in html
    assert 'href="javascript' not in html
    assert "<img" not in html


def test_only_a_published_page_is_open_without_sign_in(cast: Cast) -> None:
    public = make_page(cast.olga, title="Open", public=True)
    private = make_page(cast.olga, title="Closed")
    visitor = Client()

    shown = visitor.get(reverse("hub:public-page", kwargs={"slug": public.slug}))
    hidden = visitor.get(reverse("hub:public-page", kwargs={"slug": private.slug}))
    index = visitor.get(reverse("hub:public-index")).content.decode()

    assert (shown.status_code, hidden.status_code) == (200, 404)
    assert "Open" in index
    assert "Closed" not in index
    assert visitor.get(private.get_absolute_url()).status_code == 302  # to sign in
    assert 'href="/accounts/login/?next=/guidance/">sign in</a>' in index  # for the rest


def test_an_officer_edits_a_page_through_the_form(cast: Cast) -> None:
    page = make_page(cast.olga)
    form = {
        "title": "Export control",
        "summary": "",
        "body": "New text.",
        "tags": "export control",
        "review_by": "2031-01-01",
        "version": "1",
    }

    response = _client(cast.olga).post(reverse("hub:page-edit", args=[page.public_id]), form)

    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title, page.body, page.version, page.public) == (
        "Export control",
        "New text.",
        2,
        False,
    )
