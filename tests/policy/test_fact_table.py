"""docs/policy-packs.md lists every fact of the base packs with source, check date, confidence."""

from __future__ import annotations

import re

import pytest

from tests.support import ROOT
from trustdesk.policy.facts import NOT_STATED, fact_rows, markdown_table
from trustdesk.policy.registry import load

DOC = ROOT / "docs" / "policy-packs.md"


def block(pack_id: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(
        rf"<!-- BEGIN GENERATED facts {pack_id} -->\n(.*?)<!-- END GENERATED facts {pack_id} -->",
        text,
        re.DOTALL,
    )
    assert found is not None, f"no fact table for {pack_id} in {DOC}"
    return found.group(1)


@pytest.mark.parametrize("pack_id", ["gb-base", "ca-base"])
def test_the_documented_table_is_the_one_the_pack_gives(pack_id: str) -> None:
    """Run scripts/build_fact_table.py after changing a pack's facts."""
    assert block(pack_id) == markdown_table(load(pack_id))


def test_every_uk_fact_has_a_source_a_check_date_and_a_confidence() -> None:
    rows = fact_rows(load("gb-base"))

    # trustdesk's own research-area mapping points at its description in this document.
    assert all(r.url.startswith(("https://", "docs/")) for r in rows)
    assert all(r.checked != NOT_STATED for r in rows)
    assert all(r.confidence in ("verified", "partly-verified", "unverified") for r in rows)


def test_the_table_covers_every_process_regime_list_and_indicator() -> None:
    pack = load("gb-base")
    facts = " ".join(r.fact for r in fact_rows(pack))

    for p in pack.processes:
        assert p.title in facts, p.id
    for r in pack.sanctions_regimes:
        assert f"Sanctions regime {r.name}:" in facts, r.id
    for c in pack.country_lists:
        assert c.title in facts, c.id
    for i in pack.indicators:
        assert i.title in facts, i.id
    for s in pack.list_sources:
        assert s.title in facts, s.id


def test_a_process_citing_nothing_is_listed_as_citing_nothing() -> None:
    rows = fact_rows(load("ca-base"))

    export = next(r for r in rows if r.fact.startswith("Export permit"))
    assert (export.source, export.checked) == ("none cited", NOT_STATED)
