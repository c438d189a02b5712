"""Triage: answers (plus screening results and caller facts) in, processes, tier and reasons out.

The function is pure and deterministic: the same pack, answers and screening always give the
same outcome in the same order (pack declaration order), and the outcome names the pack id and
version, so that a case can record exactly which policy it was triaged under and replay it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from trustdesk.policy.conditions import (
    AnswerValue,
    Context,
    ScreeningHit,
    ancestry,
    evaluate,
)
from trustdesk.policy.loader import PackError
from trustdesk.policy.models import Contact, Pack, Question, Scalar, Source
from trustdesk.policy.reasons import Fact, Reason
from trustdesk.screening.matching import NameNotScreenable, Query, check_name

#: The version of `Outcome.to_dict`'s shape. 1 (unmarked): reasons' facts as sentences only;
#: 2: structured facts (kind, references, words) beside the sentences.
OUTCOME_SCHEMA = 2


class AnswersInvalid(Exception):
    """Answers that do not fit the pack's questions; ``errors`` holds every problem."""

    def __init__(self, errors: Sequence[PackError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class ContactResult:
    """Who to contact, copied out of the pack so the outcome is plain data."""

    name: str
    role: str | None
    email: str | None
    url: str | None

    @classmethod
    def of(cls, c: Contact) -> ContactResult:
        return cls(c.name, c.role, c.email, c.url)


@dataclass(frozen=True)
class SourceResult:
    """A cited source with the date its facts were checked, so a reader can judge freshness."""

    title: str
    url: str
    checked: str | None

    @classmethod
    def of(cls, s: Source) -> SourceResult:
        return cls(s.title, s.url, s.checked.isoformat() if s.checked else None)


@dataclass(frozen=True)
class ProcessResult:
    id: str
    title: str
    what: str
    why: str
    contact: ContactResult
    guidance_url: str
    lead_time: str
    reasons: tuple[Reason, ...]
    legal_basis: str | None = None
    notice: str | None = None
    sources: tuple[SourceResult, ...] = ()
    #: For a process no law requires: that it is the institution's practice and who recommends it.
    practice: str | None = None


@dataclass(frozen=True)
class LabelledResult:
    """A tier, a verdict or a mitigation, with the reasons that put it in the outcome."""

    id: str
    label: str
    description: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Outcome:
    pack_id: str
    pack_version: str
    pack_lineage: tuple[str, ...]
    tier: LabelledResult
    processes: tuple[ProcessResult, ...]
    verdicts: tuple[LabelledResult, ...]
    mitigations: tuple[LabelledResult, ...]
    asked: tuple[str, ...]
    ignored_answers: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, marked with its schema, for output and for storing on a case.

        Each reason carries its facts (kind, references, words, sentence) and, for readers of
        schema 1, the sentences alone as ``because``.
        """
        data = asdict(self)
        data["tier"]["reasons"] = [reason_json(r) for r in self.tier.reasons]
        for key in ("processes", "verdicts", "mitigations"):
            items: tuple[ProcessResult | LabelledResult, ...] = getattr(self, key)
            for item, out in zip(items, data[key], strict=True):
                out["reasons"] = [reason_json(r) for r in item.reasons]
        return {"schema": OUTCOME_SCHEMA, **data}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Outcome:
        """An outcome `to_dict` wrote, typed again; `OutcomeUnreadable` for another schema."""
        if data.get("schema") != OUTCOME_SCHEMA:
            raise OutcomeUnreadable(data.get("schema"))
        return _outcome_adapter().validate_python({k: v for k, v in data.items() if k != "schema"})

    def redacted(self) -> Outcome:
        """The outcome for a role that may not read the watch lists: no hit names an entry."""

        def each(items: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(replace(i, reasons=tuple(r.redacted() for r in i.reasons)) for i in items)

        return replace(
            self,
            tier=each((self.tier,))[0],
            processes=each(self.processes),
            verdicts=each(self.verdicts),
            mitigations=each(self.mitigations),
        )


class OutcomeUnreadable(ValueError):
    """Stored outcome data of a schema this version does not read."""

    def __init__(self, schema: object) -> None:
        super().__init__(f"outcome schema {schema!r} is not {OUTCOME_SCHEMA}")


@cache
def _outcome_adapter() -> TypeAdapter[Outcome]:
    # Built once: validating nested dataclasses back from JSON (lists to tuples, enums).
    return TypeAdapter(Outcome)


def _fact_json(f: Fact) -> dict[str, object]:
    refs: dict[str, object] = {
        k: v for k, v in asdict(f.refs).items() if v is not None and k != "hit"
    }
    if f.refs.hit is not None:
        refs["hit"] = f.refs.hit.to_dict()
    return {
        "kind": f.kind.value,
        "relation": f.relation.value,
        "subject": f.subject,
        "value": f.value,
        "bound": f.bound,
        "refs": refs,
        "text": f.text,
    }


def reason_json(r: Reason) -> dict[str, object]:
    """A reason as stored: the rule's sentence, its facts' sentences and the facts themselves."""
    return {
        "rule": r.rule,
        "text": r.text,
        "because": list(r.because),
        "facts": [_fact_json(f) for f in r.facts],
    }


_ISO2 = re.compile(r"^[A-Z]{2}$")

#: Longest organisation name accepted: longer than any registered legal name, short enough that
#: screening it (on every save of the questionnaire) stays cheap whatever is pasted in.
MAX_NAME_LENGTH = 300


def _coerce(q: Question, value: object, pack: Pack) -> AnswerValue | str:
    """Returns the typed answer, or a problem sentence (a ``str`` prefixed with ``!``)."""
    options = [o.id for o in q.options]
    match q.kind:
        case "yes_no":
            return value if isinstance(value, bool) else "!expects yes or no (true/false)"
        case "single_choice":
            return (
                value
                if isinstance(value, str) and value in options
                else f"!expects one of {options}"
            )
        case "multiple_choice":
            if isinstance(value, list) and all(isinstance(v, str) and v in options for v in value):
                return sorted(set(value), key=options.index)
            return f"!expects a list drawn from {options}"
        case "country":
            if isinstance(value, str) and _ISO2.match(value.upper()):
                return value.upper()
            return "!expects an ISO 3166-1 alpha-2 code such as CA or GB"
        case "organisation":
            if not (isinstance(value, str) and value.strip()):
                return "!expects an organisation name"
            if len(value.strip()) > MAX_NAME_LENGTH:
                return f"!expects an organisation name of at most {MAX_NAME_LENGTH} characters"
            try:  # the screening engine's own check: it would refuse to screen this name
                check_name(Query(value.strip()))
            except NameNotScreenable:
                return "!expects an organisation name with a word in it, not only punctuation"
            return value.strip()
        case "technology_area":
            nodes = ancestry(pack, q.taxonomy or "")
            if isinstance(value, list) and all(isinstance(v, str) and v in nodes for v in value):
                return sorted(set(value))
            return f"!expects a list of ids from taxonomy {q.taxonomy!r}"
        case "amount":
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and value >= 0
            )
            return (
                value
                if ok and isinstance(value, int | float)
                else "!expects a number, zero or more"
            )
        case "date":
            return value if isinstance(value, dt.date) else "!expects a date (YYYY-MM-DD)"


def read_answers(
    pack: Pack, raw: Mapping[str, object], *, file: str = "answers"
) -> tuple[dict[str, AnswerValue], tuple[str, ...], tuple[str, ...]]:
    """Checks answers against the questions and works out which questions are asked.

    Returns (answers that count, ids of questions asked, ids of answers ignored because their
    question was not asked). A question is asked when its ``ask_when`` holds on the answers to
    the questions before it; an answer to a question not asked must not change the outcome.
    """
    questions = {q.id: q for q in pack.questions}
    errors = [
        PackError(file, key, "no such question in this pack") for key in raw if key not in questions
    ]
    typed: dict[str, AnswerValue] = {}
    for key, value in raw.items():
        q = questions.get(key)
        if q is None or value is None:
            continue
        got = _coerce(q, value, pack)
        if isinstance(got, str) and got.startswith("!"):
            errors.append(PackError(file, key, f"{q.kind} question {got[1:]}"))
        else:
            typed[key] = got
    if errors:
        raise AnswersInvalid(errors)
    counted: dict[str, AnswerValue] = {}
    asked: list[str] = []
    for q in pack.questions:
        if q.ask_when is None or evaluate(q.ask_when, Context(pack, counted)).holds:
            asked.append(q.id)
            if q.id in typed:
                counted[q.id] = typed[q.id]
    ignored = tuple(q.id for q in pack.questions if q.id in typed and q.id not in counted)
    return counted, tuple(asked), ignored


def hit_order(h: ScreeningHit) -> tuple[str | float, ...]:
    """A total order on hits, so that the order a caller lists them in never changes a result."""
    key = (h.source, h.entry_id, h.name, h.status, h.subject, h.origin, h.role)
    return (*key, h.programme or "", h.matched_name, h.score)


def triage(
    pack: Pack,
    answers: Mapping[str, object],
    *,
    screening: Sequence[ScreeningHit] | None = None,
    facts: Mapping[str, Scalar] | None = None,
) -> Outcome:
    """Applies every rule of ``pack`` and gathers processes, the tier, verdicts and mitigations.

    Rules only ever add: a rule cannot remove a process another rule found, so the outcome does
    not depend on rule order, and the tier is the highest any firing rule sets (pack order of
    ``tiers`` is lowest first). Raises :class:`AnswersInvalid` for answers that do not fit.
    """
    counted, asked, ignored = read_answers(pack, answers)
    # Hits in a fixed order, so the same hits given in another order give the same outcome.
    hits = tuple(sorted(screening or (), key=hit_order))
    ctx = Context(pack, counted, hits, dict(facts or {}))
    fired: list[Reason] = []
    for rule in pack.rules:
        m = evaluate(rule.when, ctx)
        if m.holds:
            fired.append(Reason(rule.id, rule.reason, tuple(dict.fromkeys(m.because))))
    by_rule = {r.rule: r for r in fired}
    rules = {r.id: r for r in pack.rules}

    def reasons_for(pred: str, attr: str) -> tuple[Reason, ...]:
        out = []
        for reason in by_rule.values():
            value = getattr(rules[reason.rule].then, attr)
            if value == pred or (isinstance(value, list) and pred in value):
                out.append(reason)
        return tuple(out)

    tier_rank = {t.id: i for i, t in enumerate(pack.tiers)}
    raised = [rules[r].then.tier for r in by_rule if rules[r].then.tier is not None]
    tier = pack.tiers[max((tier_rank[t] for t in raised if t is not None), default=0)]
    tier_reasons = reasons_for(tier.id, "tier") or (
        Reason("", "No rule raised the due-diligence tier above the lowest level.", ()),
    )
    processes = tuple(
        ProcessResult(
            p.id,
            p.title,
            p.what,
            p.why,
            ContactResult.of(pack.contacts[p.contact]),
            p.guidance_url,
            p.lead_time,
            rs,
            p.legal_basis,
            p.notice,
            tuple(
                SourceResult.of(x)
                for x in (*p.sources, *(p.practice.recommended_by if p.practice else ()))
            ),
            p.practice.statement if p.practice else None,
        )
        for p in pack.processes
        if (rs := reasons_for(p.id, "processes"))
    )
    verdicts = tuple(
        LabelledResult(v.id, v.label, v.description, rs)
        for v in pack.verdicts
        if (rs := reasons_for(v.id, "verdict"))
    )
    areas = {a.id: a.label for a in pack.risk_areas}
    mitigations = tuple(
        LabelledResult(m.id, areas.get(m.area, m.area), m.text, rs)
        for m in pack.mitigations
        if (rs := reasons_for(m.id, "mitigations"))
    )
    return Outcome(
        pack_id=pack.id,
        pack_version=pack.version,
        pack_lineage=tuple(pack.lineage),
        tier=LabelledResult(tier.id, tier.label, tier.description, tier_reasons),
        processes=processes,
        verdicts=verdicts,
        mitigations=mitigations,
        asked=asked,
        ignored_answers=ignored,
    )
