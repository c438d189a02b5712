"""The memory of verdicts: an officer's verdict on a listed entry outlives the screening it was on.

Without it every screening starts from nothing, so a false positive dismissed last month came
back at every re-screen. A verdict is remembered for one subject and one listed entry, with the
entry as it was judged (its `ListEntry.fingerprint`, the same content hash the assessments
compare, and its names and identifying details) and the subject's names then. A later screening
that finds the same entry carries the verdict over while neither side changed in what the
verdict rested on; otherwise the hit is raised again, saying what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from trustdesk.screening.entries import Entry
from trustdesk.web.accounts.models import User
from trustdesk.web.lists.models import ListEntry
from trustdesk.web.partners.models import (
    Organisation,
    Person,
    ScreeningHit,
    ScreeningRun,
    VerdictMemory,
)

# What each kind of change is called on the hit.
CHANGE_LABELS = {
    "entry_names": "The listed entry's names changed",
    "entry_details": "The listed entry's identifying details changed",
    "subject_names": "The partner's names changed",
}


@dataclass(frozen=True, slots=True)
class ListedNow:
    """A listed entry as a snapshot holds it: its fingerprint and what a verdict rests on."""

    fingerprint: str
    identity: dict[str, list[str]]


def entry_identity(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The names and identifying details of a stored entry, what a verdict on a match rests on.

    Remarks, programmes or a source URL may change without making a dismissed match any more
    likely; names, document numbers, dates of birth, countries and the kind of entity may.
    """
    entry = Entry.from_dict(dict(data))
    details = [f"type: {entry.type.value}"]
    details += [f"identifier: {i.kind} {i.value}" for i in entry.identifiers]
    details += [f"born: {d}" for d in entry.dates_of_birth]
    details += [f"country: {c}" for c in entry.countries]
    return {"names": sorted(set(entry.all_names())), "details": sorted(set(details))}


def entries_listed(
    keys: Iterable[tuple[str, str]], snapshots: Mapping[str, str]
) -> dict[str, ListedNow]:
    """The entries `(source, entry_id)` as the snapshots named hold them, by "source:entry_id".

    An entry missing from its snapshot (or of a source not named) is left out.
    """
    wanted: dict[str, list[str]] = {}
    for source, entry_id in keys:
        if source in snapshots:
            wanted.setdefault(source, []).append(entry_id)
    found: dict[str, ListedNow] = {}
    for source, ids in wanted.items():
        rows = ListEntry.objects.filter(
            snapshot__public_id=snapshots[source], entry_id__in=ids
        ).values_list("entry_id", "fingerprint", "data")
        for entry_id, fingerprint, data in rows:
            found[f"{source}:{entry_id}"] = ListedNow(fingerprint, entry_identity(data))
    return found


def _subject_filter(subject: Organisation | Person) -> Q:
    return Q(organisation=subject) if isinstance(subject, Organisation) else Q(person=subject)


def verdict_remember(*, row: ScreeningHit, run: ScreeningRun, actor: User) -> VerdictMemory:
    """Remember the verdict just given on `row` (the caller's transaction, under its lock).

    Any earlier memory of the same subject and entry is superseded: the latest verdict is the
    one carried over, the earlier ones stay as the hit's history.
    """
    subject = run.subject
    now = timezone.now()
    VerdictMemory.objects.filter(
        _subject_filter(subject), source=row.source, entry_id=row.entry_id, superseded_at=None
    ).update(superseded_at=now)
    listed = entries_listed([(row.source, row.entry_id)], run.snapshots or {}).get(row.key)
    memory = VerdictMemory(
        source=row.source,
        entry_id=row.entry_id,
        verdict=row.verdict,
        reason=row.verdict_reason,
        entry_fingerprint=listed.fingerprint if listed else "",
        entry_identity=listed.identity if listed else {},
        subject_names=sorted(set(run.names)),
        hit=row,
        decided_by=actor,
        decided_at=row.adjudicated_at or now,
    )
    if isinstance(subject, Organisation):
        memory.organisation = subject
    else:
        memory.person = subject
    memory.save()
    return memory


def _differences(old: Sequence[str], new: Sequence[str], what: str) -> dict[str, Any] | None:
    added, removed = sorted(set(new) - set(old)), sorted(set(old) - set(new))
    if not added and not removed:
        return None
    return {"what": what, "added": added, "removed": removed}


def what_changed(
    memory: VerdictMemory, listed: ListedNow | None, names: Sequence[str]
) -> list[dict[str, Any]]:
    """What changed since `memory` was decided: the entry's names or details, the subject's names.

    The same fingerprint means the entry is byte for byte what was judged; only when it differs
    are its names and details compared (a change of remarks alone changes nothing here). A
    memory of an entry no longer found keeps its verdict: there is nothing new to judge.
    """
    changes = []
    if listed is not None and listed.fingerprint != memory.entry_fingerprint:
        old = memory.entry_identity or {}
        for key, what in (("names", "entry_names"), ("details", "entry_details")):
            found = _differences(old.get(key, []), listed.identity[key], what)
            if found:
                changes.append(found)
    found = _differences(memory.subject_names, sorted(set(names)), "subject_names")
    if found:
        changes.append(found)
    return changes


def verdicts_carry(run: ScreeningRun, rows: Sequence[ScreeningHit]) -> list[str]:
    """Give new hit rows (not yet saved) the remembered verdicts that still apply; their keys.

    A hit whose remembered verdict no longer applies stays unresolved, linked to the memory and
    saying what changed, so the officer sees why it came back.
    """
    if not rows:
        return []
    memories = {
        f"{m.source}:{m.entry_id}": m
        for m in VerdictMemory.objects.filter(
            _subject_filter(run.subject),
            superseded_at=None,
            entry_id__in=sorted({r.entry_id for r in rows}),
        )
    }
    remembered = [r for r in rows if r.key in memories]
    listed = entries_listed([(r.source, r.entry_id) for r in remembered], run.snapshots or {})
    carried = []
    for row in remembered:
        memory = memories[row.key]
        row.memory = memory
        row.changes = what_changed(memory, listed.get(row.key), run.names)
        if not row.changes:
            row.verdict, row.verdict_reason = memory.verdict, memory.reason
            row.adjudicated_by_id, row.adjudicated_at = memory.decided_by_id, memory.decided_at
            carried.append(row.key)
    return carried


def change_sentences(changes: Sequence[Mapping[str, Any]]) -> list[str]:
    """What changed since a remembered verdict, as sentences an officer reads on the hit."""
    out = []
    for change in changes:
        parts = []
        if change.get("added"):
            parts.append("now " + ", ".join(f"“{v}”" for v in change["added"]))
        if change.get("removed"):
            parts.append("no longer " + ", ".join(f"“{v}”" for v in change["removed"]))
        out.append(f"{CHANGE_LABELS.get(change.get('what', ''), 'Changed')}: {'; '.join(parts)}.")
    return out
