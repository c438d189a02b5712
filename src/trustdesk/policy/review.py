"""Reviews and replay: what changed since a case was last assessed, and whether a review is due.

A case keeps a `CaseState` with each assessment: the pack it ran under, the triage outcome's
tier, processes and verdicts, the screening hits with their status and a fingerprint of each
matched listed entry, the partners, countries and research areas, and the ratings. Comparing that
record with today's state (today's lists, today's pack, today's case) says what would differ;
`review_check` turns the differences into structured changes and says whether a review falls
due. A review falls due on its date, or at once when a partner gains a confirmed hit, when a
listed entry a partner matched changes or is removed, when the partners, countries or areas
change, or when a new pack version changes the triage outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from trustdesk.policy.assessment import Assessment
from trustdesk.policy.triage import Outcome, hit_order
from trustdesk.screening.matching.model import HitStatus, ScreeningHit


@dataclass(frozen=True)
class CaseState:
    """What an assessment rested on, kept so a later state can be compared with it.

    ``entries`` maps a matched hit's key (``source:entry_id``) to a fingerprint of the listed
    entry as the lists held it (the lists app's content hash of the entry); a key missing from
    a later state's ``entries`` means the entry is no longer listed.
    """

    pack_id: str
    pack_version: str
    tier: str
    processes: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    hits: tuple[ScreeningHit, ...] = ()
    entries: Mapping[str, str] = field(default_factory=dict)
    partners: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    ratings: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        outcome: Outcome,
        *,
        assessment: Assessment | None = None,
        hits: Sequence[ScreeningHit] = (),
        entries: Mapping[str, str] | None = None,
        partners: Sequence[str] = (),
        countries: Sequence[str] = (),
        areas: Sequence[str] = (),
    ) -> CaseState:
        """The state of a case from its outcome, assessment and screening, in a fixed order."""
        return cls(
            pack_id=outcome.pack_id,
            pack_version=outcome.pack_version,
            tier=outcome.tier.id,
            processes=tuple(p.id for p in outcome.processes),
            verdicts=tuple(v.id for v in outcome.verdicts),
            hits=tuple(sorted(hits, key=hit_order)),
            entries=dict(sorted((entries or {}).items())),
            partners=tuple(sorted(set(partners))),
            countries=tuple(sorted(set(countries))),
            areas=tuple(sorted(set(areas))),
            ratings=assessment.ratings() if assessment is not None else {},
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, marked with its schema, for keeping beside an assessment."""
        data: dict[str, Any] = {
            "schema": CASE_STATE_SCHEMA,
            **{k: getattr(self, k) for k in self.__dataclass_fields__},
        }
        data["hits"] = [h.to_dict() for h in self.hits]
        data["entries"], data["ratings"] = dict(self.entries), dict(self.ratings)
        for key in ("processes", "verdicts", "partners", "countries", "areas"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CaseState:
        """A state `to_dict` wrote, typed again; ValueError for another schema."""
        if data.get("schema") != CASE_STATE_SCHEMA:
            raise ValueError(f"case state schema {data.get('schema')!r} is not {CASE_STATE_SCHEMA}")
        fields = {k: v for k, v in data.items() if k != "schema"}
        return _state_adapter().validate_python(fields)


#: The version of `CaseState.to_dict`'s shape.
CASE_STATE_SCHEMA = 1


@cache
def _state_adapter() -> TypeAdapter[CaseState]:
    return TypeAdapter(CaseState)


class Trigger(StrEnum):
    """What changed; each member's comment says whether it makes a review due by itself."""

    DATE_REACHED = "date_reached"  # due
    HIT_CONFIRMED = "hit_confirmed"  # due: a partner gained a confirmed hit
    ENTRY_CHANGED = "entry_changed"  # due: a listed entry a partner matched changed
    ENTRY_REMOVED = "entry_removed"  # due: ... or is no longer listed
    PARTNERS_CHANGED = "partners_changed"  # due
    COUNTRIES_CHANGED = "countries_changed"  # due
    AREAS_CHANGED = "areas_changed"  # due
    OUTCOME_CHANGED = "outcome_changed"  # due: a new pack version changes the triage outcome
    HIT_FOUND = "hit_found"  # not due until an officer confirms it
    HIT_DISMISSED = "hit_dismissed"  # not due: a dismissed hit lowers risk
    PACK_VERSION = "pack_version"  # not due: a new pack version that changes no outcome
    RATING_CHANGED = "rating_changed"  # not due: follows from the changes above

    @property
    def makes_due(self) -> bool:
        return self in _DUE


_DUE = frozenset(
    {
        Trigger.DATE_REACHED,
        Trigger.HIT_CONFIRMED,
        Trigger.ENTRY_CHANGED,
        Trigger.ENTRY_REMOVED,
        Trigger.PARTNERS_CHANGED,
        Trigger.COUNTRIES_CHANGED,
        Trigger.AREAS_CHANGED,
        Trigger.OUTCOME_CHANGED,
    }
)


@dataclass(frozen=True)
class Change:
    """One difference between two states: what changed, from what to what, and what it is about.

    ``subject`` names what changed (a date, an area id, a pack as ``id@version``, a hit's key);
    ``part`` the part of the triage outcome a new pack changed (tier, processes, verdicts);
    ``hit`` the hit it is about, for hit and entry changes (None once redacted).
    """

    trigger: Trigger
    subject: str = ""
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    part: str = ""
    hit: ScreeningHit | None = None

    @property
    def makes_due(self) -> bool:
        return self.trigger.makes_due

    @property
    def text(self) -> str:
        """The change as a sentence."""
        was, now = ", ".join(self.before) or "none", ", ".join(self.after) or "none"
        hit = self.hit
        named = f"{hit.name} ({hit.key})" if hit is not None else "a listed entry"
        match self.trigger:
            case Trigger.DATE_REACHED:
                return f"the review date {self.subject} has been reached"
            case Trigger.HIT_CONFIRMED:
                return f"an officer confirmed the match with {named}"
            case Trigger.ENTRY_CHANGED:
                return f"the listed entry {named} has changed since it was matched"
            case Trigger.ENTRY_REMOVED:
                return f"the listed entry {named} is no longer on its list"
            case Trigger.HIT_FOUND:
                return f"screening found {named}, not yet reviewed by an officer"
            case Trigger.HIT_DISMISSED:
                return f"an officer dismissed the match with {named}"
            case Trigger.PACK_VERSION:
                return f"the policy pack is now {now} (was {was}); the triage outcome is the same"
            case Trigger.OUTCOME_CHANGED:
                return f"under pack {self.subject} the triage {self.part} is now {now} (was {was})"
            case Trigger.RATING_CHANGED:
                return f"the rating of {self.subject} changed from {was} to {now}"
            case _:
                what = _WHAT[self.trigger]
                return f"the {what} changed from {was} to {now}"

    def redacted(self) -> Change:
        """The change for a role that may not read the watch lists: no entry named."""
        return replace(self, hit=None, subject="") if self.hit is not None else self


_WHAT = {
    Trigger.PARTNERS_CHANGED: "partners",
    Trigger.COUNTRIES_CHANGED: "countries",
    Trigger.AREAS_CHANGED: "research areas",
}


@dataclass(frozen=True)
class ReviewCheck:
    """Every change since the previous state, and whether any of them makes a review due."""

    changes: tuple[Change, ...]

    @property
    def due(self) -> bool:
        return any(c.makes_due for c in self.changes)

    @property
    def due_because(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.makes_due)


def _hit_changes(previous: CaseState, current: CaseState) -> list[Change]:
    # One entry can be matched twice, by the partner's screening and by a name in the triage
    # answers, with different verdicts: a key was confirmed before if any of its hits was.
    before: dict[str, set[str]] = {}
    for h in previous.hits:
        before.setdefault(h.key, set()).add(h.status)
    out: list[Change] = []
    seen: set[tuple[Trigger, str]] = set()
    for hit in current.hits:
        was = before.get(hit.key)
        status = hit.status
        trigger = None
        if status == HitStatus.CONFIRMED and (was is None or status not in was):
            trigger = Trigger.HIT_CONFIRMED
        elif status == HitStatus.FALSE_POSITIVE and was is not None and status not in was:
            trigger = Trigger.HIT_DISMISSED
        elif was is None and status != HitStatus.FALSE_POSITIVE:
            trigger = Trigger.HIT_FOUND
        if trigger is not None and (trigger, hit.key) not in seen:
            seen.add((trigger, hit.key))
            out.append(Change(trigger, hit.key, hit=hit))
    # A matched entry (any hit not dismissed) that changed or left its list.
    for hit in previous.hits:
        if hit.status == HitStatus.FALSE_POSITIVE or hit.key not in previous.entries:
            continue
        now = current.entries.get(hit.key)
        if now is None:
            out.append(Change(Trigger.ENTRY_REMOVED, hit.key, hit=hit))
        elif now != previous.entries[hit.key]:
            out.append(Change(Trigger.ENTRY_CHANGED, hit.key, hit=hit))
    return out


def _outcome_changes(previous: CaseState, current: CaseState) -> list[Change]:
    pack_before = f"{previous.pack_id}@{previous.pack_version}"
    pack_now = f"{current.pack_id}@{current.pack_version}"
    if pack_before == pack_now:
        return []
    out = [
        Change(Trigger.OUTCOME_CHANGED, pack_now, was, now, part=name)
        for name, was, now in (
            ("tier", (previous.tier,), (current.tier,)),
            ("processes", previous.processes, current.processes),
            ("verdicts", previous.verdicts, current.verdicts),
        )
        if was != now
    ]
    return out or [Change(Trigger.PACK_VERSION, pack_now, (pack_before,), (pack_now,))]


def review_check(
    previous: CaseState,
    current: CaseState,
    *,
    today: dt.date,
    review_date: dt.date | None = None,
) -> ReviewCheck:
    """The changes from ``previous`` to ``current``, in a fixed order, and whether a review is due.

    ``current`` is today's state worked out under today's lists and pack (the case app triages
    and assesses again without saving); the same two states always give the same changes.
    """
    changes: list[Change] = []
    if review_date is not None and today >= review_date:
        changes.append(Change(Trigger.DATE_REACHED, review_date.isoformat()))
    changes += _hit_changes(previous, current)
    for trigger, was, now in (
        (Trigger.PARTNERS_CHANGED, previous.partners, current.partners),
        (Trigger.COUNTRIES_CHANGED, previous.countries, current.countries),
        (Trigger.AREAS_CHANGED, previous.areas, current.areas),
    ):
        if set(was) != set(now):
            changes.append(Change(trigger, "", tuple(sorted(was)), tuple(sorted(now))))
    changes += _outcome_changes(previous, current)
    for area in sorted(set(previous.ratings) | set(current.ratings)):
        was_r, now_r = previous.ratings.get(area), current.ratings.get(area)
        if was_r != now_r:
            changes.append(
                Change(
                    Trigger.RATING_CHANGED,
                    area,
                    tuple(r for r in (was_r,) if r),
                    tuple(r for r in (now_r,) if r),
                )
            )
    return ReviewCheck(tuple(changes))
