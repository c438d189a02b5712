"""What a new policy pack would change: each case's answers triaged under both packs, compared.

Both sides are evaluated here, with the same answers and the same screening hits, rather than
comparing the candidate with the outcome stored on the case: a stored outcome may be older than
the current pack (a travel-advice update, a pack installed since), and the preview must show
what *this* pack change does, nothing else. Cases that come out the same are counted, not listed,
so that a result over thousands of cases stays small enough to store and read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trustdesk.policy.models import Pack
from trustdesk.policy.triage import AnswersInvalid, Outcome, triage
from trustdesk.screening.matching.model import ScreeningHit

IMPACT_SCHEMA = 1


@dataclass(frozen=True)
class CaseChange:
    """One case whose outcome the candidate pack changes, or whose answers it no longer takes.

    ``key`` and ``label`` are the caller's (an engagement's public id and title); the engine
    only carries them. ``tier_after`` is empty when ``problems`` is not: the case then needs a
    new triage before any outcome can be worked out.
    """

    key: str
    label: str
    tier_before: str
    tier_after: str
    gained: tuple[str, ...] = ()  # process ids the candidate adds
    lost: tuple[str, ...] = ()  # process ids the candidate drops
    problems: tuple[str, ...] = ()  # "question: problem" for answers the candidate refuses
    unanswered: tuple[str, ...] = ()  # questions only the candidate asks, not answered yet
    extra: Mapping[str, str] = field(default_factory=dict)  # the caller's (status, links)

    @property
    def tier_changed(self) -> bool:
        return not self.problems and self.tier_after != self.tier_before

    @property
    def processes_changed(self) -> bool:
        return bool(self.gained or self.lost)


@dataclass(frozen=True)
class Impact:
    """The comparison over every case examined; ``changes`` lists only the cases that differ."""

    current: str  # "id@version" of the pack in use
    candidate: str  # "id@version" of the pack previewed
    examined: int
    changes: tuple[CaseChange, ...]
    skipped: int = 0  # cases whose answers the current pack itself no longer takes
    tiers: Mapping[str, str] = field(default_factory=dict)  # tier id -> label, both packs
    processes: Mapping[str, str] = field(default_factory=dict)  # process id -> title, both
    questions: Mapping[str, str] = field(default_factory=dict)  # unanswered id -> its label

    @property
    def tier_changes(self) -> int:
        return sum(1 for c in self.changes if c.tier_changed)

    @property
    def process_changes(self) -> int:
        return sum(1 for c in self.changes if c.processes_changed)

    @property
    def needs_triage(self) -> int:
        return sum(1 for c in self.changes if c.problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, marked with its schema, for storing with the pack version."""
        return {
            "schema": IMPACT_SCHEMA,
            "current": self.current,
            "candidate": self.candidate,
            "examined": self.examined,
            "skipped": self.skipped,
            "tiers": dict(self.tiers),
            "processes": dict(self.processes),
            "questions": dict(self.questions),
            "changes": [
                {
                    "key": c.key,
                    "label": c.label,
                    "tier_before": c.tier_before,
                    "tier_after": c.tier_after,
                    "gained": list(c.gained),
                    "lost": list(c.lost),
                    "problems": list(c.problems),
                    "unanswered": list(c.unanswered),
                    "extra": dict(c.extra),
                }
                for c in self.changes
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Impact:
        """Read back what `to_dict` stored; a different schema is a ValueError."""
        if data.get("schema") != IMPACT_SCHEMA:
            raise ValueError(f"impact schema {data.get('schema')!r} is not {IMPACT_SCHEMA}")
        return cls(
            current=str(data["current"]),
            candidate=str(data["candidate"]),
            examined=int(data["examined"]),
            skipped=int(data.get("skipped", 0)),
            tiers={str(k): str(v) for k, v in data.get("tiers", {}).items()},
            processes={str(k): str(v) for k, v in data.get("processes", {}).items()},
            questions={str(k): str(v) for k, v in data.get("questions", {}).items()},
            changes=tuple(
                CaseChange(
                    key=str(c["key"]),
                    label=str(c["label"]),
                    tier_before=str(c["tier_before"]),
                    tier_after=str(c["tier_after"]),
                    gained=tuple(c.get("gained", ())),
                    lost=tuple(c.get("lost", ())),
                    problems=tuple(c.get("problems", ())),
                    unanswered=tuple(c.get("unanswered", ())),
                    extra={str(k): str(v) for k, v in c.get("extra", {}).items()},
                )
                for c in data.get("changes", ())
            ),
        )


def labels(current: Pack, candidate: Pack) -> tuple[dict[str, str], dict[str, str]]:
    """Tier and process labels of both packs, the candidate's wording winning."""
    tiers = {t.id: t.label for t in current.tiers} | {t.id: t.label for t in candidate.tiers}
    processes = {p.id: p.title for p in current.processes} | {
        p.id: p.title for p in candidate.processes
    }
    return tiers, processes


def question_labels(candidate: Pack, changes: Sequence[CaseChange]) -> dict[str, str]:
    """The candidate's label (else text) of each question some change leaves unanswered."""
    wanted = {q for c in changes for q in c.unanswered}
    return {q.id: q.label or q.text for q in candidate.questions if q.id in wanted}


@dataclass(frozen=True)
class CaseAnswers:
    """One case as the engine takes it, under each pack (the typing of answers is per pack)."""

    key: str
    label: str
    current_answers: Mapping[str, object]
    candidate_answers: Mapping[str, object]
    hits: Sequence[ScreeningHit]
    extra: Mapping[str, str] = field(default_factory=dict)


class NotComparable(Exception):
    """The current pack itself refuses the case's answers: there is no "before" to compare."""


def case_change(current: Pack, candidate: Pack, case: CaseAnswers) -> CaseChange | None:
    """The case's change under the candidate, or None when it comes out the same.

    Raises NotComparable when the current pack refuses the answers (a case triaged under an
    older pack that was never triaged again).
    """
    try:
        before = triage(current, case.current_answers, screening=case.hits)
    except AnswersInvalid as exc:
        raise NotComparable(str(exc)) from exc
    try:
        after = triage(candidate, case.candidate_answers, screening=case.hits)
    except AnswersInvalid as exc:
        problems = tuple(f"{e.path}: {e.problem}" for e in exc.errors)
        return CaseChange(
            case.key, case.label, before.tier.id, "", problems=problems, extra=case.extra
        )
    # Each outcome lists the questions its pack asked of these answers: no second reading.
    had = set(before.asked)
    unanswered = tuple(
        q for q in after.asked if q not in had and case.candidate_answers.get(q) is None
    )
    return _compared(case, before, after, unanswered)


def _compared(
    case: CaseAnswers, before: Outcome, after: Outcome, unanswered: tuple[str, ...]
) -> CaseChange | None:
    was = [p.id for p in before.processes]
    now = [p.id for p in after.processes]
    gained = tuple(p for p in now if p not in was)
    lost = tuple(p for p in was if p not in now)
    if before.tier.id == after.tier.id and not gained and not lost and not unanswered:
        return None
    return CaseChange(
        case.key,
        case.label,
        before.tier.id,
        after.tier.id,
        gained=gained,
        lost=lost,
        unanswered=unanswered,
        extra=case.extra,
    )
