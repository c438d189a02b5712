"""A screening's hits grouped by listed institution, each entry told by its list's own details.

The grouping itself is the engine's (`trustdesk.screening.matching.grouping`); this module feeds
it the listed entries as stored in the snapshots the screening used (`ListEntry.data`), so that
a group is decided and shown from what the lists said then, and gives each entry the details an
officer reads before a verdict: the list by its title, the programme or category, the reason for
listing, the countries by name. Only callers whose reader holds `lists.view` may show these.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import pycountry

from trustdesk.screening.entries import Entry
from trustdesk.screening.matching import HitStatus
from trustdesk.screening.matching.grouping import GroupMember, group_hits
from trustdesk.web.lists.models import ListEntry
from trustdesk.web.lists.sources import UnknownSource, source_info
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun

# What each research list's `categories` are, in its publisher's words: a sanctions list's
# categories are its programmes, but ASPI classifies each university (its tracker's rating).
_CATEGORY_LABELS = {
    "aspi-unitracker": "Tracker's classification",
    "ca-nro": "Category",
    "us-dod-1286": "Table",
}


@dataclass(frozen=True, slots=True)
class EntryDetails:
    """What a listed entry says about itself, in words: shown instead of its raw ids."""

    list_title: str
    programmes: tuple[str, ...] = ()
    category_label: str = "Category"
    categories: tuple[str, ...] = ()
    reason: str = ""  # the publisher's remarks: the reason for listing, where it gives one
    countries: tuple[str, ...] = ()  # by name
    parent: str = ""
    listed_on: str = ""
    source_url: str = ""
    stored: bool = True  # False when the snapshot (and so the entry) is no longer kept


@dataclass(frozen=True, slots=True)
class GroupedHit:
    hit: ScreeningHit
    details: EntryDetails


@dataclass(frozen=True, slots=True)
class HitGroupView:
    """One listed institution: its hits (best first), why they were grouped, and its verdict.

    `status` is the verdict all its hits share, or None while they differ.
    """

    key: str
    members: tuple[GroupedHit, ...]
    evidence: tuple[str, ...] = ()
    status: HitStatus | None = field(default=None)

    @property
    def name(self) -> str:
        return self.members[0].hit.entry_name

    @property
    def anchor(self) -> str:
        """The key as an HTML id: its letters and digits, anything else a hyphen."""
        return group_anchor(self.key)

    @property
    def hits(self) -> tuple[ScreeningHit, ...]:
        return tuple(m.hit for m in self.members)

    @property
    def decided(self) -> ScreeningHit | None:
        """A hit that stands for the group's verdict, or None while its hits' verdicts differ.

        Only when one officer gave every hit the same verdict and reason (as a group verdict
        does), so that the page never shows one hit's reason as the group's.
        """
        first = self.members[0].hit
        same = {(h.verdict, h.verdict_reason, h.adjudicated_by_id) for h in self.hits}
        return first if len(same) == 1 and first.adjudicated_by_id is not None else None

    @property
    def list_titles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.details.list_title for m in self.members))

    @property
    def best_score(self) -> float:
        return max(m.hit.score for m in self.members)


def group_anchor(key: str) -> str:
    """A group key as an HTML id, for the page to return to the group after a verdict."""
    return "group-" + "".join(c if c.isalnum() else "-" for c in key)


def list_title(source: str) -> str:
    """The source's title from the registry; a source it no longer knows by its key."""
    try:
        return source_info(source).title
    except UnknownSource:
        return source


def country_name(code: str) -> str:
    """A country by its everyday name ("Iran", not "Iran, Islamic Republic of") where known."""
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


def _entries(run: ScreeningRun, hits: Iterable[ScreeningHit]) -> dict[str, Entry]:
    """The stored entries the hits point at, from the snapshots the run used (one query a list)."""
    by_source: dict[str, list[str]] = {}
    for hit in hits:
        by_source.setdefault(hit.source, []).append(hit.entry_id)
    found: dict[str, Entry] = {}
    for source, ids in by_source.items():
        snapshot = _snapshot_id(run.snapshots.get(source))
        if snapshot is None:
            continue
        rows = ListEntry.objects.filter(snapshot__public_id=snapshot, entry_id__in=ids)
        for data in rows.values_list("data", flat=True):
            entry = Entry.from_dict(data)
            found[entry.key] = entry
    return found


def _snapshot_id(value: object) -> uuid.UUID | None:
    """The snapshot's id as recorded on the run; anything else names no stored snapshot."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def entry_details(source: str, entry: Entry | None) -> EntryDetails:
    """The entry's own details for the page, or the list's title alone when it is gone."""
    title = list_title(source)
    if entry is None:
        return EntryDetails(list_title=title, stored=False)
    return EntryDetails(
        list_title=title,
        programmes=entry.programs,
        category_label=_CATEGORY_LABELS.get(source, "Category"),
        categories=entry.categories,
        reason=entry.remarks,
        countries=tuple(country_name(c) for c in entry.countries),
        parent=entry.parent or "",
        listed_on=entry.listed_on or "",
        # A link only to a web page: a custom list's file could hold any scheme (javascript:).
        source_url=entry.source_url if entry.source_url.startswith(("https://", "http://")) else "",
    )


def screening_groups(run: ScreeningRun) -> list[HitGroupView]:
    """The run's hits grouped by listed institution, best group first."""
    hits = list(run.hits.all())
    entries = _entries(run, hits)
    members = [
        GroupMember.of(
            key=h.key,
            source=h.source,
            query=h.query_name,
            name=h.entry_name,
            entry=entries.get(h.key),
        )
        for h in hits
    ]
    by_key = {h.key: h for h in hits}
    views = []
    for group in group_hits(members):
        grouped = tuple(
            GroupedHit(by_key[k], entry_details(by_key[k].source, entries.get(k)))
            for k in group.members
        )
        statuses = {g.hit.status for g in grouped}
        views.append(
            HitGroupView(
                key=group.key,
                members=grouped,
                evidence=group.evidence,
                status=statuses.pop() if len(statuses) == 1 else None,
            )
        )
    return sorted(views, key=lambda v: -v.best_score)


def screening_group(run: ScreeningRun, key: str) -> HitGroupView | None:
    """The run's group with `key`, or None: grouping is recomputed, never trusted from a form."""
    return next((g for g in screening_groups(run) if g.key == key), None)
