"""Facts with sources and check dates, research areas mapped into legal taxonomies, and overlays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trustdesk.policy.models import Source
from trustdesk.policy.reference import IndicatorOverlay
from trustdesk.policy.registry import check, load
from trustdesk.policy.triage import triage

PACK = """
id: mapped
urn: urn:test:mapped
version: "1"
publication_date: 2026-01-01
publisher: Test
jurisdiction: GB
title: Research areas mapped into NSI sectors
contacts: {office: {name: Office}}
questions:
  - {id: country, kind: country, label: Partner country, text: Where is the partner, help: H}
  - id: areas
    kind: technology_area
    taxonomy: areas
    label: Research area
    text: Which areas
    help: H
processes:
  - id: nsi
    title: NSI check
    what: W
    why: Y
    contact: office
    guidance_url: "https://example.org"
    lead_time: 1 day
    legal_basis: National Security and Investment Act 2021
    notice: Being re-checked.
    sources: [{title: Act, url: "https://example.org/act", checked: 2026-02-03}]
  - {id: travel, title: Travel, what: W, why: Y, contact: office,
     guidance_url: "https://example.org", lead_time: 1 day, legal_basis: Test rules}
  - {id: sanctions, title: Sanctions, what: W, why: Y, contact: office,
     guidance_url: "https://example.org", lead_time: 1 day, legal_basis: Test rules}
tiers:
  - {id: low, label: Low, description: L}
  - {id: high, label: High, description: H}
indicators:
  - id: fcdo_level
    title: FCDO travel advice level
    description: 0 to 4
    scale: 0-4
    source: {title: FCDO, url: "https://example.org/fcdo", checked: 2026-08-22}
country_lists:
  - id: uk-sanctions
    title: UK sanctions regimes
    member_phrase: has a UK sanctions regime
    source: {title: S, url: "https://example.org", checked: 2026-01-01}
    countries: [RU]
country_profiles:
  - {country: RU, name: Russia, indicators: {fcdo_level: 3}}
  - {country: FR, name: France, indicators: {fcdo_level: 0}}
taxonomies:
  - id: nsi
    title: NSI Act sensitive sectors
    node_prefix: NSI sector
    source: {title: Act, url: "https://example.org", checked: 2026-01-01}
    nodes:
      - {id: quantum, code: "13", label: Quantum Technologies}
      - {id: energy, code: "6", label: Energy}
  - id: areas
    title: Research areas
    source: {title: Ours, url: "https://example.org", checked: 2026-01-01}
    nodes:
      - id: physics
        label: Physics
        children:
          - {id: quantum-sensing, label: Quantum sensing, also_in: [nsi/quantum]}
          - {id: optics, label: Optics}
rules:
  - id: nsi-sector
    when: {technology_of: areas, under: [nsi/quantum]}
    then: {processes: [nsi]}
    reason: The work is in an NSI Act sensitive sector.
  - id: sanctions
    when: {country_of: country, in_list: uk-sanctions}
    then: {processes: [sanctions]}
    reason: Sanctions apply.
  - id: travel
    when: {country_of: country, indicator: fcdo_level, gte: 3}
    then: {processes: [travel]}
    reason: The FCDO advises against travel.
"""


def write(tmp_path: Path, text: str = PACK) -> Path:
    path = tmp_path / "mapped.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_research_area_reaches_a_legal_sector_through_also_in(tmp_path: Path) -> None:
    outcome = triage(load(str(write(tmp_path))), {"country": "RU", "areas": ["quantum-sensing"]})

    nsi = next(p for p in outcome.processes if p.id == "nsi")
    assert nsi.reasons[0].because == (
        "Research area 'Quantum sensing' is in NSI sector 13 Quantum Technologies",
    )
    assert nsi.legal_basis == "National Security and Investment Act 2021"
    assert nsi.notice == "Being re-checked."
    assert nsi.sources[0].checked == "2026-02-03"


def test_unmapped_area_does_not_reach_the_sector(tmp_path: Path) -> None:
    outcome = triage(load(str(write(tmp_path))), {"country": "FR", "areas": ["optics"]})

    assert outcome.processes == ()


def test_country_reasons_name_the_country_and_the_list(tmp_path: Path) -> None:
    outcome = triage(load(str(write(tmp_path))), {"country": "RU"})

    because = {p.id: p.reasons[0].because for p in outcome.processes}
    assert because["sanctions"] == ("Partner country Russia has a UK sanctions regime",)
    assert because["travel"] == ("FCDO travel advice level for Russia is 3, at least 3",)


def test_overlay_replaces_shipped_values_and_the_source(tmp_path: Path) -> None:
    fresh = Source(
        title="FCDO travel advice (fetched)",
        url="https://example.org/fcdo",
        checked=dt.date(2026, 11, 20),
    )
    overlay = IndicatorOverlay("fcdo_level", {"FR": 4, "XK": 1}, fresh, names={"XK": "Kosovo"})

    pack = load(str(write(tmp_path)), overlays=[overlay])

    profiles = {p.country: p for p in pack.country_profiles}
    assert profiles["FR"].indicators == {"fcdo_level": 4}
    assert profiles["RU"].indicators == {}  # no longer given: no stale value
    assert profiles["XK"].name == "Kosovo"
    assert pack.indicators[0].source.checked == dt.date(2026, 11, 20)
    assert [p.id for p in triage(pack, {"country": "FR"}).processes] == ["travel"]


def test_overlay_for_an_undeclared_indicator_is_ignored(tmp_path: Path) -> None:
    src = Source(title="x", url="https://x", checked=dt.date(2026, 1, 1))

    pack = load(str(write(tmp_path)), overlays=[IndicatorOverlay("other", {"FR": 1}, src)])

    assert all("other" not in p.indicators for p in pack.country_profiles)


@pytest.mark.parametrize(
    ("edit", "where", "problem"),
    [
        (
            ('source: {title: Ours, url: "https://example.org", checked: 2026-01-01}',
             'source: {title: Ours, url: "https://example.org"}'),
            "taxonomies[1](areas).source.checked",
            "a source needs the date its facts were checked",
        ),
        (
            ("indicators: {fcdo_level: 0}", "indicators: {fcdo_level: 0, vdem: 1}"),
            "country_profiles[1](FR).indicators.vdem",
            "undeclared indicator 'vdem'; declare it with its source",
        ),
        (
            ("also_in: [nsi/quantum]", "also_in: [nsi/quantum, nsi/space]"),
            "taxonomies[1](areas).nodes(physics).children(quantum-sensing).also_in[1]",
            "'nsi/space' is not a taxonomy/node of this pack",
        ),
        (
            ("under: [nsi/quantum]", "under: [nsi/energy]"),
            "rules[0](nsi-sector).when.under[0]",
            "no area of taxonomy 'areas' maps into 'nsi/energy' (also_in), so this can never hold",
        ),
    ],
)  # fmt: skip
def test_fact_problems_are_reported_with_their_path(
    tmp_path: Path, edit: tuple[str, str], where: str, problem: str
) -> None:
    path = write(tmp_path, PACK.replace(*edit))

    problems = check(str(path))

    assert [(p.path, p.problem) for p in problems] == [(where, problem)]
