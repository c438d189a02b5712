"""What a caller gives the matcher (`Query`) and what it gets back (`Hit`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
    entity_id: str
    name: str  # the entry's primary name
    matched_name: str  # the listed name or alias that matched
    query_name: str  # the query as it was compared
    score: float  # 0..1, rounded to 3 places
    explain: str | Callable[[], str] = field(repr=False, compare=False)
    features: tuple[tuple[str, float, str], ...] = ()  # (feature, signed contribution, detail)
    _written: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.entity_id}"

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
            "entity_id": self.entity_id,
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
