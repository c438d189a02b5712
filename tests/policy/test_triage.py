import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustdesk.cli import main
from trustdesk.policy.conditions import ScreeningHit
from trustdesk.policy.registry import check, load
from trustdesk.policy.triage import AnswersInvalid, triage

NRO_HIT = ScreeningHit("ca-nro", "ca-nro:example", "Example Defence Institute")
NRO_DISMISSED = ScreeningHit(
    "ca-nro", "ca-nro:example", "Example Defence Institute", "false_positive"
)
OTHER_HIT = ScreeningHit("ofac-sdn", "ofac-sdn:1", "Example Trading Co")

STRA = {"stra_research": True, "stra_areas": ["quantum-computing"]}
FEDERAL = {"federal_funding": True}

# (case, answers, screening hits, tier, processes, verdicts)
CASES = [
    ("nothing sensitive", {"federal_funding": False, "stra_research": False}, [], "basic", [], []),
    (
        "STRA with NRO affiliation cannot be funded",
        {**FEDERAL, **STRA, "nro_affiliation": True},
        [],
        "enhanced",
        ["strac-attestation", "affiliation-review"],
        ["cannot-be-funded"],
    ),
    (
        "STRA with an NRO screening hit cannot be funded",
        {**FEDERAL, **STRA, "nro_affiliation": False},
        [NRO_HIT],
        "enhanced",
        ["strac-attestation", "affiliation-review"],
        ["cannot-be-funded"],
    ),
    (
        "a dismissed NRO hit does not count",
        {**FEDERAL, **STRA, "nro_affiliation": False},
        [NRO_DISMISSED],
        "standard",
        ["strac-attestation"],
        [],
    ),
    (
        "STRA without affiliation needs only the attestation",
        {**FEDERAL, **STRA, "nro_affiliation": False},
        [],
        "standard",
        ["strac-attestation"],
        [],
    ),
    (
        "NRO affiliation outside STRA is reviewed, not barred",
        {**FEDERAL, "stra_research": False, "nro_affiliation": True},
        [],
        "standard",
        ["affiliation-review"],
        [],
    ),
    (
        "private partner on a federal grant needs the NSGRP assessment",
        {**FEDERAL, "private_partner": True, "partner_country": "DE"},
        [],
        "standard",
        ["nsgrp-risk-assessment"],
        [],
    ),
    (
        "export-controlled technology needs a permit",
        {"export_controlled": True},
        [],
        "standard",
        ["export-permit"],
        [],
    ),
    (
        "a sanctioned country alone is standard, never enhanced",
        {"private_partner": True, "partner_country": "ru"},
        [],
        "standard",
        ["sanctions-check"],
        [],
    ),
    (
        "a sanctioned country with STRA research is enhanced",
        {**STRA, "private_partner": True, "partner_country": "RU"},
        [],
        "enhanced",
        ["sanctions-check"],
        [],
    ),
    (
        "a partner country not asked is ignored",
        {"private_partner": False, "partner_country": "RU"},
        [],
        "basic",
        [],
        [],
    ),
    ("a large award raises the tier", {"award_amount": 1_500_000}, [], "standard", [], []),
    ("a small award does not", {"award_amount": 10_000}, [], "basic", [], []),
    (
        "any other screening hit is adjudicated",
        {},
        [OTHER_HIT],
        "standard",
        ["affiliation-review"],
        [],
    ),
]


@pytest.mark.parametrize(
    ("answers", "hits", "tier", "processes", "verdicts"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_canada_pack(
    answers: dict[str, object],
    hits: list[ScreeningHit],
    tier: str,
    processes: list[str],
    verdicts: list[str],
) -> None:
    outcome = triage(load("ca-base"), answers, screening=hits)

    assert outcome.tier.id == tier
    assert [p.id for p in outcome.processes] == processes
    assert [v.id for v in outcome.verdicts] == verdicts
    assert outcome.tier.reasons
    assert all(p.reasons for p in outcome.processes)


def test_cannot_be_funded_says_why() -> None:
    outcome = triage(load("ca-base"), {**STRA, "nro_affiliation": False}, screening=[NRO_HIT])

    [verdict] = outcome.verdicts
    assert verdict.label == "Cannot be funded by the federal granting agencies"
    [reason] = verdict.reasons
    assert reason.rule == "stra-nro-cannot-be-funded"
    assert reason.because == (
        "the answer to stra_research is yes",
        "screening found Example Defence Institute on Named Research Organizations, "
        "entry ca-nro:example, not yet reviewed by an officer",
    )


def test_outcome_records_pack_and_is_deterministic() -> None:
    pack = load("ca-base")
    answers = {**FEDERAL, **STRA, "nro_affiliation": True, "export_controlled": True}

    reordered = dict(reversed(list(answers.items())))
    runs = [triage(pack, reordered, screening=[NRO_HIT]) for _ in range(3)]
    runs.append(triage(pack, answers, screening=[NRO_HIT]))

    assert (runs[0].pack_id, runs[0].pack_version) == ("ca-base", "2026.1")
    dumps = {json.dumps(r.to_dict(), default=str) for r in runs}
    assert len(dumps) == 1


def test_extension_keeps_base_and_uses_own_contacts_and_thresholds() -> None:
    pack = load("example-institution")

    answers = {"export_controlled": True, "visiting_researcher": True, "award_amount": 300_000}
    outcome = triage(pack, answers)

    assert pack.lineage == ["ca-base@2026.1"]
    assert [p.id for p in outcome.processes] == ["export-permit", "visitor-agreement"]
    assert outcome.processes[0].contact.email == "export.control@example.org"
    assert [r.rule for r in outcome.tier.reasons] == ["export-controlled", "large-award"]
    assert len(pack.taxonomies[0].nodes) == 11


def test_extension_cannot_redefine_a_base_item(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\nurn: urn:x\nversion: '1'\npublication_date: 2026-01-01\npublisher: P\n"
        "jurisdiction: CA\ntitle: T\nextends: ca-base\n"
        "questions:\n  - {id: stra_research, kind: yes_no, text: T, help: H}\n",
        encoding="utf-8",
    )
    [problem] = check(str(path))

    assert problem.path == "questions[0](stra_research)"
    assert "already defined in base pack 'ca-base'" in problem.problem


def test_extension_problems_are_all_reported_at_their_own_positions(tmp_path: Path) -> None:
    # given an extension with a redefined base rule, a bad ask_when and a profiling rule
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\nurn: urn:x\nversion: '1'\npublication_date: 2026-01-01\npublisher: P\n"
        "jurisdiction: CA\ntitle: T\nextends: ca-base\n"
        "questions:\n"
        "  - {id: lab, kind: yes_no, text: T, help: H, ask_when: {answer: nope, equals: true}}\n"
        "rules:\n"
        "  - {id: large-award, when: {answer: lab, equals: true}, then: {tier: standard},"
        " reason: R}\n"
        "  - {id: by-country, when: {country_of: partner_country, in_list: ca-sanctions},"
        " then: {tier: enhanced}, reason: R}\n",
        encoding="utf-8",
    )

    problems = check(str(path))

    # then every problem is reported, at the position in the extension's own file
    assert [p.path for p in problems] == [
        "rules[0](large-award)",
        "questions[0](lab).ask_when.answer",
        "rules[1](by-country).when",
    ]
    assert "anti-profiling" in problems[2].problem


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    head = (
        "urn: urn:x\nversion: '1'\npublication_date: 2026-01-01\npublisher: P\n"
        "jurisdiction: CA\ntitle: T\n"
    )
    (tmp_path / "a.yaml").write_text(f"id: a\n{head}extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(f"id: b\n{head}extends: a.yaml\n", encoding="utf-8")

    [problem] = check(str(tmp_path / "a.yaml"))

    assert problem.problem == "cycle in extends: a -> b -> a"


def test_every_bad_answer_is_reported() -> None:
    with pytest.raises(AnswersInvalid) as exc:
        triage(load("ca-base"), {"stra_research": "maybe", "partner_country": "Canada", "nope": 1})

    assert [(e.path, e.problem) for e in exc.value.errors] == [
        ("nope", "no such question in this pack"),
        ("stra_research", "yes_no question expects yes or no (true/false)"),
        (
            "partner_country",
            "country question expects an ISO 3166-1 alpha-2 code such as CA or GB",
        ),
    ]


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        (
            {"private_partner": True, "partner_organisation": "A" * 301},
            "organisation question expects an organisation name of at most 300 characters",
        ),
        (
            {"private_partner": True, "partner_organisation": "---"},
            "organisation question expects an organisation name with a word in it, "
            "not only punctuation",
        ),
        ({"award_amount": float("inf")}, "amount question expects a number, zero or more"),
        ({"award_amount": float("nan")}, "amount question expects a number, zero or more"),
        ({"award_amount": -1}, "amount question expects a number, zero or more"),
    ],
    ids=["long-name", "wordless-name", "infinite", "nan", "negative"],
)
def test_hostile_answers_are_refused(answers: dict[str, object], problem: str) -> None:
    with pytest.raises(AnswersInvalid) as exc:
        triage(load("ca-base"), answers)

    [error] = exc.value.errors
    assert error.problem == problem


def _outcome_json(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


@pytest.mark.django_db  # the command reads stored travel advice where a database exists
def test_cli_triage_json_and_text(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "answers:\n  stra_research: true\n  nro_affiliation: false\n"
        "screening:\n  - {source: ca-nro, entry_id: 'ca-nro:x', name: X Institute}\n",
        encoding="utf-8",
    )
    runner = CliRunner()

    data = _outcome_json(runner, "triage", "--pack", "ca-base", str(answers), "--json")
    text = runner.invoke(main, ["triage", "--pack", "ca-base", str(answers)]).output

    assert data["pack_version"] == "2026.1"
    assert "OUTCOME: Cannot be funded by the federal granting agencies" in text


def test_cli_policy_list_json() -> None:
    result = CliRunner().invoke(main, ["policy", "list", "--json"])

    rows = json.loads(result.output)
    ca = {
        "id": "ca-base",
        "version": "2026.1",
        "jurisdiction": "CA",
        "publication_date": "2026-11-22",
    }
    assert ca in rows
    assert all(set(r) == {"id", "version", "jurisdiction", "publication_date"} for r in rows)


def test_cli_policy_list_names_its_columns() -> None:
    result = CliRunner().invoke(main, ["policy", "list"])

    header, *rows = result.output.splitlines()
    assert header.split() == ["PACK", "VERSION", "JURISDICTION", "PUBLISHED"]
    assert ["ca-base", "2026.1", "CA", "2026-11-22"] in [row.split() for row in rows]
    # Each value starts under its column's name.
    ca = next(row for row in rows if row.startswith("ca-base "))
    assert ca.index("2026.1") == header.index("VERSION")
    assert ca.index("CA ") == header.index("JURISDICTION")
    assert ca.index("2026-11-22") == header.index("PUBLISHED")


def test_cli_policy_check_reports_problems(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: Bad Id\njurisdiction: Canada\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["policy", "check", str(path)])

    assert result.exit_code == 1
    assert f"{path}: id: String should match pattern" in result.output
    assert f"{path}: jurisdiction: String should match pattern" in result.output
    assert f"{path}: version: Field required" in result.output


UK_SHAPED = """\
id: uk-shaped
urn: urn:trustdesk:policy:uk-shaped
version: "0"
publication_date: 2026-01-01
publisher: Test
jurisdiction: GB
title: A UK-shaped pack, to show the format carries taxonomies and country indicators
contacts: {office: {name: Office}}
questions:
  - {id: destination, kind: country, text: Destination, help: Where the work happens}
  - {id: areas, kind: technology_area, taxonomy: nsi, text: Areas, help: NSI sectors}
processes:
  - id: nsi-notification
    title: NSI Act notification
    what: Notify
    why: Sector
    contact: office
    guidance_url: "https://example.org"
    lead_time: 30 working days
    legal_basis: Test rules
tiers:
  - {id: low, label: Low, description: L}
  - {id: high, label: High, description: H}
indicators:
  - id: fcdo_level
    title: FCDO travel advice level
    description: 0 none to 4 against all travel
    scale: 0-4
    source: {title: S, url: "https://example.org", checked: 2026-01-01}
country_profiles:
  - {country: XA, indicators: {fcdo_level: 4}}
  - {country: XB, indicators: {fcdo_level: 1}}
taxonomies:
  - id: nsi
    title: NSI Act sectors
    source: {title: S, url: "https://example.org", checked: 2026-01-01}
    nodes:
      - id: energy
        label: Energy
        children: [{id: energy-nuclear, label: Civil nuclear}]
      - {id: transport, label: Transport}
rules:
  - id: nsi-sector
    when: {technology_of: areas, under: [energy]}
    then: {processes: [nsi-notification]}
    reason: Energy is a notifiable sector.
  - id: travel-and-sector
    when:
      all:
        - {country_of: destination, indicator: fcdo_level, gte: 3}
        - {technology_of: areas, under: [energy]}
    then: {tier: high}
    reason: Sensitive sector work where the FCDO advises against travel.
"""


@pytest.mark.parametrize(
    ("answers", "tier", "processes"),
    [
        ({"destination": "XA", "areas": ["energy-nuclear"]}, "high", ["nsi-notification"]),
        ({"destination": "XB", "areas": ["energy-nuclear"]}, "low", ["nsi-notification"]),
        ({"destination": "XA", "areas": ["transport"]}, "low", []),
    ],
)
def test_taxonomy_and_country_indicators(
    tmp_path: Path, answers: dict[str, object], tier: str, processes: list[str]
) -> None:
    path = tmp_path / "uk.yaml"
    path.write_text(UK_SHAPED, encoding="utf-8")

    outcome = triage(load(str(path)), answers)

    assert outcome.tier.id == tier
    assert [p.id for p in outcome.processes] == processes


def test_stra_taxonomy_has_every_published_area() -> None:
    [stra] = load("ca-base").taxonomies

    assert len(stra.nodes) == 11
    assert sum(len(n.children) for n in stra.nodes) == 75
    assert stra.nodes[0].label == "Advanced Digital Infrastructure Technology"
