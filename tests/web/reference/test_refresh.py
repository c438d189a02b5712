"""A refresh stores a snapshot and switches to it atomically; a failure changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from tests.web.lists.httpserver import LocalHTTPServer, html_page, status
from tests.web.reference.fcdo_api import PARTS_ALL, WHOLE_ALL, FakeFCDO
from trustdesk.policy.travel_advice import FetchConfig
from trustdesk.web.core import runs
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.reference import selectors, services
from trustdesk.web.reference.models import ReferenceSnapshot, ReferenceValue, RefreshRun

pytestmark = pytest.mark.django_db


def refresh(fcdo: FakeFCDO, **config: object) -> services.RefreshOutcome:
    values: dict[str, object] = {"base_url": fcdo.base_url, "timeout": 1.0, "retries": 0}
    return services.travel_advice_refresh(
        actor="test",
        config=FetchConfig(**(values | config)),  # type: ignore[arg-type]
    )


def levels() -> dict[str, int]:
    current = selectors.current_snapshot()
    assert current is not None
    return {c: v.level for c, v in selectors.snapshot_levels(current).items()}


def test_first_refresh_stores_values_with_the_fcdo_detail(fcdo: FakeFCDO, pack_path: Path) -> None:
    fcdo.set("france", [PARTS_ALL])

    outcome = refresh(fcdo)

    assert outcome.created
    assert levels() == {"RU": 4, "CU": 3, "IL": 2, "TH": 1, "FR": 2, "XK": 0}
    israel = ReferenceValue.objects.get(snapshot=outcome.snapshot, country="IL")
    assert israel.codes == ["avoid_all_travel_to_parts", "avoid_all_but_essential_travel_to_parts"]
    assert israel.source_ref == "israel"
    assert israel.source_updated_at is not None
    assert israel.source_updated_at.isoformat() == "2026-11-18T11:15:43+00:00"
    # the first refresh is compared with the pack's shipped values
    assert outcome.changes_since == "the pack's shipped values (checked 2026-08-22)"
    assert [(c.code, c.old, c.new) for c in outcome.changes] == [("FR", 0, 2)]
    event = AuditEvent.objects.get(action="trustdesk.reference.refreshed")
    assert event.data["changed"] == [{"country": "FR", "old": 0, "new": 2}]
    assert RefreshRun.objects.get().status == RefreshRun.Status.STORED


def test_identical_content_stores_nothing_new_and_confirms(fcdo: FakeFCDO) -> None:
    first = refresh(fcdo)

    again = refresh(fcdo)

    assert not again.created
    assert again.snapshot == first.snapshot
    assert ReferenceSnapshot.objects.count() == 1
    snapshot = ReferenceSnapshot.objects.get()
    assert snapshot.confirmed_at > snapshot.fetched_at
    assert [r.status for r in RefreshRun.objects.order_by("id")] == ["stored", "unchanged"]


def test_a_change_becomes_current_and_names_what_changed(fcdo: FakeFCDO) -> None:
    first = refresh(fcdo)
    fcdo.set("thailand", [WHOLE_ALL])

    second = refresh(fcdo)

    assert second.created
    assert second.changes_since.startswith("the snapshot of ")
    assert [(c.name, c.old, c.new) for c in second.changes] == [("Thailand", 1, 4)]
    first.snapshot.refresh_from_db()
    assert not first.snapshot.is_current
    assert selectors.current_snapshot() == second.snapshot
    assert second.snapshot.previous == first.snapshot
    status = selectors.travel_advice_status()
    assert [(c.code, c.old, c.new) for c in status.changes] == [("TH", 1, 4)]


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (status(503), "answered 503 Service Unavailable"),
        (html_page(), "sent a web page (HTML)"),
    ],
    ids=["503", "html"],
)
def test_a_failed_refresh_leaves_the_previous_snapshot_current(
    fcdo: FakeFCDO, server: LocalHTTPServer, route: object, expected: str
) -> None:
    good = refresh(fcdo).snapshot
    fcdo.set("cuba", [WHOLE_ALL])
    server.route("/api/content/foreign-travel-advice", route)  # type: ignore[arg-type]

    with pytest.raises(services.RefreshFailed) as caught:
        refresh(fcdo)

    assert expected in caught.value.reason
    assert caught.value.kept.endswith(f"({good.short_id}) stays current")
    assert selectors.current_snapshot() == good
    assert ReferenceSnapshot.objects.count() == 1
    assert levels()["CU"] == 3
    failed = AuditEvent.objects.get(action="trustdesk.reference.refresh_failed")
    assert expected in failed.data["error"]
    status = selectors.travel_advice_status()
    assert status.last_failure is not None
    assert expected in status.last_failure.error


def test_too_many_failed_countries_store_nothing(fcdo: FakeFCDO, server: LocalHTTPServer) -> None:
    good = refresh(fcdo).snapshot
    fcdo.set("cuba", [WHOLE_ALL])
    server.route(fcdo.path("russia"), status(500))
    server.route(fcdo.path("israel"), status(404))

    with pytest.raises(services.RefreshFailed, match="2 of 6 countries could not be read"):
        refresh(fcdo, max_failed_fraction=0.2)

    assert selectors.current_snapshot() == good
    assert levels()["CU"] == 3


def test_a_few_failed_countries_keep_their_previous_level(
    fcdo: FakeFCDO, server: LocalHTTPServer
) -> None:
    first = refresh(fcdo).snapshot
    fcdo.set("cuba", [WHOLE_ALL])
    server.route(fcdo.path("russia"), status(404))

    outcome = refresh(fcdo, max_failed_fraction=0.2)

    assert levels() == {"RU": 4, "CU": 4, "IL": 2, "TH": 1, "FR": 0, "XK": 0}
    russia = ReferenceValue.objects.get(snapshot=outcome.snapshot, country="RU")
    assert russia.carried_from == first.confirmed_at
    assert [(c.code, c.since) for c in outcome.carried] == [("RU", first.confirmed_at)]
    assert outcome.snapshot.failures[0]["reason"].startswith("127.0.0.1:")


def test_an_unmapped_country_is_stored_as_reported(fcdo: FakeFCDO) -> None:
    fcdo.set("atlantis", [WHOLE_ALL])

    outcome = refresh(fcdo)

    assert outcome.unmapped == (("atlantis", "Atlantis"),)
    assert outcome.snapshot.unmapped == [{"slug": "atlantis", "name": "Atlantis", "level": 4}]
    assert "atlantis" not in ReferenceValue.objects.values_list("source_ref", flat=True)


def test_an_index_cut_short_against_the_last_refresh_is_refused(
    fcdo: FakeFCDO, server: LocalHTTPServer
) -> None:
    refresh(fcdo)
    for slug in ("russia", "cuba", "israel"):
        del fcdo.countries[slug]
    fcdo.publish()

    with pytest.raises(services.RefreshFailed, match="lists 3 countries where the previous"):
        services.travel_advice_refresh(actor="test")

    assert levels()["RU"] == 4


def test_a_refresh_left_running_by_a_killed_process_fails_when_the_next_starts(
    fcdo: FakeFCDO,
) -> None:
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        killed = runs.run_start(RefreshRun, kind=selectors.FCDO, actor="test")

    with time_machine.travel("2026-12-06 10:05:00Z", tick=True):
        refresh(fcdo)

    killed.refresh_from_db()
    assert killed.status == RefreshRun.Status.FAILED
    assert killed.error == (
        "the process running it stopped; lease expired at 2026-12-06 10:01:00 UTC"
    )
    assert RefreshRun.objects.exclude(pk=killed.pk).get().status == RefreshRun.Status.STORED
