"""The UK base pack: published structures, sources, generated data and five smoke scenarios."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pycountry
import pytest
from click.testing import CliRunner

from tests.support import ROOT, shared_path
from trustdesk.cli import main
from trustdesk.policy.conditions import ScreeningHit, mapped_into
from trustdesk.policy.models import Pack, TaxonomyNode
from trustdesk.policy.registry import load
from trustdesk.policy.triage import Outcome, triage
from trustdesk.policy.validate import _cited_sources, is_substantive

SCRIPT = ROOT / "scripts" / "build_policy_reference.py"
PACK_FILE = ROOT / "src" / "trustdesk" / "policy" / "packs" / "gb-base.yaml"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load("gb-base")


def taxonomy(pack: Pack, tax_id: str) -> list[TaxonomyNode]:
    return next(t for t in pack.taxonomies if t.id == tax_id).nodes


def leaves(nodes: list[TaxonomyNode]) -> list[TaxonomyNode]:
    return [leaf for n in nodes for leaf in (leaves(n.children) if n.children else [n])]


def test_policy_check_reports_the_pack_ok() -> None:
    result = CliRunner().invoke(main, ["policy", "check", "gb-base"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "gb-base: OK"


def test_pack_metadata(pack: Pack) -> None:
    assert (pack.id, pack.jurisdiction, pack.extends) == ("gb-base", "GB", None)


def test_seventeen_nsi_areas_in_schedule_order(pack: Pack) -> None:
    nodes = taxonomy(pack, "nsi")

    assert [(n.code, n.label) for n in nodes] == [
        ("1", "Advanced Materials"),
        ("2", "Advanced Robotics"),
        ("3", "Artificial Intelligence"),
        ("4", "Civil Nuclear"),
        ("5", "Communications"),
        ("6", "Computing Hardware"),
        ("7", "Critical Suppliers to Government"),
        ("8", "Cryptographic Authentication"),
        ("9", "Data Infrastructure"),
        ("10", "Defence"),
        ("11", "Energy"),
        ("12", "Military and Dual-Use"),
        ("13", "Quantum Technologies"),
        ("14", "Satellite and Space Technologies"),
        ("15", "Suppliers to the Emergency Services"),
        ("16", "Synthetic Biology"),
        ("17", "Transport"),
    ]


def test_nsi_scope_notes_only_where_the_schedule_was_read(pack: Pack) -> None:
    with_notes = {n.code for n in taxonomy(pack, "nsi") if n.note}

    assert with_notes == {"2", "4", "5", "7"}


def test_military_list_ml1_to_ml22(pack: Pack) -> None:
    ml = next(n for n in taxonomy(pack, "uk-export-control") if n.id == "military-list")

    assert [n.code for n in ml.children] == [f"ML{i}" for i in range(1, 23)]


def test_dual_use_categories_0_to_9_by_a_to_e(pack: Pack) -> None:
    du = next(n for n in taxonomy(pack, "uk-export-control") if n.id == "dual-use")

    assert [c.code for c in du.children] == [str(i) for i in range(10)]
    assert [[s.code for s in c.children] for c in du.children] == [
        [f"{i}{letter}" for letter in "ABCDE"] for i in range(10)
    ]


def test_atas_exempt_nationalities_exactly_as_verified(pack: Pack) -> None:
    exempt = next(c for c in pack.country_lists if c.id == "atas-exempt")
    eu = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
          "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"]  # fmt: skip

    assert len(eu) == 27
    assert sorted(exempt.countries) == sorted([*eu, "IS", "LI", "NO", "CH", "AU", "CA", "JP",
                                               "NZ", "SG", "KR", "US"])  # fmt: skip


def test_atas_process_states_its_legal_basis_and_the_recheck_notice(pack: Pack) -> None:
    atas = next(p for p in pack.processes if p.id == "atas-certificate")

    assert atas.legal_basis is not None
    assert "Appendix ATAS" in atas.legal_basis
    assert "until at least January 2026" in atas.legal_basis
    assert "FCDO" in atas.legal_basis
    assert atas.notice is not None
    assert "re-checked" in atas.notice
    assert "29 April 2026" in atas.notice
    assert "2026-11-22" in atas.notice
    assert "keeps ATAS checks on" in atas.notice


def test_every_cited_source_has_a_check_date(pack: Pack) -> None:
    cited = list(_cited_sources(pack))

    assert len(cited) > 30
    assert [where for where, src in cited if src.checked is None] == []


def test_every_profile_indicator_is_declared_with_a_source(pack: Pack) -> None:
    declared = {i.id: i for i in pack.indicators}

    assert set(declared) == {
        "fcdo_advice_level", "fcdo_whole_country", "fcdo_parts", "vdem_afi", "fh_status",
        "fh_total", "fh_academic_freedom",
    }  # fmt: skip
    assert all(i.source.checked is not None for i in declared.values())
    used = {key for p in pack.country_profiles for key in p.indicators}
    assert used == set(declared)


def test_indicator_values_are_on_their_scales(pack: Pack) -> None:
    for p in pack.country_profiles:
        v = p.indicators
        assert v.get("fcdo_advice_level", 0) in range(5), p.country
        assert v.get("fcdo_whole_country", "none") in ("all-travel", "all-but-essential", "none")
        assert v.get("fcdo_parts", "none") in ("all-travel", "all-but-essential", "none")
        assert 0 <= float(v.get("vdem_afi", 0)) <= 1, p.country
        assert v.get("fh_status", "F") in ("F", "PF", "NF"), p.country
        assert v.get("fh_total", 0) in range(101), p.country
        assert v.get("fh_academic_freedom", 0) in range(5), p.country


def iso(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


def test_country_lists_hold_iso_codes(pack: Pack) -> None:
    bad = {lst.id: [c for c in lst.countries if not iso(c)] for lst in pack.country_lists}

    assert {k: v for k, v in bad.items() if v} == {}


def test_country_profiles_are_iso_codes_except_kosovo(pack: Pack) -> None:
    codes = [p.country for p in pack.country_profiles]

    assert [c for c in codes if not iso(c)] == ["XK"]
    assert len(codes) == len(set(codes))
    assert all(p.name for p in pack.country_profiles)


def test_sanctions_list_names_the_country_in_reasons(pack: Pack) -> None:
    outcome = triage(pack, {"engagement_kind": ["research-collaboration"], "partner_country": "RU"})

    because = {r.rule: r.because for p in outcome.processes for r in p.reasons}
    assert because["sanctions-country"] == ("Partner country Russia has a UK sanctions regime",)


def test_every_research_area_maps_somewhere_or_says_why_not(pack: Pack) -> None:
    areas = taxonomy(pack, "uk-research-areas")
    groups = {g.id: g for g in areas}

    unmapped = [
        leaf.id for leaf in leaves(areas) if not mapped_into(pack, "uk-research-areas", leaf.id)
    ]

    humanities = [leaf.id for leaf in groups["arts-and-humanities"].children]
    social = [leaf.id for leaf in groups["social-sciences"].children]
    assert set(humanities) | set(social) <= set(unmapped)
    stated = {g.id for g in areas if g.note and g.note.startswith("Not mapped")}
    assert stated == {"arts-and-humanities", "social-sciences"}
    for leaf_id in set(unmapped) - set(humanities) - set(social):
        leaf = next(n for n in leaves(areas) if n.id == leaf_id)
        assert leaf.note is not None
        assert leaf.note.startswith("Not mapped"), leaf_id
    assert 40 <= len(leaves(areas)) <= 80


def test_highest_tier_is_never_reached_on_country_or_nationality_alone(pack: Pack) -> None:
    highest = pack.tiers[-1].id
    raising = [r for r in pack.rules if r.then.tier == highest]

    assert len(raising) >= 5
    assert [r.id for r in raising if not is_substantive(r.when, pack)] == []


def test_generator_reproduces_the_committed_pack_byte_for_byte() -> None:
    data = shared_path("policy-data")

    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, str(SCRIPT), "--check", "--data", str(data), "--pack", str(PACK_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_generator_skips_with_a_message_when_the_data_is_missing(tmp_path: Path) -> None:
    copy = tmp_path / "gb-base.yaml"
    copy.write_bytes(PACK_FILE.read_bytes())

    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, str(SCRIPT), "--data", str(tmp_path / "none"), "--pack", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout.strip() == f"skipped: policy data folder not present: {tmp_path / 'none'}"
    assert copy.read_bytes() == PACK_FILE.read_bytes()


# Five smoke scenarios; the full scenario table lives elsewhere.

COLLABORATION = {
    "engagement_kind": ["research-collaboration"],
    "partner_name": "Harbin Institute of Technology",
    "partner_kind": "university",
    "partner_country": "CN",
    "research_areas": ["quantum-sensing"],
    "transfer_abroad": True,
    "military_end_use": "none",
    "partner_military_links": False,
    "personal_data": "none",
    "human_participants": False,
    "publication_restrictions": False,
    "ip_transfer": False,
}


def processes(outcome: Outcome) -> list[str]:
    return [p.id for p in outcome.processes]


def because(outcome: Outcome, process: str) -> set[str]:
    found = next(p for p in outcome.processes if p.id == process)
    return {b for r in found.reasons for b in r.because}


def test_quantum_sensing_with_an_entity_list_university(pack: Pack) -> None:
    hit = ScreeningHit(
        "us-csl", "us-csl:1", "Harbin Institute of Technology", programme="Entity List"
    )

    outcome = triage(pack, COLLABORATION, screening=[hit])

    assert outcome.tier.id == "escalated"
    assert {"export-control", "partner-due-diligence", "committee-escalation"} <= set(
        processes(outcome)
    )
    assert (
        "Research area 'Quantum sensing and metrology' is in NSI sector 13 Quantum Technologies"
        in (because(outcome, "committee-escalation"))
    )
    assert (
        "screening found Harbin Institute of Technology on US Consolidated Screening List "
        "(Entity List), entry us-csl:1, not yet reviewed by an officer"
    ) in because(outcome, "committee-escalation")
    assert len(outcome.asked) <= 17  # partner, other organisations, appointments, money, goods …


def test_humanities_exchange_with_a_french_university(pack: Pack) -> None:
    answers = COLLABORATION | {
        "partner_name": "Université Paris 1 Panthéon-Sorbonne",
        "partner_country": "FR",
        "research_areas": ["history"],
        "transfer_abroad": False,
    }

    outcome = triage(pack, answers)

    assert outcome.tier.id == "standard"
    assert processes(outcome) == []
    assert len(outcome.asked) <= 17  # partner, other organisations, appointments, money, goods …


def test_visiting_phd_student_in_aerospace_from_a_non_exempt_country(pack: Pack) -> None:
    answers = {
        "engagement_kind": ["visitor"],
        "partner_name": "Universidad de Buenos Aires",
        "partner_kind": "university",
        "partner_country": "AR",
        "research_areas": ["aerospace-engineering"],
        "transfer_abroad": True,
        "military_end_use": "none",
        "partner_military_links": False,
        "visitor_nationality": "AR",
        "visitor_level": "postgraduate-research",
    }

    outcome = triage(pack, answers)

    assert {"atas-certificate", "visitor-check", "export-control"} <= set(processes(outcome))
    assert "Research area 'Aerospace engineering' is in Engineering" in because(
        outcome, "atas-certificate"
    )
    atas = next(p for p in outcome.processes if p.id == "atas-certificate")
    assert atas.notice is not None
    # An exempt nationality with the same answers needs no certificate.
    assert "atas-certificate" not in processes(
        triage(pack, answers | {"visitor_nationality": "JP"})
    )


def test_two_million_pound_gift_from_a_foreign_state_linked_foundation(pack: Pack) -> None:
    answers = {
        "engagement_kind": ["funding-gift"],
        "partner_name": "Example State Foundation",
        "partner_kind": "charity-foundation",
        "partner_country": "QA",
        "partner_military_links": False,
        "funding_amount": 2_000_000,
        "funder_kind": "foreign-state",
        "publication_restrictions": False,
    }

    outcome = triage(pack, answers)

    assert outcome.tier.id == "escalated"
    assert {"funding-acceptance-review", "committee-escalation"} <= set(processes(outcome))
    assert because(outcome, "committee-escalation") == {
        "Funder is 'A foreign government, or a state-owned or state-linked body "
        "(including state-linked foundations)'",
        "Funding amount (GBP) is 2000000, at least 1000000",
    }
    # The same gift from a UK charity is reviewed but not escalated.
    uk = triage(pack, answers | {"funder_kind": "uk-private", "partner_country": "GB"})
    assert uk.tier.id == "standard"
    assert processes(uk) == ["funding-acceptance-review"]


def test_conference_trip_to_an_fcdo_avoid_all_travel_country(pack: Pack) -> None:
    answers = {
        "engagement_kind": ["staff-travel"],
        "research_areas": ["economics"],
        "travel_country": "SY",
        "travel_carrying": ["devices"],
    }

    outcome = triage(pack, answers)

    assert outcome.tier.id == "senior-approval"
    assert processes(outcome) == ["travel-risk-assessment", "travel-senior-approval"]
    assert because(outcome, "travel-senior-approval") == {
        "FCDO advice against travel to the whole country for Syria is all-travel"
    }
    assert "travel-device-hygiene" in [m.id for m in outcome.mitigations]
