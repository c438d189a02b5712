"""The reverse direction: the partners on file as an index, queried with the listed names.

A list change adds or changes a few entries; screening every one of 300,000 partners again to
find the few they match would take an hour. Instead the partners' names (every alias) are put
in a match index of the screening engine, as if they were a list, and each new entry's names
are its queries. The candidates it returns are then screened the normal way (forward), so that
a hit, its score and its explanation are exactly what a screening of that partner gives.

The reverse query is looser than the forward threshold: the matcher's scores are not perfectly
symmetric (legal forms, acronyms and weak aliases weigh differently on each side), and a
candidate missed here is a hit missed, whereas a spare candidate costs one forward screening.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Max

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import DEFAULT_THRESHOLD, MatchIndex, NameNotScreenable, Query
from trustdesk.web.lists.screening import MATCHER_VERSION, index_dir
from trustdesk.web.partners.models import Organisation, Person

log = logging.getLogger(__name__)

SOURCE = "partners"  # the pseudo-list the subjects are indexed as
# How far below the forward threshold a reverse score may be and still name a candidate.
REVERSE_MARGIN = 0.15
# Candidates kept per listed name: a common name ("Ali Hassan") may match many people on file.
CANDIDATES_PER_NAME = 200

_lock = threading.Lock()
_cached: dict[str, MatchIndex] = {}  # one per process, by the state of the records it covers


@dataclass(frozen=True, slots=True)
class SubjectKey:
    """A subject named by kind and primary key, as chunks and the index carry it: "o12", "p7"."""

    kind: str  # "o" (organisation) or "p" (person)
    pk: int

    @classmethod
    def parse(cls, value: str) -> SubjectKey:
        return cls(value[0], int(value[1:]))

    def __str__(self) -> str:
        return f"{self.kind}{self.pk}"


def _state() -> str:
    """What the index depends on: the records, their count and last change, and the matcher."""
    parts = [MATCHER_VERSION]
    for model in (Organisation, Person):
        row = model.objects.filter(merged_into=None).aggregate(
            n=Count("pk"), last=Max("updated_at")
        )
        parts.append(f"{row['n']}:{row['last']}")
    return "|".join(parts)


def _entries() -> Iterator[Entry]:
    for kind, model, etype in (
        ("o", Organisation, EntityType.ORGANIZATION),
        ("p", Person, EntityType.PERSON),
    ):
        rows = model.objects.filter(merged_into=None).order_by("pk")
        for pk, name, aliases in rows.values_list("pk", "name", "aliases").iterator(2000):
            yield Entry(
                source=SOURCE,
                source_id=f"{kind}{pk}",
                type=etype,
                name=name,
                aliases=tuple(a for a in aliases or () if a),
            )


def subject_index() -> MatchIndex:
    """The index of every partner on file (merged records left out), built once per state.

    Kept in memory for the process and saved under TRUSTDESK_HOME/index (like the lists' index),
    so that the workers sharing a re-screen's chunks, and the next list change while no partner
    changed, load it instead of building it again.
    """
    state = _state()
    with _lock:
        index = _cached.get(state)
        if index is None:
            index = _load_or_build(state)
            _cached.clear()
            _cached[state] = index
        return index


def _load_or_build(state: str) -> MatchIndex:
    folder = index_dir() / "partners"  # apart: the lists' index removes every other *.idx
    path = folder / f"subjects-{hashlib.sha256(state.encode()).hexdigest()[:20]}.idx"
    if path.exists():
        try:
            return MatchIndex.load(path)
        except (ValueError, OSError, EOFError) as exc:  # another version's file, or cut short
            log.warning("rebuilding the partners' index: %s", exc)
    index = MatchIndex.build(_entries())
    folder.mkdir(parents=True, exist_ok=True)
    index.save(path)  # atomic: written aside, then renamed
    for old in folder.glob("subjects-*.idx"):
        if old != path:
            old.unlink(missing_ok=True)
    return index


def candidates(index: MatchIndex, entries: Iterable[Entry]) -> set[SubjectKey]:
    """The partners whose names come near any name of `entries`: those to screen forward."""
    found: set[SubjectKey] = set()
    threshold = DEFAULT_THRESHOLD - REVERSE_MARGIN
    for entry in entries:
        # Vessels and aircraft: any partner kind may come near; the forward screening decides.
        kind = entry.type if entry.type in (EntityType.ORGANIZATION, EntityType.PERSON) else None
        for name in entry.all_names():
            try:
                hits = index.search(
                    Query(name, type=kind), threshold=threshold, limit=CANDIDATES_PER_NAME
                )
            except NameNotScreenable:
                continue
            found.update(SubjectKey.parse(hit.entry_id) for hit in hits)
    return found
