"""Risk rules, the risk scale and routing as pack data: load errors and extension by a pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy.test_loader import MINIMAL, write
from tests.support import GB_QUIET_COLLABORATION
from trustdesk.policy.assessment import assess
from trustdesk.policy.loader import PackError
from trustdesk.policy.registry import check, load
from trustdesk.policy.routing import route_for
from trustdesk.policy.triage import triage

RISK = """\
facts:
  - {id: mitigations_agreed, factor: activity, description: Plan agreed}
risk_areas:
  - {id: partnerships, label: Partnerships}
risk_scale:
  - {id: low, label: Low}
  - {id: high, label: High}
"""

ROUTED = """\
routing:
  - {tier: low, role: officer}
  - tier: high
    role: approver
    committee:
      title: the committee
      seats: [{id: chair, label: Chair}, {id: member, label: Member}]
      quorum: 2
"""


def problems(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [(e.path, e.problem) for e in check(str(write(tmp_path, text)))]


def test_a_pack_with_risk_rules_and_routing_loads(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + RISK
        + ROUTED
        + """\
risk_rules:
  - id: dual-use-partner
    area: partnerships
    rating: high
    when: {all: [{answer: dual_use, equals: true}, {not: {fact: mitigations_agreed}}]}
    reason: Dual-use work without an agreed plan.
"""
    )
    assert problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("routing", "path", "problem"),
    [
        (
            "routing:\n  - {tier: low, role: officer}\n  - {tier: high, role: approver}\n"
            "  - {tier: urgent, role: approver}\n",
            "routing[2](urgent).tier",
            "unknown tier 'urgent'",
        ),
        (
            "routing:\n  - {tier: low, role: officer}\n",
            "routing",
            "tier 'high' has no route: nobody could decide it",
        ),
        (
            "routing:\n  - {tier: low, role: officer}\n  - {tier: high, role: approver}\n"
            "  - {tier: low, role: approver}\n",
            "routing[2](low)",
            "duplicate id 'low'",
        ),
        (
            ROUTED.replace("quorum: 2", "quorum: 0"),
            "routing[1](high).committee.quorum",
            "the quorum must be at least 1",
        ),
        (
            ROUTED.replace("quorum: 2", "quorum: 3"),
            "routing[1](high).committee.quorum",
            "is 3 but the committee has 2 seat(s); it could never decide",
        ),
        (
            ROUTED.replace(
                "[{id: chair, label: Chair}, {id: member, label: Member}]", "[]"
            ).replace("quorum: 2", "quorum: 1"),
            "routing[1](high).committee.seats",
            "a committee needs at least one seat",
        ),
        (
            ROUTED.replace("{id: member, label: Member}", "{id: chair, label: Again}"),
            "routing[1](high).committee.seats[1](chair)",
            "duplicate id 'chair'",
        ),
        (
            ROUTED.replace("role: approver", "role: approver\n    options: []"),
            "routing[1](high).options",
            "a route needs decision options",
        ),
        (
            ROUTED.replace("role: approver", "role: approver\n    options: [approve, approve]"),
            "routing[1](high).options[1]",
            "'approve' is listed twice",
        ),
        (
            ROUTED.replace("role: approver", "role: chancellor"),
            "routing[1].role",
            "Input should be 'officer' or 'approver'",
        ),
    ],
)
def test_routing_errors_name_file_and_path(
    tmp_path: Path, routing: str, path: str, problem: str
) -> None:
    file = write(tmp_path, MINIMAL + routing)

    assert PackError(str(file), path, problem) in check(str(file))


@pytest.mark.parametrize(
    ("rule", "path", "problem"),
    [
        (
            "{id: r, area: research, rating: high, when: {answer: dual_use, equals: true}, "
            "reason: R}",
            "risk_rules[0](r).area",
            "unknown risk area 'research'",
        ),
        (
            "{id: r, area: partnerships, rating: extreme, when: {answer: dual_use, equals: true}, "
            "reason: R}",
            "risk_rules[0](r).rating",
            "'extreme' is not on the risk scale",
        ),
        (
            "{id: r, area: partnerships, rating: high, when: {process: audit}, reason: R}",
            "risk_rules[0](r).when.process",
            "unknown process 'audit'",
        ),
        (
            "{id: r, area: partnerships, rating: high, when: {tier_at_least: urgent}, reason: R}",
            "risk_rules[0](r).when.tier_at_least",
            "unknown tier 'urgent'",
        ),
        (
            "{id: r, area: partnerships, rating: high, when: {fact: partner_is_nice}, reason: R}",
            "risk_rules[0](r).when.fact",
            "undeclared fact 'partner_is_nice'",
        ),
    ],
)
def test_risk_rule_errors_name_file_and_path(
    tmp_path: Path, rule: str, path: str, problem: str
) -> None:
    file = write(tmp_path, MINIMAL + RISK + f"risk_rules:\n  - {rule}\n")

    assert PackError(str(file), path, problem) in check(str(file))


def test_risk_rules_need_a_scale(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + RISK.split("risk_scale:")[0]
        + (
            "risk_rules:\n  - {id: r, area: partnerships, rating: high, "
            "when: {answer: dual_use, equals: true}, reason: R}\n"
        )
    )

    assert ("risk_scale", "risk rules need a risk scale to rate on") in problems(tmp_path, text)


def test_only_risk_rules_read_the_triage_outcome(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """\
rules:
  - id: loop
    when: {tier_at_least: high}
    then: {processes: [review]}
    reason: R
"""
    )
    assert problems(tmp_path, text) == [
        (
            "rules[0](loop).when.tier_at_least",
            "reads the triage outcome; only risk rules may use it",
        )
    ]


@pytest.mark.parametrize(
    ("when", "allowed"),
    [
        ("{country_of: partner_country, in_list: watch}", False),
        ("{any: [{country_of: partner_country, in_list: watch}, "
         "{answer: dual_use, equals: true}]}", False),
        ("{process: review}", False),
        ("{tier_at_least: low}", False),
        ("{all: [{country_of: partner_country, in_list: watch}, "
         "{answer: dual_use, equals: true}]}", True),
        ("{all: [{tier_at_least: high}, {country_of: partner_country, in_list: watch}]}", True),
        ("{screening: has_hit, status_in: [confirmed]}", True),
    ],
)  # fmt: skip
def test_anti_profiling_covers_the_highest_rating(tmp_path: Path, when: str, allowed: bool) -> None:
    # given a country list, and a rule raising partnerships to the highest rating on ``when``
    watch = """\
country_lists:
  - id: watch
    title: Watch
    source: {title: S, url: "https://x", checked: 2026-01-01}
    countries: [RU]
"""
    rule = (
        f"risk_rules:\n  - {{id: r, area: partnerships, rating: high, when: {when}, reason: R}}\n"
    )
    found = problems(tmp_path, MINIMAL + RISK + watch + rule)

    refusal = (
        "risk_rules[0](r).when",
        "raises a risk area to the highest rating ('high') on a country or nationality alone; "
        "add an activity, technology or affiliation factor (anti-profiling)",
    )
    assert (found == []) is allowed
    assert (found == [refusal]) is not allowed


def test_a_country_alone_may_raise_a_lower_rating(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + RISK.replace(
            "  - {id: high, label: High}",
            "  - {id: medium, label: Medium}\n  - {id: high, label: High}",
        )
        + """\
country_lists:
  - id: watch
    title: Watch
    source: {title: S, url: "https://x", checked: 2026-01-01}
    countries: [RU]
risk_rules:
  - id: r
    area: partnerships
    rating: medium
    when: {country_of: partner_country, in_list: watch}
    reason: R
"""
    )
    assert problems(tmp_path, text) == []


INSTITUTION = """\
id: wessex-risk
urn: urn:trustdesk:policy:wessex-risk
version: "1"
publication_date: 2026-12-01
publisher: Test
jurisdiction: GB
title: Wessex risk
extends: gb-base
"""


def test_an_institution_adds_risk_rules_and_replaces_a_tier_route(tmp_path: Path) -> None:
    # given Wessex, whose committee has five seats and a quorum of four, and who rates any
    # collaboration with a company at least medium for partnerships
    text = (
        INSTITUTION
        + """\
routing:
  - tier: escalated
    role: approver
    committee:
      title: Wessex research security committee
      seats:
        - {id: chair, label: Chair}
        - {id: deputy, label: Deputy chair}
        - {id: academic, label: Academic member}
        - {id: lay, label: Lay member}
        - {id: legal, label: General Counsel}
      quorum: 4
risk_rules:
  - id: wessex-company-partner
    area: partnerships
    rating: medium
    when: {answer: partner_kind, equals: company}
    reason: Wessex reviews every company partnership's terms.
"""
    )
    pack = load(str(write(tmp_path, text)))
    answers = {
        "engagement_kind": ["research-collaboration"],
        **GB_QUIET_COLLABORATION,
        "partner_kind": "company",
        "partner_country": "FR",
        "research_areas": ["history"],
    }

    # then the base's other routes stand, the escalated one is Wessex's
    assert route_for(pack, "standard").role == "officer"
    escalated = route_for(pack, "escalated").committee
    assert escalated is not None
    assert (escalated.quorum, len(escalated.seats)) == (4, 5)
    # and the added rule rates, beside every base rule
    assessment = assess(pack, triage(pack, answers), answers)
    assert assessment.rating("partnerships") == "medium"
    assert [r.rule for r in assessment.areas[-1].reasons] == ["wessex-company-partner"]
    assert len(pack.risk_rules) == len(load("gb-base").risk_rules) + 1


def test_an_institution_cannot_redefine_a_base_risk_rule(tmp_path: Path) -> None:
    text = (
        INSTITUTION
        + """\
risk_rules:
  - id: partner-confirmed-sanctions
    area: partnerships
    rating: medium
    when: {answer: partner_kind, equals: company}
    reason: Softer.
"""
    )
    assert problems(tmp_path, text) == [
        (
            "risk_rules[0](partner-confirmed-sanctions)",
            "already defined in base pack 'gb-base'; an extension adds, it does not replace",
        )
    ]


def test_an_institution_may_relabel_the_risk_scale_but_not_change_it(tmp_path: Path) -> None:
    relabelled = (
        INSTITUTION
        + """\
risk_scale:
  - {id: low, label: Green}
  - {id: medium, label: Amber}
  - {id: high, label: Red}
  - {id: very-high, label: Black}
"""
    )
    shortened = (
        INSTITUTION + "risk_scale:\n  - {id: low, label: Low}\n  - {id: high, label: High}\n"
    )

    assert [r.label for r in load(str(write(tmp_path, relabelled))).risk_scale] == [
        "Green",
        "Amber",
        "Red",
        "Black",
    ]
    assert problems(tmp_path, shortened) == [
        ("risk_scale", "may relabel the base's risk scale (same ids, same order), not change it")
    ]


def test_an_institution_route_is_checked_like_the_base(tmp_path: Path) -> None:
    text = (
        INSTITUTION
        + """\
routing:
  - tier: escalated
    role: approver
    committee: {title: C, seats: [{id: chair, label: Chair}], quorum: 0}
"""
    )
    assert problems(tmp_path, text) == [
        ("routing[0](escalated).committee.quorum", "the quorum must be at least 1")
    ]


def test_a_risk_rule_reads_a_list_fact_of_the_case(tmp_path: Path) -> None:
    # given a pack whose risk rule reads the countries of all the case's partners
    facts = "facts:\n  - {id: partner_countries, factor: affiliation, description: Countries}\n"
    text = (
        MINIMAL
        + RISK.replace("facts:\n", facts)
        + """\
risk_rules:
  - id: many-partners-in-ru
    area: partnerships
    rating: high
    when: {fact: partner_countries, contains: RU}
    reason: A partner is in Russia.
"""
    )
    pack = load(str(write(tmp_path, text)))
    outcome = triage(pack, {})

    # then the rule holds for a case with a Russian partner among others, and not otherwise
    held = assess(pack, outcome, {}, facts={"partner_countries": ["FR", "RU"]})
    assert held.rating("partnerships") == "high"
    assert held.areas[0].reasons[0].because == ("partner_countries includes RU",)
    not_held = assess(pack, outcome, {}, facts={"partner_countries": ["FR"]})
    assert not_held.rating("partnerships") == "low"


def test_a_screening_status_filter_needs_a_status(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + RISK
        + (
            "risk_rules:\n  - {id: r, area: partnerships, rating: high, "
            "when: {screening: has_hit, status_in: []}, reason: R}\n"
        )
    )

    assert problems(tmp_path, text) == [
        ("risk_rules[0](r).when", "Value error, status_in needs at least one status")
    ]
