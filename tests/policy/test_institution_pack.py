"""The example UK institution pack: the University of Wessex over gb-base, without copying it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from trustdesk.cli import main
from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.registry import load
from trustdesk.policy.triage import Outcome, read_answers, triage

WESSEX = "example-uk-university"
PACK_FILE = Path(__file__).parents[2] / "src/trustdesk/policy/packs/example-uk-university.yaml"
LAB = "wessex_containment_lab"
ADDS_ONLY = "an extension adds, it does not replace"

# A £30,000 gift from a French foundation: under gb-base's £50,000 review threshold, over Wessex's.
GIFT = {
    "engagement_kind": ["funding-gift"],
    "partner_name": "Fondation Exemple",
    "partner_kind": "charity-foundation",
    "partner_country": "FR",
    "partner_military_links": False,
    "funding_amount": 30000,
    "funder_kind": "foreign-private",
    "publication_restrictions": False,
}
# A visiting researcher from Germany; the research area decides whether the lab question comes.
VISITOR = {
    "engagement_kind": ["visitor"],
    "partner_name": "Example Institut",
    "partner_kind": "research-institute",
    "partner_country": "DE",
    "transfer_abroad": False,
    "military_end_use": "none",
    "partner_military_links": False,
    "visitor_nationality": "DE",
    "visitor_level": "researcher",
}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _outcome(pack_id: str, answers: dict[str, object]) -> Outcome:
    return triage(load(pack_id), answers)


def test_it_loads_over_gb_base_and_policy_check_says_ok() -> None:
    pack = load(WESSEX)

    assert (pack.id, pack.version, pack.jurisdiction) == (WESSEX, "2026.1", "GB")
    assert pack.lineage == ["gb-base@2026.1"]
    assert len(pack.questions) == len(load("gb-base").questions) + 1
    assert _run("policy", "check", WESSEX) == (0, f"{WESSEX}: OK\n")


def test_it_is_listed_by_policy_list() -> None:
    code, output = _run("policy", "list", "--json")

    assert code == 0
    assert {
        "id": WESSEX,
        "version": "2026.1",
        "jurisdiction": "GB",
        "publication_date": "2026-11-22",
    } in json.loads(output)


def test_it_copies_nothing_from_gb_base() -> None:
    """The file holds only what Wessex changes or adds: one question, process and rule, and
    its training requirements."""
    data = yaml.safe_load(PACK_FILE.read_text(encoding="utf-8"))

    assert data["extends"] == "gb-base"
    assert set(data) == {
        "id", "urn", "version", "publication_date", "publisher", "jurisdiction", "title",
        "extends", "thresholds", "contacts", "questions", "processes", "rules", "training",
    }  # fmt: skip
    assert [q["id"] for q in data["questions"]] == [LAB]
    assert [p["id"] for p in data["processes"]] == ["wessex-lab-access-approval"]
    assert [r["id"] for r in data["rules"]] == ["wessex-containment-lab-access"]


def test_every_contact_is_a_named_wessex_person_at_an_example_org_address() -> None:
    pack, base = load(WESSEX), load("gb-base")

    assert set(base.contacts) < set(pack.contacts)
    for key, contact in pack.contacts.items():
        assert contact != base.contacts.get(key)
        assert (contact.email or "").endswith("@example.org"), key
        assert (contact.url or "").startswith("https://research.example.org/"), key
    process = next(p for p in pack.processes if p.id == "wessex-lab-access-approval")
    assert process.guidance_url == "https://research.example.org/biosafety/containment-lab-access"


def test_its_contacts_and_lower_funding_threshold_override_gb_base() -> None:
    base, wessex = _outcome("gb-base", GIFT), _outcome(WESSEX, GIFT)

    assert "funding-acceptance-review" not in [p.id for p in base.processes]
    review = next(p for p in wessex.processes if p.id == "funding-acceptance-review")
    assert (review.contact.name, review.contact.email) == (
        "Ruth Calloway",
        "gift-acceptance@example.org",
    )
    assert review.reasons[0].because == ("Funding amount (GBP) is 30000, at least 25000",)
    assert (wessex.pack_id, wessex.pack_lineage) == (WESSEX, ("gb-base@2026.1",))


def test_base_processes_name_wessex_people() -> None:
    answers = {**VISITOR, "research_areas": ["quantum-sensing"]}

    base, wessex = _outcome("gb-base", answers), _outcome(WESSEX, answers)

    contacts = {p.id: p.contact.name for p in wessex.processes}
    assert contacts == {
        "export-control": "Graham Pike",
        "visitor-check": "Oluwaseun Adeyemi",
        "trusted-research-briefing": "Oluwaseun Adeyemi",
    }
    assert [p.id for p in base.processes] == list(contacts)
    assert {p.contact.name for p in base.processes} == {
        "Export control officer",
        "Research security office",
    }


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({**VISITOR, "research_areas": ["microbiology-virology"]}, True),
        ({**VISITOR, "research_areas": ["clinical-medicine", "history"]}, True),
        ({**VISITOR, "research_areas": ["chemistry"]}, False),
        ({**VISITOR, "research_areas": ["history"]}, False),
        (
            {
                "engagement_kind": ["staff-travel"],
                "research_areas": ["microbiology-virology"],
                "travel_country": "DE",
                "travel_carrying": ["nothing"],
            },
            False,
        ),
    ],
    ids=["visitor-virology", "visitor-clinical", "visitor-chemistry", "visitor-history", "trip"],
)
def test_the_lab_question_is_asked_only_when_people_come_to_work_in_the_life_sciences(
    answers: dict[str, object], asked: bool
) -> None:
    _, asked_ids, _ = read_answers(load(WESSEX), answers)

    assert (LAB in asked_ids) is asked


def test_a_yes_to_the_lab_question_brings_its_process_and_rule() -> None:
    answers = {**VISITOR, "research_areas": ["microbiology-virology"], LAB: True}

    outcome = _outcome(WESSEX, answers)

    lab = next(p for p in outcome.processes if p.id == "wessex-lab-access-approval")
    assert (lab.contact.name, lab.lead_time) == (
        "Dr Isaac Benn",
        "20 working days before the first visit",
    )
    assert [(r.rule, r.because) for r in lab.reasons] == [
        ("wessex-containment-lab-access", ("Containment level 3 laboratory is yes",))
    ]
    assert outcome.tier.id == "enhanced"
    assert {"lab-access-controls", "visitor-supervision"} <= {m.id for m in outcome.mitigations}
    no = _outcome(WESSEX, {**answers, LAB: False})
    assert "wessex-lab-access-approval" not in [p.id for p in no.processes]


def test_an_answer_to_the_lab_question_when_not_asked_is_ignored() -> None:
    answers = {**VISITOR, "research_areas": ["history"], LAB: True}

    outcome = _outcome(WESSEX, answers)

    assert outcome.ignored_answers == (LAB,)
    assert "wessex-lab-access-approval" not in [p.id for p in outcome.processes]


@pytest.mark.parametrize(
    ("section", "item", "where"),
    [
        (
            "rules",
            {
                "id": "funding-amount",
                "when": {"answer": "funding_amount", "gte": 1},
                "then": {"processes": ["funding-acceptance-review"]},
                "reason": "Every gift is reviewed.",
            },
            "rules[1](funding-amount)",
        ),
        (
            "processes",
            {
                "id": "export-control",
                "title": "Export control",
                "what": "Ask us.",
                "why": "Always.",
                "contact": "export-control",
                "guidance_url": "https://research.example.org/export-control",
                "lead_time": "A day",
                "legal_basis": "Test rules",
            },
            "processes[1](export-control)",
        ),
    ],
    ids=["rule", "process"],
)
def test_it_cannot_redefine_what_gb_base_defines(
    tmp_path: Path, section: str, item: dict[str, object], where: str
) -> None:
    data = yaml.safe_load(PACK_FILE.read_text(encoding="utf-8"))
    data[section].append(item)
    path = tmp_path / "wessex-redefines.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    with pytest.raises(PackInvalid) as caught:
        load(str(path))

    refused = (str(path), where, f"already defined in base pack 'gb-base'; {ADDS_ONLY}")
    assert refused in [(e.file, e.path, e.problem) for e in caught.value.errors]
