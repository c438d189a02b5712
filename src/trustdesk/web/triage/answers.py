"""The glue between stored answers (plain JSON) and the policy engine's typed answers.

The questionnaire must work on partial, half-wrong answers: a person who has typed a bad amount
still needs to see which questions come next. So the engine is asked about the answers that fit,
and each answer that does not is reported against its own question, in the engine's own words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from trustdesk.policy.conditions import ScreeningHit
from trustdesk.policy.models import Pack
from trustdesk.policy.triage import AnswersInvalid, read_answers

HitStatus = Literal["unresolved", "confirmed", "false_positive"]
_STATUSES: tuple[HitStatus, ...] = ("unresolved", "confirmed", "false_positive")


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


def hit_input(data: Mapping[str, object]) -> ScreeningHit:
    """A stored hit (see `HitRecord`) as the engine's screening input."""
    status = str(data.get("status", "unresolved"))
    programme = data.get("programme")
    return ScreeningHit(
        source=str(data["source"]),
        entry_id=str(data["entry_id"]),
        name=str(data["name"]),
        status=next((s for s in _STATUSES if s == status), "unresolved"),
        programme=str(programme) if programme else None,
    )
