"""Every fact a pack states, with its source, check date and confidence, as one table.

A reviewer checking a pack against the publishers needs one list rather than a walk through the
YAML: docs/policy-packs.md carries this table for the shipped packs, written by
``scripts/build_fact_table.py`` and kept equal to the pack by a test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from trustdesk.policy.models import Pack, Source

#: What a table cell says when a source does not state the value.
NOT_STATED = "not stated"
#: The source cell of a fact that cites none.
NO_SOURCE = "none cited"


@dataclass(frozen=True)
class FactRow:
    """One fact and one source it rests on (a fact with two sources gives two rows)."""

    fact: str
    source: str
    url: str
    checked: str
    confidence: str


def _row(fact: str, src: Source) -> FactRow:
    return FactRow(
        fact=fact,
        source=src.title,
        url=src.url,
        checked=src.checked.isoformat() if src.checked else NOT_STATED,
        confidence=src.confidence or NOT_STATED,
    )


def _process_facts(pack: Pack) -> Iterator[FactRow]:
    for p in pack.processes:
        if p.legal_basis is not None:
            for src in p.sources:
                yield _row(f"{p.title}: what it requires and its legal basis", src)
        elif p.sources:
            for src in p.sources:
                yield _row(f"{p.title}: what it involves", src)
        if p.practice is not None:
            for src in p.practice.recommended_by:
                yield _row(f"{p.title}: institutional practice, recommended by", src)
        if not p.sources and p.practice is None:
            # Listed all the same, so a legal basis that cites nothing is seen, not skipped.
            yield FactRow(
                fact=f"{p.title}: legal basis ({p.legal_basis or NOT_STATED})",
                source=NO_SOURCE,
                url="",
                checked=NOT_STATED,
                confidence=NOT_STATED,
            )


def fact_rows(pack: Pack) -> list[FactRow]:
    """Every fact of ``pack`` with each source it cites, in the pack's own order."""
    rows = [_row("Guidance the pack follows", s) for s in pack.sources]
    rows += _process_facts(pack)
    rows += [_row(f"Classification: {t.title}", t.source) for t in pack.taxonomies]
    rows += [_row(f"Country list: {c.title}", c.source) for c in pack.country_lists]
    rows += [
        _row(
            f"Sanctions regime {r.name}: {r.instrument}; measures: {', '.join(r.measures)}",
            r.source,
        )
        for r in pack.sanctions_regimes
    ]
    rows += [_row(f"Country indicator: {i.title}", i.source) for i in pack.indicators]
    rows += [_row(f"Watch list: {s.title}", s.source) for s in pack.list_sources]
    return rows


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _link(r: FactRow) -> str:
    return f"[{_cell(r.source)}]({r.url})" if r.url else _cell(r.source)


def markdown_table(pack: Pack) -> str:
    """The rows as a Markdown table (fact, source with its address, checked, confidence)."""
    lines = [
        "| Fact | Source | Checked | Confidence |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {_cell(r.fact)} | {_link(r)} | {r.checked} | {r.confidence} |" for r in fact_rows(pack)
    ]
    return "\n".join(lines) + "\n"
