"""Reads for a pack change's impact: every open case's latest triage, replayed under two packs.

Built for thousands of cases: the latest completed session of every open engagement comes from
one query, streamed in chunks (its answers and the hits that went into it, nothing else), and
the engine runs in this process over each, so the cost is the engine's (milliseconds a case)
and memory holds one chunk and the changes found, never every session. Each case is replayed
from what its session stored (`trustdesk.web.triage.answers`): the same answers and the same
screening hits under the pack in use and under the candidate, so only the pack differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from trustdesk.policy.impact import (
    CaseAnswers,
    CaseChange,
    Impact,
    NotComparable,
    case_change,
    question_labels,
)
from trustdesk.policy.impact import labels as impact_labels
from trustdesk.policy.models import Pack
from trustdesk.screening.matching.model import ScreeningHit
from trustdesk.web.cases.models import Engagement
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage.models import TriageSession

# Every case still open to change: all but the closed ones (a draft's triage counts too, as the
# researcher will submit it under the pack in use then).
CLOSED = (Engagement.Status.CLOSED,)
CHUNK = 500
Progress = Callable[[int, int], None]  # (cases done, cases in all)


@dataclass(frozen=True, slots=True)
class LatestTriage:
    """What the replay needs of an engagement's latest completed triage, and of the case."""

    engagement: str  # public id
    title: str
    status: str
    session: str  # public id
    answers: Mapping[str, object]
    hits: tuple[ScreeningHit, ...]


def _sessions() -> Iterator[tuple[Any, ...]]:
    return (
        TriageSession.objects.filter(
            status=TriageSession.Status.COMPLETED, engagement__isnull=False
        )
        .exclude(engagement__status__in=CLOSED)
        .order_by("engagement_id", "-completed_at", "-pk")
        .values_list(
            "engagement_id",
            "engagement__public_id",
            "engagement__title",
            "engagement__status",
            "public_id",
            "answers",
            "hits",
        )
        .iterator(chunk_size=CHUNK)
    )


def latest_triages() -> Iterator[LatestTriage]:
    """The latest completed triage of each open engagement, in one streamed query."""
    seen: int | None = None
    for engagement_id, public_id, title, status, session, answers, hits in _sessions():
        if engagement_id == seen:
            continue  # an older session of the same engagement: sorted newest first
        seen = engagement_id
        yield LatestTriage(
            engagement=str(public_id),
            title=str(title),
            status=str(status),
            session=str(session),
            answers=answers if isinstance(answers, dict) else {},
            hits=tuple(ScreeningHit.from_dict(h) for h in hits or () if isinstance(h, dict)),
        )


def open_case_count() -> int:
    """How many cases a preview examines (at most), for its progress."""
    return (
        Engagement.objects.exclude(status__in=CLOSED)
        .filter(triage_sessions__status=TriageSession.Status.COMPLETED)
        .distinct()
        .count()
    )


def impact_compute(*, current: Pack, candidate: Pack, progress: Progress | None = None) -> Impact:
    """What making `candidate` current instead of `current` would change for the open cases."""
    total = open_case_count() if progress is not None else 0
    changes: list[CaseChange] = []
    examined = skipped = 0
    for latest in latest_triages():
        case = CaseAnswers(
            key=latest.engagement,
            label=latest.title,
            current_answers=answer_glue.typed_answers(current, latest.answers),
            candidate_answers=answer_glue.typed_answers(candidate, latest.answers),
            hits=latest.hits,
            extra={"status": latest.status, "session": latest.session},
        )
        examined += 1
        try:
            change = case_change(current, candidate, case)
        except NotComparable:
            skipped += 1
            change = None
        if change is not None:
            changes.append(change)
        if progress is not None and examined % 100 == 0:
            progress(examined, max(total, examined))
    if progress is not None:
        progress(examined, examined)
    tiers, processes = impact_labels(current, candidate)
    return Impact(
        current=f"{current.id}@{current.version}",
        candidate=f"{candidate.id}@{candidate.version}",
        examined=examined,
        skipped=skipped,
        changes=tuple(changes),
        tiers=tiers,
        processes=processes,
        questions=question_labels(candidate, changes),
    )
