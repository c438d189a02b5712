"""The active policy pack as the "Policy and sources" page shows it: what each rule rests on.

Every fact in a pack cites a source with the date a person checked it. The page lists each source
once, with everything in the pack that cites it, oldest check first, and flags a check older than
`STALE_AFTER_MONTHS` so that an officer knows which facts to re-check before relying on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pycountry

from trustdesk.policy.models import Pack, Source, TaxonomyNode

#: A source checked longer ago than this is flagged: the sector guidance is reviewed yearly.
STALE_AFTER_MONTHS = 12


@dataclass(frozen=True)
class Citation:
    """One thing in the pack that rests on a source: its kind ("process") and its title."""

    kind: str
    title: str


@dataclass
class CitedSource:
    """A source with everything that cites it; ``stale`` when its check is over 12 months old."""

    source: Source
    stale: bool
    supports: list[Citation] = field(default_factory=list)


@dataclass(frozen=True)
class NodeView:
    """A taxonomy node with the legal classifications it maps into, named for a reader."""

    code: str
    label: str
    note: str
    also_in: tuple[str, ...]
    children: tuple[NodeView, ...]


@dataclass(frozen=True)
class TaxonomyView:
    id: str
    title: str
    source: Source
    nodes: tuple[NodeView, ...]
    count: int
    uncertainty: str | None = None


@dataclass(frozen=True)
class CountryListView:
    id: str
    title: str
    member_phrase: str
    source: Source
    countries: tuple[tuple[str, str], ...]  # (code, name), by name


def stale_before(today: dt.date) -> dt.date:
    """The check date before which a source counts as stale (29 February reads as the 28th)."""
    year = today.year - STALE_AFTER_MONTHS // 12
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def _key(src: Source) -> tuple[str, str, str, str, str]:
    return (
        src.title,
        src.url,
        src.publisher or "",
        src.checked.isoformat() if src.checked else "",
        src.note or "",
    )


def cited_sources(pack: Pack, *, today: dt.date) -> list[CitedSource]:
    """Each distinct source once, with what cites it; unchecked first, then oldest check first.

    Two citations are one source when title, address, publisher, check date and note agree; a
    source checked on two dates is two rows, since each date vouches for different facts.
    """
    cutoff = stale_before(today)
    rows: dict[tuple[str, str, str, str, str], CitedSource] = {}

    def cite(src: Source, kind: str, title: str) -> None:
        row = rows.get(_key(src))
        if row is None:
            stale = src.checked is None or src.checked < cutoff
            row = rows[_key(src)] = CitedSource(source=src, stale=stale)
        if Citation(kind, title) not in row.supports:
            row.supports.append(Citation(kind, title))

    for src in pack.sources:
        cite(src, "pack", pack.title)
    for tax in pack.taxonomies:
        cite(tax.source, "taxonomy", tax.title)
    for clist in pack.country_lists:
        cite(clist.source, "country list", clist.title)
    for ind in pack.indicators:
        cite(ind.source, "indicator", ind.title)
    for proc in pack.processes:
        for src in proc.sources:
            cite(src, "process", proc.title)
    for listed in pack.list_sources:
        cite(listed.source, "watch list", listed.title)
    return sorted(
        rows.values(),
        key=lambda r: (r.source.checked or dt.date.min, r.source.title.casefold()),
    )


def _node_names(pack: Pack) -> dict[str, str]:
    """``taxonomy/node`` to "NSI sector 13 Quantum technologies", for ``also_in`` references."""
    names: dict[str, str] = {}

    def visit(tax_id: str, prefix: str, nodes: Sequence[TaxonomyNode]) -> None:
        for node in nodes:
            code = f"{prefix} {node.code}".strip() if node.code else prefix
            names[f"{tax_id}/{node.id}"] = f"{code} {node.label}".strip()
            visit(tax_id, prefix, node.children)

    for tax in pack.taxonomies:
        visit(tax.id, tax.node_prefix or "", tax.nodes)
    return names


def _nodes(nodes: Sequence[TaxonomyNode], names: dict[str, str]) -> tuple[NodeView, ...]:
    return tuple(
        NodeView(
            code=node.code or "",
            label=node.label,
            note=node.note or "",
            also_in=tuple(names.get(ref, ref) for ref in node.also_in),
            children=_nodes(node.children, names),
        )
        for node in nodes
    )


def _count(nodes: Sequence[TaxonomyNode]) -> int:
    return sum(1 + _count(n.children) for n in nodes)


def taxonomy_views(pack: Pack) -> list[TaxonomyView]:
    """The pack's taxonomies as trees, each ``also_in`` named by the node it points to."""
    names = _node_names(pack)
    return [
        TaxonomyView(
            id=tax.id,
            title=tax.title,
            source=tax.source,
            nodes=_nodes(tax.nodes, names),
            count=_count(tax.nodes),
            uncertainty=tax.uncertainty,
        )
        for tax in pack.taxonomies
    ]


def _country_name(named: dict[str, str], code: str) -> str:
    """The pack's own name for a country, else ISO 3166's, else the code itself."""
    if code in named:
        return named[code]
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or getattr(found, "name", code))


def country_list_views(pack: Pack) -> list[CountryListView]:
    """The pack's country lists with each member named, so nobody has to read ISO codes."""
    named = {p.country: p.name for p in pack.country_profiles if p.name}
    return [
        CountryListView(
            id=clist.id,
            title=clist.title,
            member_phrase=clist.member_phrase or "",
            source=clist.source,
            countries=tuple(
                sorted(
                    ((code, _country_name(named, code)) for code in clist.countries),
                    key=lambda pair: pair[1],
                )
            ),
        )
        for clist in pack.country_lists
    ]
