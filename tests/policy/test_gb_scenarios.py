"""Realistic UK cases through the gb-base pack: the processes, tier and reasons each must produce.

Each row is a case a research-security office meets, written as a researcher would answer the
questionnaire (only the questions the pack asks for that kind of engagement), with screening
results where the partner was screened. Expectations were written from the policy, not read off
the engine: a change to the pack that alters any of them is a policy change and must be reviewed
as one. Country indicators are the pack's shipped values (FCDO travel advice of 2026-08-22,
V-Dem 2025, Freedom House 2024), so these outcomes do not move when travel advice is refreshed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.support import GB_QUIET_COLLABORATION
from trustdesk.policy.conditions import ScreeningHit
from trustdesk.policy.models import Pack
from trustdesk.policy.registry import load
from trustdesk.policy.triage import Outcome, triage


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load("gb-base")


#: What every collaboration-like case answers "no"/"none" to unless the row says otherwise.
QUIET = GB_QUIET_COLLABORATION


def collaboration(**answers: object) -> dict[str, object]:
    return {"engagement_kind": ["research-collaboration"], **QUIET, **answers}


def entity_list_hit(name: str, status: str = "unresolved") -> ScreeningHit:
    return ScreeningHit("us-csl", "csl-0001", name, status, "Entity List")  # type: ignore[arg-type]


@dataclass(frozen=True)
class Scenario:
    id: str
    answers: dict[str, object]
    tier: str
    processes: set[str]
    #: Substrings that must appear among the outcome's reasons (rule text or "because" facts).
    says: tuple[str, ...] = ()
    screening: tuple[ScreeningHit, ...] = ()
    mitigations: set[str] = field(default_factory=set)


SCENARIOS = [
    Scenario(
        "quantum-sensing-with-entity-list-university",
        collaboration(
            partner_name="National University of Defense Technology",
            partner_kind="university",
            partner_country="CN",
            research_areas=["quantum-sensing"],
            transfer_abroad=True,
        ),
        "escalated",
        {"export-control", "partner-due-diligence", "committee-escalation",
         "trusted-research-briefing"},
        says=(
            "Research area 'Quantum sensing and metrology' is in NSI sector 13 Quantum "
            "Technologies",
            "screening found National University of Defense Technology on",
            "(Entity List)",
        ),
        screening=(entity_list_hit("National University of Defense Technology"),),
        mitigations={"technology-control-plan", "exit-strategy"},
    ),
    Scenario(
        "humanities-exchange-with-french-university",
        collaboration(
            partner_name="Sorbonne Université",
            partner_kind="university",
            partner_country="FR",
            research_areas=["history"],
        ),
        "standard",
        set(),
    ),
    Scenario(
        "visiting-phd-aerospace-non-exempt-nationality",
        {
            "engagement_kind": ["visitor"],
            **{k: QUIET[k] for k in ("transfer_abroad", "military_end_use",
                                     "partner_military_links")},
            "partner_name": "Universidade de São Paulo",
            "partner_kind": "university",
            "partner_country": "BR",
            "research_areas": ["aerospace-engineering"],
            "visitor_nationality": "BR",
            "visitor_level": "postgraduate-research",
        },
        "enhanced",
        {"atas-certificate", "visitor-check", "export-control", "trusted-research-briefing"},
        says=("ATAS",),
        mitigations={"atas-before-start", "visitor-supervision"},
    ),
    Scenario(
        "two-million-donation-from-foreign-state-linked-foundation",
        {
            "engagement_kind": ["funding-gift"],
            "partner_name": "Example State Foundation for Science",
            "partner_kind": "charity-foundation",
            "partner_country": "QA",
            "partner_military_links": False,
            "publication_restrictions": False,
            "funding_amount": 2_000_000,
            "funder_kind": "foreign-state",
        },
        "escalated",
        {"funding-acceptance-review", "partner-due-diligence", "committee-escalation"},
        mitigations={"funding-transparency-clause", "no-influence-conditions"},
    ),
    Scenario(
        "conference-trip-to-avoid-all-travel-country",
        {
            "engagement_kind": ["staff-travel"],
            "research_areas": ["economics"],
            "travel_country": "IR",
            "travel_carrying": ["devices"],
        },
        "senior-approval",  # all travel to the whole country: a senior approver decides
        {"travel-risk-assessment", "travel-senior-approval"},
        says=("FCDO advice against travel to the whole country for Iran is all-travel",),
        mitigations={"travel-device-hygiene", "travel-briefing-check-in"},
    ),
    Scenario(
        "conference-trip-to-the-us-with-a-laptop",
        {
            "engagement_kind": ["staff-travel"],
            "research_areas": ["software-data-science"],
            "travel_country": "US",
            "travel_carrying": ["devices"],
        },
        "standard",
        set(),
        mitigations={"travel-device-hygiene"},
    ),
    Scenario(
        "trip-with-unpublished-semiconductor-results",
        {
            "engagement_kind": ["staff-travel"],
            "research_areas": ["semiconductors"],
            "travel_country": "JP",
            "travel_carrying": ["unpublished-research", "devices"],
        },
        "standard",
        {"export-control", "trusted-research-briefing"},
        mitigations={"export-licence-conditions", "travel-device-hygiene"},
    ),
    Scenario(
        "trip-to-a-country-with-advice-against-travel-to-parts",
        {
            "engagement_kind": ["staff-travel"],
            "research_areas": ["archaeology-heritage"],
            "travel_country": "EG",
            "travel_carrying": ["nothing"],
        },
        "enhanced",  # the exact sites are confirmed outside the areas advised against
        {"travel-risk-assessment"},
        says=("FCDO advice against travel to parts of the country for Egypt is all-travel",),
    ),
    Scenario(
        "history-collaboration-with-a-russian-university",
        collaboration(partner_kind="university", partner_country="RU", research_areas=["history"]),
        "enhanced",
        {"sanctions-check", "partner-due-diligence"},
        says=("Partner country Russia has a UK sanctions regime",),
        mitigations={"sanctions-clause", "academic-freedom-safeguards"},
    ),
    Scenario(
        "ai-collaboration-with-an-iranian-university",
        collaboration(
            partner_kind="university",
            partner_country="IR",
            research_areas=["artificial-intelligence"],
        ),
        "escalated",
        {"sanctions-check", "partner-due-diligence", "export-control", "committee-escalation",
         "trusted-research-briefing"},
        says=(
            "Partner country Iran has a UK sanctions regime",
            "Research area 'Artificial intelligence and machine learning' is in NSI sector",
        ),
    ),
    Scenario(
        "defence-contract-for-a-us-company",
        {
            "engagement_kind": ["contract-research"],
            **QUIET,
            "partner_kind": "company",
            "partner_country": "US",
            "research_areas": ["defence-security-technology"],
            "transfer_abroad": True,
            "military_end_use": "uk-allied",
            "funding_amount": 300_000,
            "funder_kind": "foreign-private",
        },
        "enhanced",
        {"export-control", "funding-acceptance-review"},
        mitigations={"technology-control-plan", "export-licence-conditions"},
    ),
    Scenario(
        "drone-work-for-a-foreign-military-end-user",
        {
            "engagement_kind": ["contract-research"],
            **QUIET,
            "partner_kind": "company",
            "partner_country": "BR",
            "research_areas": ["drones"],
            "military_end_use": "other-military",
            "funding_amount": 40_000,
            "funder_kind": "foreign-private",
        },
        "senior-approval",  # a stated military end use in a controlled area (drones, 9A)
        {"export-control", "partner-due-diligence"},
        mitigations={"end-use-undertaking"},
    ),
    Scenario(
        "military-end-use-in-an-arms-embargoed-country",
        collaboration(
            partner_kind="research-institute",
            partner_country="MM",
            research_areas=["mechanical-engineering"],
            military_end_use="other-military",
        ),
        "escalated",
        {"export-control", "partner-due-diligence", "sanctions-check", "committee-escalation",
         "trusted-research-briefing"},
    ),
    Scenario(
        "suspected-wmd-end-use",
        collaboration(
            partner_kind="company",
            partner_country="DE",
            research_areas=["chemistry"],
            military_end_use="wmd",
        ),
        "escalated",
        {"export-control", "committee-escalation", "trusted-research-briefing"},
        mitigations={"end-use-undertaking"},
    ),
    Scenario(
        "end-use-not-known",
        collaboration(
            partner_kind="company",
            partner_country="NL",
            research_areas=["photonics-lasers"],
            military_end_use="unsure",
        ),
        "standard",
        {"export-control", "trusted-research-briefing"},
    ),
    Scenario(
        "licensing-ai-software-to-a-foreign-company",
        {
            "engagement_kind": ["licensing-spinout"],
            **{k: QUIET[k] for k in ("transfer_abroad", "military_end_use",
                                     "partner_military_links", "ip_transfer")},
            "partner_kind": "company",
            "partner_country": "JP",
            "research_areas": ["artificial-intelligence"],
        },
        "enhanced",
        {"nsi-assessment"},
        says=("Research area 'Artificial intelligence and machine learning' is in NSI sector",),
        mitigations={"ip-publication-terms"},
    ),
    Scenario(
        "assigning-quantum-ip-in-a-collaboration",
        collaboration(
            partner_kind="company",
            partner_country="US",
            research_areas=["quantum-computing"],
            ip_transfer=True,
        ),
        "enhanced",
        {"nsi-assessment", "trusted-research-briefing"},
    ),
    Scenario(
        "visiting-postdoc-from-the-us-in-quantum",
        {
            "engagement_kind": ["visitor"],
            **{k: QUIET[k] for k in ("transfer_abroad", "military_end_use",
                                     "partner_military_links")},
            "partner_kind": "university",
            "partner_country": "US",
            "research_areas": ["quantum-computing"],
            "visitor_nationality": "US",
            "visitor_level": "researcher",
        },
        "enhanced",
        {"visitor-check", "export-control", "trusted-research-briefing"},
    ),
    Scenario(
        "visiting-masters-student-in-history",
        {
            "engagement_kind": ["visitor"],
            **{k: QUIET[k] for k in ("transfer_abroad", "military_end_use",
                                     "partner_military_links")},
            "partner_kind": "university",
            "partner_country": "BR",
            "research_areas": ["history"],
            "visitor_nationality": "BR",
            "visitor_level": "postgraduate-taught",
        },
        "standard",
        {"visitor-check"},
    ),
    Scenario(
        "visiting-undergraduate-in-engineering",
        {
            "engagement_kind": ["visitor"],
            **{k: QUIET[k] for k in ("transfer_abroad", "military_end_use",
                                     "partner_military_links")},
            "partner_kind": "university",
            "partner_country": "KE",
            "research_areas": ["civil-engineering"],
            "visitor_nationality": "KE",
            "visitor_level": "undergraduate",
        },
        "standard",
        {"visitor-check"},
    ),
    Scenario(
        "visiting-irish-phd-student-in-synthetic-biology",
        {
            "engagement_kind": ["visitor"],
            **{k: QUIET[k] for k in ("transfer_abroad", "military_end_use",
                                     "partner_military_links")},
            "partner_kind": "university",
            "partner_country": "IE",
            "research_areas": ["synthetic-biology"],
            "visitor_nationality": "IE",
            "visitor_level": "postgraduate-research",
        },
        "enhanced",
        {"visitor-check", "export-control", "trusted-research-briefing"},
    ),
    Scenario(
        "visiting-phd-student-from-an-exempt-country-in-chemistry",
        {
            "engagement_kind": ["visitor"],
            **{k: QUIET[k] for k in ("transfer_abroad", "military_end_use",
                                     "partner_military_links")},
            "partner_kind": "university",
            "partner_country": "KR",
            "research_areas": ["chemistry"],
            "visitor_nationality": "KR",
            "visitor_level": "postgraduate-research",
        },
        "enhanced",
        {"visitor-check", "export-control", "trusted-research-briefing"},
    ),
    Scenario(
        "health-study-sharing-personal-data-with-a-german-partner",
        collaboration(
            partner_kind="university",
            partner_country="DE",
            research_areas=["clinical-medicine"],
            personal_data="shared-abroad",
            human_participants=True,
        ),
        "standard",
        {"data-protection", "ethics-review"},
        mitigations={"data-access-controls"},
    ),
    Scenario(
        "education-partnership-where-academic-freedom-is-low",
        {
            "engagement_kind": ["partnership-mou"],
            **QUIET,
            "partner_kind": "university",
            "partner_country": "CN",
            "research_areas": ["education"],
        },
        "enhanced",
        {"partner-due-diligence"},
        says=("Academic Freedom Index",),
        mitigations={"academic-freedom-safeguards", "communications-plan"},
    ),
    Scenario(
        "robotics-with-a-partner-linked-to-the-military",
        collaboration(
            partner_kind="company",
            partner_country="KR",
            research_areas=["robotics-autonomy"],
            partner_military_links=True,
        ),
        "escalated",
        {"partner-due-diligence", "export-control", "committee-escalation",
         "trusted-research-briefing"},
    ),
    Scenario(
        "military-history-with-an-allied-defence-academy",
        collaboration(
            partner_kind="military-security",
            partner_country="AU",
            research_areas=["history"],
        ),
        "enhanced",
        {"partner-due-diligence"},
    ),
    Scenario(
        "small-grant-from-a-uk-charity",
        {
            "engagement_kind": ["funding-gift"],
            "partner_kind": "charity-foundation",
            "partner_country": "GB",
            "partner_military_links": False,
            "publication_restrictions": False,
            "funding_amount": 30_000,
            "funder_kind": "uk-private",
        },
        "standard",
        set(),
    ),
    Scenario(
        "sponsorship-from-a-foreign-company-above-the-review-threshold",
        {
            "engagement_kind": ["funding-gift"],
            "partner_kind": "company",
            "partner_country": "DE",
            "partner_military_links": False,
            "publication_restrictions": False,
            "funding_amount": 60_000,
            "funder_kind": "foreign-private",
        },
        "standard",
        {"funding-acceptance-review"},
        says=("Funding amount (GBP) is 60000, at least 50000",),
    ),
    Scenario(
        "gift-from-an-unknown-source",
        {
            "engagement_kind": ["funding-gift"],
            "partner_kind": "other",
            "partner_country": "CH",
            "partner_military_links": False,
            "publication_restrictions": False,
            "funding_amount": 10_000,
            "funder_kind": "unknown",
        },
        "enhanced",
        {"funding-acceptance-review", "partner-due-diligence"},
    ),
    Scenario(
        "large-gift-from-a-private-donor",
        {
            "engagement_kind": ["funding-gift"],
            "partner_kind": "other",
            "partner_country": "US",
            "partner_military_links": False,
            "publication_restrictions": False,
            "funding_amount": 1_500_000,
            "funder_kind": "individual",
        },
        "standard",
        {"funding-acceptance-review"},
    ),
    Scenario(
        "ai-contract-with-publication-restrictions",
        {
            "engagement_kind": ["contract-research"],
            **QUIET,
            "partner_kind": "company",
            "partner_country": "US",
            "research_areas": ["computer-vision"],
            "publication_restrictions": True,
            "funding_amount": 20_000,
            "funder_kind": "foreign-private",
        },
        "enhanced",
        {"partner-due-diligence"},
        mitigations={"ip-publication-terms"},
    ),
    Scenario(
        "partner-on-the-uk-sanctions-list",
        collaboration(
            partner_name="Example Trading LLC",
            partner_kind="company",
            partner_country="AE",
            research_areas=["economics"],
        ),
        "escalated",  # an open match on an asset-freeze list: dealings stop until cleared
        {"sanctions-check", "partner-due-diligence", "committee-escalation"},
        says=("screening found Example Trading LLC on", "dealings stop"),
        screening=(ScreeningHit("uk-sanctions", "RUS0001", "Example Trading LLC"),),
    ),
    Scenario(
        "screening-hit-dismissed-by-an-officer",
        collaboration(
            partner_name="Tsinghua Holdings",
            partner_kind="company",
            partner_country="DE",
            research_areas=["history"],
        ),
        "standard",
        set(),
        screening=(entity_list_hit("Tsinghua Holdings", "false_positive"),),
    ),
    Scenario(
        "humanities-partner-on-a-research-security-list",
        collaboration(
            partner_name="Harbin Institute of Technology",
            partner_kind="university",
            partner_country="CN",
            research_areas=["languages-linguistics"],
        ),
        "enhanced",
        {"partner-due-diligence"},
        screening=(
            ScreeningHit("aspi-unitracker", "aspi-hit", "Harbin Institute of Technology"),
        ),
    ),
    Scenario(
        "staff-trip-to-france-with-nothing",
        {
            "engagement_kind": ["staff-travel"],
            "research_areas": ["literature"],
            "travel_country": "FR",
            "travel_carrying": ["nothing"],
        },
        "standard",
        set(),
    ),
    Scenario(
        "trip-to-russia-carrying-samples",
        {
            "engagement_kind": ["staff-travel"],
            "research_areas": ["ecology-zoology"],
            "travel_country": "RU",
            "travel_carrying": ["equipment-samples"],
        },
        "senior-approval",  # the FCDO advises against all travel to the whole of Russia
        {"travel-risk-assessment", "travel-senior-approval", "sanctions-check"},
    ),
    Scenario(
        "collaboration-and-visiting-phd-in-quantum-computing",
        {
            "engagement_kind": ["research-collaboration", "visitor"],
            **QUIET,
            "partner_kind": "university",
            "partner_country": "IN",
            "research_areas": ["quantum-computing"],
            "visitor_nationality": "IN",
            "visitor_level": "postgraduate-research",
        },
        "enhanced",
        {"atas-certificate", "visitor-check", "export-control", "partner-due-diligence",
         "trusted-research-briefing"},
    ),
]  # fmt: skip


def _all_text(o: Outcome) -> str:
    reasons = [
        *o.tier.reasons,
        *(r for p in o.processes for r in p.reasons),
        *(r for m in o.mitigations for r in m.reasons),
        *(r for v in o.verdicts for r in v.reasons),
    ]
    return "\n".join(f"{r.text} {' '.join(r.because)}" for r in reasons)


def test_at_least_thirty_scenarios_with_unique_ids() -> None:
    assert len(SCENARIOS) >= 30
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("case", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(pack: Pack, case: Scenario) -> None:
    outcome = triage(pack, case.answers, screening=case.screening)

    assert outcome.ignored_answers == (), "each row answers only the questions the pack asks"
    assert outcome.tier.id == case.tier
    assert {p.id for p in outcome.processes} == case.processes
    assert case.mitigations <= {m.id for m in outcome.mitigations}
    text = _all_text(outcome)
    for phrase in case.says:
        assert phrase in text
    # every process and any raised tier says why, in words a researcher can read
    assert all(p.reasons and all(r.text for r in p.reasons) for p in outcome.processes)
    assert outcome.pack_id == "gb-base"


def test_atas_shows_its_legal_basis_and_the_recheck_notice(pack: Pack) -> None:
    [visitor] = [s for s in SCENARIOS if s.id == "visiting-phd-aerospace-non-exempt-nationality"]

    outcome = triage(pack, visitor.answers)

    atas = next(p for p in outcome.processes if p.id == "atas-certificate")
    assert "Appendix ATAS" in (atas.legal_basis or "")
    assert "2026" in (atas.notice or "")


def test_outcomes_are_deterministic(pack: Pack) -> None:
    for case in SCENARIOS:
        first = triage(pack, case.answers, screening=case.screening).to_dict()
        again = triage(pack, dict(reversed(list(case.answers.items()))), screening=case.screening)
        assert again.to_dict() == first


def test_order_of_answers_and_hits_never_changes_the_outcome(pack: Pack) -> None:
    # given answers to every question (some not asked, so ignored) and several hits
    answers = {
        **collaboration(partner_kind="university", partner_country="CN"),
        "research_areas": ["quantum-sensing", "history"],
        "travel_country": "IR",
        "funding_amount": 5_000,
        "visitor_level": "researcher",
    }
    hits = (
        entity_list_hit("B University"),
        ScreeningHit("aspi-unitracker", "a-1", "A University"),
        ScreeningHit("us-dod-1286", "d-1", "A University", "confirmed"),
    )

    first = triage(pack, answers, screening=hits).to_dict()
    again = triage(pack, dict(reversed(list(answers.items()))), screening=hits[::-1]).to_dict()

    # then the outcome, ignored answers included, is the same
    assert again == first
    assert first["ignored_answers"] == ("visitor_level", "travel_country", "funding_amount")
