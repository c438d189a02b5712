"""What a caller gives the matcher (`Query`), what it gets back (`Hit`), and how a hit is judged.

`HitStatus` is the one declaration of where an officer's review of a hit stands: the database,
the policy engine, the API and the pages all use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from trustdesk.screening.entries import EntityType


@dataclass(frozen=True, slots=True)
class Query:
    """A name to screen, with the facts that sharpen the result when known.

    `type` limits the search to people or to organisations (vessels and aircraft count as
    organisations); `country` is an ISO alpha-2 code or a country name; `birth_date` is ISO 8601
    as precise as known; `identifiers` are document or registration numbers in any spacing.
    """

    name: str
    type: EntityType | None = None
    country: str | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()


class HitStatus(StrEnum):
    """Where an officer's review of a hit stands; only a false positive stops it counting."""

    UNRESOLVED = "unresolved"
    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"
    NEEDS_INFORMATION = "needs_information"

    @classmethod
    def read(cls, value: object) -> HitStatus | None:
        """The status `value` names, or None for anything else (including non-text)."""
        return next((s for s in cls if s.value == value), None)

    @property
    def label(self) -> str:
        """The status as an officer's screen names it."""
        return _STATUS_LABELS[self]

    @property
    def words(self) -> str:
        """The status as a reason's sentence says it ("confirmed by an officer")."""
        return _STATUS_WORDS[self]


_STATUS_LABELS = {
    HitStatus.UNRESOLVED: "Not yet adjudicated",
    HitStatus.CONFIRMED: "Confirmed match",
    HitStatus.FALSE_POSITIVE: "False positive",
    HitStatus.NEEDS_INFORMATION: "Needs information",
}
_STATUS_WORDS = {
    HitStatus.UNRESOLVED: "not yet reviewed by an officer",
    HitStatus.CONFIRMED: "confirmed by an officer",
    HitStatus.FALSE_POSITIVE: "dismissed by an officer",
    HitStatus.NEEDS_INFORMATION: "held by an officer until more information comes",
}


class NameNotScreenable(ValueError):
    """A name with nothing to compare once normalised: empty, punctuation, symbols, joining words.

    Screening it would answer "no match" for a name that was never compared, so it is refused;
    every interface maps this one refusal (CLI exit 2, API 422 with `CODE`, a form error).
    """

    CODE = "name_not_screenable"
    MESSAGE = (
        "the name has nothing to screen: it is empty or only punctuation, symbols or words "
        "such as 'of' and 'the'"
    )

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(self.MESSAGE)


@dataclass(frozen=True, slots=True)
class Hit:
    """One listed entry that matched, with the evidence a reviewer needs to adjudicate it.

    The plain-English `explanation` is written when first read, not for every hit a batch
    screening returns and nobody opens; `explain` is the text itself or what writes it.
    """

    source: str
    entry_id: str  # the source-native id of the listed entry, without the source prefix
    name: str  # the entry's primary name
    matched_name: str  # the listed name or alias that matched
    query_name: str  # the query as it was compared
    score: float  # 0..1, rounded to 3 places
    explain: str | Callable[[], str] = field(repr=False, compare=False)
    features: tuple[tuple[str, float, str], ...] = ()  # (feature, signed contribution, detail)
    _written: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.entry_id}"

    @property
    def explanation(self) -> str:
        """Which names matched, which words agreed and how, and what else counted."""
        if not self._written:
            self._written.append(self.explain if isinstance(self.explain, str) else self.explain())
        return self._written[0]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, for the API and for stored screening results."""
        return {
            "source": self.source,
            "entry_id": self.entry_id,
            "name": self.name,
            "matched_name": self.matched_name,
            "query_name": self.query_name,
            "score": self.score,
            "explanation": self.explanation,
            "features": [
                {"feature": name, "weight": weight, "detail": detail}
                for name, weight, detail in self.features
            ],
        }


@dataclass(frozen=True, slots=True)
class ScreeningHit:
    """A hit as it is kept and judged: the listed entry, the name it was found for, its status.

    The one shape a hit has once the matcher has found it: stored on a triage session, read
    from a partner's screening, given to the policy engine, shown on the pages and the API.
    `programme` is the list within a source that merges several (the Entity List in us-csl);
    `origin` says where the screened name came from ("answer" or "partner"), `role` the
    partner's role on the engagement.
    """

    source: str
    entry_id: str
    name: str  # the entry's primary name
    status: HitStatus = HitStatus.UNRESOLVED
    programme: str | None = None
    matched_name: str = ""
    score: float = 0.0
    subject: str = ""  # the name that was screened
    origin: str = ""
    role: str = ""

    def __post_init__(self) -> None:
        # A status given as its text ("confirmed", from a file or a form) is held as the member.
        status: object = self.status
        if not isinstance(status, HitStatus):
            object.__setattr__(self, "status", HitStatus(str(status)))

    @property
    def key(self) -> str:
        return f"{self.source}:{self.entry_id}"

    @classmethod
    def of(
        cls,
        hit: Hit,
        *,
        subject: str,
        origin: str,
        programme: str | None = None,
        status: HitStatus = HitStatus.UNRESOLVED,
        role: str = "",
    ) -> ScreeningHit:
        """The matcher's hit as kept for `subject`, before or after an officer's review."""
        return cls(
            source=hit.source,
            entry_id=hit.entry_id,
            name=hit.name,
            status=status,
            programme=programme,
            matched_name=hit.matched_name,
            score=hit.score,
            subject=subject,
            origin=origin,
            role=role,
        )

    def to_dict(self) -> dict[str, str | float | None]:
        """JSON-ready, as stored on a triage session."""
        return {
            "source": self.source,
            "entry_id": self.entry_id,
            "name": self.name,
            "status": self.status.value,
            "programme": self.programme,
            "matched_name": self.matched_name,
            "score": self.score,
            "subject": self.subject,
            "origin": self.origin,
            "role": self.role,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ScreeningHit:
        """A stored hit back, typed; an unknown status is read as not yet reviewed."""
        programme = data.get("programme")
        score = data.get("score")
        return cls(
            source=str(data["source"]),
            entry_id=str(data["entry_id"]),
            name=str(data["name"]),
            status=HitStatus.read(data.get("status")) or HitStatus.UNRESOLVED,
            programme=str(programme) if programme else None,
            matched_name=str(data.get("matched_name") or ""),
            score=float(score) if isinstance(score, int | float) else 0.0,
            subject=str(data.get("subject") or ""),
            origin=str(data.get("origin") or ""),
            role=str(data.get("role") or ""),
        )
