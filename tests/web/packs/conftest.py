from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

#: A small pack: two tiers, fieldwork needs a plan. `pack_text` varies it into new versions.
PACK = """
id: impact-test
urn: urn:test:impact
version: "{version}"
publication_date: 2026-08-22
publisher: Test
jurisdiction: GB
title: Impact preview test
contacts: {{office: {{name: Research security office}}}}
questions:
  - {{id: country, kind: country, label: Destination, text: Where are you going, help: H}}
  - id: purpose
    kind: single_choice
    factor: activity
    label: Purpose
    text: Why are you going
    help: H
    options: [{options}]
{extra_questions}
processes:
  - {{id: fieldwork-plan, title: Fieldwork plan, what: W, why: Y, contact: office,
     guidance_url: "https://example.org", lead_time: 10 days, legal_basis: Test rules}}
  - {{id: travel-exemption, title: Travel exemption, what: W, why: Y, contact: office,
     guidance_url: "https://example.org", lead_time: 10 days, legal_basis: Test rules}}
tiers:
  - {{id: standard, label: Standard, description: S}}
  - {{id: enhanced, label: Enhanced, description: E}}
rules:
  - id: fieldwork
    when: {{answer: purpose, in: [fieldwork]}}
    then: {{processes: [fieldwork-plan]}}
    reason: Fieldwork needs a plan.
{extra_rules}
"""

CONFERENCE = "{id: conference, label: A conference}, {id: fieldwork, label: Fieldwork}"
#: Version 2: a conference in Russia now needs an exemption at the enhanced tier.
RUSSIA_RULE = """  - id: conference-in-russia
    when:
      all:
        - {answer: purpose, in: [conference]}
        - {answer: country, in: [RU]}
    then: {tier: enhanced, processes: [travel-exemption]}
    reason: A conference in Russia needs an exemption."""
INSURANCE_QUESTION = """  - {id: insured, kind: yes_no, label: Insurance, text: Are you insured,
     help: H, ask_when: {answer: purpose, in: [fieldwork]}}"""


def pack_text(
    version: str,
    *,
    options: str = CONFERENCE,
    extra_rules: str = "",
    extra_questions: str = "",
) -> str:
    return PACK.format(
        version=version,
        options=options,
        extra_rules=extra_rules,
        extra_questions=extra_questions,
    )


@pytest.fixture
def pack_v1(tmp_path: Path, settings: SettingsWrapper) -> Path:
    """Version 1, the pack in use (named by the setting)."""
    path = tmp_path / "impact-test.yaml"
    path.write_text(pack_text("1"), encoding="utf-8")
    settings.TRUSTDESK_POLICY_PACK = str(path)
    return path
