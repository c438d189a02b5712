"""Evaluating the condition language: a small interpreter over data, with no ``eval``.

Each evaluation returns whether the condition holds and, when it does, the plain-language facts
that made it hold, so that a triage outcome can show a researcher *why* and not just *what*.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from trustdesk.policy.models import Bound, Condition, Pack, Scalar, TaxonomyNode, ThresholdRef

AnswerValue = str | int | float | bool | dt.date | list[str]


@dataclass(frozen=True)
class ScreeningHit:
    """A screening result as triage needs it: which list, which entry, and the officer's view."""

    source: str
    entry_id: str
    name: str
    status: Literal["unresolved", "confirmed", "false_positive"] = "unresolved"


@dataclass(frozen=True)
class Match:
    """Whether a condition holds, and the readable facts that made it hold (empty when not)."""

    holds: bool
    because: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """Everything a condition may read. Built once per triage; never mutated."""

    pack: Pack
    answers: Mapping[str, AnswerValue]
    screening: Sequence[ScreeningHit] = ()
    facts: Mapping[str, Scalar] = field(default_factory=dict)

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


def ancestry(pack: Pack, taxonomy: str) -> dict[str, tuple[str, ...]]:
    """Maps each node id of a taxonomy to its path from the root (itself included)."""
    for tax in pack.taxonomies:
        if tax.id == taxonomy:
            return dict(_walk(tax.nodes, ()))
    return {}


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return str(value)


def _compare(c: Condition, value: object, ctx: Context, subject: str) -> Match:
    """Applies the comparison keys of ``c`` to ``value``; every key present must hold."""
    if value is None:
        return Match(False)
    said: list[str] = []
    if c.equals is not None:
        if not (type(value) is type(c.equals) and value == c.equals):
            return Match(False)
        said.append(f"{subject} is {_show(value)}")
    if c.in_ is not None:
        if value not in c.in_:
            return Match(False)
        said.append(f"{subject} is {_show(value)}")
    if c.contains is not None:
        if not (isinstance(value, list) and c.contains in value):
            return Match(False)
        said.append(f"{subject} includes {_show(c.contains)}")
    bounds: tuple[tuple[str, Bound | None, Callable[[float, float], bool]], ...] = (
        ("at least", c.gte, operator.ge),
        ("at most", c.lte, operator.le),
    )
    for key, bound, ok in bounds:
        if bound is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Match(False)
        limit = ctx.threshold(bound)
        if not ok(float(value), limit):
            return Match(False)
        said.append(f"{subject} is {_show(value)}, {key} {limit:g}")
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
        if c.answered is not None:
            given = value is not None and value != []
            return Match(
                given == c.answered, (f"{c.answer} {'was' if given else 'was not'} answered",)
            )
        return _compare(c, value, ctx, f"the answer to {c.answer}")
    if c.country_of is not None:
        return _country(c, c.country_of, ctx)
    if c.technology_of is not None:
        return _technology(c.technology_of, c.under or [], ctx)
    if c.screening is not None:
        hits = [
            h
            for h in ctx.screening
            if h.status != "false_positive" and (c.source_in is None or h.source in c.source_in)
        ]
        said = tuple(
            f"screening found {h.name} on {h.source} ({h.entry_id}, {h.status})" for h in hits
        )
        return Match(bool(hits), said)
    if c.fact is not None:
        fact = ctx.facts.get(c.fact)
        if c.equals is None:
            return Match(fact is True, (f"{c.fact} is true",))
        return _compare(c, fact, ctx, c.fact)
    raise AssertionError("unreachable: the model guarantees one form")  # pragma: no cover


def _country(c: Condition, question_id: str, ctx: Context) -> Match:
    code = ctx.answers.get(question_id)
    if not isinstance(code, str):
        return Match(False)
    if c.in_list is not None:
        for lst in ctx.pack.country_lists:
            if lst.id == c.in_list and code in lst.countries:
                return Match(True, (f"{question_id} is {code}, which is on the list {lst.title}",))
        return Match(False)
    profile = next((p for p in ctx.pack.country_profiles if p.country == code), None)
    value = profile.indicators.get(c.indicator or "") if profile is not None else None
    return _compare(c, value, ctx, f"{c.indicator} for {code}")


def _technology(question_id: str, under: Sequence[str], ctx: Context) -> Match:
    question = next(q for q in ctx.pack.questions if q.id == question_id)
    chosen = ctx.answers.get(question_id)
    if not isinstance(chosen, list) or question.taxonomy is None:
        return Match(False)
    paths = ancestry(ctx.pack, question.taxonomy)
    labels = _labels(ctx.pack, question.taxonomy)
    said = tuple(
        f"{question_id} includes {labels.get(area, area)}"
        for area in chosen
        if set(paths.get(area, ())) & set(under)
    )
    return Match(bool(said), said)


def _labels(pack: Pack, taxonomy: str) -> dict[str, str]:
    out: dict[str, str] = {}

    def visit(nodes: Sequence[TaxonomyNode]) -> None:
        for n in nodes:
            out[n.id] = n.label
            visit(n.children)

    for tax in pack.taxonomies:
        if tax.id == taxonomy:
            visit(tax.nodes)
    return out
