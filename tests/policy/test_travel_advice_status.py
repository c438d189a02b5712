"""The FCDO's own statuses (whole country, parts) kept apart, and the rules that read them."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from tests.support import shared_path
from trustdesk.policy.models import Pack, Source
from trustdesk.policy.reference import IndicatorOverlay
from trustdesk.policy.registry import load
from trustdesk.policy.travel_advice import (
    PARTS_INDICATOR,
    WHOLE_COUNTRY_INDICATOR,
    AdviceStatus,
    level_of,
)
from trustdesk.policy.triage import Outcome, triage

WHOLE_ALL = "avoid_all_travel_to_whole_country"
WHOLE_ESSENTIAL = "avoid_all_but_essential_travel_to_whole_country"
PARTS_ALL = "avoid_all_travel_to_parts"
PARTS_ESSENTIAL = "avoid_all_but_essential_travel_to_parts"


@pytest.mark.parametrize(
    ("codes", "whole", "parts"),
    [
        ([], "none", "none"),
        ([WHOLE_ALL], "all-travel", "none"),
        ([PARTS_ESSENTIAL], "none", "all-but-essential"),
        ([PARTS_ALL, PARTS_ESSENTIAL], "none", "all-travel"),
        # Ukraine's kind of advice: both hold, and neither hides the other.
        ([WHOLE_ESSENTIAL, PARTS_ALL], "all-but-essential", "all-travel"),
    ],
)
def test_statuses_keep_whole_country_and_parts_apart(
    codes: list[str], whole: str, parts: str
) -> None:
    assert AdviceStatus.of(codes) == AdviceStatus(whole_country=whole, parts=parts)


def test_the_level_cannot_tell_the_combination_from_whole_country_advice_alone() -> None:
    both = [WHOLE_ESSENTIAL, PARTS_ALL]

    assert level_of(both) == level_of([WHOLE_ESSENTIAL]) == 3
    assert AdviceStatus.of(both) != AdviceStatus.of([WHOLE_ESSENTIAL])
    assert AdviceStatus.of(both).describe() == (
        "advises against all but essential travel to the whole country and advises against "
        "all travel to parts of the country"
    )


def test_a_stored_level_without_codes_gives_the_status_it_implies() -> None:
    assert AdviceStatus.from_level(4) == AdviceStatus(whole_country="all-travel")
    assert AdviceStatus.from_level(2) == AdviceStatus(parts="all-travel")
    assert AdviceStatus.from_level(0) == AdviceStatus()


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown alert status"):
        AdviceStatus.of(["avoid_everything"])


def test_gb_base_seed_statuses_agree_with_the_snapshot_codes() -> None:
    path = shared_path("policy-data/fcdo_travel_advice_status_2026-08-22.csv")
    profiles = {p.name: p.indicators for p in load("gb-base").country_profiles}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["country"] not in profiles:
                continue  # pages covering several territories are named per territory
            status = AdviceStatus.of([c for c in row["alert_status"].split(";") if c])
            values = profiles[row["country"]]
            assert values[WHOLE_COUNTRY_INDICATOR] == status.whole_country, row["country"]
            assert values[PARTS_INDICATOR] == status.parts, row["country"]


def with_advice(whole: str, parts: str, level: int) -> Pack:
    source = Source(title="test advice", url="https://example.org", checked=dt.date(2026, 12, 1))
    return load(
        "gb-base",
        overlays=[
            IndicatorOverlay(WHOLE_COUNTRY_INDICATOR, {"UA": whole}, source),
            IndicatorOverlay(PARTS_INDICATOR, {"UA": parts}, source),
            IndicatorOverlay("fcdo_advice_level", {"UA": level}, source),
        ],
    )


def trip(pack: Pack) -> Outcome:
    return triage(
        pack,
        {
            "engagement_kind": ["staff-travel"],
            "travel_country": "UA",
            "travel_carrying": ["nothing"],
        },
    )


def reasons(outcome: Outcome, process: str) -> list[str]:
    found = next((p for p in outcome.processes if p.id == process), None)
    return [] if found is None else [r.text for r in found.reasons]


def test_whole_country_advice_plus_all_travel_to_parts_gives_both_reasons() -> None:
    outcome = trip(with_advice("all-but-essential", "all-travel", 3))

    assessment = reasons(outcome, "travel-risk-assessment")
    assert any("all travel to parts" in r for r in assessment)
    assert any("whole of the destination" in r for r in assessment)
    assert reasons(outcome, "travel-senior-approval")
    assert outcome.tier.id == "enhanced"


def test_whole_country_advice_alone_says_nothing_of_parts() -> None:
    outcome = trip(with_advice("all-but-essential", "none", 3))

    assert not any("parts" in r for r in reasons(outcome, "travel-risk-assessment"))
    assert reasons(outcome, "travel-senior-approval")


def test_all_travel_to_parts_alone_needs_the_sites_confirmed_not_senior_approval() -> None:
    outcome = trip(with_advice("none", "all-travel", 2))

    assert any("exact sites" in r for r in reasons(outcome, "travel-risk-assessment"))
    assert reasons(outcome, "travel-senior-approval") == []
