"""The mitigation section of the engagement page and the pages that take its forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.web.cases.conftest import Cast
from tests.web.mitigations.conftest import Triaged
from trustdesk.web.mitigations import services
from trustdesk.web.mitigations.models import MitigationItem


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user: Any, engagement: Any) -> str:
    response = _client(user).get(engagement.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _url(name: str, item: MitigationItem, **extra: str) -> str:
    kwargs = {"public_id": str(item.engagement.public_id), "item_id": str(item.public_id)}
    return reverse(f"mitigations:{name}", kwargs={**kwargs, **extra})


def test_the_officer_is_offered_the_checklist_and_adds_it(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    before = _page(cast.olga, engagement)

    response = _client(cast.olga).post(
        reverse("mitigations:propose", kwargs={"public_id": engagement.public_id}), follow=True
    )

    assert "calls for a checklist item not yet on the plan" in before
    page = response.content.decode()
    assert "1 mitigation added from the policy pack&#x27;s checklist." in page
    assert "<h3>People</h3>" in page
    assert "Travel with a clean loan laptop and phone" in page
    assert "calls for a checklist item" not in page


def test_the_researchers_next_step_is_unfolded_and_others_are_not(
    cast: Cast, triaged: Triaged
) -> None:
    engagement = triaged()
    [item] = services.mitigation_propose(actor=cast.olga, engagement=engagement)

    rita = _page(cast.rita, engagement)
    cara = _page(cast.cara, engagement)

    assert "You have a mitigation to complete." in rita
    assert '<details class="mitigation-form" open>' in rita
    assert _url("evidence-add", item) in rita
    assert _url("item-status", item) in rita
    assert "Change, waive or remove" not in rita  # the officer's forms
    assert _url("evidence-add", item) not in cara  # a champion reads but does not act
    assert "Travel with a clean loan laptop and phone" in cara


def test_an_overdue_item_is_flagged(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    services.mitigation_add(
        actor=cast.olga,
        engagement=engagement,
        fields=services.ItemFields("Sign the undertaking", due_date=date(2020, 1, 1)),
    )

    page = _page(cast.olga, engagement)

    assert "1 mitigation is overdue." in page
    assert '<strong class="status status-overdue">Overdue</strong>' in page


def test_the_researcher_completes_their_item(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    [item] = services.mitigation_propose(actor=cast.olga, engagement=engagement)

    response = _client(cast.rita).post(
        _url("item-status", item), {"action": "complete", "note": "Loan laptop booked"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#mitigation-{item.public_id}")
    item.refresh_from_db()
    assert (item.status, item.status_note) == ("done", "Loan laptop booked")


def test_a_researcher_trying_to_waive_gets_a_403(cast: Cast, triaged: Triaged) -> None:
    [item] = services.mitigation_propose(actor=cast.olga, engagement=triaged())

    response = _client(cast.rita).post(_url("item-status", item), {"action": "waive", "note": "x"})

    assert response.status_code == 403


def test_the_add_form_shows_its_errors_and_then_adds(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    url = reverse("mitigations:item-add", kwargs={"public_id": engagement.public_id})
    client = _client(cast.olga)

    refused = client.post(url, {"title": "", "owner": "rita"})
    added = client.post(
        url,
        {
            "title": "Exit plan agreed",
            "area": "partnerships",
            "owner": "tom",
            "due_date": "2027-02-01",
        },
    )

    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert added.status_code == 302
    item = MitigationItem.objects.get(title="Exit plan agreed")
    assert (item.owner, item.area, item.due_date) == (cast.tom, "partnerships", date(2027, 2, 1))


def test_the_edit_and_remove_forms(cast: Cast, triaged: Triaged) -> None:
    [item] = services.mitigation_propose(actor=cast.olga, engagement=triaged())
    client = _client(cast.olga)

    edit_page = client.get(_url("item-edit", item))
    client.post(
        _url("item-edit", item),
        {"title": item.title, "area": "people", "owner": "olga", "due_date": "2027-01-15"},
    )
    refused = client.post(_url("item-remove", item), {"reason": ""}, follow=True)
    client.post(_url("item-remove", item), {"reason": "Trip cancelled"})

    assert edit_page.status_code == 200
    assert "Give a reason: it is kept on the audit trail." in refused.content.decode()
    item.refresh_from_db()
    assert (item.owner, item.due_date, item.removed_at is not None) == (
        cast.olga,
        date(2027, 1, 15),
        True,
    )


def test_another_engagements_item_is_a_404(cast: Cast, triaged: Triaged) -> None:
    [item] = services.mitigation_propose(actor=cast.olga, engagement=triaged())
    other = triaged()
    url = reverse(
        "mitigations:item-status",
        kwargs={"public_id": other.public_id, "item_id": item.public_id},
    )

    response = _client(cast.rita).post(url, {"action": "complete"})

    assert response.status_code == 404
