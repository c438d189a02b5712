"""Removing guidance: a page is withdrawn (kept, with its versions, and reinstatable), never while
the pack or a module links to it; a contact is deleted once its editor has seen what names it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.hub.conftest import Cast, make_page, page_fields
from tests.web.hub.test_contacts import make_contact
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.hub import search, selectors, services
from trustdesk.web.hub.models import Contact, GuidancePage, PageVersion, SearchDocument
from trustdesk.web.reference.selectors import active_pack

REASON = "Replaced by the new travel guidance."


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _pack_linking(tmp_path: Path, settings: Any, *, contact_url: str, guidance_url: str) -> None:
    """The UK base pack with its export-control contact and one added process linking there."""
    pack = {
        "id": "hub-links",
        "urn": "urn:trustdesk:policy:hub-links",
        "version": "1",
        "publication_date": dt.date(2026, 11, 22),
        "publisher": "Test",
        "jurisdiction": "GB",
        "title": "Links to the hub",
        "extends": "gb-base",
        "contacts": {
            "export-control": {"name": "Export team", "email": "x@uni.example", "url": contact_url}
        },
        "processes": [
            {
                "id": "local-travel-brief",
                "title": "Travel briefing",
                "what": "A briefing before travel.",
                "why": "Travel to a high-risk destination.",
                "contact": "research-security",
                "guidance_url": guidance_url,
                "lead_time": "A week",
                "practice": {
                    "statement": "The university's own practice.",
                    "recommended_by": [
                        {
                            "title": "NPSA Trusted Research",
                            "url": "https://www.npsa.gov.uk/",
                            "checked": dt.date(2026, 11, 22),
                        }
                    ],
                },
            }
        ],
    }
    path = tmp_path / "hub-links.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    settings.TRUSTDESK_POLICY_PACK = str(path)


# --- withdrawing a page ---------------------------------------------------------------------


def test_a_withdrawn_page_is_gone_for_readers_but_kept_with_its_versions(cast: Cast) -> None:
    # given a published page with two versions, found by search
    page = make_page(cast.olga, public=True)
    services.page_update(
        actor=cast.olga, page=page, fields=page_fields(public=True, body="Second text.")
    )
    assert [h.title for h in search.search("licence export")] != []

    # when Olga withdraws it
    services.page_withdraw(actor=cast.olga, page=page, reason=REASON)

    # then readers no longer find it anywhere, and the record and its versions stay
    rita = _client(cast.rita)
    assert rita.get(page.get_absolute_url()).status_code == 404
    assert Client().get(reverse("hub:public-page", args=[page.slug])).status_code == 404
    assert page.title not in rita.get(reverse("hub:home")).content.decode()
    assert not SearchDocument.objects.filter(key=str(page.public_id)).exists()
    assert selectors.page_list() == []
    assert PageVersion.objects.filter(page=page).count() == 2
    event = AuditEvent.objects.get(action="trustdesk.guidance_page.withdrawn")
    assert event.data["reason"] == REASON
    assert (event.data["title"], event.data["version"]) == (page.title, 2)
    # while an editor still opens it, told why, and can bring it back
    html = _client(cast.olga).get(page.get_absolute_url()).content.decode()
    assert "Withdrawn" in html
    assert REASON in html
    assert "Reinstate the page" in html


def test_a_reinstated_page_is_back_in_lists_and_search(cast: Cast) -> None:
    page = make_page(cast.olga)
    services.page_withdraw(actor=cast.olga, page=page, reason=REASON)

    response = _client(cast.olga).post(reverse("hub:page-reinstate", args=[page.public_id]))

    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.withdrawn, page.withdrawn_reason) == (False, "")
    assert selectors.page_list() == [page]
    assert SearchDocument.objects.filter(key=str(page.public_id)).exists()
    event = AuditEvent.objects.get(action="trustdesk.guidance_page.reinstated")
    assert event.data["withdrawn_because"] == REASON


def test_withdrawing_needs_a_reason_and_guidance_manage(cast: Cast) -> None:
    page = make_page(cast.olga)

    with pytest.raises(services.GuidanceInvalid, match="Say why the page is withdrawn"):
        services.page_withdraw(actor=cast.olga, page=page, reason="  ")
    with pytest.raises(PermissionDenied):
        services.page_withdraw(actor=cast.rita, page=page, reason=REASON)

    assert not GuidancePage.objects.get(pk=page.pk).withdrawn
    assert (
        _client(cast.rita).get(reverse("hub:page-withdraw", args=[page.public_id])).status_code
        == 403
    )


def test_the_withdraw_form_asks_first_then_withdraws(cast: Cast) -> None:
    page = make_page(cast.olga)
    olga = _client(cast.olga)
    url = reverse("hub:page-withdraw", args=[page.public_id])

    asked = olga.get(url).content.decode()
    unsaid = olga.post(url, {})
    done = olga.post(url, {"reason": REASON})

    assert "Withdraw “Export controls for academics”?" in asked
    assert "its 1 version stays on the audit trail" in asked
    assert "This field is required." in unsaid.content.decode()
    assert done.status_code == 302
    assert done["Location"] == reverse("hub:home")
    assert GuidancePage.objects.get(pk=page.pk).withdrawn


def test_a_page_the_pack_links_to_cannot_be_withdrawn_and_says_why(
    cast: Cast, tmp_path: Path, settings: Any
) -> None:
    # given a pack whose added process and whose export-control contact link to two pages
    travel = make_page(cast.olga, title="Travel briefing", public=True)
    export = make_page(cast.olga, title="Export controls")
    _pack_linking(
        tmp_path,
        settings,
        contact_url=f"https://research.uni.example{export.get_absolute_url()}",
        guidance_url=f"/guidance/public/{travel.slug}/",
    )
    assert active_pack().id == "hub-links"

    # when Olga tries to withdraw either
    with pytest.raises(services.StillReferenced) as by_process:
        services.page_withdraw(actor=cast.olga, page=travel, reason=REASON)
    with pytest.raises(services.StillReferenced) as by_contact:
        services.page_withdraw(actor=cast.olga, page=export, reason=REASON)

    # then each refusal names what links to the page, and nothing changed
    assert str(by_process.value) == (
        "The page cannot be withdrawn while it is linked from: The policy pack's process "
        "“Travel briefing” gives it as its guidance. Change those first."
    )
    assert [r.what for r in by_contact.value.references] == [
        "The policy pack's contact “Export team” (export-control) links to it."
    ]
    assert not GuidancePage.objects.filter(withdrawn_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="trustdesk.guidance_page.withdrawn").exists()
    # and the confirmation page says so before anyone presses the button
    html = _client(cast.olga).get(reverse("hub:page-withdraw", args=[travel.public_id]))
    assert "Change this first" in html.content.decode()


def test_a_page_a_training_module_links_to_cannot_be_withdrawn(cast: Cast) -> None:
    page = make_page(cast.olga, title="Travel")
    services.module_save(
        actor=cast.olga,
        fields=services.ModuleFields(
            key="travel",
            title="Travelling safely",
            body=f"Read [the travel page]({page.get_absolute_url()}) first.",
            questions=[("Q", ["a", "b"], 0)],
        ),
    )

    response = _client(cast.olga).post(
        reverse("hub:page-withdraw", args=[page.public_id]), {"reason": REASON}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The training module “Travelling safely” links to it." in html
    assert not GuidancePage.objects.get(pk=page.pk).withdrawn


def test_a_link_from_another_page_is_a_warning_not_a_refusal(cast: Cast) -> None:
    page = make_page(cast.olga, title="Travel")
    make_page(cast.olga, title="Travel 2", body=f"See [travel](/guidance/public/{page.slug}/).")
    # "travel-2" is another page: a link to it is not a link to "travel"
    make_page(cast.olga, title="Other", body=f"See [it](/guidance/public/{page.slug}-2/).")

    refs = selectors.page_references(page, pack=None)
    services.page_withdraw(actor=cast.olga, page=page, reason=REASON)

    assert [(r.what, r.blocking) for r in refs] == [
        ("The guidance page “Travel 2” links to it.", False)
    ]
    assert GuidancePage.objects.get(pk=page.pk).withdrawn


def test_a_withdrawn_page_is_nobodys_stale_page(cast: Cast) -> None:
    page = make_page(cast.olga)
    services.page_withdraw(actor=cast.olga, page=page, reason=REASON)
    GuidancePage.objects.filter(pk=page.pk).update(review_by="2000-01-01")

    assert services.stale_pages_remind() == []
    assert list(selectors.stale_pages(today=page.review_by)) == []


# --- deleting a contact ---------------------------------------------------------------------


def test_a_contact_is_deleted_with_its_record_on_the_audit_trail(cast: Cast) -> None:
    # given Priya, who deputises for Graham (whose key the UK base pack does not resolve here)
    priya = make_contact(cast.olga, name="Priya Shah", key="", email="priya@uni.example")
    graham = make_contact(cast.olga, key="", deputy=priya)
    olga = _client(cast.olga)
    url = reverse("hub:contact-delete", args=[priya.public_id])

    asked = olga.get(url).content.decode()
    done = olga.post(url, {})

    assert "Graham Pike has this person as their deputy and will have none." in asked
    assert done.status_code == 302
    assert not Contact.objects.filter(pk=priya.pk).exists()
    graham.refresh_from_db()
    assert graham.deputy is None
    assert not SearchDocument.objects.filter(key=str(priya.public_id)).exists()
    event = AuditEvent.objects.get(action="trustdesk.contact.deleted")
    assert event.data["record"]["email"] == "priya@uni.example"
    assert event.data["deputy_for"] == ["Graham Pike"]


def test_a_contact_the_pack_resolves_to_needs_confirming(cast: Cast) -> None:
    # given the record the UK base pack's export-control contact resolves to
    contact = make_contact(cast.olga)
    olga = _client(cast.olga)
    url = reverse("hub:contact-delete", args=[contact.public_id])

    # when Olga deletes it without ticking the confirmation, it stays, and she is told why
    refused = olga.post(url, {}, follow=True).content.decode()
    assert "resolves to this person" in refused
    assert Contact.objects.filter(pk=contact.pk).exists()
    # and with it, it goes
    olga.post(url, {"pack_confirmed": "on"})
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert AuditEvent.objects.get(action="trustdesk.contact.deleted").data["pack_confirmed"]
    assert selectors.contacts_by_key(["export-control"], today=page_fields().review_by) == {}


def test_only_guidance_editors_delete_contacts(cast: Cast) -> None:
    contact = make_contact(cast.olga, key="")

    with pytest.raises(PermissionDenied):
        services.contact_delete(actor=cast.cara, contact=contact)
    assert (
        _client(cast.rita).post(reverse("hub:contact-delete", args=[contact.public_id])).status_code
        == 403
    )
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- the JSON API ---------------------------------------------------------------------------


def test_the_api_withdraws_a_page_and_refuses_a_linked_one(cast: Cast) -> None:
    page = make_page(cast.olga, title="Travel")
    linked = make_page(cast.olga, title="Linked")
    services.module_save(
        actor=cast.olga,
        fields=services.ModuleFields(
            key="m",
            title="M",
            body=f"[x]({linked.get_absolute_url()})",
            questions=[("Q", ["a", "b"], 0)],
        ),
    )
    olga = Client(enforce_csrf_checks=False)
    olga.force_login(cast.olga)

    done = olga.post(
        f"/api/guidance/pages/{page.public_id}/withdraw",
        {"reason": REASON},
        content_type="application/json",
    )
    refused = olga.post(
        f"/api/guidance/pages/{linked.public_id}/withdraw",
        {"reason": REASON},
        content_type="application/json",
    )
    listed = olga.get("/api/guidance/pages").json()
    hidden = _client(cast.rita).get(f"/api/guidance/pages/{page.public_id}")

    assert done.status_code == 200
    assert done.json()["withdrawn_at"] is not None
    assert refused.status_code == 409
    assert refused.json()["code"] == "still_referenced"
    assert refused.json()["errors"][0]["message"] == "The training module “M” links to it."
    assert [p["title"] for p in listed["items"]] == ["Linked"]
    assert hidden.status_code == 404


def test_the_api_deletes_a_contact_once_the_pack_link_is_confirmed(cast: Cast) -> None:
    contact = make_contact(cast.olga)
    olga = _client(cast.olga)

    refused = olga.delete(f"/api/guidance/contacts/{contact.public_id}")
    done = olga.delete(f"/api/guidance/contacts/{contact.public_id}?pack_confirmed=true")

    assert refused.status_code == 409
    assert refused.json()["code"] == "still_referenced"
    assert done.status_code == 204
    assert not Contact.objects.exists()


def test_the_hub_home_lists_the_owners_reviews_overdue_and_coming_up(cast: Cast) -> None:
    today = timezone.localdate()
    make_page(cast.olga, title="Overdue", review_by=today - dt.timedelta(days=2))
    make_page(cast.olga, title="Soon", review_by=today + dt.timedelta(days=10))
    make_page(cast.olga, title="Later", review_by=today + dt.timedelta(days=200))

    html = _client(cast.olga).get(reverse("hub:home")).content.decode()
    section = html[html.index('id="stale-heading"') : html.index("</section>")]

    assert "Overdue</a> (<strong>overdue since" in section
    assert "Soon</a> (review by" in section
    assert "Later" not in section
    assert 'id="stale-heading"' not in _client(cast.rita).get(reverse("hub:home")).content.decode()
