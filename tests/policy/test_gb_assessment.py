"""Realistic UK cases through gb-base's risk assessment: a rating per UUK area and its reasons.

Each row is a case as a researcher answers the questionnaire, with the screening hits as an
officer has adjudicated them and the case's facts. Expectations were written from the policy
(the pack's risk rules read as an officer would), not read off the engine: a change to the
pack that moves any of them is a policy change and must be reviewed as one. Country indicators
are the pack's shipped values, so these ratings do not move when travel advice is refreshed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from tests.support import GB_QUIET_COLLABORATION
from trustdesk.policy.assessment import (
    NOTHING_RAISED,
    OVERRIDE_NO_JUSTIFICATION,
    OVERRIDE_STALE,
    OVERRIDE_UNCHANGED,
    OVERRIDE_UNKNOWN_AREA,
    OVERRIDE_UNKNOWN_RATING,
    Assessment,
    AssessmentMismatch,
    RatingOverride,
    assess,
    effective_ratings,
    override_problems,
)
from trustdesk.policy.conditions import FactValue, ScreeningHit
from trustdesk.policy.models import Pack
from trustdesk.policy.reasons import REDACTED_HIT, FactKind
from trustdesk.policy.registry import load
from trustdesk.policy.triage import AnswersInvalid, triage

QUIET = GB_QUIET_COLLABORATION
VISITOR_QUIET = {
    k: QUIET[k] for k in ("transfer_abroad", "military_end_use", "partner_military_links")
}
AREAS = ("reputation-and-values", "people", "campuses", "partnerships")


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load("gb-base")


def collaboration(**answers: object) -> dict[str, object]:
    return {"engagement_kind": ["research-collaboration"], **QUIET, **answers}


def gift(
    country: str, amount: int, funder: str, kind: str = "charity-foundation"
) -> dict[str, object]:
    return {
        "engagement_kind": ["funding-gift"],
        "partner_name": "Example Foundation",
        "partner_kind": kind,
        "partner_country": country,
        "partner_military_links": False,
        "publication_restrictions": False,
        "funding_amount": amount,
        "funder_kind": funder,
    }


def visitor(country: str, areas: list[str], level: str = "researcher") -> dict[str, object]:
    return {
        "engagement_kind": ["visitor"],
        **VISITOR_QUIET,
        "partner_name": "Home University",
        "partner_kind": "university",
        "partner_country": country,
        "research_areas": areas,
        "visitor_nationality": country,
        "visitor_level": level,
    }


def trip(country: str, areas: list[str], carrying: list[str]) -> dict[str, object]:
    return {
        "engagement_kind": ["staff-travel"],
        "research_areas": areas,
        "travel_country": country,
        "travel_carrying": carrying,
    }


def entity_list_hit(name: str, status: str = "unresolved") -> ScreeningHit:
    return ScreeningHit("us-csl", "csl-0001", name, status, "Entity List")  # type: ignore[arg-type]


def ratings(r: str, p: str, c: str, pa: str) -> dict[str, str]:
    """Expected ratings in UUK order: reputation, people, campuses, partnerships."""
    return dict(zip(AREAS, (r, p, c, pa), strict=True))


NUDT = "National University of Defense Technology"
QUANTUM_WITH_NUDT = collaboration(
    partner_name=NUDT,
    partner_kind="university",
    partner_country="CN",
    research_areas=["quantum-sensing"],
    transfer_abroad=True,
)


@dataclass(frozen=True)
class Case:
    id: str
    answers: dict[str, object]
    expected: dict[str, str]
    #: Per area, the rules whose reasons must be given for its rating.
    rules: dict[str, set[str]] = field(default_factory=dict)
    #: Substrings that must appear among an area's reasons (rule text or facts), per area.
    says: dict[str, tuple[str, ...]] = field(default_factory=dict)
    screening: tuple[ScreeningHit, ...] = ()
    facts: dict[str, FactValue] = field(default_factory=dict)


CASES = [
    Case(
        "quantum-sensing-with-an-entity-list-university",
        QUANTUM_WITH_NUDT,
        ratings("medium", "low", "very-high", "very-high"),
        rules={
            "partnerships": {"partner-listed-sensitive-technology"},
            "campuses": {"sensitive-technology-listed-partner-unmitigated"},
            "reputation-and-values": {"low-academic-freedom"},
        },
        says={
            "partnerships": (
                f"screening found {NUDT} on",
                "(Entity List), entry csl-0001, not yet reviewed by an officer",
                "Research area 'Quantum sensing and metrology' is in NSI sector 13",
            ),
        },
        screening=(entity_list_hit(NUDT),),
    ),
    Case(
        "the-same-with-the-mitigation-plan-agreed",
        QUANTUM_WITH_NUDT,
        ratings("high", "low", "high", "very-high"),
        rules={
            "campuses": {"controlled-technology-shared", "sensitive-technology-listed-partner"},
            "reputation-and-values": {"confirmed-listed-partner-reputation"},
        },
        screening=(entity_list_hit(NUDT, "confirmed"),),
        facts={"mitigations_agreed": True},
    ),
    Case(
        "the-same-partner-match-dismissed-by-an-officer",
        collaboration(
            partner_name="Nudt Holdings GmbH",
            partner_kind="company",
            partner_country="DE",
            research_areas=["quantum-sensing"],
            transfer_abroad=True,
        ),
        ratings("low", "low", "high", "medium"),
        rules={"partnerships": {"enhanced-due-diligence"}},
        screening=(entity_list_hit("Nudt Holdings GmbH", "false_positive"),),
    ),
    Case(
        "humanities-exchange-with-a-french-university",
        collaboration(
            partner_name="Sorbonne Université",
            partner_kind="university",
            partner_country="FR",
            research_areas=["history"],
        ),
        ratings("low", "low", "low", "low"),
    ),
    Case(
        "two-million-from-a-state-linked-foundation",
        gift("QA", 2_000_000, "foreign-state"),
        ratings("very-high", "low", "low", "high"),
        rules={
            "reputation-and-values": {"state-linked-funding-large"},
            "partnerships": {"committee-case"},
        },
        says={"reputation-and-values": ("Funding amount (GBP) is 2000000, at least 1000000",)},
    ),
    Case(
        "two-hundred-thousand-from-a-state-linked-foundation",
        gift("QA", 200_000, "foreign-state"),
        ratings("high", "low", "low", "medium"),
        rules={"reputation-and-values": {"state-linked-funding"}},
        says={"reputation-and-values": ("Funder is 'A foreign government",)},
    ),
    Case(
        "gift-from-an-unknown-source",
        gift("CH", 10_000, "unknown", kind="other"),
        ratings("high", "low", "low", "medium"),
        rules={"reputation-and-values": {"unknown-funder"}},
    ),
    Case(
        "conference-trip-to-iran-with-a-laptop",
        trip("IR", ["economics"], ["devices"]),
        ratings("low", "high", "low", "low"),
        rules={"people": {"travel-advice-against-whole-country"}},
        says={
            "people": ("FCDO advice against travel to the whole country for Iran is all-travel",)
        },
    ),
    Case(
        "fieldwork-in-egypt-away-from-the-areas-advised-against",
        trip("EG", ["archaeology-heritage"], ["nothing"]),
        ratings("low", "medium", "low", "low"),
        rules={"people": {"travel-advice-against-parts"}},
    ),
    Case(
        "history-collaboration-with-a-russian-university",
        collaboration(partner_kind="university", partner_country="RU", research_areas=["history"]),
        ratings("medium", "low", "low", "medium"),
        rules={
            "partnerships": {"partner-sanctions-country", "enhanced-due-diligence"},
            "reputation-and-values": {"low-academic-freedom"},
        },
        says={"partnerships": ("Partner country Russia has a UK sanctions regime",)},
    ),
    Case(
        "ai-collaboration-with-an-iranian-university",
        collaboration(
            partner_kind="university",
            partner_country="IR",
            research_areas=["artificial-intelligence"],
        ),
        ratings("medium", "low", "medium", "high"),
        rules={"partnerships": {"committee-case"}, "campuses": {"export-control-applies"}},
        says={
            "partnerships": (
                "The due-diligence tier is 'Escalated to the research security committee'",
            ),
            "campuses": ("Export control assessment (and licence, if needed) applies",),
        },
    ),
    Case(
        "partner-confirmed-on-the-uk-sanctions-list",
        collaboration(
            partner_name="Example Trading LLC",
            partner_kind="company",
            partner_country="AE",
            research_areas=["economics"],
        ),
        ratings("high", "low", "low", "very-high"),
        rules={
            "partnerships": {"partner-confirmed-sanctions"},
            "reputation-and-values": {"confirmed-listed-partner-reputation"},
        },
        says={"partnerships": ("entry RUS0001, confirmed by an officer",)},
        screening=(ScreeningHit("uk-sanctions", "RUS0001", "Example Trading LLC", "confirmed"),),  # type: ignore[arg-type]
    ),
    Case(
        "partner-possibly-on-the-uk-sanctions-list",
        collaboration(
            partner_name="Example Trading LLC",
            partner_kind="company",
            partner_country="AE",
            research_areas=["economics"],
        ),
        ratings("medium", "low", "low", "high"),
        # The open match sends the case to the committee (dealings stop until it is cleared).
        rules={"partnerships": {"partner-possible-sanctions", "committee-case"}},
        screening=(ScreeningHit("uk-sanctions", "RUS0001", "Example Trading LLC"),),
    ),
    Case(
        "visiting-phd-student-in-aerospace",
        visitor("BR", ["aerospace-engineering"], level="postgraduate-research"),
        ratings("low", "high", "high", "medium"),
        rules={"people": {"visitor-sensitive-technology"}, "campuses": {"visitor-lab-access"}},
    ),
    Case(
        "visiting-researcher-from-a-listed-university-in-quantum-computing",
        {**visitor("CN", ["quantum-computing"]), "partner_name": "Harbin Institute of Technology"},
        ratings("high", "very-high", "very-high", "very-high"),
        rules={"people": {"visitor-from-listed-institution"}},
        says={"people": ("screening found Harbin Institute of Technology on",)},
        screening=(
            ScreeningHit(
                "aspi-unitracker", "aspi-1", "Harbin Institute of Technology", "confirmed"  # type: ignore[arg-type]
            ),
        ),
    ),
    Case(
        "robotics-with-a-partner-linked-to-the-military",
        collaboration(
            partner_kind="company",
            partner_country="KR",
            research_areas=["robotics-autonomy"],
            partner_military_links=True,
        ),
        ratings("low", "low", "medium", "very-high"),
        rules={"partnerships": {"partner-military-links-sensitive-technology"}},
    ),
    Case(
        "suspected-wmd-end-use",
        collaboration(
            partner_kind="company",
            partner_country="DE",
            research_areas=["chemistry"],
            military_end_use="wmd",
        ),
        ratings("very-high", "low", "medium", "high"),
        rules={"reputation-and-values": {"wmd-end-use"}},
    ),
    Case(
        "teaching-partnership-where-academic-freedom-is-low",
        {
            "engagement_kind": ["partnership-mou"],
            **QUIET,
            "partner_kind": "university",
            "partner_country": "CN",
            "research_areas": ["education"],
        },
        ratings("high", "low", "low", "medium"),
        rules={"reputation-and-values": {"low-academic-freedom-institutional-partnership"}},
        says={"reputation-and-values": ("Academic Freedom Index",)},
    ),
    Case(
        "health-study-sharing-personal-data-with-a-german-partner",
        collaboration(
            partner_kind="university",
            partner_country="DE",
            research_areas=["clinical-medicine"],
            personal_data="shared-abroad",
            human_participants=True,
        ),
        ratings("low", "low", "medium", "low"),
        rules={"campuses": {"personal-data-abroad"}},
    ),
    Case(
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
        ratings("medium", "low", "high", "medium"),
        rules={"campuses": {"controlled-technology-shared"}},
    ),
]  # fmt: skip


def _run(pack: Pack, case: Case) -> Assessment:
    outcome = triage(pack, case.answers, screening=case.screening)
    return assess(pack, outcome, case.answers, screening=case.screening, facts=case.facts)


def test_at_least_fifteen_cases_with_unique_ids() -> None:
    assert len(CASES) >= 15
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(pack: Pack, case: Case) -> None:
    assessment = _run(pack, case)

    assert assessment.ratings() == case.expected
    by_area = {a.area: a for a in assessment.areas}
    for area, rules in case.rules.items():
        assert {r.rule for r in by_area[area].reasons} == rules
    for area, phrases in case.says.items():
        text = "\n".join(f"{r.text} {' '.join(r.because)}" for r in by_area[area].reasons)
        for phrase in phrases:
            assert phrase in text
    for a in assessment.areas:
        # every rating says why: the rules that set it, or that nothing raised it
        assert a.reasons
        if a.rating == "low":
            assert [r.text for r in a.reasons] == [NOTHING_RAISED]
    assert (assessment.pack_id, assessment.pack_version) == ("gb-base", pack.version)


def test_a_dismissed_hit_lowers_the_ratings_a_confirmed_one_set(pack: Pack) -> None:
    # given the same case with the entry-list match first confirmed, then dismissed
    [case] = [c for c in CASES if c.id == "quantum-sensing-with-an-entity-list-university"]
    confirmed = (entity_list_hit(NUDT, "confirmed"),)
    dismissed = (entity_list_hit(NUDT, "false_positive"),)

    before = assess(
        pack, triage(pack, case.answers, screening=confirmed), case.answers, screening=confirmed
    )
    after = assess(
        pack, triage(pack, case.answers, screening=dismissed), case.answers, screening=dismissed
    )

    # then partnerships and campuses come down, and no reason names the dismissed entry
    assert (before.rating("partnerships"), after.rating("partnerships")) == ("very-high", "medium")
    assert (before.rating("campuses"), after.rating("campuses")) == ("very-high", "high")
    facts = [f for a in after.areas for r in a.reasons for f in r.facts]
    assert FactKind.SCREENING_HIT not in {f.kind for f in facts}


def test_a_country_alone_never_reaches_the_highest_rating(pack: Pack) -> None:
    """Every listed country, as partner and as destination, with nothing else of concern."""
    codes = sorted({p.country for p in pack.country_profiles})
    highest = pack.risk_scale[-1].id
    for code in codes:
        for answers in (
            collaboration(
                partner_kind="university", partner_country=code, research_areas=["history"]
            ),
            trip(code, ["history"], ["nothing"]),
        ):
            assessment = assess(pack, triage(pack, answers), answers)
            assert highest not in assessment.ratings().values(), (code, assessment.ratings())


def test_order_of_hits_and_answers_never_changes_the_assessment(pack: Pack) -> None:
    hits = [
        entity_list_hit(NUDT),
        ScreeningHit("aspi-unitracker", "a-1", NUDT, "confirmed"),  # type: ignore[arg-type]
        ScreeningHit("uk-sanctions", "s-1", "Other", "false_positive"),  # type: ignore[arg-type]
        ScreeningHit("us-dod-1286", "d-1", NUDT, "needs_information"),  # type: ignore[arg-type]
    ]
    outcome = triage(pack, QUANTUM_WITH_NUDT, screening=hits)
    first = assess(pack, outcome, QUANTUM_WITH_NUDT, screening=hits).to_dict()
    shuffler = random.Random(12)  # noqa: S311 -- a reproducible shuffle, not a secret
    for _ in range(5):
        shuffled = hits[:]
        shuffler.shuffle(shuffled)
        answers = dict(shuffler.sample(list(QUANTUM_WITH_NUDT.items()), len(QUANTUM_WITH_NUDT)))
        again = assess(pack, triage(pack, answers, screening=shuffled), answers, screening=shuffled)
        assert again.to_dict() == first


def test_the_assessment_is_stored_and_read_back_typed(pack: Pack) -> None:
    [case] = [c for c in CASES if c.id == "quantum-sensing-with-an-entity-list-university"]
    assessment = _run(pack, case)

    data = assessment.to_dict()

    assert data["schema"] == 1
    assert Assessment.from_dict(data) == assessment
    with pytest.raises(ValueError, match="assessment schema 2 is not 1"):
        Assessment.from_dict({**data, "schema": 2})


def test_a_role_that_may_not_read_the_lists_sees_no_entry(pack: Pack) -> None:
    [case] = [c for c in CASES if c.id == "quantum-sensing-with-an-entity-list-university"]

    redacted = _run(pack, case).redacted()

    text = " ".join(b for a in redacted.areas for r in a.reasons for b in r.because)
    assert NUDT not in text
    assert "csl-0001" not in text
    assert REDACTED_HIT in text
    assert redacted.ratings() == case.expected


def test_an_outcome_of_another_pack_version_is_refused(pack: Pack) -> None:
    answers = CASES[3].answers
    outcome = triage(pack, answers)
    newer = pack.model_copy(update={"version": "2027.1"})

    with pytest.raises(
        AssessmentMismatch, match=r"triaged under gb-base@2026\.1, not gb-base@2027\.1"
    ):
        assess(newer, outcome, answers)


def test_undeclared_facts_and_bad_answers_are_refused(pack: Pack) -> None:
    answers = CASES[3].answers
    outcome = triage(pack, answers)

    with pytest.raises(AnswersInvalid, match="facts: partner_is_nice: no such fact in this pack"):
        assess(pack, outcome, answers, facts={"partner_is_nice": True})
    with pytest.raises(AnswersInvalid, match="partner_country: country question expects"):
        assess(pack, outcome, {**answers, "partner_country": "France"})


def test_an_officer_override_needs_a_justification_and_keeps_both_ratings(pack: Pack) -> None:
    # given the French humanities case, computed low everywhere
    assessment = _run(pack, CASES[3])
    good = RatingOverride(
        "reputation-and-values", "low", "medium", "The partner's founder is under press scrutiny."
    )

    # then a justified change is kept, and both ratings stay visible
    assert override_problems(pack, assessment, good) == ()
    assert effective_ratings(assessment, [good])["reputation-and-values"] == "medium"
    assert assessment.rating("reputation-and-values") == "low"
    # and each failure says why
    blank = RatingOverride("reputation-and-values", "low", "medium", "   ")
    assert override_problems(pack, assessment, blank) == (OVERRIDE_NO_JUSTIFICATION,)
    same = RatingOverride("people", "low", "low", "no change")
    assert override_problems(pack, assessment, same) == (OVERRIDE_UNCHANGED,)
    stale = RatingOverride("people", "high", "medium", "was high last week")
    assert override_problems(pack, assessment, stale) == (
        OVERRIDE_STALE.format(now="low", computed="high"),
    )
    off_scale = RatingOverride("people", "low", "extreme", "off the scale")
    assert override_problems(pack, assessment, off_scale) == (
        OVERRIDE_UNKNOWN_RATING.format(rating="extreme"),
    )
    research = RatingOverride("research", "low", "high", "not an area of gb-base")
    assert override_problems(pack, assessment, research) == (
        OVERRIDE_UNKNOWN_AREA.format(area="research"),
    )
    # a stale override never stands over a computed rating its author did not see
    assert effective_ratings(assessment, [stale])["people"] == "low"


def test_rules_that_rate_an_area_lower_are_kept_beside_the_deciding_ones(pack: Pack) -> None:
    [case] = [c for c in CASES if c.id == "quantum-sensing-with-an-entity-list-university"]

    partnerships = _run(pack, case).areas[-1]

    assert [r.rule for r in partnerships.reasons] == ["partner-listed-sensitive-technology"]
    # the listed partner and the committee (high), then enhanced due diligence (medium)
    assert [r.rule for r in partnerships.lower] == [
        "partner-listed",
        "committee-case",
        "enhanced-due-diligence",
    ]
    assert Assessment.from_dict(_run(pack, case).to_dict()).areas[-1] == partnerships
