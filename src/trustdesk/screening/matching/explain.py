"""The plain-English sentence that travels with every hit."""

from __future__ import annotations

import re

from trustdesk.screening.matching import vocab
from trustdesk.screening.matching.compare import (
    ABBREVIATION,
    ACRONYM,
    EXACT,
    INITIAL_OF,
    JOINED,
    STEM,
    TYPO,
    VARIANT,
    NameSide,
    is_distinctive,
)
from trustdesk.screening.matching.features import NAME_KINDS, REGISTRY, CandidateSide
from trustdesk.screening.matching.normalize import (
    EXPANDED,
    GENERIC,
    LOCATION,
    PATRONYMIC,
    QUALIFIER,
)

_HOW = {
    VARIANT: "a spelling variant of",
    TYPO: "within a typo of",
    ABBREVIATION: "read as an abbreviation of",
    INITIAL_OF: "an initial of",
    JOINED: "written together as",
    ACRONYM: "the initials of words starting with",
    STEM: "the same word as",
}

# A feature's first docstring line may end in quoted examples ("('Mohammad', 'Ali', 'Abdul')"):
# they explain the rule to a reader of the code, but beside a Russian name on an officer's page
# they read as if those were the words that agreed. The detail names the words that did.
_EXAMPLES = re.compile(r" \('.*?'\)(?=[\s.,:;]|$)")

# Words that make a qualifier a part of an institution: "School", an "Innovation Institute".
_PART_WORDS = vocab.UNIT_WORDS | vocab.INSTITUTION_HEADS


def _word(side: NameSide, i: int) -> str:
    return f"'{side.surfaces[i].title() if side.surfaces[i].islower() else side.surfaces[i]}'"


def _pair_notes(query: NameSide, candidate: CandidateSide) -> list[str]:
    notes: list[str] = []
    a = candidate.alignment
    exact = [p for p in a.pairs if p.how == EXACT]
    expanded = [
        p
        for p in exact
        if query.flags[p.query] & EXPANDED
        and query.surfaces[p.query] != candidate.name.tokens[p.candidate]
    ]
    notes.extend(
        f"{_word(query, p.query)} read as '{candidate.name.tokens[p.candidate]}'" for p in expanded
    )
    notes.extend(
        f"{_word(query, p.query)} is {_HOW[p.how]} {_word(candidate.name, p.candidate)}"
        for p in a.pairs
        if p.how in _HOW
    )
    distinctive_left = [i for i in a.query_left if is_distinctive(query, i)]
    listed_left = [j for j in a.candidate_left if is_distinctive(candidate.name, j)]
    if a.pairs and not distinctive_left and not listed_left:
        notes.insert(
            0,
            "all distinctive words agree" + (" after expanding abbreviations" if expanded else ""),
        )
    part = [i for i in a.query_left if query.flags[i] & QUALIFIER and not query.person]
    if not any(query.tokens[i] in _PART_WORDS for i in part):
        part = []  # a bracketed place or the like: said below like any other word
    distinctive_left = [i for i in distinctive_left if i not in part]
    if part:
        words = ", ".join(_word(query, i) for i in part)
        notes.append(
            f"the query names a part of the listed institution ({words}: a school, campus or "
            "branch), which counts little"
        )
    if distinctive_left:
        words = ", ".join(_word(query, i) for i in distinctive_left)
        notes.append(f"{words} of the query is not in the listed name")
    soft = [j for j in a.candidate_left if candidate.name.flags[j] & (PATRONYMIC | QUALIFIER)]
    if listed_left:
        words = ", ".join(_word(candidate.name, j) for j in listed_left if j not in soft)
        if words:
            notes.append(f"listed words {words} are missing from the query")
    if soft:
        words = ", ".join(_word(candidate.name, j) for j in soft)
        notes.append(
            f"{words} (a middle name, patronymic or qualifier) is missing and counts little"
        )
    generic = sorted(
        {
            _word(candidate.name, p.candidate)
            for p in a.pairs
            if candidate.name.flags[p.candidate] & (GENERIC | LOCATION)
            and not candidate.name.person
        }
    )
    if generic:
        verb = (
            "is a generic word or place and counts"
            if len(generic) == 1
            else ("are generic words or places and count")
        )
        notes.append(f"{', '.join(generic)} {verb} little")
    if query.legal or candidate.name.legal:
        notes.append("legal forms are set aside")
    return notes


def explain(
    query: NameSide,
    candidate: CandidateSide,
    score: float,
    fired: tuple[tuple[str, float, str], ...],
) -> str:
    """'<query>' matched <kind> '<listed name>': which words agreed, how, and what else counted."""
    kind = NAME_KINDS[candidate.kind]
    head = f"'{query.text}' matched {kind} '{candidate.name.text}' with score {score:.2f}"
    notes = _pair_notes(query, candidate)
    for name, weight, detail in fired:
        if name == "name_agreement":
            continue
        doc = _EXAMPLES.sub("", (REGISTRY[name].__doc__ or name).strip().split("\n", 1)[0])
        doc = doc.rstrip(".")
        notes.append(f"{doc[0].lower()}{doc[1:]} ({detail}; {weight:+.2f})")
    return head + (": " + "; ".join(notes) if notes else "") + "."
