"""A pack's training requirements: checked on load, and applied by engagement kind and tier."""

from __future__ import annotations

from pathlib import Path

from tests.policy.test_loader import MINIMAL, write
from trustdesk.policy.loader import PackError
from trustdesk.policy.registry import check, load
from trustdesk.policy.training import applicable_training

TRAINING = """\
training:
  - {id: basics, module: essentials, title: Essentials, reason: R}
  - {id: visits, module: hosting, title: Hosting, kinds: [visiting_researcher], reason: R}
  - {id: high, module: advanced, title: Advanced, tier_at_least: high, reason: R}
"""


def test_requirements_apply_by_kind_and_from_their_tier_up(tmp_path: Path) -> None:
    pack = load(str(write(tmp_path, MINIMAL + TRAINING)))

    def ids(kind: str | None, tier: str | None) -> list[str]:
        return [r.id for r in applicable_training(pack, kind=kind, tier=tier)]

    assert ids("event", "low") == ["basics"]
    assert ids("visiting_researcher", "low") == ["basics", "visits"]
    assert ids("event", "high") == ["basics", "high"]
    # Before triage the tier is unknown: a tier-bound requirement cannot be judged yet.
    assert ids("visiting_researcher", None) == ["basics", "visits"]


def test_unknown_kinds_and_tiers_are_reported(tmp_path: Path) -> None:
    text = MINIMAL + (
        "training:\n"
        "  - {id: t, module: m, title: T, kinds: [sabbatical], tier_at_least: medium, reason: R}\n"
        "  - {id: t, module: m, title: T, reason: R}\n"
    )
    path = write(tmp_path, text)

    problems = check(str(path))

    assert problems == [
        PackError(str(path), "training[1](t)", "duplicate id 't'"),
        PackError(
            str(path),
            "training[0](t).kinds[0]",
            "unknown engagement kind 'sabbatical' (known: research_collaboration, "
            "contract_research, studentship, visiting_researcher, staff_travel, "
            "donation_or_funding, tne_partnership, licensing, event)",
        ),
        PackError(str(path), "training[0](t).tier_at_least", "unknown tier 'medium'"),
    ]


def test_the_wessex_pack_requires_its_modules() -> None:
    pack = load("example-uk-university")

    assert [(r.module, r.kinds, r.tier_at_least) for r in pack.training] == [
        ("trusted-research-essentials", [], "enhanced"),
        ("hosting-visitors", ["visiting_researcher"], None),
    ]
