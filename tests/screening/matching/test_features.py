from __future__ import annotations

import dataclasses

from trustdesk.screening.matching import DEFAULT_THRESHOLD, WEIGHTS, ScoringConfig
from trustdesk.screening.matching.features import REGISTRY


def test_every_registered_feature_has_a_docstring_for_reviewers() -> None:
    missing = [name for name, fn in REGISTRY.items() if not (fn.__doc__ or "").strip()]

    assert missing == []


def test_every_feature_has_a_weight_and_every_weight_a_feature() -> None:
    assert set(WEIGHTS) == set(REGISTRY)


def test_default_threshold_is_documented_and_in_range() -> None:
    assert DEFAULT_THRESHOLD == 0.7


def test_config_is_immutable_and_replaceable() -> None:
    config = ScoringConfig()

    stricter = dataclasses.replace(config, generic_weight=0.1)

    assert (config.generic_weight, stricter.generic_weight) == (0.25, 0.1)
