"""Organisations and people each have their own pages, typed by their model (views.SubjectPages)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_organisation, make_person
from tests.web.partners.conftest import MakeUser
from trustdesk.web.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ["detail", "screening", "update", "merge"])
def test_a_record_is_found_only_at_the_address_of_its_own_kind(
    make_user: MakeUser, route: str
) -> None:
    # given an organisation and a person the officer sees
    officer = make_user("olga", User.Role.OFFICER)
    org = make_organisation(officer, "Northern Widgets")
    person = make_person(officer, "Ann Lee")
    client = Client()
    client.force_login(officer)

    # when each is asked for at its own kind's address and at the other's
    own = [
        client.get(reverse(f"partners:organisation-{route}", args=[org.public_id])),
        client.get(reverse(f"partners:person-{route}", args=[person.public_id])),
    ]
    crossed = [
        client.get(reverse(f"partners:person-{route}", args=[org.public_id])),
        client.get(reverse(f"partners:organisation-{route}", args=[person.public_id])),
    ]

    # then only its own kind's page has it
    assert [r.status_code for r in own] == [200, 200]
    assert [r.status_code for r in crossed] == [404, 404]
