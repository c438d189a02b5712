"""The hub's JSON API: pages with sanitised HTML, search, contacts, completions, quiz attempts."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tests.web.hub.conftest import Cast, make_page
from tests.web.hub.test_training import RIGHT, make_module
from trustdesk.web.accounts.models import User
from trustdesk.web.hub import services
from trustdesk.web.hub.models import TrainingCompletion


def _client(user: User) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def _get(user: User, path: str) -> Any:
    response = _client(user).get(f"/api{path}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_page_comes_with_its_markdown_and_its_sanitised_html(cast: Cast) -> None:
    page = make_page(cast.olga, body="**Hi** <script>x()</script>")

    data = _get(cast.rita, f"/guidance/pages/{page.public_id}")

    assert (data["body"], data["html"]) == (
        "**Hi** <script>x()</script>",
        "<p><strong>Hi</strong> &lt;script&gt;x()&lt;/script&gt;</p>\n",
    )
    assert (data["version"], data["public"], data["public_url"]) == (1, False, None)


def test_pages_are_listed_and_filtered_by_tag(cast: Cast) -> None:
    make_page(cast.olga, title="Export", tags=["law"])
    make_page(cast.olga, title="Travel", tags=["travel"])

    data = _get(cast.rita, "/guidance/pages?tag=travel")

    assert (data["count"], [p["title"] for p in data["items"]]) == (1, ["Travel"])


def test_search_answers_ranked_highlighted_results(cast: Cast) -> None:
    # A word no policy pack uses ("programme" is in a gb-base mitigation), so only the page matches.
    page = make_page(cast.olga, title="Hosting visitors", body="Agree the timetable.")

    data = _get(cast.rita, "/guidance/search?q=timetable")

    assert [(r["kind"], r["key"]) for r in data] == [("page", str(page.public_id))]
    assert "<mark>timetable</mark>" in data[0]["snippet"]


def test_contacts_say_who_answers_today(cast: Cast) -> None:
    contact = services.contact_create(
        actor=cast.olga, fields=services.ContactFields(name="Graham Pike", key="export-control")
    )

    [data] = _get(cast.rita, "/guidance/contacts")

    assert (data["key"], data["away"], data["answering"]) == (
        "export-control",
        False,
        str(contact.public_id),
    )


def test_an_attempt_records_a_pass_and_completions_are_scoped(cast: Cast) -> None:
    module = make_module()
    services.module_attempt(actor=cast.otto, module=module, answers=RIGHT)

    response = _client(cast.rita).post(
        f"/api/training/modules/{module.public_id}/attempts",
        data=json.dumps({"answers": RIGHT}),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert (response.json()["passed"], response.json()["completion"]["user"]) == (True, "rita")
    assert [c["user"] for c in _get(cast.rita, "/training/completions")["items"]] == ["rita"]
    assert [c["user"] for c in _get(cast.cara, "/training/completions")["items"]] == ["rita"]
    assert {c["user"] for c in _get(cast.olga, "/training/completions")["items"]} == {
        "rita",
        "otto",
    }
    assert TrainingCompletion.objects.count() == 2


def test_an_attempt_without_every_answer_is_a_422(cast: Cast) -> None:
    module = make_module()

    response = _client(cast.rita).post(
        f"/api/training/modules/{module.public_id}/attempts",
        data=json.dumps({"answers": [0]}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == services.ANSWER_EVERY_QUESTION
