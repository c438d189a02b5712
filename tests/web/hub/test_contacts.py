"""Named contacts: the pack's contact keys resolve to records, with deputies while away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.hub.conftest import Cast
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.hub import selectors, services
from trustdesk.web.hub.models import Contact

TODAY = dt.date(2026, 3, 2)


def make_contact(actor: object, **fields: object) -> Contact:
    values: dict[str, object] = {"name": "Graham Pike", "key": "export-control"}
    values.update(fields)
    return services.contact_create(actor=actor, fields=services.ContactFields(**values))  # type: ignore[arg-type]


def test_a_pack_key_resolves_to_its_contact(cast: Cast) -> None:
    contact = make_contact(cast.olga, email="export@uni.example")

    resolved = selectors.contacts_by_key(["export-control", "visa-team"], today=TODAY)

    assert list(resolved) == ["export-control"]
    assert (resolved["export-control"].answering, resolved["export-control"].away) == (
        contact,
        False,
    )


def test_the_deputy_answers_while_the_contact_is_away(cast: Cast) -> None:
    deputy = make_contact(cast.olga, name="Priya Shah", key="")
    contact = make_contact(
        cast.olga, away_from=TODAY, away_until=TODAY + dt.timedelta(days=7), deputy=deputy
    )

    away = selectors.resolve(contact, TODAY)
    back = selectors.resolve(contact, TODAY + dt.timedelta(days=8))

    assert (away.away, away.answering) == (True, deputy)
    assert (back.away, back.answering) == (False, contact)


def test_two_contacts_cannot_answer_for_one_key(cast: Cast) -> None:
    make_contact(cast.olga)

    with pytest.raises(services.GuidanceInvalid, match="already answers for 'export-control'"):
        make_contact(cast.olga, name="Someone else")


def test_a_change_of_person_is_one_audited_edit(cast: Cast) -> None:
    contact = make_contact(cast.olga)

    services.contact_update(
        actor=cast.olga,
        contact=contact,
        fields=services.ContactFields(name="Helen Ode", key="export-control"),
    )

    event = AuditEvent.objects.get(action="trustdesk.contact.updated")
    assert event.data == {"old": {"name": "Graham Pike"}, "new": {"name": "Helen Ode"}}
    assert selectors.contacts_by_key(["export-control"], today=TODAY)[
        "export-control"
    ].contact.name == ("Helen Ode")


def test_the_process_page_names_the_contact_record(cast: Cast) -> None:
    make_contact(cast.olga, email="export@uni.example")
    client = Client()
    client.force_login(cast.rita)

    html = client.get(reverse("hub:process-detail", args=["export-control"])).content.decode()

    assert "<strong>Graham Pike</strong>" in html
    assert 'href="mailto:export@uni.example"' in html


def test_an_unknown_process_is_a_404(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.rita)

    assert client.get(reverse("hub:process-detail", args=["no-such"])).status_code == 404


def test_champions_are_listed_by_department(cast: Cast) -> None:
    groups = selectors.champions_by_department()

    assert [(str(g.department), g.champions) for g in groups] == [("Physics", [cast.cara])]


def test_the_contact_list_says_what_each_person_answers_for_in_words(cast: Cast) -> None:
    make_contact(cast.olga, topics="licences")
    client = Client()
    client.force_login(cast.rita)

    html = client.get(reverse("hub:contact-list")).content.decode()

    assert "<td>Export control assessment (and licence, if needed); licences</td>" in html
