"""Search through the database's own full-text engine: ranked, highlighted, escaped, in scope."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.web.hub.conftest import Cast, make_page
from trustdesk.web.hub import search, services
from trustdesk.web.hub.models import SearchDocument
from trustdesk.web.reference.selectors import active_pack


def test_a_page_is_found_by_a_word_in_its_body_with_the_word_marked(cast: Cast) -> None:
    page = make_page(cast.olga, body="Ask before you share **cryogenic** pump designs.")
    make_page(cast.olga, title="Hosting visitors", body="Agree the programme first.")

    hits = search.search("cryogenic")

    assert [(h.kind, h.key) for h in hits] == [("page", str(page.public_id))]
    assert "<mark>cryogenic</mark>" in hits[0].snippet
    assert hits[0].url == page.get_absolute_url()


def test_a_title_match_ranks_above_a_body_match(cast: Cast) -> None:
    body = make_page(cast.olga, title="Travel", body="Sanctions can also apply to travel.")
    title = make_page(cast.olga, title="Sanctions for researchers", body="Payments and services.")

    hits = search.search("sanctions")

    assert [h.key for h in hits] == [str(title.public_id), str(body.public_id)]


def test_every_word_must_match(cast: Cast) -> None:
    make_page(cast.olga, title="Export licences", body="Controlled technology.")

    assert [h.title for h in search.search("export technology")] != []
    assert search.search("export visitors") == []


def test_markup_in_a_page_is_escaped_in_its_snippet(cast: Cast) -> None:
    make_page(cast.olga, title="Hostile", body="quantum `<script>alert(1)</script>` quantum")

    [hit] = search.search("quantum")

    # SQLite's snippet keeps the text and it is escaped; PostgreSQL's ts_headline drops tags.
    assert "<script" not in hit.snippet
    assert "alert(1)" in hit.snippet


def test_query_syntax_is_only_text(cast: Cast) -> None:
    make_page(cast.olga, title="Hosting visitors", body="Agree the programme.")

    for query in ['"', "NEAR(a b)", "title:x OR", "* - ^", "a\x02b"]:
        assert search.search(query) == [], query


def test_an_edit_is_searchable_at_once_and_the_old_text_is_gone(cast: Cast) -> None:
    page = make_page(cast.olga, body="Old wording about gravimeters.")

    services.page_update(
        actor=cast.olga,
        page=page,
        fields=services.PageFields(
            title=page.title, body="New wording about magnetometers.", review_by=page.review_by
        ),
    )

    assert search.search("gravimeters") == []
    assert [h.key for h in search.search("magnetometers")] == [str(page.public_id)]


def test_the_packs_processes_and_mitigations_are_found(cast: Cast) -> None:
    services.search_pack_sync(pack=active_pack())

    kinds = {h.kind for h in search.search("export control", limit=50)}

    assert {"process"} <= kinds
    assert SearchDocument.objects.filter(kind="mitigation").count() == len(
        active_pack().mitigations
    )
    assert services.search_pack_sync(pack=active_pack()) is False  # unchanged: not rebuilt


def test_contacts_are_found_by_their_topics(cast: Cast) -> None:
    contact = services.contact_create(
        actor=cast.olga,
        fields=services.ContactFields(name="Graham Pike", topics="export licences, ECJU"),
    )

    [hit] = search.search("ECJU")

    assert (hit.kind, hit.title, hit.url) == ("contact", "Graham Pike", contact.get_absolute_url())


def test_public_only_leaves_out_everything_not_published(cast: Cast) -> None:
    shown = make_page(cast.olga, title="Open travel", public=True)
    make_page(cast.olga, title="Closed travel")

    assert [h.key for h in search.search("travel", public_only=True)] == [str(shown.public_id)]


def test_the_search_page_lists_ranked_results(cast: Cast) -> None:
    page = make_page(cast.olga, title="Hosting visitors", body="Agree the programme.")
    client = Client()
    client.force_login(cast.rita)

    html = client.get(reverse("hub:search"), {"q": "visitors"}).content.decode()

    assert f'<a href="{page.get_absolute_url()}">Hosting <mark>visitors</mark></a>' in html
