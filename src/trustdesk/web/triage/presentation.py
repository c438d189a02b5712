"""The triage result as a reader takes it in: summary first, each reason said once, hits merged.

An outcome lists, for the tier, every process, verdict and checklist item, the reasons that put
it there; one rule often feeds several of them (a sanctioned country puts in two processes, a
tier and three checklist items), so printing the reasons where they sit repeats the same long
sentence many times. Here every distinct reason gets a number the first time it is stated, and
every later place refers to that number instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from trustdesk.policy.reasons import Reason
from trustdesk.policy.triage import LabelledResult, Outcome, ProcessResult
from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.triage.forms import HitView


@dataclass(frozen=True)
class ReasonView:
    """A reason in place: stated in full (``first``) or a reference to where it was stated."""

    number: int
    anchor: str
    text: str
    because: tuple[str, ...]
    first: bool


class _Placed:
    reasons: tuple[ReasonView, ...]

    @property
    def stated(self) -> tuple[ReasonView, ...]:
        """The reasons said here for the first time, in full."""
        return tuple(r for r in self.reasons if r.first)

    @property
    def referred(self) -> tuple[ReasonView, ...]:
        """The reasons said earlier, which this place only refers to by number."""
        return tuple(r for r in self.reasons if not r.first)


@dataclass(frozen=True)
class ProcessView(_Placed):
    process: ProcessResult
    reasons: tuple[ReasonView, ...]


@dataclass(frozen=True)
class ItemView(_Placed):
    item: LabelledResult
    reasons: tuple[ReasonView, ...]


@dataclass
class _Numbering:
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)

    def place(self, reasons: Sequence[Reason]) -> tuple[ReasonView, ...]:
        out = []
        for r in reasons:
            key = (r.rule, r.text)
            first = key not in self.numbers
            if first:
                self.numbers[key] = len(self.numbers) + 1
            number = self.numbers[key]
            out.append(ReasonView(number, f"reason-{number}", r.text, r.because, first))
        return tuple(out)


@dataclass(frozen=True)
class ResultView:
    """Everything the result page shows, in reading order."""

    main_reason: ReasonView | None
    other_tier_reasons: tuple[ReasonView, ...]
    verdicts: tuple[ItemView, ...]
    processes: tuple[ProcessView, ...]
    checklist: tuple[tuple[str, tuple[ItemView, ...]], ...]
    reason_count: int


def result_view(outcome: Outcome) -> ResultView:
    """Numbers the outcome's reasons in reading order: verdicts, tier, processes, checklist."""
    numbering = _Numbering()
    verdicts = tuple(ItemView(v, numbering.place(v.reasons)) for v in outcome.verdicts)
    tier_reasons = numbering.place(outcome.tier.reasons)
    processes = tuple(ProcessView(p, numbering.place(p.reasons)) for p in outcome.processes)
    groups: dict[str, list[ItemView]] = {}
    for m in outcome.mitigations:
        groups.setdefault(m.label, []).append(ItemView(m, numbering.place(m.reasons)))
    return ResultView(
        main_reason=tier_reasons[0] if tier_reasons else None,
        other_tier_reasons=tier_reasons[1:],
        verdicts=verdicts,
        processes=processes,
        checklist=tuple((area, tuple(items)) for area, items in groups.items()),
        reason_count=len(numbering.numbers),
    )


#: Which status a merged row shows when its hits were reviewed differently: the one that asks
#: most of the reader (an open or confirmed match outranks a dismissed one).
_STATUS_WEIGHT = {
    HitStatus.CONFIRMED: 3,
    HitStatus.NEEDS_INFORMATION: 2,
    HitStatus.FALSE_POSITIVE: 0,
}


@dataclass(frozen=True)
class MergedHit:
    """One row per name screened and entry matched, however many times screening found it."""

    hit: HitView
    times: int


def merged_hits(hits: Sequence[HitView]) -> list[MergedHit]:
    """Rows of identical hits (same name, entry and list) merged, keeping the best score.

    Without entry details every row of one name says the same ("possible match"), so those merge
    into one row per name. A name given in two roles (the partner is also the funder) is one
    row naming both roles.
    """
    rows: dict[tuple[str, str, str], list[HitView]] = {}
    for h in hits:
        rows.setdefault((h.subject, h.entry, h.list_title), []).append(h)
    out = []
    for same in rows.values():
        best = max(same, key=lambda h: (_STATUS_WEIGHT.get(h.status, 1), h.score))
        score = max(h.score for h in same)
        roles = ", ".join(dict.fromkeys(h.role for h in same if h.role))
        shown = HitView(best.subject, best.list_title, best.entry, score, best.status, roles)
        out.append(MergedHit(shown, len(same)))
    return out
