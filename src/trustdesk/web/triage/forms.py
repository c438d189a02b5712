"""The questionnaire's input shape: one widget per question kind, and reading a POST back.

The questions are the pack's, so this is not a Django `Form` with fixed fields: it builds a
field per asked question (with the stored answer, the help text and any error) and reads the
posted values back into the JSON answers the services store. What an answer *means* is the
engine's business; this module only says what the person typed, or that it could not be read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import pycountry
from django.http import QueryDict

from trustdesk.policy.conditions import find_node
from trustdesk.policy.models import Pack, Question, TaxonomyNode
from trustdesk.screening.matching.model import HitStatus

YES, NO = "yes", "no"
# Thousands separators, spaces, and a currency sign or code typed with the number.
_AMOUNT_CLEAN = re.compile(r"[£$€,\s]|(?i:gbp|cad|usd|eur|aud)")


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class TreeNode:
    """A taxonomy node as a checkbox: its label with the publisher's code, and its children."""

    id: str
    label: str
    note: str
    checked: bool
    children: tuple[TreeNode, ...]
    open: bool  # shown unfolded: it or a descendant is checked


@dataclass(frozen=True, slots=True)
class HitView:
    """A possible match on a watch list, with the entry only for those who may see it.

    `role` is what the screened organisation is to the engagement (partner, funder or
    co-funder, intermediary, talent programme …), shown with its name on every row.
    """

    subject: str
    list_title: str
    entry: str
    score: float
    status: HitStatus
    role: str = ""

    @property
    def subject_text(self) -> str:
        """The name screened, with its role when it has one: "Acme Ltd (Intermediary)"."""
        return f"{self.subject} ({self.role})" if self.role else self.subject

    @property
    def status_text(self) -> str:
        """Where the review stands, for readers of the lists."""
        return _REVIEW_WORDS.get(self.status, "Not yet reviewed")

    @property
    def outcome_text(self) -> str:
        """The end of "possible match on a watch list…", for everyone else."""
        return _OFFICE_WORDS.get(self.status, "; the research security office will review it")


_REVIEW_WORDS = {
    HitStatus.CONFIRMED: "Confirmed by an officer",
    HitStatus.FALSE_POSITIVE: "Dismissed by an officer",
    HitStatus.NEEDS_INFORMATION: "Waiting for more information",
}
_OFFICE_WORDS = {
    HitStatus.CONFIRMED: ", confirmed by the research security office",
    HitStatus.FALSE_POSITIVE: ", dismissed by the research security office",
}


@dataclass(frozen=True, slots=True)
class QuestionField:
    question: Question
    value: Any
    error: str | None
    html_id: str
    choices: tuple[Choice, ...] = ()
    tree: tuple[TreeNode, ...] = ()
    hits: tuple[HitView, ...] = ()
    screened: bool = False  # an organisation answer that has been screened
    unchecked: bool = False  # an organisation answer not screened: the lists' index is not ready

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def text_value(self) -> str:
        if self.value is None or isinstance(self.value, list):
            return ""
        if isinstance(self.value, bool):
            return YES if self.value else NO
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)


@cache
def _countries() -> tuple[tuple[str, str], ...]:
    # The only place the questionnaire reads pycountry: every ISO 3166-1 country, by name.
    rows = [(str(c.alpha_2), str(getattr(c, "common_name", c.name))) for c in pycountry.countries]
    return tuple(sorted(rows, key=lambda row: row[1]))


def country_choices(selected: object) -> tuple[Choice, ...]:
    return tuple(Choice(code, f"{name} ({code})", code == selected) for code, name in _countries())


def country_label(code: str) -> str:
    return next((f"{name} ({c})" for c, name in _countries() if c == code), code)


def html_id(question_id: str) -> str:
    return "q-" + re.sub(r"[^a-zA-Z0-9_-]", "-", question_id)


def node_label(pack: Pack, taxonomy: str, node: TaxonomyNode) -> str:
    tax = next((t for t in pack.taxonomies if t.id == taxonomy), None)
    if node.code is None or tax is None:
        return node.label
    prefix = f"{tax.node_prefix} " if tax.node_prefix else ""
    return f"{prefix}{node.code} {node.label}"


def _tree(
    pack: Pack, taxonomy: str, nodes: Sequence[TaxonomyNode], chosen: set[str]
) -> tuple[TreeNode, ...]:
    out = []
    for node in nodes:
        children = _tree(pack, taxonomy, node.children, chosen)
        out.append(
            TreeNode(
                id=node.id,
                label=node_label(pack, taxonomy, node),
                note=node.note or "",
                checked=node.id in chosen,
                children=children,
                open=any(c.checked or c.open for c in children),
            )
        )
    return tuple(out)


def build_fields(
    pack: Pack,
    *,
    asked: Sequence[str],
    answers: Mapping[str, Any],
    errors: Mapping[str, str],
    hits: Mapping[str, Sequence[HitView]],
    screened: set[str],
    unchecked: Set[str] = frozenset(),
) -> list[QuestionField]:
    """One field per asked question, in pack order, with its stored answer and error."""
    questions = {q.id: q for q in pack.questions}
    fields: list[QuestionField] = []
    for qid in asked:
        q = questions[qid]
        value = answers.get(qid)
        choices: tuple[Choice, ...] = ()
        tree: tuple[TreeNode, ...] = ()
        if q.kind in ("single_choice", "multiple_choice"):
            chosen = set(value) if isinstance(value, list) else {value}
            choices = tuple(Choice(o.id, o.label, o.id in chosen) for o in q.options)
        elif q.kind == "country":
            choices = country_choices(value)
        elif q.kind == "technology_area":
            tax = next(t for t in pack.taxonomies if t.id == q.taxonomy)
            chosen_nodes = set(value) if isinstance(value, list) else set()
            tree = _tree(pack, tax.id, tax.nodes, chosen_nodes)
        fields.append(
            QuestionField(
                question=q,
                value=value,
                error=errors.get(qid),
                html_id=html_id(qid),
                choices=choices,
                tree=tree,
                hits=tuple(hits.get(qid, ())),
                screened=qid in screened,
                unchecked=qid in unchecked,
            )
        )
    return fields


@dataclass(slots=True)
class Posted:
    """What a POST said: answers by question (None clears one), as the person typed them."""

    questions: list[str]
    answers: dict[str, object] = field(default_factory=dict)


def _amount(text: str) -> object:
    """A typed amount as a number ("2,500,000.50", "£250000"); text that is not one, as it is."""
    cleaned = _AMOUNT_CLEAN.sub("", text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return text  # the engine says what an amount must be, next to the question
    if not value.is_finite():
        return text
    return int(value) if value == value.to_integral_value() else float(value)


def _read(q: Question, data: QueryDict) -> object:
    """The stored form of one posted answer (None: no answer).

    This only turns what the browser sent into JSON (yes/no into true/false, a typed amount
    into a number, a date into YYYY-MM-DD); whether the answer fits its question is the
    engine's to say (`trustdesk.policy.triage`), and the page shows its words by the question.
    """
    name = html_id(q.id)
    if q.kind in ("multiple_choice", "technology_area"):
        return [v for v in data.getlist(name) if v] or None
    text = data.get(name, "").strip()
    if not text:
        return None
    match q.kind:
        case "yes_no":
            return {YES: True, NO: False}.get(text, text)
        case "amount":
            return _amount(text)
        case "date":
            try:
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                return text
        case _:
            return text


def read_post(pack: Pack, data: QueryDict) -> Posted:
    """Reads the answers to the questions the page showed (named in its `shown` fields).

    Only shown questions are read: a question the page did not show keeps its stored answer,
    so an answer hidden by a change comes back if the change is undone.
    """
    questions = {q.id: q for q in pack.questions}
    shown = [qid for qid in dict.fromkeys(data.getlist("shown")) if qid in questions]
    return Posted(questions=shown, answers={qid: _read(questions[qid], data) for qid in shown})


def answer_text(pack: Pack, question: Question, value: object) -> str:
    """An answer as a person reads it, for the result page's list of answers."""
    if value is None or value == []:
        return "—"
    match question.kind:
        case "yes_no":
            return "Yes" if value is True else "No"
        case "single_choice" | "multiple_choice":
            labels = {o.id: o.label for o in question.options}
            items = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(str(v), str(v)) for v in items)
        case "country":
            return country_label(str(value))
        case "technology_area":
            names = []
            for v in value if isinstance(value, list) else []:
                node = find_node(pack, question.taxonomy or "", str(v))
                names.append(node_label(pack, question.taxonomy or "", node) if node else str(v))
            return ", ".join(names)
        case "amount":
            number = float(value) if isinstance(value, int | float) else 0.0
            return f"{number:,.2f}".removesuffix(".00")
        case _:
            return str(value)
