"""The self-assessment questionnaire in gb-base, and the checks a pack's questionnaire passes."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from trustdesk.policy.loader import PackInvalid, parse_pack
from trustdesk.policy.models import SelfAssessment
from trustdesk.policy.registry import load
from trustdesk.policy.validate import validate_pack

SECTIONS = [
    ("governance", "Governance and ownership"),
    ("risk", "Risk management"),
    ("due-diligence", "Due diligence"),
    ("export-control", "Export control"),
    ("people-campuses", "People and campuses"),
    ("it-data", "IT and data"),
    ("training-culture", "Training and culture"),
    ("partnerships", "Partnerships"),
]
# The guidance a question may cite: only what docs/self-assessment.md lists as checked.
CITABLE = {
    "Universities UK",
    "UK Research and Innovation",
    "National Protective Security Authority, with the NCSC",
}
CA_BASE = Path(__file__).parents[2] / "src/trustdesk/policy/packs/ca-base.yaml"
SOURCE = {"title": "A guide", "url": "https://example.org/", "checked": date(2026, 11, 22)}


def _questionnaire() -> SelfAssessment:
    sa = load("gb-base").self_assessment
    assert sa is not None
    return sa


def test_gb_base_asks_eight_sections_of_three_to_five_questions() -> None:
    sa = _questionnaire()
    assert [(s.id, s.title) for s in sa.sections] == SECTIONS
    assert all(3 <= len(s.questions) <= 5 for s in sa.sections)
    assert [(m.level, m.label) for m in sa.scale] == [
        (0, "Not started"),
        (1, "Initial"),
        (2, "Developing"),
        (3, "Established"),
        (4, "Embedded"),
    ]
    assert {sa.target_of(q) for _, q in sa.questions()} == {3}


def test_every_question_cites_checked_guidance_from_the_three_publishers() -> None:
    for _, q in _questionnaire().questions():
        assert q.guidance, q.id
        for ref in q.guidance:
            assert ref.source.publisher in CITABLE, (q.id, ref.source.title)
            assert ref.source.checked is not None
            assert ref.section.strip()
    cited = " ".join(ref.section for _, q in _questionnaire().questions() for ref in q.guidance)
    assert "RCAT" not in cited
    assert "TREF" not in cited


def test_an_institution_pack_inherits_the_questionnaire() -> None:
    assert load("example-uk-university").self_assessment == _questionnaire()


def _pack_with(self_assessment: dict[str, Any]) -> dict[str, Any]:
    data = yaml.safe_load(CA_BASE.read_text(encoding="utf-8"))
    data["self_assessment"] = self_assessment
    return data


def _valid() -> dict[str, Any]:
    return {
        "title": "Check",
        "scale": [
            {"level": 0, "label": "None", "description": "Nothing."},
            {"level": 1, "label": "Some", "description": "Something."},
            {"level": 2, "label": "All", "description": "Everything."},
        ],
        "default_target": 2,
        "sections": [
            {
                "id": "one",
                "title": "One",
                "questions": [
                    {
                        "id": "q1",
                        "text": "Is it done?",
                        "help": "Say how.",
                        "guidance": [{"source": dict(SOURCE), "section": "2.1"}],
                    }
                ],
            }
        ],
    }


def _problems(self_assessment: dict[str, Any]) -> list[str]:
    pack = parse_pack(_pack_with(self_assessment), file="t.yaml")
    return [f"{e.path}: {e.problem}" for e in validate_pack(pack, file="t.yaml")]


def test_a_valid_questionnaire_passes() -> None:
    assert _problems(_valid()) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda sa: sa["scale"].pop(1),
            "self_assessment.scale: levels must run 0, 1, 2 … in order (found [0, 2])",
        ),
        (
            lambda sa: sa.update(default_target=5),
            "self_assessment.default_target: 5 is not on the scale",
        ),
        (
            lambda sa: sa["sections"][0]["questions"][0].update(target=3),
            "self_assessment.sections[0](one).questions[0](q1).target: 3 is not on the scale",
        ),
        (
            lambda sa: sa["sections"][0]["questions"][0].update(levels={7: "Beyond"}),
            "self_assessment.sections[0](one).questions[0](q1).levels.7: 7 is not on the scale",
        ),
        (
            lambda sa: sa["sections"].append(copy.deepcopy(sa["sections"][0]) | {"id": "two"}),
            "self_assessment.sections[1](two).questions[0](q1): duplicate question id 'q1'",
        ),
        (
            lambda sa: sa["sections"][0]["questions"][0]["guidance"][0]["source"].pop("checked"),
            "self_assessment.sections[0](one).questions[0](q1).guidance[0].source.checked: "
            "a source needs the date its facts were checked",
        ),
        (
            lambda sa: sa.update(sections=[]),
            "self_assessment.sections: a questionnaire needs a section",
        ),
    ],
)
def test_the_validator_names_each_problem(change: Any, problem: str) -> None:
    sa = _valid()
    change(sa)
    assert problem in _problems(sa)


def test_a_question_without_guidance_is_refused_on_shape() -> None:
    sa = _valid()
    sa["sections"][0]["questions"][0]["guidance"] = []
    with pytest.raises(PackInvalid) as caught:
        parse_pack(_pack_with(sa), file="t.yaml")
    assert any(
        e.path == "self_assessment.sections[0](one).questions[0](q1).guidance"
        for e in caught.value.errors
    )


def _extension(tmp_path: Path, self_assessment: dict[str, Any]) -> Path:
    path = tmp_path / "ext.yaml"
    data = {
        "id": "ext",
        "urn": "urn:x:ext",
        "version": "1",
        "publication_date": date(2026, 11, 22),
        "publisher": "Example",
        "jurisdiction": "GB",
        "title": "Extension",
        "extends": "gb-base",
        "self_assessment": self_assessment,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_extension_adds_sections_after_the_bases(tmp_path: Path) -> None:
    sa = _valid()
    sa.pop("scale")
    sa["sections"][0].update(id="local", title="Our own controls")
    pack = load(str(_extension(tmp_path, sa)))
    assert pack.self_assessment is not None
    ids = [s.id for s in pack.self_assessment.sections]
    assert ids == [*(i for i, _ in SECTIONS), "local"]
    assert pack.self_assessment.default_target == 2


def test_an_extension_cannot_redefine_a_section_or_change_the_scale(tmp_path: Path) -> None:
    sa = _valid()
    sa["sections"][0].update(id="governance")
    with pytest.raises(PackInvalid) as caught:
        load(str(_extension(tmp_path, sa)))
    problems = {(e.path, e.problem) for e in caught.value.errors}
    assert (
        "self_assessment.sections[0](governance)",
        "already defined in base pack 'gb-base'; an extension adds sections",
    ) in problems
    assert ("self_assessment.scale", "may relabel the base's scale, not change it") in problems
