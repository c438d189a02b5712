"""The web application's pack carries the current travel advice, and triage reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.web.reference.fcdo_api import WHOLE_ALL, FakeFCDO
from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.triage import triage
from trustdesk.web.reference import selectors, services

pytestmark = pytest.mark.django_db

TRIP = {"country": "TH", "purpose": "conference"}


def processes(answers: dict[str, str]) -> list[str]:
    return [p.id for p in triage(selectors.active_pack(), answers).processes]


def test_without_a_snapshot_the_shipped_values_apply(pack_path: Path) -> None:
    assert selectors.current_overlays() == []
    assert processes({"country": "RU", "purpose": "conference"}) == ["travel-exemption"]
    assert processes(TRIP) == []
    status = selectors.travel_advice_status()
    assert (status.origin, status.checked) == ("pack", dt.date(2026, 8, 22))
    assert [c.name for c in status.at_level(4)] == ["Russia"]


def test_a_country_moved_to_level_4_changes_the_triage_outcome(
    fcdo: FakeFCDO, pack_path: Path
) -> None:
    services.travel_advice_refresh(actor="test")
    assert processes(TRIP) == []

    fcdo.set("thailand", [WHOLE_ALL])
    services.travel_advice_refresh(actor="test")

    outcome = triage(selectors.active_pack(), TRIP)
    (process,) = outcome.processes
    assert process.id == "travel-exemption"
    assert process.reasons[0].because[-1] == (
        "FCDO travel advice level for Thailand is 4, at least 4"
    )


def test_overlay_source_is_the_fcdo_with_the_confirmation_date(
    fcdo: FakeFCDO, pack_path: Path
) -> None:
    services.travel_advice_refresh(actor="test")

    overlays = selectors.current_overlays()
    overlay = overlays[0]
    indicator = next(i for i in selectors.active_pack().indicators if i.id == "fcdo_advice_level")

    assert [o.indicator for o in overlays] == [
        "fcdo_advice_level",
        "fcdo_whole_country",
        "fcdo_parts",
    ]
    assert all(o.source == overlay.source for o in overlays)

    assert overlay.source.title == "FCDO travel advice (GOV.UK Content API)"
    assert overlay.source.url == f"{fcdo.server.base_url}/foreign-travel-advice"
    assert indicator.source == overlay.source
    assert indicator.source.checked == dt.datetime.now(dt.UTC).date()


def test_the_pack_is_parsed_once_per_snapshot(fcdo: FakeFCDO, pack_path: Path) -> None:
    services.travel_advice_refresh(actor="test")
    first = selectors.active_pack()

    assert selectors.active_pack() is first

    fcdo.set("thailand", [WHOLE_ALL])
    services.travel_advice_refresh(actor="test")
    assert selectors.active_pack() is not first


def test_a_pack_that_cannot_be_loaded_says_why(tmp_path: Path, settings: SettingsWrapper) -> None:
    settings.TRUSTDESK_POLICY_PACK = str(tmp_path / "missing.yaml")

    with pytest.raises(PackInvalid):
        selectors.active_pack()
    status = selectors.travel_advice_status()
    assert status.origin == "none"
    assert status.pack_problem.startswith(f"pack {str(tmp_path / 'missing.yaml')!r} cannot be")
