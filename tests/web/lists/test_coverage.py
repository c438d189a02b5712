"""Coverage: which lists a screening consulted, and which expected lists were missing or stale."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from tests.support import shared_path
from trustdesk.web.env import list_max_ages
from trustdesk.web.lists import services
from trustdesk.web.lists.coverage import DEFAULT_EXPECTED, Coverage, current_coverage

pytestmark = pytest.mark.django_db

UN = "data/un-sc/UN_consolidated.xml"
SHIPPED = {"ca-nro", "us-dod-1286", "aspi-unitracker"}
SANCTIONS = set(DEFAULT_EXPECTED) - SHIPPED


def _import_un() -> None:
    services.list_snapshot_import(paths=[shared_path(UN)], actor="test")


def test_with_only_the_shipped_lists_sanctions_were_not_checked() -> None:
    services.shipped_lists_ensure()

    coverage = current_coverage()

    assert {c.source for c in coverage.consulted} == SHIPPED
    assert {m.source for m in coverage.missing} == SANCTIONS
    assert coverage.stale == ()
    assert not coverage.complete
    assert not coverage.sanctions_checked
    assert set(coverage.sanctions_gaps) == SANCTIONS
    assert coverage.summary().startswith(
        "Sanctions were not checked: no sanctions list is loaded. Not checked against "
    )


def test_an_empty_database_says_nothing_was_checked() -> None:
    coverage = current_coverage()

    assert coverage.consulted == ()
    assert coverage.summary().startswith("No list was consulted: nothing was checked.")


def test_a_loaded_sanctions_list_is_consulted_with_its_snapshot_and_dates() -> None:
    services.shipped_lists_ensure()
    _import_un()

    coverage = current_coverage()

    un = next(c for c in coverage.consulted if c.source == "un-sc")
    assert un.published == "2026-02-27"
    assert un.kind == "sanctions"
    assert coverage.sanctions_checked
    assert "un-sc" not in {m.source for m in coverage.missing}
    assert "un-sc (published 2026-02-27)" in coverage.summary()


def test_a_sanctions_list_not_confirmed_for_eight_days_is_stale_the_shipped_ones_not() -> None:
    services.shipped_lists_ensure()
    _import_un()

    coverage = current_coverage(now=timezone.now() + timedelta(days=8))

    assert [(s.source, s.age_days, s.max_age_days) for s in coverage.stale] == [("un-sc", 8, 7)]
    assert "Out of date: un-sc (8 days old; at most 7)." in coverage.summary()
    assert "un-sc" in coverage.sanctions_gaps


def test_an_update_that_finds_the_same_file_confirms_the_list() -> None:
    services.shipped_lists_ensure()
    _import_un()
    later = timezone.now() + timedelta(days=8)

    with time_machine.travel(later, tick=False):
        _import_un()  # identical content: nothing new stored, the list is confirmed current
        coverage = current_coverage()

    assert coverage.stale == ()


def test_the_maximum_age_and_the_expected_sources_are_configurable(settings: Any) -> None:
    services.shipped_lists_ensure()
    _import_un()
    settings.TRUSTDESK_LIST_MAX_AGE_DAYS = {"un-sc": 30}
    settings.TRUSTDESK_LISTS_EXPECTED = ["un-sc", "aspi-unitracker"]

    coverage = current_coverage(now=timezone.now() + timedelta(days=8))

    assert coverage.complete
    assert coverage.missing == ()
    stale = current_coverage(now=timezone.now() + timedelta(days=31)).stale
    assert [(s.source, s.max_age_days) for s in stale] == [("un-sc", 30)]


def test_coverage_survives_a_json_round_trip() -> None:
    services.shipped_lists_ensure()
    coverage = current_coverage(now=timezone.now() + timedelta(days=500))

    assert Coverage.from_dict(coverage.to_dict()) == coverage
    assert coverage.to_dict()["stale"][0]["max_age_days"] == 400


def test_max_age_variables_name_the_source_and_refuse_bad_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRUSTDESK_LIST_MAX_AGE_OFAC_SDN", "3")
    monkeypatch.setenv("TRUSTDESK_LIST_MAX_AGE_CUSTOM_MY_LIST", "90")

    assert list_max_ages() == {"ofac-sdn": 3, "custom:my-list": 90}

    monkeypatch.setenv("TRUSTDESK_LIST_MAX_AGE_UN_SC", "0")
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_LIST_MAX_AGE_UN_SC='0'"):
        list_max_ages()


def test_an_unknown_expected_source_stops_start_up(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env = {**clean, "TRUSTDESK_HOME": str(tmp_path), "TRUSTDESK_LISTS_EXPECTED": "un-sc,ofac"}

    result = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "lists"],
        env={**env, "DJANGO_SETTINGS_MODULE": "trustdesk.web.settings"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "list coverage settings: unknown list source 'ofac'" in result.stderr
