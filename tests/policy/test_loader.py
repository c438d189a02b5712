from pathlib import Path

import pytest

from trustdesk.policy.loader import PackError, PackInvalid, load_pack_file
from trustdesk.policy.registry import check, load

MINIMAL = """\
id: tiny
urn: urn:trustdesk:policy:tiny
version: "1"
publication_date: 2026-01-01
publisher: Test
jurisdiction: GB
title: Tiny
contacts:
  office: {name: Office}
questions:
  - {id: partner_country, kind: country, text: Partner country, help: Registered office.}
  - {id: dual_use, kind: yes_no, text: Dual use, help: Listed goods}
processes:
  - id: review
    title: Review
    what: W
    why: Y
    contact: office
    guidance_url: "https://x"
    lead_time: 1 day
    legal_basis: Test rules
tiers:
  - {id: low, label: Low, description: L}
  - {id: high, label: High, description: H}
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_pack_loads(tmp_path: Path) -> None:
    assert check(str(write(tmp_path, MINIMAL))) == []


def test_a_process_without_legal_basis_or_practice_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("    legal_basis: Test rules\n", "")

    errors = check(str(write(tmp_path, text)))

    assert [(e.path, e.problem) for e in errors] == [
        (
            "processes[0](review)",
            "a process needs a legal_basis, or a practice saying it is the institution's own "
            "practice and which guidance recommends it",
        )
    ]


def test_a_process_that_is_institutional_practice_names_its_guidance(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "    legal_basis: Test rules\n",
        "    practice:\n"
        "      statement: The university's own practice, recommended by UUK (2020).\n"
        "      recommended_by:\n"
        "        - {title: UUK, url: 'https://x', checked: 2026-11-22}\n",
    )
    without_guidance = text.replace(
        "        - {title: UUK, url: 'https://x', checked: 2026-11-22}\n", ""
    ).replace("recommended_by:\n", "recommended_by: []\n")

    assert check(str(write(tmp_path, text))) == []
    assert any(
        e.path.startswith("processes[0]") and "recommended_by" in e.path
        for e in check(str(write(tmp_path, without_guidance, "bad.yaml")))
    )


def test_shape_errors_name_file_path_and_problem_and_all_are_reported(tmp_path: Path) -> None:
    # given a pack with three independent mistakes
    text = MINIMAL.replace("jurisdiction: GB", "jurisdiction: Britain").replace(
        "kind: yes_no", "kind: maybe"
    )
    text += "colour: blue\n"
    path = write(tmp_path, text)

    # when it is loaded
    with pytest.raises(PackInvalid) as exc:
        load_pack_file(path)

    # then every problem is reported, each with the file and the path inside it
    got = {(e.file, e.path) for e in exc.value.errors}
    assert got == {
        (str(path), "jurisdiction"),
        (str(path), "questions[1](dual_use).kind"),
        (str(path), "colour"),
    }
    assert all(e.problem for e in exc.value.errors)
    assert "Extra inputs are not permitted" in str(exc.value)


def test_cross_reference_errors_are_all_reported(tmp_path: Path) -> None:
    text = MINIMAL + (
        "rules:\n"
        "  - id: r1\n"
        "    when: {answer: no_such_question, equals: true}\n"
        "    then: {processes: [no_such_process], tier: medium}\n"
        "    reason: R\n"
    )
    path = write(tmp_path, text)

    problems = check(str(path))

    assert problems == [
        PackError(str(path), "rules[0](r1).when.answer", "unknown question 'no_such_question'"),
        PackError(str(path), "rules[0](r1).then.processes[0]", "unknown process 'no_such_process'"),
        PackError(str(path), "rules[0](r1).then.tier", "unknown tier 'medium'"),
    ]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id: [unclosed\n")

    [problem] = check(str(path))

    assert problem.file == str(path)
    assert problem.path.startswith("line ")
    assert problem.problem.startswith("not valid YAML")


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "# " + "x" * 2_100_000 + "\n")

    [problem] = check(str(path))

    assert problem.problem == f"file is {path.stat().st_size} bytes; the limit is 2000000"


def test_safe_load_refuses_python_objects(tmp_path: Path) -> None:
    path = write(tmp_path, "id: !!python/object/apply:os.system ['true']\n")

    [problem] = check(str(path))

    assert "not valid YAML" in problem.problem


def test_condition_needs_exactly_one_form(tmp_path: Path) -> None:
    text = MINIMAL + (
        "rules:\n"
        "  - id: r1\n"
        "    when: {answer: dual_use, country_of: partner_country, equals: true}\n"
        "    then: {tier: low}\n"
        "    reason: R\n"
    )
    [problem] = check(str(write(tmp_path, text)))

    assert problem.path == "rules[0](r1).when"
    assert "exactly one of all, any, not" in problem.problem


def test_anti_profiling_rejects_country_alone_to_highest_tier(tmp_path: Path) -> None:
    # given a rule that puts everyone from one country in the highest tier
    text = MINIMAL + (
        "country_lists:\n"
        "  - id: concern\n"
        "    title: Concern\n"
        "    source: {title: S, url: 'https://x', checked: 2026-01-01}\n"
        "    countries: [XX]\n"
        "rules:\n"
        "  - id: by-country\n"
        "    when: {country_of: partner_country, in_list: concern}\n"
        "    then: {tier: high}\n"
        "    reason: R\n"
    )
    path = write(tmp_path, text)

    [problem] = check(str(path))

    assert problem.path == "rules[0](by-country).when"
    assert "on a country or nationality alone" in problem.problem
    assert "(anti-profiling)" in problem.problem


COUNTRY = "{country_of: partner_country, in_list: concern}"
DUAL_USE = "{answer: dual_use, equals: true}"


@pytest.mark.parametrize(
    ("when", "allowed"),
    [
        (f"{{all: [{COUNTRY}, {DUAL_USE}]}}", True),
        (f"{{any: [{COUNTRY}, {DUAL_USE}]}}", False),
        (f"{{all: [{COUNTRY}, {{not: {{answer: dual_use, equals: false}}}}]}}", False),
        (DUAL_USE, True),
    ],
)
def test_anti_profiling_needs_a_substantive_factor_on_every_path(
    tmp_path: Path, when: str, allowed: bool
) -> None:
    text = MINIMAL + (
        "country_lists:\n"
        "  - {id: concern, title: C, countries: [XX],\n"
        "     source: {title: S, url: 'https://x', checked: 2026-01-01}}\n"
        "rules:\n"
        f"  - {{id: r, when: {when}, then: {{tier: high}}, reason: R}}\n"
    )
    assert (check(str(write(tmp_path, text))) == []) is allowed


def test_country_alone_may_raise_a_lower_tier(tmp_path: Path) -> None:
    text = MINIMAL + (
        "country_lists:\n"
        "  - {id: concern, title: C, countries: [XX],\n"
        "     source: {title: S, url: 'https://x', checked: 2026-01-01}}\n"
        "rules:\n"
        f"  - {{id: r, when: {COUNTRY}, then: {{tier: low}}, reason: R}}\n"
    )
    assert check(str(write(tmp_path, text))) == []


def test_ask_when_cycle_is_reported(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "help: Listed goods}",
        "help: Listed goods, ask_when: {answer: dual_use, answered: true}}",
    )
    [problem] = check(str(write(tmp_path, text)))

    assert problem.path == "questions[1](dual_use).ask_when"
    assert problem.problem == "depends on itself (a cycle)"


def test_installed_packs_are_valid() -> None:
    assert check("ca-base") == []
    assert check("example-institution") == []


def test_unknown_installed_id_is_reported() -> None:
    [problem] = check("no-such-pack")

    assert problem.problem.startswith("no installed pack with this id")


def test_lineage_cannot_be_set_by_a_file(tmp_path: Path) -> None:
    [problem] = check(str(write(tmp_path, MINIMAL + "lineage: [x]\n")))

    assert problem.path == "lineage"


def test_load_returns_typed_pack() -> None:
    pack = load("ca-base")

    assert (pack.id, pack.jurisdiction, pack.lineage) == ("ca-base", "CA", [])
