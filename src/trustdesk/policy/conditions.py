"""Evaluating the condition language: a small interpreter over data, with no ``eval``.

Each evaluation returns whether the condition holds and, when it does, the facts that made it
hold (`trustdesk.policy.reasons.Fact`: a kind, what it refers to, and a sentence rendered from
them), so that a triage outcome can show a researcher *why* and not just *what*. Screening hits
come in as the screening engine's one typed hit, `ScreeningHit`.
"""

from __future__ import annotations

import datetime as dt
import operator
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from trustdesk.policy.models import (
    Bound,
    Condition,
    CountryProfile,
    Pack,
    Question,
    Scalar,
    Taxonomy,
    TaxonomyNode,
    ThresholdRef,
)
from trustdesk.policy.reasons import Fact, FactKind, Refs, Relation
from trustdesk.screening.matching.model import HitStatus, ScreeningHit

__all__ = ["AnswerValue", "Context", "FactValue", "Match", "ScreeningHit", "evaluate"]

AnswerValue = str | int | float | bool | dt.date | list[str]

#: A caller's fact: a scalar, or a list of codes (a case's partner countries, say).
FactValue = Scalar | list[str]


@dataclass(frozen=True)
class Match:
    """Whether a condition holds, and the facts that made it hold (empty when not)."""

    holds: bool
    because: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Context:
    """Everything a condition may read. Built once per triage; never mutated."""

    pack: Pack
    answers: Mapping[str, AnswerValue]
    screening: Sequence[ScreeningHit] = ()
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    #: The triage outcome's tier and processes, for risk rules; None and empty during triage.
    tier: str | None = None
    processes: frozenset[str] = frozenset()

    def threshold(self, bound: Bound) -> float:
        if isinstance(bound, ThresholdRef):
            return float(self.pack.thresholds[bound.threshold])
        return float(bound)


def _walk(
    nodes: Sequence[TaxonomyNode], path: tuple[str, ...]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for node in nodes:
        yield node.id, (*path, node.id)
        yield from _walk(node.children, (*path, node.id))


@dataclass(frozen=True)
class _Index:
    """Lookups over one pack, built once: a pack is immutable, and triage reads these per rule."""

    paths: dict[str, dict[str, tuple[str, ...]]]
    nodes: dict[str, dict[str, TaxonomyNode]]
    taxonomies: dict[str, Taxonomy]
    profiles: dict[str, CountryProfile]
    questions: dict[str, Question]
    mapped: dict[tuple[str, str], tuple[str, ...]]


_INDEXES: dict[int, tuple[weakref.ref[Pack], _Index]] = {}
_INDEXES_LOCK = threading.Lock()


def _nodes(nodes: Sequence[TaxonomyNode]) -> Iterator[TaxonomyNode]:
    for n in nodes:
        yield n
        yield from _nodes(n.children)


def _index(pack: Pack) -> _Index:
    """The pack's lookups, cached per pack object (packs are frozen, so they cannot go stale)."""
    held = _INDEXES.get(id(pack))
    if held is not None and held[0]() is pack:
        return held[1]
    paths = {t.id: dict(_walk(t.nodes, ())) for t in pack.taxonomies}
    nodes = {t.id: {n.id: n for n in _nodes(t.nodes)} for t in pack.taxonomies}
    mapped: dict[tuple[str, str], tuple[str, ...]] = {}
    for tax_id, tax_paths in paths.items():
        for node_id, path in tax_paths.items():
            refs = [ref for anc in path for ref in nodes[tax_id][anc].also_in]
            mapped[(tax_id, node_id)] = tuple(dict.fromkeys(refs))
    index = _Index(
        paths=paths,
        nodes=nodes,
        taxonomies={t.id: t for t in pack.taxonomies},
        profiles={p.country: p for p in pack.country_profiles},
        questions={q.id: q for q in pack.questions},
        mapped=mapped,
    )
    with _INDEXES_LOCK:
        for key in [k for k, (ref, _) in _INDEXES.items() if ref() is None]:
            del _INDEXES[key]
        _INDEXES[id(pack)] = (weakref.ref(pack), index)
    return index


def ancestry(pack: Pack, taxonomy: str) -> Mapping[str, tuple[str, ...]]:
    """Maps each node id of a taxonomy to its path from the root (itself included); read-only."""
    return _index(pack).paths.get(taxonomy, {})


def _show(value: object, labels: Mapping[str, str] | None = None) -> str:
    """A value as a reader says it: yes/no, and a choice by its label ("Visitor", not "visitor")."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_show(v, labels) for v in value)
    if labels is not None and isinstance(value, str) and value in labels:
        return f"'{labels[value]}'"
    return str(value)


def find_node(pack: Pack, taxonomy: str, node_id: str) -> TaxonomyNode | None:
    """The node ``node_id`` of ``taxonomy``, wherever it sits in the tree."""
    return _index(pack).nodes.get(taxonomy, {}).get(node_id)


def node_display(pack: Pack, taxonomy: str, node_id: str) -> str:
    """How a node is named to a reader: "NSI sector 13 Quantum Technologies", or its label."""
    tax = _index(pack).taxonomies.get(taxonomy)
    node = find_node(pack, taxonomy, node_id)
    if tax is None or node is None:
        return node_id
    if node.code is None:
        return node.label
    prefix = f"{tax.node_prefix} " if tax.node_prefix else ""
    return f"{prefix}{node.code} {node.label}"


def country_name(pack: Pack, code: str) -> str:
    """The country's name from the pack's profiles, or its code when the pack has none."""
    profile = _index(pack).profiles.get(code)
    return profile.name if profile is not None and profile.name else code


def subject(pack: Pack, question_id: str) -> str:
    """How a reason refers to a question: its short label, or "the answer to <id>"."""
    q = _index(pack).questions.get(question_id)
    return q.label if q is not None and q.label else f"the answer to {question_id}"


def _number(limit: float) -> str:
    """A bound as a reader writes it: 1000000 rather than ``1e+06``, 0.25 rather than 0.250000."""
    return str(int(limit)) if limit.is_integer() else f"{limit:g}"


def _compare(
    c: Condition,
    value: object,
    ctx: Context,
    what: str,
    *,
    kind: FactKind,
    refs: Refs,
    named: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Match:
    """Applies the comparison keys of ``c`` to ``value``; every key present must hold.

    ``named`` when the value is said by its name after ``what`` (a country by its name, "Partner
    country Russia"); ``labels`` names a choice question's options.
    """
    if value is None:
        return Match(False)
    said: list[Fact] = []
    about = what if named is None else f"{what} {named}"

    def equal() -> Fact:
        if named is not None:
            return Fact(kind, Relation.NAMED, what, named, refs=refs)
        return Fact(kind, Relation.IS, what, _show(value, labels), refs=refs)

    if c.equals is not None:
        if not (type(value) is type(c.equals) and value == c.equals):
            return Match(False)
        said.append(equal())
    if c.in_ is not None:
        if value not in c.in_:
            return Match(False)
        said.append(equal())
    if c.contains is not None:
        if not (isinstance(value, list) and c.contains in value):
            return Match(False)
        said.append(Fact(kind, Relation.INCLUDES, about, _show(c.contains, labels), refs=refs))
    bounds: tuple[tuple[Relation, Bound | None, Callable[[float, float], bool]], ...] = (
        (Relation.AT_LEAST, c.gte, operator.ge),
        (Relation.AT_MOST, c.lte, operator.le),
    )
    for relation, bound, ok in bounds:
        if bound is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Match(False)
        limit = ctx.threshold(bound)
        if not ok(float(value), limit):
            return Match(False)
        shown = _show(value, labels)
        said.append(Fact(kind, relation, about, shown, _number(limit), refs=refs))
    return Match(True, tuple(dict.fromkeys(said)))


def evaluate(c: Condition, ctx: Context) -> Match:
    """Evaluates one condition tree. Unanswered questions make leaves false, never errors."""
    if c.all is not None:
        parts = [evaluate(sub, ctx) for sub in c.all]
        if all(p.holds for p in parts):
            return Match(True, tuple(r for p in parts for r in p.because))
        return Match(False)
    if c.any is not None:
        parts = [evaluate(sub, ctx) for sub in c.any]
        held = [p for p in parts if p.holds]
        return Match(True, tuple(r for p in held for r in p.because)) if held else Match(False)
    if c.not_ is not None:
        inner = evaluate(c.not_, ctx)
        return Match(False) if inner.holds else Match(True)
    if c.answer is not None:
        value = ctx.answers.get(c.answer)
        said = subject(ctx.pack, c.answer)
        refs = Refs(question=c.answer)
        if c.answered is not None:
            given = value is not None and value != []
            relation = Relation.ANSWERED if given else Relation.NOT_ANSWERED
            return Match(given == c.answered, (Fact(FactKind.ANSWER, relation, said, refs=refs),))
        q = _index(ctx.pack).questions.get(c.answer)
        if q is not None and q.kind == "country" and isinstance(value, str):
            refs = Refs(question=c.answer, country=value)
            named = country_name(ctx.pack, value)
            return _compare(c, value, ctx, said, kind=FactKind.ANSWER, refs=refs, named=named)
        labels = {o.id: o.label for o in q.options} if q is not None else None
        return _compare(c, value, ctx, said, kind=FactKind.ANSWER, refs=refs, labels=labels)
    if c.country_of is not None:
        return _country(c, c.country_of, ctx)
    if c.technology_of is not None:
        return _technology(c.technology_of, c.under or [], ctx)
    if c.screening is not None:
        hits = [
            h
            for h in ctx.screening
            if h.status != HitStatus.FALSE_POSITIVE
            and (c.source_in is None or h.source in c.source_in)
            and (c.status_in is None or h.status.value in c.status_in)
        ]
        titles = {ls.id: ls.title for ls in ctx.pack.list_sources}
        found = tuple(
            Fact(
                FactKind.SCREENING_HIT,
                Relation.FOUND,
                bound=titles.get(h.source, h.source),
                refs=Refs(hit=h),
            )
            for h in hits
        )
        return Match(bool(hits), found)
    if c.fact is not None:
        fact = ctx.facts.get(c.fact)
        refs = Refs(fact=c.fact)
        tests = (c.equals, c.in_, c.contains, c.gte, c.lte)
        if all(t is None for t in tests):
            return Match(fact is True, (Fact(FactKind.FACT, Relation.HOLDS, c.fact, refs=refs),))
        return _compare(c, fact, ctx, c.fact, kind=FactKind.FACT, refs=refs)
    if c.tier_at_least is not None:
        return _tier_at_least(c.tier_at_least, ctx)
    if c.process is not None:
        if c.process not in ctx.processes:
            return Match(False)
        title = next((p.title for p in ctx.pack.processes if p.id == c.process), c.process)
        refs = Refs(process=c.process)
        return Match(True, (Fact(FactKind.PROCESS, Relation.APPLIES, title, refs=refs),))
    raise AssertionError("unreachable: the model guarantees one form")  # pragma: no cover


def _tier_at_least(floor: str, ctx: Context) -> Match:
    """True when the outcome's tier is ``floor`` or above it (pack order of tiers, lowest first)."""
    rank = {t.id: i for i, t in enumerate(ctx.pack.tiers)}
    if ctx.tier is None or rank.get(ctx.tier, -1) < rank.get(floor, len(rank)):
        return Match(False)
    label = next(t.label for t in ctx.pack.tiers if t.id == ctx.tier)
    refs = Refs(tier=ctx.tier)
    return Match(
        True, (Fact(FactKind.TIER, Relation.IS, "The due-diligence tier", f"'{label}'", refs=refs),)
    )


def _country(c: Condition, question_id: str, ctx: Context) -> Match:
    code = ctx.answers.get(question_id)
    if not isinstance(code, str):
        return Match(False)
    named = country_name(ctx.pack, code)
    if c.in_list is not None:
        for lst in ctx.pack.country_lists:
            if lst.id == c.in_list and code in lst.countries:
                phrase = lst.member_phrase or f"is on the list {lst.title}"
                refs = Refs(question=question_id, country=code, country_list=lst.id)
                said = subject(ctx.pack, question_id)
                fact = Fact(FactKind.COUNTRY_LIST, Relation.ON_LIST, said, named, phrase, refs)
                return Match(True, (fact,))
        return Match(False)
    profile = _index(ctx.pack).profiles.get(code)
    value = profile.indicators.get(c.indicator or "") if profile is not None else None
    decl = next((i for i in ctx.pack.indicators if i.id == c.indicator), None)
    title = decl.title if decl is not None else c.indicator
    refs = Refs(question=question_id, country=code, indicator=c.indicator)
    return _compare(c, value, ctx, f"{title} for {named}", kind=FactKind.INDICATOR, refs=refs)


def mapped_into(pack: Pack, taxonomy: str, node_id: str) -> list[str]:
    """``taxonomy/node`` refs that a node, or any node above it, declares in ``also_in``."""
    return list(_index(pack).mapped.get((taxonomy, node_id), ()))


def _technology(question_id: str, under: Sequence[str], ctx: Context) -> Match:
    """True when a chosen area is at or under a target node, directly or through ``also_in``.

    A target ``node`` is in the question's own taxonomy; ``taxonomy/node`` is in another one,
    reached through the chosen area's ``also_in`` mappings.
    """
    pack = ctx.pack
    question = _index(pack).questions[question_id]
    chosen = ctx.answers.get(question_id)
    tax = question.taxonomy
    if not isinstance(chosen, list) or tax is None:
        return Match(False)
    own = ancestry(pack, tax)
    said: list[Fact] = []
    name = subject(pack, question_id)
    taxonomy = FactKind.TAXONOMY
    for area in chosen:
        area_label = node_display(pack, tax, area)
        refs = Refs(question=question_id, taxonomy=tax, node=area)
        for target in under:
            if "/" not in target:
                if target == area:
                    said.append(Fact(taxonomy, Relation.INCLUDES, name, area_label, refs=refs))
                elif target in own.get(area, ()):
                    within = node_display(pack, tax, target)
                    in_refs = replace(refs, within=target)
                    said.append(Fact(taxonomy, Relation.WITHIN, name, area_label, within, in_refs))
                continue
            other, node = target.split("/", 1)
            paths = ancestry(pack, other)
            for ref in mapped_into(pack, tax, area):
                ref_tax, ref_node = ref.split("/", 1)
                if ref_tax == other and node in paths.get(ref_node, ()):
                    within = node_display(pack, other, ref_node)
                    in_refs = replace(refs, within=ref)
                    said.append(Fact(taxonomy, Relation.WITHIN, name, area_label, within, in_refs))
    return Match(bool(said), tuple(dict.fromkeys(said)))
