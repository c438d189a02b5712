"""The audit trail for auditors and admins: filters, one event, CSV export, chain verification."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.web.ops.conftest import ROWS, ClientAs, import_list, page_text
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def events(tmp_path: Path) -> list[AuditEvent]:
    """Two imports by different actors (one a formula), each writing one audit event."""
    import_list(tmp_path, ROWS, actor="cli:root@host")
    import_list(tmp_path, ROWS[:2], name="other", actor=FORMULA)
    return list(AuditEvent.objects.order_by("sequence"))


def test_the_trail_lists_events_newest_first_with_summaries(
    client_as: ClientAs, events: list[AuditEvent]
) -> None:
    page = page_text(client_as(User.Role.AUDITOR).get("/audit/").content)

    assert "<caption>Events, newest first (page 1 of 1, 2 matching)</caption>" in page
    assert page.index(f'href="/audit/{events[1].sequence}/"') < page.index(
        f'href="/audit/{events[0].sequence}/"'
    )
    assert "custom:declined: snapshot" in page
    assert '<label for="id_actor">Actor:</label>' in page
    assert "Verify the chain" in page


def test_filters_narrow_the_trail(client_as: ClientAs, events: list[AuditEvent]) -> None:
    auditor = client_as(User.Role.AUDITOR)
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()

    by_actor = page_text(auditor.get("/audit/", {"actor": "cli:root@host"}).content)
    by_action = page_text(auditor.get("/audit/", {"action": "trustdesk.list"}).content)
    none_yet = page_text(auditor.get("/audit/", {"until": yesterday}).content)
    today = page_text(auditor.get("/audit/", {"since": yesterday, "until": tomorrow}).content)
    by_request = page_text(auditor.get("/audit/", {"request_id": events[0].request_id}).content)
    by_target = page_text(
        auditor.get(
            "/audit/", {"target_type": events[1].target_type, "target_id": events[1].target_id}
        ).content
    )

    assert "2 matching" not in by_actor
    assert "1 matching" in by_actor
    assert "2 matching" in by_action
    assert "No events match." in none_yet
    assert "2 matching" in today
    assert "1 matching" in by_request
    assert "1 matching" in by_target
    bad = auditor.get("/audit/", {"request_id": "not-a-uuid"})
    assert bad.status_code == 400
    assert "Enter a valid UUID." in page_text(bad.content)


def test_an_event_page_shows_data_hash_previous_hash_and_sequence(
    client_as: ClientAs, events: list[AuditEvent]
) -> None:
    event = events[1]

    page = page_text(client_as(User.Role.ADMIN).get(f"/audit/{event.sequence}/").content)

    assert f"<h1>Audit event #{event.sequence}</h1>" in page
    assert f'<code class="hash">{event.hash}</code>' in page
    assert f'<code class="hash">{event.prev_hash}</code>' in page
    assert "&quot;source&quot;: &quot;custom:other&quot;" in page
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)" in page
    assert client_as(User.Role.ADMIN).get("/audit/999999/").status_code == 404


def test_the_csv_export_holds_the_filtered_set_with_formulas_neutralised(
    client_as: ClientAs, events: list[AuditEvent]
) -> None:
    response = client_as(User.Role.AUDITOR).get("/audit/export.csv", {"action": "trustdesk.list"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "time",
        "sequence",
        "actor",
        "action",
        "summary",
        "target",
        "request id",
        "hash",
    ]
    assert [r[1] for r in rows[1:]] == [str(events[1].sequence), str(events[0].sequence)]
    assert rows[1][2] == f"'{FORMULA}"
    assert rows[2][2] == "cli:root@host"

    only_one = client_as(User.Role.AUDITOR).get("/audit/export.csv", {"actor": "cli:root@host"})
    one_body = b"".join(only_one.streaming_content).decode()  # type: ignore[attr-defined]
    assert len(list(csv.reader(io.StringIO(one_body)))) == 2


def test_verify_shows_the_chain_message(client_as: ClientAs, events: list[AuditEvent]) -> None:
    auditor = client_as(User.Role.AUDITOR)

    intact = page_text(auditor.post("/audit/verify/").content)
    head = events[-1]
    anchored = page_text(
        auditor.post("/audit/verify/", {"anchor": f"{head.sequence}:{'0' * 64}"}).content
    )
    bad = auditor.post("/audit/verify/", {"anchor": "nonsense"})

    assert (
        f"audit trail intact: 2 events; head (keep it as an anchor) {head.sequence}:{head.hash}"
        in intact
    )
    assert "audit trail broken: event #2: anchor mismatch" in anchored
    assert bad.status_code == 400
    assert "an anchor is SEQUENCE:SHA256" in page_text(bad.content)
