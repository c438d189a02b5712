"""Cases decided as an experienced research-security officer would, through gb-base.

Each row gives a researcher's answers (and screening, where the partner was screened), the tier
the officer would set, processes that must and must not apply, and a phrase the reasons must say.
Rows cover every process and tier, each kind of sanctions, each FCDO advice status, data
protection, funding, NSI share sizes and anti-profiling probes; the variant table then checks
that a plausible different wording of one answer keeps the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from trustdesk.policy.conditions import ScreeningHit
from trustdesk.policy.models import Pack, Rule
from trustdesk.policy.registry import load
from trustdesk.policy.triage import Outcome, triage
from trustdesk.policy.validate import validate_pack


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load("gb-base")


QUIET: dict[str, object] = {
    "partner_kind": "university",
    "transfer_abroad": False,
    "military_end_use": "none",
    "partner_military_links": False,
    "other_organisations": [],
    "payment_to_partner": False,
    "personal_data": "none",
    "human_participants": False,
    "publication_restrictions": False,
    "ip_transfer": False,
}


def collab(country: str, areas: list[str], **answers: object) -> dict[str, object]:
    return {
        "engagement_kind": ["research-collaboration"],
        "partner_name": "Example Partner University",
        "partner_country": country,
        "research_areas": areas,
        **QUIET,
        **answers,
    }


def trip(
    country: str, carrying: list[str] | None = None, area: str = "history"
) -> dict[str, object]:
    return {
        "engagement_kind": ["staff-travel"],
        "research_areas": [area],
        "travel_country": country,
        "travel_carrying": carrying or ["nothing"],
    }


def visitor(
    nationality: str, home: str, areas: list[str], level: str = "researcher"
) -> dict[str, object]:
    return {
        "engagement_kind": ["visitor"],
        "partner_name": "Home University",
        "partner_kind": "university",
        "partner_country": home,
        "research_areas": areas,
        "transfer_abroad": False,
        "military_end_use": "none",
        "partner_military_links": False,
        "other_organisations": [],
        "payment_to_partner": False,
        "visitor_nationality": nationality,
        "visitor_level": level,
    }


def student(nationality: str, home: str, areas: list[str], level: str) -> dict[str, object]:
    answers = visitor(nationality, home, areas, level)
    answers["engagement_kind"] = ["incoming-student"]
    return answers


def funding(amount: int, funder: str, conditions: list[str], **more: object) -> dict[str, object]:
    return {
        "engagement_kind": ["funding-gift"],
        "partner_name": "Example Foundation",
        "partner_kind": "charity-foundation",
        "partner_country": "GB",
        "partner_military_links": False,
        "other_organisations": [],
        "payment_to_partner": False,
        "funding_amount": amount,
        "funder_kind": funder,
        "funding_conditions": conditions,
        "publication_restrictions": False,
        **more,
    }


def spinout(country: str, areas: list[str], share: str, kind: str = "company") -> dict[str, object]:
    return {
        "engagement_kind": ["licensing-spinout"],
        "partner_name": "Example Ventures Ltd",
        "partner_kind": kind,
        "partner_country": country,
        "research_areas": areas,
        "transfer_abroad": False,
        "military_end_use": "none",
        "partner_military_links": False,
        "other_organisations": [],
        "payment_to_partner": False,
        "ip_transfer": True,
        "ip_terms": ["shares"],
        "shareholding": share,
    }


def hit(source: str, status: str = "unresolved") -> ScreeningHit:
    return ScreeningHit(source, f"{source}-1", "Example Partner University", status)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    id: str
    answers: dict[str, object]
    tier: str
    includes: set[str] = field(default_factory=set)
    excludes: set[str] = field(default_factory=set)
    says: str = ""
    screening: tuple[ScreeningHit, ...] = ()
    verdict: str | None = None


QUANTUM = ["quantum-computing"]
FACES = ["computer-vision"]
DRONES = ["drones"]
HISTORY = ["history"]

CASES = [
    # Sanctions: designated persons (asset freeze), by list and review status
    Case(
        "ofsi-open-match-stops-dealings",
        collab("AE", HISTORY),
        "escalated",
        {"sanctions-check", "committee-escalation"},
        says="dealings stop",
        screening=(hit("uk-sanctions"),),
        verdict="dealings-stop",
    ),
    Case(
        "ofsi-confirmed-match-stops-dealings",
        collab("AE", HISTORY),
        "escalated",
        {"sanctions-check"},
        screening=(hit("ofsi-conlist", "confirmed"),),
        verdict="dealings-stop",
    ),
    Case(
        "un-match-awaiting-information-stops-dealings",
        collab("KE", HISTORY),
        "escalated",
        {"sanctions-check"},
        screening=(hit("un-sc", "needs_information"),),
        verdict="dealings-stop",
    ),
    Case(
        "ofac-sdn-open-match-stops-dealings",
        collab("TR", HISTORY),
        "escalated",
        {"partner-due-diligence"},
        screening=(hit("ofac-sdn"),),
        verdict="dealings-stop",
    ),
    Case(
        "eu-asset-freeze-open-match-stops-dealings",
        collab("RS", HISTORY),
        "escalated",
        {"sanctions-check"},
        screening=(hit("eu-fsf"),),
        verdict="dealings-stop",
    ),
    Case(
        "dismissed-sanctions-match-counts-for-nothing",
        collab("DE", HISTORY),
        "standard",
        excludes={"sanctions-check", "committee-escalation"},
        screening=(hit("uk-sanctions", "false_positive"),),
    ),
    Case(
        "aggregator-match-is-enhanced-not-a-stop",
        collab("DE", HISTORY),
        "enhanced",
        {"sanctions-check"},
        excludes={"committee-escalation"},
        screening=(hit("opensanctions"),),
    ),
    # Sanctions: countries, by the regime's measures and what moves
    Case(
        "trade-sanctions-country-with-payment",
        collab("RU", HISTORY, payment_to_partner=True),
        "senior-approval",
        {"sanctions-check", "partner-due-diligence"},
        says="restrict trade, finance, investment or services",
    ),
    Case(
        "trade-sanctions-country-with-technology-transfer",
        collab(
            "IR",
            ["economics"],
            transfer_abroad=True,
            publication_status="published",
            goods_rating="no-goods",
        ),
        "senior-approval",
        {"sanctions-check"},
    ),
    Case(
        "trade-sanctions-country-contract-research",
        {
            **collab("BY", HISTORY),
            "engagement_kind": ["contract-research"],
            "funding_amount": 10_000,
            "funder_kind": "foreign-private",
            "funding_conditions": [],
        },
        "senior-approval",
        {"sanctions-check"},
    ),
    Case(
        "trade-sanctions-country-nothing-moves",
        collab("RU", HISTORY),
        "enhanced",
        {"sanctions-check"},
    ),
    Case(
        "asset-freeze-only-regime-country-nothing-moves",
        collab("BA", HISTORY),
        "enhanced",
        {"sanctions-check"},
        says="Partner country Bosnia and Herzegovina has a UK sanctions regime",
    ),
    Case(
        "asset-freeze-only-regime-country-with-quantum-is-not-committee",
        collab("BA", QUANTUM),
        "enhanced",
        {"sanctions-check"},
        {"committee-escalation"},
    ),
    Case(
        "trade-sanctions-country-with-quantum-goes-to-committee",
        collab("RU", QUANTUM),
        "escalated",
        {"committee-escalation", "export-control"},
        says="not the legal list",
    ),
    Case(
        "arms-embargo-military-end-use",
        collab("MM", ["mechanical-engineering"], military_end_use="other-military"),
        "escalated",
        {"export-control", "committee-escalation"},
        says="arms embargo",
    ),
    Case(
        "arms-embargo-with-transfer",
        collab(
            "LB",
            ["economics"],
            transfer_abroad=True,
            publication_status="unpublished",
            goods_rating="no-goods",
        ),
        "enhanced",
        {"export-control"},
        says="not the legal list",
    ),
    Case(
        "lifted-osce-embargo-does-not-escalate",
        collab("AZ", ["mechanical-engineering"], military_end_use="other-military"),
        "senior-approval",
        {"export-control"},
        {"committee-escalation"},
    ),
    # Export control
    Case(
        "dual-use-transfer-unpublished",
        collab(
            "JP",
            ["semiconductors"],
            transfer_abroad=True,
            publication_status="unpublished",
            goods_rating="no-goods",
        ),
        "enhanced",
        {"export-control"},
    ),
    Case(
        "dual-use-transfer-all-published-is-not-export-control",
        collab(
            "JP",
            ["mechanical-engineering"],
            transfer_abroad=True,
            publication_status="published",
            goods_rating="no-goods",
        ),
        "standard",
        excludes={"export-control"},
    ),
    Case(
        "basic-research-transfer-is-not-export-control",
        collab(
            "US",
            ["mechanical-engineering"],
            transfer_abroad=True,
            publication_status="basic-research",
            goods_rating="no-goods",
        ),
        "standard",
        excludes={"export-control"},
    ),
    Case(
        "published-but-goods-not-rated-still-export-control",
        collab(
            "US",
            ["mechanical-engineering"],
            transfer_abroad=True,
            publication_status="published",
            goods_rating="not-rated",
        ),
        "enhanced",
        {"export-control"},
    ),
    Case(
        "rated-goods-in-an-unmapped-area",
        collab(
            "CA",
            ["ecology-zoology"],
            transfer_abroad=True,
            publication_status="published",
            goods_rating="rated-controlled",
        ),
        "enhanced",
        {"export-control"},
        says="supplier rating",
    ),
    Case(
        "military-end-use-controlled-area",
        collab("BR", DRONES, military_end_use="other-military"),
        "senior-approval",
        {"export-control", "partner-due-diligence"},
        says="stated foreign military",
    ),
    Case(
        "military-end-use-unmapped-area",
        collab("BR", ["economics"], military_end_use="other-military"),
        "enhanced",
        {"export-control"},
    ),
    Case(
        "wmd-suspicion",
        collab("FR", ["chemistry"], military_end_use="wmd"),
        "escalated",
        {"export-control", "committee-escalation"},
    ),
    Case(
        "allied-defence-end-use-is-not-escalated",
        collab("US", ["economics"], military_end_use="uk-allied"),
        "standard",
        excludes={"committee-escalation"},
    ),
    Case(
        "end-use-unknown-asks-the-officer",
        collab("US", ["economics"], military_end_use="unsure"),
        "standard",
        {"export-control"},
    ),
    # Partner's military links: a yes alone is enhanced, never the committee
    Case(
        "military-links-yes-history",
        collab("FR", HISTORY, partner_military_links=True),
        "enhanced",
        {"partner-due-diligence"},
        {"committee-escalation"},
    ),
    Case(
        "military-university-in-sensitive-area",
        collab("FR", QUANTUM, partner_kind="military-security"),
        "escalated",
        {"committee-escalation"},
    ),
    # Research-security lists
    Case(
        "entity-list-partner-in-quantum",
        collab("CN", QUANTUM),
        "escalated",
        {"committee-escalation"},
        screening=(hit("us-csl"),),
    ),
    Case(
        "research-security-list-partner-in-history",
        collab("CN", HISTORY),
        "enhanced",
        {"partner-due-diligence"},
        screening=(hit("aspi-unitracker"),),
    ),
    # NSI Act share sizes
    Case(
        "nsi-stake-up-to-25-in-ai",
        spinout("US", ["artificial-intelligence"], "up-to-25"),
        "enhanced",
        {"nsi-assessment"},
    ),
    Case(
        "nsi-stake-over-25-in-ai",
        spinout("US", ["artificial-intelligence"], "over-25"),
        "senior-approval",
        {"nsi-assessment"},
        says="25 %, 50 % or 75 %",
    ),
    Case(
        "nsi-stake-over-50-in-quantum",
        spinout("DE", QUANTUM, "over-50"),
        "senior-approval",
        {"nsi-assessment"},
    ),
    Case(
        "nsi-stake-over-75-in-robotics",
        spinout("GB", ["robotics-autonomy"], "over-75"),
        "senior-approval",
        {"nsi-assessment"},
    ),
    Case(
        "large-stake-outside-the-nsi-areas",
        spinout("US", ["education"], "over-75"),
        "standard",
        excludes={"nsi-assessment"},
    ),
    # Know-how and licences to foreign companies
    Case(
        "exclusive-licence-to-foreign-company",
        collab(
            "US",
            ["economics"],
            partner_kind="company",
            ip_transfer=True,
            ip_terms=["exclusive-licence"],
        ),
        "enhanced",
        {"partner-due-diligence", "export-control"},
        says="foreign company",
    ),
    Case(
        "know-how-to-foreign-company-in-ai",
        collab(
            "KR",
            ["artificial-intelligence"],
            partner_kind="company",
            ip_transfer=True,
            ip_terms=["know-how"],
        ),
        "senior-approval",
        {"nsi-assessment", "export-control"},
    ),
    Case(
        "non-exclusive-licence-to-uk-company",
        collab(
            "GB",
            ["economics"],
            partner_kind="company",
            ip_transfer=True,
            ip_terms=["non-exclusive-licence"],
        ),
        "standard",
        excludes={"export-control", "partner-due-diligence"},
    ),
    # Travel, by FCDO status
    Case(
        "travel-whole-country-all-travel",
        trip("SY"),
        "senior-approval",
        {"travel-risk-assessment", "travel-senior-approval"},
        says="whole of the destination",
    ),
    Case(
        "travel-whole-country-all-but-essential",
        trip("CU"),
        "enhanced",
        {"travel-risk-assessment", "travel-senior-approval"},
    ),
    Case(
        "travel-parts-all-travel",
        trip("EG"),
        "enhanced",
        {"travel-risk-assessment"},
        {"travel-senior-approval"},
        says="exact sites",
    ),
    Case(
        "travel-parts-all-but-essential",
        trip("MX"),
        "enhanced",
        {"travel-risk-assessment"},
        {"travel-senior-approval"},
        says="exact sites",
    ),
    Case("travel-no-advice", trip("NO"), "standard", excludes={"travel-risk-assessment"}),
    Case(
        "travel-to-sanctioned-country-with-samples",
        trip("IR", ["equipment-samples"]),
        "senior-approval",
        {"sanctions-check", "travel-senior-approval"},
    ),
    Case(
        "travel-with-controlled-unpublished-results",
        trip("JP", ["unpublished-research"], "semiconductors"),
        "standard",
        {"export-control"},
    ),
    # Data protection
    Case(
        "uk-only-ordinary-personal-data-needs-no-dpo",
        collab("FR", HISTORY, personal_data="uk-only", personal_data_kinds=["none"]),
        "standard",
        excludes={"data-protection"},
    ),
    Case(
        "uk-only-special-category-data-needs-the-dpo",
        collab("FR", HISTORY, personal_data="uk-only", personal_data_kinds=["special-category"]),
        "standard",
        {"data-protection"},
    ),
    Case(
        "personal-data-abroad-needs-a-transfer-mechanism",
        collab("US", HISTORY, personal_data="shared-abroad", personal_data_kinds=["none"]),
        "standard",
        {"data-protection"},
        says="lawful transfer mechanism",
    ),
    Case(
        "biometric-data-abroad-without-adequacy-in-face-recognition",
        collab("TH", FACES, personal_data="shared-abroad", personal_data_kinds=["biometric"]),
        "senior-approval",
        {"data-protection", "partner-due-diligence"},
        says="adequacy",
    ),
    Case(
        "biometric-data-to-an-adequate-country-is-not-senior",
        collab("JP", FACES, personal_data="shared-abroad", personal_data_kinds=["biometric"]),
        "standard",
        {"data-protection"},
    ),
    Case(
        "health-data-abroad-without-sensitive-technology",
        collab(
            "MX",
            ["clinical-medicine"],
            personal_data="shared-abroad",
            personal_data_kinds=["special-category"],
            human_participants=True,
        ),
        "standard",
        {"data-protection", "ethics-review"},
    ),
    # Funding
    Case(
        "small-uk-gift-no-conditions",
        funding(10_000, "uk-private", ["none"]),
        "standard",
        excludes={"funding-acceptance-review"},
    ),
    Case(
        "large-uk-gift-is-reviewed",
        funding(80_000, "uk-private", ["none"]),
        "standard",
        {"funding-acceptance-review"},
    ),
    Case(
        "gift-with-anonymity-and-appointment-panel-seat",
        funding(20_000, "foreign-private", ["anonymity", "appointments"]),
        "enhanced",
        {"funding-acceptance-review"},
        says="appointments",
    ),
    Case(
        "gift-with-naming-rights",
        funding(20_000, "uk-private", ["naming"]),
        "standard",
        {"funding-acceptance-review"},
    ),
    Case(
        "state-linked-gift-large",
        funding(2_000_000, "foreign-state", ["none"]),
        "escalated",
        {"committee-escalation", "funding-acceptance-review"},
    ),
    Case(
        "unknown-source-of-money",
        funding(5_000, "unknown", ["none"]),
        "enhanced",
        {"partner-due-diligence"},
    ),
    # Other organisations, each screened and counted
    Case(
        "talent-programme-involved",
        collab(
            "SG",
            HISTORY,
            other_organisations=["talent-programme"],
            talent_programme_name="Example Talents Plan",
        ),
        "enhanced",
        {"partner-due-diligence"},
        says="talent or recruitment programme",
    ),
    Case(
        "co-funder-on-an-asset-freeze-list",
        collab("FR", HISTORY, other_organisations=["co-funder"], cofunder_name="Example Bank"),
        "escalated",
        {"sanctions-check"},
        screening=(hit("uk-sanctions"),),
        verdict="dealings-stop",
    ),
    # Visitors, students, ATAS, ethics, trusted research
    Case(
        "visiting-researcher-in-quantum-needs-atas",
        visitor("CN", "CN", QUANTUM),
        "enhanced",
        {"atas-certificate", "visitor-check", "trusted-research-briefing", "export-control"},
    ),
    Case(
        "incoming-phd-student-in-engineering-needs-atas",
        student("IN", "IN", ["mechanical-engineering"], "postgraduate-research"),
        "standard",
        {"atas-certificate"},
        {"visitor-check"},
    ),
    Case(
        "incoming-undergraduate-needs-no-atas",
        student("IN", "IN", ["mechanical-engineering"], "undergraduate"),
        "standard",
        excludes={"atas-certificate"},
    ),
    Case(
        "eu-national-visitor-needs-no-atas",
        visitor("FR", "FR", QUANTUM),
        "enhanced",
        {"visitor-check"},
        {"atas-certificate"},
    ),
    # Anti-profiling: a visitor's or student's home country alone is no reason
    Case(
        "visitor-from-low-academic-freedom-country-is-not-profiled",
        visitor("CN", "CN", HISTORY),
        "standard",
        {"visitor-check"},
        {"partner-due-diligence"},
    ),
    Case(
        "student-from-low-academic-freedom-country-is-not-profiled",
        student("IR", "IR", HISTORY, "postgraduate-taught"),
        "standard",
        excludes={"partner-due-diligence"},
    ),
    Case(
        "partnership-in-low-academic-freedom-country-gets-safeguards",
        {**collab("CN", HISTORY), "engagement_kind": ["partnership-mou"]},
        "enhanced",
        {"partner-due-diligence"},
        says="Academic freedom is severely restricted",
    ),
    Case(
        "collaboration-in-low-academic-freedom-country-gets-safeguards",
        collab("SA", HISTORY),
        "enhanced",
        {"partner-due-diligence"},
    ),
    # External appointments: the posts people hold, never who they are
    Case(
        "declared-honorary-post-at-partner-is-a-declaration-only",
        collab(
            "FR", HISTORY, external_appointments=["partner-post"], appointments_declared="declared"
        ),
        "standard",
        {"interests-declaration"},
        {"partner-due-diligence"},
        says="Holding such a post is common",
    ),
    Case(
        "undeclared-honorary-post-is-declared-before-submission",
        collab(
            "US",
            HISTORY,
            external_appointments=["partner-post"],
            appointments_declared="not-declared",
        ),
        "standard",
        {"interests-declaration"},
        {"partner-due-diligence"},
        says="not yet declared",
    ),
    Case(
        "declared-post-abroad-in-sensitive-area-stays-standard",
        collab(
            "JP",
            QUANTUM,
            external_appointments=["other-foreign-post"],
            appointment_institution="Example Institute of Technology",
            appointments_declared="declared",
        ),
        "standard",
        {"interests-declaration", "trusted-research-briefing"},
        {"partner-due-diligence"},
    ),
    Case(
        "undeclared-post-abroad-in-sensitive-area-is-enhanced",
        collab(
            "JP",
            QUANTUM,
            external_appointments=["other-foreign-post"],
            appointment_institution="Example Institute of Technology",
            appointments_declared="not-declared",
        ),
        "enhanced",
        {"interests-declaration", "partner-due-diligence"},
        {"committee-escalation"},
        says="route for sensitive work to leave",
    ),
    Case(
        "talent-programme-place-is-enhanced-even-when-declared",
        collab(
            "FR",
            HISTORY,
            external_appointments=["talent-programme"],
            appointments_declared="declared",
        ),
        "enhanced",
        {"interests-declaration", "partner-due-diligence"},
        {"committee-escalation"},
        says="talent or recruitment programme",
    ),
    Case(
        "post-at-partner-on-research-security-list-is-enhanced",
        collab(
            "FR", HISTORY, external_appointments=["partner-post"], appointments_declared="declared"
        ),
        "enhanced",
        {"interests-declaration", "partner-due-diligence"},
        {"committee-escalation", "sanctions-check"},
        says="some funders restrict affiliations",
        screening=(hit("aspi-unitracker"),),
    ),
    Case(
        "post-at-listed-partner-in-sensitive-area-goes-to-committee",
        collab(
            "FR", QUANTUM, external_appointments=["partner-post"], appointments_declared="declared"
        ),
        "escalated",
        {"interests-declaration", "committee-escalation"},
        screening=(hit("us-dod-1286"),),
    ),
    Case(
        "dismissed-list-match-leaves-a-declared-post-standard",
        collab(
            "FR", HISTORY, external_appointments=["partner-post"], appointments_declared="declared"
        ),
        "standard",
        {"interests-declaration"},
        {"partner-due-diligence"},
        screening=(hit("ca-nro", "false_positive"),),
    ),
    Case(
        "no-appointment-no-declaration",
        collab("FR", HISTORY, external_appointments=["none"]),
        "standard",
        excludes={"interests-declaration"},
    ),
    Case(
        "quiet-humanities-collaboration",
        collab("FR", HISTORY),
        "standard",
        excludes={"partner-due-diligence", "export-control", "data-protection"},
    ),
]


def _text(o: Outcome) -> str:
    reasons = [
        *o.tier.reasons,
        *(r for p in o.processes for r in p.reasons),
        *(r for m in o.mitigations for r in m.reasons),
        *(r for v in o.verdicts for r in v.reasons),
    ]
    return "\n".join(f"{r.text} {' '.join(r.because)}" for r in reasons)


def _run(pack: Pack, case: Case) -> Outcome:
    return triage(pack, case.answers, screening=case.screening)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_officer_case(pack: Pack, case: Case) -> None:
    outcome = _run(pack, case)

    found = {p.id for p in outcome.processes}
    assert outcome.tier.id == case.tier
    assert case.includes <= found
    assert not (case.excludes & found)
    assert case.says in _text(outcome)
    assert [v.id for v in outcome.verdicts] == ([case.verdict] if case.verdict else [])


def test_the_cases_cover_every_process_and_every_tier(pack: Pack) -> None:
    outcomes = [_run(pack, c) for c in CASES]

    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    assert {p.id for o in outcomes for p in o.processes} == {p.id for p in pack.processes}
    assert {o.tier.id for o in outcomes} == {t.id for t in pack.tiers}


def test_every_tier_is_routed_to_a_decider(pack: Pack) -> None:
    assert [r.tier for r in pack.routing] == [t.id for t in pack.tiers]


def test_no_question_asks_for_yes_when_in_doubt(pack: Pack) -> None:
    assert not [q.id for q in pack.questions if "if in doubt" in (q.help or "").lower()]


def test_a_yes_about_military_links_alone_never_reaches_the_committee(pack: Pack) -> None:
    for areas in (HISTORY, ["economics"], ["clinical-medicine"]):
        outcome = triage(pack, collab("FR", areas, partner_military_links=True))
        assert outcome.tier.id == "enhanced"


# Variants a real researcher might give instead, each with the outcome it must keep.
VARIANTS = [
    # a vaguer area: the parent instead of the exact node still reaches export control
    (
        "vaguer-area-semiconductors",
        collab(
            "JP",
            ["semiconductors"],
            transfer_abroad=True,
            publication_status="unpublished",
            goods_rating="no-goods",
        ),
        {"research_areas": ["semiconductors", "electronic-engineering"]},
    ),
    # the funder described as unknown rather than state-linked keeps enhanced due diligence
    (
        "funder-unknown-instead-of-state",
        funding(20_000, "foreign-state", ["none"]),
        {"funder_kind": "unknown"},
    ),
    # publication status left as "not sure" keeps export control
    (
        "not-sure-instead-of-unpublished",
        collab(
            "JP",
            ["semiconductors"],
            transfer_abroad=True,
            publication_status="unpublished",
            goods_rating="no-goods",
        ),
        {"publication_status": "not-sure"},
    ),
    # the payment box left unticked: a technology transfer still moves something
    (
        "payment-unticked-transfer-still-moves",
        collab(
            "IR",
            ["economics"],
            transfer_abroad=True,
            payment_to_partner=True,
            publication_status="published",
            goods_rating="no-goods",
        ),
        {"payment_to_partner": False},
    ),
    # the data kinds box left unticked: data abroad still goes to the DPO
    (
        "data-kinds-unticked",
        collab("US", HISTORY, personal_data="shared-abroad", personal_data_kinds=["none"]),
        {"personal_data_kinds": []},
    ),
    # a partner described as a research institute rather than a university: same tier
    (
        "institute-instead-of-university",
        collab("RU", QUANTUM),
        {"partner_kind": "research-institute"},
    ),
    # stake described as "over 50" rather than "over 25": still mandatory notification
    (
        "stake-over-50-instead-of-over-25",
        spinout("US", ["artificial-intelligence"], "over-25"),
        {"shareholding": "over-50"},
    ),
    # the visitor's nationality differs from the home institution's country: still not profiled
    ("visitor-nationality-differs", visitor("CN", "CN", HISTORY), {"visitor_nationality": "RU"}),
    # the trip's devices box left unticked: FCDO advice still decides the tier
    ("trip-devices-unticked", trip("SY", ["devices"]), {"travel_carrying": ["nothing"]}),
    # the funding conditions box left unticked for a state-linked large gift: still committee
    (
        "conditions-unticked-large-state-gift",
        funding(2_000_000, "foreign-state", ["appointments"]),
        {"funding_conditions": []},
    ),
]


APPOINTMENT_VARIANTS = [
    # the post at the partner described as a post elsewhere: still a declaration, same tier
    (
        "partner-post-described-as-other-post",
        collab(
            "FR", HISTORY, external_appointments=["partner-post"], appointments_declared="declared"
        ),
        {
            "external_appointments": ["other-foreign-post"],
            "appointment_institution": "Example Partner University",
        },
    ),
    # "not known" instead of "declared" for humanities work: a declaration, never due diligence
    (
        "declared-unknown-in-humanities",
        collab(
            "FR", HISTORY, external_appointments=["partner-post"], appointments_declared="declared"
        ),
        {"appointments_declared": "not-declared"},
    ),
    # a talent programme that also pays a post at the partner: still enhanced, nothing more
    (
        "talent-programme-with-partner-post",
        collab(
            "FR",
            HISTORY,
            external_appointments=["talent-programme"],
            appointments_declared="declared",
        ),
        {"external_appointments": ["talent-programme", "partner-post"]},
    ),
    # the undeclared post in quantum described as at the partner rather than elsewhere
    (
        "undeclared-sensitive-post-at-partner-instead",
        collab(
            "JP",
            QUANTUM,
            external_appointments=["other-foreign-post"],
            appointment_institution="Example Institute of Technology",
            appointments_declared="not-declared",
        ),
        {"external_appointments": ["partner-post"]},
    ),
]
VARIANTS += APPOINTMENT_VARIANTS


def _decision(o: Outcome) -> tuple[str, frozenset[str]]:
    return o.tier.id, frozenset(p.id for p in o.processes)


@pytest.mark.parametrize(
    ("base", "change"), [(b, c) for _, b, c in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_a_variant_answer_keeps_the_outcome(
    pack: Pack, base: dict[str, object], change: dict[str, object]
) -> None:
    before = triage(pack, base)
    after = triage(pack, {**base, **change})

    assert after.tier.id == before.tier.id
    assert {p.id for p in after.processes} >= {p.id for p in before.processes} - {"nsi-assessment"}


def _with_rule(pack: Pack, rule: dict[str, object]) -> list[str]:
    candidate = pack.model_copy(update={"rules": [*pack.rules, Rule.model_validate(rule)]})
    return [str(e) for e in validate_pack(candidate, file="probe.yaml")]


AFI = {"country_of": "partner_country", "indicator": "vdem_afi", "lte": 0.25}


def test_the_validator_refuses_academic_freedom_on_a_visitors_country_alone(pack: Pack) -> None:
    problems = _with_rule(
        pack,
        {
            "id": "probe",
            "when": {"all": [{"answer": "engagement_kind", "contains": "visitor"}, AFI]},
            "then": {"tier": "enhanced"},
            "reason": "probe",
        },
    )

    assert any("anti-profiling" in p and "vdem_afi" in p for p in problems)


def test_the_validator_refuses_academic_freedom_of_a_nationality(pack: Pack) -> None:
    problems = _with_rule(
        pack,
        {
            "id": "probe",
            "when": {
                "all": [
                    {"answer": "engagement_kind", "contains": "partnership-mou"},
                    {
                        "country_of": "visitor_nationality",
                        "indicator": "fh_academic_freedom",
                        "lte": 1,
                    },
                ]
            },
            "then": {"tier": "enhanced"},
            "reason": "probe",
        },
    )

    assert any("nationality" in p and "anti-profiling" in p for p in problems)


def test_the_validator_accepts_academic_freedom_for_work_in_the_country(pack: Pack) -> None:
    problems = _with_rule(
        pack,
        {
            "id": "probe",
            "when": {"all": [{"answer": "engagement_kind", "contains": "partnership-mou"}, AFI]},
            "then": {"tier": "enhanced"},
            "reason": "probe",
        },
    )

    assert problems == []


@pytest.mark.parametrize("country", ["FR", "US", "IN", "CN", "RU", "IR", "SA", "BR"])
def test_an_external_post_changes_the_tier_the_same_way_whatever_the_country(
    pack: Pack, country: str
) -> None:
    """A declared post adds its declaration and nothing else, for a partner in any country."""
    without = triage(pack, collab(country, HISTORY))
    with_post = triage(
        pack,
        collab(
            country,
            HISTORY,
            external_appointments=["partner-post"],
            appointments_declared="declared",
        ),
    )

    assert with_post.tier.id == without.tier.id
    assert {p.id for p in with_post.processes} - {p.id for p in without.processes} == {
        "interests-declaration"
    }


def test_the_appointment_rules_read_no_country_and_no_nationality(pack: Pack) -> None:
    rules = [r for r in pack.rules if r.id.startswith("external-appointment")]
    asked = {q.id for q in pack.questions if q.id.startswith(("external_", "appointment"))}

    assert len(rules) == 5
    assert asked == {"external_appointments", "appointment_institution", "appointments_declared"}
    for rule in rules:
        when = rule.when.model_dump_json(exclude_none=True, by_alias=True)
        assert "country" not in when, rule.id
        assert "nationality" not in when, rule.id
    assert validate_pack(pack, file="gb-base.yaml") == []
