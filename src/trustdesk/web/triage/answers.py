"""The glue between what a session stores (plain JSON) and the engines' typed objects.

Answers: the questionnaire must work on partial, half-wrong answers: a person who has typed a bad
amount still needs to see which questions come next. So the engine is asked about the answers that
fit, and each answer that does not is reported against its own question, in the engine's own words.

Hits, the screening of organisation answers and the outcome are stored as JSON and read back
here, typed (`ScreeningHit`, `AnswerScreening`, `Outcome`): nothing above this module looks
inside the stored JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trustdesk.policy.models import Pack
from trustdesk.policy.triage import AnswersInvalid, Outcome, read_answers
from trustdesk.screening.matching.model import ScreeningHit
from trustdesk.web.lists.coverage import Coverage
from trustdesk.web.triage.models import TriageSession


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Which questions are asked given the answers, and the answers that do not fit."""

    asked: tuple[str, ...]
    errors: Mapping[str, str]  # question id -> the engine's description of the problem
    unknown: tuple[str, ...]  # stored answers to questions the pack no longer has


def typed_answers(pack: Pack, raw: Mapping[str, object]) -> dict[str, object]:
    """Stored JSON answers as the engine takes them: dates as dates, unknown questions dropped."""
    kinds = {q.id: q.kind for q in pack.questions}
    out: dict[str, object] = {}
    for key, value in raw.items():
        if key not in kinds or value is None:
            continue
        if kinds[key] == "date" and isinstance(value, str):
            try:
                out[key] = dt.date.fromisoformat(value)
            except ValueError:
                out[key] = value  # the engine reports it, next to its question
        else:
            out[key] = value
    return out


def problems(pack: Pack, raw: Mapping[str, object]) -> dict[str, str]:
    """Every problem the engine finds in `raw`, by question id, answers to unknown ids included."""
    known = {q.id for q in pack.questions}
    unknown = {key: value for key, value in raw.items() if key not in known}
    try:
        read_answers(pack, {**unknown, **typed_answers(pack, raw)})
    except AnswersInvalid as exc:
        return {error.path: error.problem for error in exc.errors}
    return {}


def evaluate(pack: Pack, raw: Mapping[str, object]) -> Evaluation:
    """Asks the engine which questions are asked, leaving out (and reporting) answers it rejects."""
    known = {q.id for q in pack.questions}
    answers = typed_answers(pack, raw)
    errors: dict[str, str] = {}
    # Two passes at most: the first collects every rejected answer, the second cannot fail.
    for _ in range(2):
        try:
            _, asked, _ = read_answers(pack, answers)
        except AnswersInvalid as exc:
            for error in exc.errors:
                errors.setdefault(error.path, error.problem)
                answers.pop(error.path, None)
            continue
        return Evaluation(asked, errors, tuple(k for k in raw if k not in known))
    raise AssertionError(
        "read_answers rejected answers it had already accepted"
    )  # pragma: no cover


#: Why a match on an organisation answer is context for officers and not a hit, by kind.
CONTEXT_WHY: Mapping[str, str] = {
    "person": "A person's record, not an organisation's",
    "pep": (
        "A politically exposed person, on no sanctions, export-control or research-security list"
    ),
}


@dataclass(frozen=True)
class ContextMatch:
    """A person record or a politically exposed person found for an organisation answer.

    Kept for officers as context, never as a hit: it never reaches the policy engine, so it
    cannot raise the tier, bring in a process or stop dealings, and a researcher never sees it.
    `why` is a key of `CONTEXT_WHY`.
    """

    hit: ScreeningHit
    why: str

    @property
    def why_text(self) -> str:
        return CONTEXT_WHY.get(self.why, CONTEXT_WHY["person"])

    def to_dict(self) -> dict[str, Any]:
        return {"hit": self.hit.to_dict(), "why": self.why}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContextMatch:
        return cls(ScreeningHit.from_dict(data["hit"]), str(data.get("why") or "person"))


@dataclass(frozen=True)
class AnswerScreening:
    """An organisation answer screened against the loaded lists, as stored on its session.

    `screened` is False when no index was loaded, so the name was not checked: the page says
    so rather than showing "no match".
    """

    name: str
    snapshots: Mapping[str, str] = field(default_factory=dict)
    matcher_version: str = ""
    hits: tuple[ScreeningHit, ...] = ()
    screened: bool = True
    coverage: Coverage | None = None  # the lists consulted, and those missing or out of date
    context: tuple[ContextMatch, ...] = ()  # person and PEP records: for officers, never hits

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "snapshots": dict(self.snapshots),
            "coverage": self.coverage.to_dict() if self.coverage is not None else None,
            "matcher_version": self.matcher_version,
            "hits": [h.to_dict() for h in self.hits],
            "screened": self.screened,
            "context": [c.to_dict() for c in self.context],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnswerScreening:
        return cls(
            name=str(data.get("name", "")),
            snapshots={str(k): str(v) for k, v in (data.get("snapshots") or {}).items()},
            matcher_version=str(data.get("matcher_version", "")),
            hits=tuple(ScreeningHit.from_dict(h) for h in data.get("hits") or ()),
            screened=bool(data.get("screened", True)),
            coverage=Coverage.from_dict(data["coverage"]) if data.get("coverage") else None,
            context=tuple(
                ContextMatch.from_dict(c)
                for c in data.get("context") or ()
                if isinstance(c, Mapping) and isinstance(c.get("hit"), Mapping)
            ),
        )


def answer_screening(session: TriageSession) -> dict[str, AnswerScreening]:
    """The session's screened organisation answers, by question id."""
    return {
        qid: AnswerScreening.from_dict(data)
        for qid, data in session.answer_screening.items()
        if isinstance(data, Mapping)
    }


def unchecked_names(session: TriageSession) -> list[str]:
    """Organisation answers not checked against the lists: their index was not ready."""
    return [a.name for a in answer_screening(session).values() if not a.screened]


def used_hits(session: TriageSession) -> list[ScreeningHit]:
    """Every hit that went into the session's completed outcome."""
    return [ScreeningHit.from_dict(h) for h in session.hits if isinstance(h, Mapping)]


def context_matches(session: TriageSession) -> list[ContextMatch]:
    """Person and PEP records: officers' context, not hits.

    Those found for the organisation answers, then those of the engagement's organisation
    partners as they stood when the triage was completed.
    """
    partners = [
        ContextMatch.from_dict(c)
        for c in session.partner_context or ()
        if isinstance(c, Mapping) and isinstance(c.get("hit"), Mapping)
    ]
    return [c for a in answer_screening(session).values() for c in a.context] + partners


def stored_outcome(session: TriageSession) -> Outcome | None:
    """The session's outcome, typed; None while a draft."""
    return session.typed_outcome
