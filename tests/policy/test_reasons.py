"""Structured reasons: each fact has a kind and references, its sentence is rendered from them,
redaction works on the kind, and an outcome survives its JSON round trip typed."""

from __future__ import annotations

import json

import pytest

from trustdesk.policy.reasons import REDACTED_HIT, Fact, FactKind, Reason, Refs, Relation
from trustdesk.policy.registry import load
from trustdesk.policy.triage import OUTCOME_SCHEMA, Outcome, OutcomeUnreadable, triage
from trustdesk.screening.matching.model import HitStatus, ScreeningHit

NRO_HIT = ScreeningHit("ca-nro", "ca-nro:example", "Example Defence Institute")
STRA = {"federal_funding": True, "stra_research": True, "stra_areas": ["quantum-computing"]}


def _facts(outcome: Outcome) -> list[Fact]:
    items = [outcome.tier, *outcome.processes, *outcome.verdicts, *outcome.mitigations]
    return [f for item in items for r in item.reasons for f in r.facts]


def test_a_screening_fact_refers_to_its_hit_and_renders_todays_sentence() -> None:
    outcome = triage(load("ca-base"), {**STRA, "nro_affiliation": False}, screening=[NRO_HIT])

    [verdict] = outcome.verdicts
    [reason] = verdict.reasons
    answer, found = reason.facts
    assert (answer.kind, answer.refs.question) == (FactKind.ANSWER, "stra_research")
    assert (found.kind, found.relation, found.refs.hit) == (
        FactKind.SCREENING_HIT,
        Relation.FOUND,
        NRO_HIT,
    )
    assert found.text == (
        "screening found Example Defence Institute on Named Research Organizations, "
        "entry ca-nro:example, not yet reviewed by an officer"
    )
    assert reason.kinds == {FactKind.ANSWER, FactKind.SCREENING_HIT}


def test_redaction_works_on_the_kind_not_the_words() -> None:
    # given a screening fact whose list title does not begin as the engine's sentences do
    hit = ScreeningHit("custom:x", "X-1", "Listed Entity", HitStatus.CONFIRMED)
    found = Fact(FactKind.SCREENING_HIT, Relation.FOUND, bound="Our own list", refs=Refs(hit=hit))
    said = Fact(FactKind.ANSWER, Relation.IS, "Partner name", "Listed Entity")
    reason = Reason("r", "A rule.", (said, found, found))

    # when it is redacted
    shown = reason.redacted()

    # then only the screening fact loses its entry; the answer (the researcher's own) stays
    assert shown.because == ("Partner name is Listed Entity", REDACTED_HIT)
    assert [f.refs.hit for f in shown.facts] == [None, None]
    assert not any(f.names_listed_entry for f in shown.facts)
    assert found.names_listed_entry


def test_each_kind_names_what_it_rests_on() -> None:
    pack = load("gb-base")
    answers = {
        "engagement_kind": ["research-collaboration"],
        "partner_name": "Universidad de Buenos Aires",
        "partner_kind": "university",
        "partner_country": "RU",
        "research_areas": ["aerospace-engineering"],
        "transfer_abroad": True,
        "military_end_use": "none",
        "partner_military_links": False,
        "visitor_nationality": "AR",
        "visitor_level": "postgraduate-research",
    }

    facts = _facts(triage(pack, answers))

    on_list = next(
        f
        for f in facts
        if f.kind is FactKind.COUNTRY_LIST and f.refs.country_list == "uk-sanctions-regimes"
    )
    assert on_list.text == "Partner country Russia has a UK sanctions regime"
    assert (on_list.refs.question, on_list.refs.country) == ("partner_country", "RU")
    assert on_list.refs.country_list is not None
    area = next(f for f in facts if f.kind is FactKind.TAXONOMY)
    assert area.text == (
        "Research area 'Aerospace engineering' is in UK control list category 9 "
        "Aerospace and propulsion"
    )
    assert (area.relation, area.refs.question, area.refs.node) == (
        Relation.WITHIN,
        "research_areas",
        "aerospace-engineering",
    )
    assert area.refs.taxonomy is not None
    assert area.refs.within is not None
    indicator = next(f for f in facts if f.kind is FactKind.INDICATOR)
    assert (indicator.refs.country, indicator.refs.indicator) == ("RU", "vdem_afi")
    assert indicator.relation is Relation.AT_MOST
    assert indicator.text.startswith("V-Dem Academic Freedom Index for Russia is ")


def test_an_outcome_comes_back_typed_from_its_json() -> None:
    outcome = triage(load("ca-base"), {**STRA, "nro_affiliation": False}, screening=[NRO_HIT])

    stored = json.loads(json.dumps(outcome.to_dict()))

    assert stored["schema"] == OUTCOME_SCHEMA == 2
    assert Outcome.from_dict(stored) == outcome
    fact = stored["verdicts"][0]["reasons"][0]["facts"][1]
    assert (fact["kind"], fact["refs"]["hit"]["entry_id"]) == ("screening_hit", "ca-nro:example")
    assert Outcome.from_dict(stored).redacted().verdicts[0].reasons[0].because[1] == REDACTED_HIT


def test_an_outcome_of_another_schema_is_refused_not_misread() -> None:
    stored = triage(load("ca-base"), STRA).to_dict()
    del stored["schema"]

    with pytest.raises(OutcomeUnreadable, match="outcome schema None is not 2"):
        Outcome.from_dict(stored)
