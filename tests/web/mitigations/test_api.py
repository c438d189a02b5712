"""The mitigation plan through the JSON API: the same services and scope as the pages."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.cases.conftest import Cast
from tests.web.mitigations import samples
from tests.web.mitigations.conftest import Triaged
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _base(engagement: Any) -> str:
    return f"/api/engagements/{engagement.public_id}/mitigations"


def test_propose_list_and_complete_with_evidence(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    officer, rita = _client(cast.olga), _client(cast.rita)

    proposed = officer.post(_base(engagement) + "/propose")
    [item] = proposed.json()
    upload = rita.post(
        f"{_base(engagement)}/{item['id']}/evidence",
        {"file": SimpleUploadedFile("briefing.pdf", samples.PDF, content_type="text/html")},
    )
    done = rita.post(
        f"{_base(engagement)}/{item['id']}/status",
        {"action": "complete", "note": "Loan laptop booked"},
        content_type="application/json",
    )
    listed = rita.get(_base(engagement))

    assert proposed.status_code == 200
    assert (item["checklist_item"], item["area"], item["owner"], item["status"]) == (
        "travel-device-hygiene",
        "people",
        "rita",
        "open",
    )
    assert upload.status_code == 201
    assert upload.json()["content_type"] == "application/pdf"
    assert done.json()["status"] == "done"
    [shown] = listed.json()
    assert [e["name"] for e in shown["evidence"]] == ["briefing.pdf"]
    download = rita.get(shown["evidence"][0]["download"])
    assert download["Content-Disposition"] == 'attachment; filename="briefing.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_create_and_edit_an_item(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    officer = _client(cast.olga)

    created = officer.post(
        _base(engagement),
        {"title": "Exit plan agreed", "area": "partnerships", "owner": "tom"},
        content_type="application/json",
    )
    item_id = created.json()["id"]
    edited = officer.patch(
        f"{_base(engagement)}/{item_id}",
        {"due_date": "2027-02-01"},
        content_type="application/json",
    )
    bad_owner = officer.post(
        _base(engagement), {"title": "X", "owner": "otto"}, content_type="application/json"
    )

    assert created.status_code == 201
    assert (edited.json()["due_date"], edited.json()["owner"], edited.json()["title"]) == (
        "2027-02-01",
        "tom",
        "Exit plan agreed",
    )
    assert bad_owner.status_code == 422
    assert MitigationItem.objects.filter(engagement=engagement).count() == 1


def test_refusals_carry_their_codes(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    officer, rita = _client(cast.olga), _client(cast.rita)
    [item] = officer.post(_base(engagement) + "/propose").json()
    url = f"{_base(engagement)}/{item['id']}"

    disguised = rita.post(
        url + "/evidence", {"file": SimpleUploadedFile("report.pdf", samples.HTML)}
    )
    waive = rita.post(
        url + "/status", {"action": "waive", "note": "x"}, content_type="application/json"
    )
    rita.post(url + "/status", {"action": "complete"}, content_type="application/json")
    again = rita.post(url + "/status", {"action": "complete"}, content_type="application/json")
    outsider = _client(cast.otto).get(_base(engagement))

    assert (disguised.status_code, disguised.json()["code"]) == (422, "evidence_refused")
    assert "web page or markup" in disguised.json()["message"]
    assert (waive.status_code, waive.json()["code"]) == (403, "forbidden")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert (outsider.status_code, outsider.json()["code"]) == (404, "not_found")
    assert EvidenceFile.objects.count() == 0


def test_the_openapi_document_repeats_no_key(cast: Cast) -> None:
    """A key twice (an int and a str "200") is valid to Python but breaks the docs page."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        assert len(keys) == len(set(keys)), keys
        return dict(items)

    text = _client(cast.rita).get("/api/openapi.json").content.decode()

    document = json.loads(text, object_pairs_hook=pairs)
    assert "/api/engagements/{public_id}/mitigations" in document["paths"]
