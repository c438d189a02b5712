"""Hits on the same listed institution, grouped across lists, so an officer judges it once.

Beihang University is on ASPI's tracker, Canada's Named Research Organizations and the DoD 1286
list: three hits for one partner, one institution. Grouping them lets an officer give one verdict
with one reason, but a wrong group would carry a verdict onto an institution nobody looked at, so
two hits are grouped only on evidence that they name the same institution:

- a shared strong identifier (a registration, IMO or tax number), where the lists give one; or
- a shared name once normalised by the matcher itself (`name_form`): "Airforce Harbin Flight
  Academy" and "Air Force Harbin Flight Academy" are one name, "Navy Aviation University" and
  "Naval Aviation University" share the alias one list gives;

and, for either, only when the same screened name found both hits, the entries are of the same
kind and their countries do not disagree. Acronyms ("HIT", "BUAA") and weak aliases are never
evidence: many institutions share them. Two entries of one list are never put in one group by
name alone, since a publisher lists one institution once; "Harbin Engineering University" and
"Harbin Institute of Technology", which share a city, stay apart.

Framework-free: the caller passes what it knows of each listed entry (`GroupMember.of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching.index import ident_key
from trustdesk.screening.matching.normalize import name_form

MIN_IDENTIFIER = 6  # characters of an identifier, compared bare, before it may join two entries
MAX_ACRONYM = 5  # a one-word name this short is an acronym ("BUAA"), shared by many institutions


@dataclass(frozen=True, slots=True)
class GroupMember:
    """One hit as the grouping sees it: its entry's names, kind, countries and identifiers.

    `key` is the hit's "source:entry_id"; `query` the screened name that found it; `names` the
    entry's primary name and strong aliases (any script).
    """

    key: str
    source: str
    query: str
    names: tuple[str, ...]
    type: EntityType | None = None
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, *, key: str, source: str, query: str, name: str, entry: Entry | None
    ) -> GroupMember:
        """The member for a hit, from its listed entry where still stored, else its name alone."""
        if entry is None:
            return cls(key=key, source=source, query=query, names=(name,))
        names = (entry.name, *entry.aliases, *entry.original_script_names)
        return cls(
            key=key,
            source=source,
            query=query,
            names=tuple(dict.fromkeys(n for n in names if n)),
            type=entry.type,
            countries=entry.known_countries(),
            identifiers=tuple(i.value for i in entry.identifiers),
        )


@dataclass(frozen=True, slots=True)
class HitGroup:
    """Hits taken to be one listed institution; `key` is its least member key, stable per run.

    `evidence` says, for each join, what the two entries share, so the page can show why.
    """

    key: str
    members: tuple[str, ...]
    evidence: tuple[str, ...] = ()


def name_keys(names: Sequence[str], *, person: bool = False) -> dict[str, str]:
    """The names as the matcher compares them (words run together, acronyms left out) → name."""
    keys: dict[str, str] = {}
    for name in names:
        form = name_form(name, person=person)
        if len(form.tokens) == 1 and len(form.tokens[0]) <= MAX_ACRONYM:
            continue
        if form.joined:
            keys.setdefault(form.joined, name)
    return keys


def _identifier_keys(member: GroupMember) -> frozenset[str]:
    keys = (ident_key(value) for value in member.identifiers)
    return frozenset(k for k in keys if len(k) >= MIN_IDENTIFIER)


def _compatible(a: GroupMember, b: GroupMember) -> bool:
    """Found by the same screened name, of the same kind, in countries that do not disagree."""
    if name_form(a.query, person=False).joined != name_form(b.query, person=False).joined:
        return False
    if a.type is not None and b.type is not None and a.type != b.type:
        return False
    return not (a.countries and b.countries and not set(a.countries) & set(b.countries))


def group_hits(members: Sequence[GroupMember]) -> tuple[HitGroup, ...]:
    """The members in groups of one listed institution each, in the order first met.

    Joins on identifiers come first, then on names. Two groups join only when every pair across
    them is compatible, and a join by name that would put two entries of one list in a group is
    refused (see the module's docstring), so a chain of similar names cannot pull two
    institutions together.
    """
    parent = list(range(len(members)))
    evidence: dict[int, list[str]] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def of_group(r: int) -> list[GroupMember]:
        return [m for i, m in enumerate(members) if root(i) == r]

    def may_join(ri: int, rj: int, by_identifier: bool) -> bool:
        # Every pair across the two groups must be compatible, not only the pair that shares a
        # name: an entry with no country must not bridge an Iranian and a Korean institute.
        left, right = of_group(ri), of_group(rj)
        if not all(_compatible(a, b) for a in left for b in right):
            return False
        return by_identifier or not {m.source for m in left} & {m.source for m in right}

    idents = [_identifier_keys(m) for m in members]
    names = [name_keys(m.names, person=m.type == EntityType.PERSON) for m in members]
    for by_identifier in (True, False):
        for i, a in enumerate(members):
            for j in range(i + 1, len(members)):
                b = members[j]
                ri, rj = root(i), root(j)
                if ri == rj:
                    continue
                if by_identifier:
                    shared = sorted(idents[i] & idents[j])
                else:
                    shared = sorted(names[i][k] for k in names[i].keys() & names[j].keys())
                if not shared or not may_join(ri, rj, by_identifier):
                    continue
                low, high = min(ri, rj), max(ri, rj)
                parent[high] = low
                what = "identifier" if by_identifier else "name"
                why = f"{a.key} and {b.key} share the {what} {shared[0]!r}"
                evidence.setdefault(low, []).extend([*evidence.pop(high, []), why])
    groups: dict[int, list[str]] = {}
    for i, member in enumerate(members):
        groups.setdefault(root(i), []).append(member.key)
    return tuple(
        HitGroup(key=min(keys), members=tuple(keys), evidence=tuple(evidence.get(r, ())))
        for r, keys in groups.items()
    )
