from __future__ import annotations

import dataclasses

import pytest

from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import (
    DEFAULT_THRESHOLD,
    WEIGHTS,
    MatchIndex,
    Query,
    ScoringConfig,
    blocking,
    features,
)
from trustdesk.screening.matching.features import REGISTRY, plan
from trustdesk.screening.matching.index import _query_forms, _QueryCache


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


# Queries near the shared index's entries, each landing on both sides of the threshold.
NEAR_QUERIES = (
    Query("Beihang University", country="CN"),
    Query("Beijing Univ. of Aeronautics", type=EntityType.ORGANIZATION),
    Query("National University of Defence", country="GB"),
    Query("Zhejiang Normal University", country="CN"),
    Query("Evgeny Orlovsky", type=EntityType.PERSON, country="RU"),
    Query("Yevgeniy M. Orlovskiy", type=EntityType.PERSON),
    Query("Mark Orlov", type=EntityType.PERSON, birth_date="1970"),
    Query("Velmor Ltd", type=EntityType.ORGANIZATION),
    Query("Grupo Talvera", country="MX"),
    Query("Singapore University", type=EntityType.ORGANIZATION),
    Query("Qinhang Univ", country="CN"),
)


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
def test_giving_up_below_the_threshold_changes_no_hit(index: MatchIndex, threshold: float) -> None:
    """Scoring stops early once a pair cannot reach the threshold (`features.Plan`): every hit
    must be what scoring in full and then keeping what reaches the threshold gives."""
    for query in NEAR_QUERIES:
        full = [h for h in index.search(query, threshold=0.0, limit=100) if h.score >= threshold]
        cut = index.search(query, threshold=threshold, limit=100)

        assert [(h.key, h.score, h.features) for h in cut] == [
            (h.key, h.score, h.features) for h in full
        ], query.name


def test_each_feature_counts_in_the_direction_of_its_weight(index: MatchIndex) -> None:
    """A feature's value is never negative, so a feature weighted down can only lower a score:
    what lets scoring stop once a pair has fallen below the threshold."""
    fired = [
        (name, contribution)
        for query in NEAR_QUERIES
        for hit in index.search(query, threshold=0.0, limit=100)
        for name, contribution, _ in hit.features
    ]

    assert len({name for name, _ in fired}) >= 5
    assert [(n, c) for n, c in fired if c * WEIGHTS[n] < 0] == []


def test_a_plan_leaves_out_only_features_that_are_silent_for_the_pair(index: MatchIndex) -> None:
    """A plan keeps for each kind of pair only the features that can fire for it (person's
    names, organisations'): every feature left out must be silent for every such pair."""
    config = ScoringConfig()
    queries = (*NEAR_QUERIES, Query("Orlovsky"), Query("Velmor"), Query("Evgeny Markovich"))
    checked, kinds = 0, set()
    for query in queries:
        for form in _query_forms(query):
            q_side = index._query_side(form, query, config)
            cache = _QueryCache(index.word_cache.for_config(config).similarities)
            chosen = plan(q_side, config)
            for record, same_letters in blocking.candidates(index, form, q_side.name, config):
                c_side = index._candidate_side(record, q_side.name, config, cache, same_letters)
                steps = chosen.people if c_side.name.person else chosen.others
                kept = {name for name, _, _ in steps.steps}
                kinds.add(c_side.name.person)
                for name, fn in REGISTRY.items():
                    if name not in kept:
                        assert fn(q_side, c_side, config).value == 0, (name, query.name)
                        checked += 1

    assert kinds == {True, False}
    assert checked > 100


def test_a_kept_plan_serves_only_queries_that_give_the_same_facts(index: MatchIndex) -> None:
    """Plans are kept for queries alike (`features.plan`): a query that gives a type, a country
    or a date of birth must not be scored with the plan of one that gave none."""
    typed = [
        Query("Beihang University", type=EntityType.PERSON),
        Query("Beihang University", country="GB"),
        Query("Evgeny Orlovsky", birth_date="1970-01-01"),
        Query("Evgeny Orlovsky", identifiers=("AB123",)),
    ]
    fresh = []
    for query in typed:
        features._PLANS.clear()
        fresh.append([(h.key, h.score, h.features) for h in index.search(query, threshold=0.3)])

    features._PLANS.clear()
    for untyped in (Query("Beihang University"), Query("Evgeny Orlovsky")):
        index.search(untyped, threshold=0.3)  # plans for queries that give no fact
    after = [[(h.key, h.score, h.features) for h in index.search(q, threshold=0.3)] for q in typed]

    assert after == fresh
