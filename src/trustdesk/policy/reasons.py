"""Structured reasons: what a rule's firing rests on, and the sentences rendered from it.

A `Fact` says what kind of thing a rule rested on (an answer, a country's place on a list, a
country indicator, a technology area, a screening hit, a caller's fact), refers to it by id (the
question, the country code, the indicator, the taxonomy node, the hit) and keeps the words a
reader needs (the question's label, the country's name), captured when the outcome was worked
out so that an old outcome reads as it did even after the pack has moved on. Its sentence is
rendered from those parts, never stored as the only record.

What a reader may see is decided on the kind: a screening-hit fact shown to a role that may not
read the watch lists is replaced by one that names no entry (`Fact.redacted`), whatever the
sentence would have said.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from trustdesk.screening.matching.model import ScreeningHit


class FactKind(StrEnum):
    """What a fact rests on."""

    ANSWER = "answer"  # a question's answer, or whether it was answered
    COUNTRY_LIST = "country_list"  # a country answer on one of the pack's country lists
    INDICATOR = "indicator"  # a country indicator (travel-advice level, an index)
    TAXONOMY = "taxonomy"  # a chosen technology area, at or under a target node
    SCREENING_HIT = "screening_hit"  # a watch-list hit
    FACT = "fact"  # a fact the caller supplied
    TIER = "tier"  # the triage outcome's due-diligence tier (read by risk rules)
    PROCESS = "process"  # a process the triage outcome applies (read by risk rules)
    # A sentence kept from an outcome stored before facts were structured (schema 1), which
    # says nothing about a watch-list entry; the upgrade made screening facts SCREENING_HIT.
    RECORDED = "recorded"


class Relation(StrEnum):
    """How the sentence joins its parts; each member's comment shows the sentence."""

    IS = "is"  # "{subject} is {value}"
    NAMED = "named"  # "{subject} {value}": the subject is named by its value (a country)
    INCLUDES = "includes"  # "{subject} includes {value}"
    AT_LEAST = "at_least"  # "{subject} is {value}, at least {bound}"
    AT_MOST = "at_most"  # "{subject} is {value}, at most {bound}"
    ANSWERED = "answered"  # "{subject} was answered"
    NOT_ANSWERED = "not_answered"  # "{subject} was not answered"
    HOLDS = "holds"  # "{subject} is true"
    ON_LIST = "on_list"  # "{subject} {value} {bound}": the list's member phrase
    WITHIN = "within"  # "{subject} '{value}' is in {bound}"
    FOUND = "found"  # "screening found {hit} on {bound} …", or a possible match, redacted
    STATED = "stated"  # "{subject}": a recorded sentence, as it was
    APPLIES = "applies"  # "{subject} applies"


#: What a role that may not read the watch lists is told instead of a screening hit.
REDACTED_HIT = "screening found a possible match, which the research security office will review"


@dataclass(frozen=True)
class Refs:
    """What a fact refers to, by id; each field only where the fact's kind has it."""

    question: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    country_list: str | None = None
    indicator: str | None = None
    taxonomy: str | None = None
    node: str | None = None  # the chosen node
    within: str | None = None  # the node it is in, "taxonomy/node" when in another taxonomy
    fact: str | None = None
    tier: str | None = None
    process: str | None = None
    hit: ScreeningHit | None = None  # None on a redacted screening-hit fact


@dataclass(frozen=True)
class Fact:
    """One fact a rule rested on: its kind, what it refers to, and the words to say it."""

    kind: FactKind
    relation: Relation
    subject: str = ""  # what the sentence is about, as a reader names it
    value: str = ""  # its value, as a reader says it
    bound: str = ""  # the limit, the list's phrase, the enclosing node or the list's title
    refs: Refs = field(default_factory=Refs)

    @property
    def text(self) -> str:
        """The sentence, rendered from the parts."""
        s, v, b = self.subject, self.value, self.bound
        match self.relation:
            case Relation.IS:
                return f"{s} is {v}"
            case Relation.NAMED:
                return f"{s} {v}"
            case Relation.INCLUDES:
                return f"{s} includes {v}"
            case Relation.AT_LEAST:
                return f"{s} is {v}, at least {b}"
            case Relation.AT_MOST:
                return f"{s} is {v}, at most {b}"
            case Relation.ANSWERED:
                return f"{s} was answered"
            case Relation.NOT_ANSWERED:
                return f"{s} was not answered"
            case Relation.HOLDS:
                return f"{s} is true"
            case Relation.ON_LIST:
                return f"{s} {v} {b}"
            case Relation.WITHIN:
                return f"{s} '{v}' is in {b}"
            case Relation.FOUND:
                return _found(self.refs.hit, b)
            case Relation.STATED:
                return s
            case Relation.APPLIES:
                return f"{s} applies"

    @property
    def names_listed_entry(self) -> bool:
        """Whether showing this fact reveals which watch-list entry matched."""
        return self.kind is FactKind.SCREENING_HIT and self.refs.hit is not None

    def redacted(self) -> Fact:
        """This fact as a role that may not read the lists sees it: no entry, no list."""
        if self.kind is not FactKind.SCREENING_HIT:
            return self
        return replace(self, subject="", value="", bound="", refs=Refs())


def _found(hit: ScreeningHit | None, list_title: str) -> str:
    if hit is None:
        return REDACTED_HIT
    programme = f" ({hit.programme})" if hit.programme else ""
    return (
        f"screening found {hit.name} on {list_title}{programme}, entry {hit.entry_id}, "
        f"{hit.status.words}"
    )


@dataclass(frozen=True)
class Reason:
    """One readable reason: the pack's sentence for the rule, and the facts it rested on.

    ``rule`` is empty for the reason the engine gives itself (no rule raised the tier).
    """

    rule: str
    text: str
    facts: tuple[Fact, ...] = ()

    @property
    def because(self) -> tuple[str, ...]:
        """The facts as sentences, each once, in the order the rule met them."""
        return tuple(dict.fromkeys(f.text for f in self.facts))

    @property
    def kinds(self) -> frozenset[FactKind]:
        """What the reason rests on, by kind."""
        return frozenset(f.kind for f in self.facts)

    def redacted(self) -> Reason:
        """The reason with every screening-hit fact redacted (and duplicates then merged)."""
        facts = tuple(dict.fromkeys(f.redacted() for f in self.facts))
        return replace(self, facts=facts)
