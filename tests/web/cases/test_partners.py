"""Partners on an engagement: organisations and people in named roles, on the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.web.cases.conftest import Advance, Cast
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services
from trustdesk.web.cases.forms import PartnerAddForm
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.partners.models import Organisation, Person

Status = Engagement.Status
Role = EngagementPartner.Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def institute(cast: Cast) -> Organisation:
    """A register row made as the partners app makes it (its own services are tested there)."""
    return factories.make_organisation(cast.olga, "Example Institute of Technology", country="DE")


def _person(owner: User, name: str) -> Person:
    return factories.make_person(owner, name)


def _as(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(cast.by_name(who))
    return client


def _last_event(engagement: Engagement) -> AuditEvent:
    return AuditEvent.objects.filter(
        target_type="cases.engagement", target_id=str(engagement.pk)
    ).latest("sequence")


def test_an_organisation_is_added_in_a_role_and_the_trail_names_it(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)

    link = services.engagement_partner_add(
        actor=cast.rita, engagement=engagement, partner=institute, role=Role.HOST, note="Lab visit"
    )

    assert (link.partner, link.role) == (institute, "host")
    event = _last_event(engagement)
    assert event.action == "trustdesk.engagement.partner_added"
    assert event.data == {
        "partner": {
            "type": "organisation",
            "id": str(institute.public_id),
            "name": "Example Institute of Technology",
        },
        "role": "host",
        "note": "Lab visit",
        "version": 2,
    }


def test_one_organisation_may_play_two_roles_but_not_one_role_twice(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)
    services.engagement_partner_add(
        actor=cast.rita, engagement=engagement, partner=institute, role=Role.HOST
    )
    services.engagement_partner_add(
        actor=cast.rita, engagement=engagement, partner=institute, role=Role.FUNDER
    )

    with pytest.raises(
        services.NotReady,
        match=r"^Example Institute of Technology is already on this engagement as Host\.$",
    ):
        services.engagement_partner_add(
            actor=cast.rita, engagement=engagement, partner=institute, role=Role.HOST
        )

    assert engagement.partners.count() == 2


def test_a_person_outside_the_actors_scope_cannot_be_linked(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.DRAFT)
    someone_elses = _person(cast.otto, "Dr Ana Example")

    with pytest.raises(PermissionDenied, match=r"^This partner record is outside what you can see"):
        services.engagement_partner_add(
            actor=cast.rita, engagement=engagement, partner=someone_elses, role=Role.VISITOR
        )
    services.engagement_partner_add(
        actor=cast.olga, engagement=engagement, partner=someone_elses, role=Role.VISITOR
    )

    assert [str(link) for link in engagement.partners.all()] == [
        "Dr Ana Example (Visiting researcher)"
    ]


def test_after_submission_only_officers_change_the_partners(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.IN_REVIEW)

    with pytest.raises(PermissionDenied):
        services.engagement_partner_add(
            actor=cast.rita, engagement=engagement, partner=institute, role=Role.HOST
        )
    services.engagement_partner_add(
        actor=cast.olga, engagement=engagement, partner=institute, role=Role.HOST
    )


def test_removing_a_partner_keeps_who_it_was_on_the_trail(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)
    link = services.engagement_partner_add(
        actor=cast.rita, engagement=engagement, partner=institute, role=Role.HOST
    )

    services.engagement_partner_remove(actor=cast.tom, link=link)

    assert not engagement.partners.exists()
    event = _last_event(engagement)
    assert (event.action, event.actor_label) == (
        "trustdesk.engagement.partner_removed",
        "Tom Tester (tom)",
    )
    assert event.data["partner"]["name"] == "Example Institute of Technology"


def test_partners_are_added_and_removed_through_the_page(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)
    client = _as(cast, "rita")
    add = reverse("cases:engagement-partner-add", kwargs={"public_id": engagement.public_id})

    added = client.post(
        add, {"organisation": str(institute.public_id), "role": "funder"}, follow=True
    )
    link = EngagementPartner.objects.get()
    remove = reverse(
        "cases:engagement-partner-remove",
        kwargs={"public_id": engagement.public_id, "link_id": link.public_id},
    )
    removed = client.post(remove, follow=True)

    page = " ".join(added.content.decode().split())
    assert "<strong>Example Institute of Technology</strong> — Funder or sponsor" in page
    assert [str(m) for m in removed.context["messages"]] == [
        "Example Institute of Technology removed."
    ]
    assert not EngagementPartner.objects.exists()


def test_the_add_form_wants_exactly_one_partner(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)
    person = _person(cast.rita, "Dr Ana Example")
    add = reverse("cases:engagement-partner-add", kwargs={"public_id": engagement.public_id})

    both = _as(cast, "rita").post(
        add,
        {"organisation": str(institute.public_id), "person": str(person.public_id), "role": "host"},
    )

    assert PartnerAddForm.CHOOSE_ONE in both.content.decode()
    assert not EngagementPartner.objects.exists()


@pytest.mark.parametrize(("who", "status_code"), [("aude", 403), ("alan", 403), ("otto", 404)])
def test_partner_pages_refuse_readers_and_outsiders(
    cast: Cast, advance: Advance, institute: Organisation, who: str, status_code: int
) -> None:
    engagement = advance(Status.DRAFT)
    link = services.engagement_partner_add(
        actor=cast.rita, engagement=engagement, partner=institute, role=Role.HOST
    )
    client = _as(cast, who)
    kwargs = {"public_id": engagement.public_id}

    add = client.post(
        reverse("cases:engagement-partner-add", kwargs=kwargs),
        {"organisation": str(institute.public_id), "role": "funder"},
    )
    remove = client.post(
        reverse("cases:engagement-partner-remove", kwargs={**kwargs, "link_id": link.public_id})
    )

    assert (add.status_code, remove.status_code) == (status_code, status_code)
    assert engagement.partners.count() == 1


# --- the partner picker: a search, never the whole register -----------------------------------


def test_the_case_page_offers_a_search_not_every_record(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)
    for n in range(30):
        factories.make_organisation(cast.olga, f"Register filler university {n}")

    page = _as(cast, "rita").get(engagement.get_absolute_url()).content.decode()

    assert 'role="search"' in page
    assert (
        reverse("cases:engagement-partner-search", kwargs={"public_id": engagement.public_id})
        in page
    )
    assert "Register filler university" not in page  # no option per organisation any more
    assert str(institute.public_id) not in page  # nor the one it will be


def test_the_search_finds_organisations_and_people_the_user_sees(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)
    person = _person(cast.rita, "Dr Ana Example")
    factories.make_organisation(cast.olga, "Unrelated College")
    url = reverse("cases:engagement-partner-search", kwargs={"public_id": engagement.public_id})
    client = _as(cast, "rita")

    page = client.get(url, {"q": "example"})  # without JavaScript: a page with the add form
    fragment = client.get(url, {"q": "example"}, headers={"HX-Request": "true"})

    html = page.content.decode()
    assert f'value="organisation:{institute.public_id}"' in html
    assert f'value="person:{person.public_id}"' in html
    assert "Unrelated College" not in html
    assert "<!DOCTYPE html>" in html
    assert 'name="role"' in html
    part = fragment.content.decode()
    assert "<!DOCTYPE html>" not in part
    assert f'value="organisation:{institute.public_id}"' in part
    assert 'id="partner-matches"' in part


def test_a_search_without_a_match_says_so(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.DRAFT)
    url = reverse("cases:engagement-partner-search", kwargs={"public_id": engagement.public_id})

    page = _as(cast, "rita").get(url, {"q": "Nowhere Polytechnic"}).content.decode()

    assert "Nothing in the register matches “Nowhere Polytechnic”" in page


def test_a_chosen_match_is_added_in_its_role(
    cast: Cast, advance: Advance, institute: Organisation
) -> None:
    engagement = advance(Status.DRAFT)
    person = _person(cast.rita, "Dr Ana Example")
    add = reverse("cases:engagement-partner-add", kwargs={"public_id": engagement.public_id})
    client = _as(cast, "rita")

    client.post(add, {"match": f"organisation:{institute.public_id}", "role": "funder"})
    client.post(add, {"match": f"person:{person.public_id}", "role": "host"})
    nothing = client.post(add, {"role": "host"})
    forged = client.post(add, {"match": f"organisation:{person.public_id}", "role": "host"})

    assert sorted((link.partner.name, link.role) for link in EngagementPartner.objects.all()) == [
        ("Dr Ana Example", "host"),
        ("Example Institute of Technology", "funder"),
    ]
    assert PartnerAddForm.CHOOSE_ONE in nothing.content.decode()
    assert PartnerAddForm.CHOOSE_ONE in forged.content.decode()


@pytest.mark.parametrize(("who", "status_code"), [("aude", 403), ("alan", 403), ("otto", 404)])
def test_the_partner_search_refuses_readers_and_outsiders(
    cast: Cast, advance: Advance, institute: Organisation, who: str, status_code: int
) -> None:
    engagement = advance(Status.DRAFT)
    url = reverse("cases:engagement-partner-search", kwargs={"public_id": engagement.public_id})

    assert _as(cast, who).get(url, {"q": "example"}).status_code == status_code
