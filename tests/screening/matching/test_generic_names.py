"""Names whose every word is generic, written without the place or title before them (issue 15)."""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.normalize import LOCATION, name_form

ORG = EntityType.ORGANIZATION

LISTED = (
    Entry(
        "t",
        "hsl",
        ORG,
        "Moscow’s Higher School of Finance",
        aliases=("National Research University Higher School of Finance",),
        countries=("RU",),
    ),
    Entry("t", "kazan", ORG, "Kazan State University", countries=("RU",)),
    Entry("t", "omsk", ORG, "Omsk School of Economics", countries=("RU",)),
    Entry("t", "velm", ORG, "Velmorra Institute of Physics and Technology", countries=("RU",)),
    Entry("t", "army", ORG, "National University of Science and Technology", countries=("RU",)),
)
# Background: most generic words are on many entries, as on the real lists; "Higher School of
# Finance" is made of words few listed names use.
BACKGROUND = tuple(
    Entry("b", f"u{i}", ORG, f"Q{chr(97 + i % 26)}{chr(97 + i // 26)}rvan {kind}")
    for i, kind in enumerate(
        [
            "State University",
            "School of Economics",
            "Research University",
            "Institute of Physics",
            "University of Science and Technology",
        ]
        * 30
    )
)


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build((*LISTED, *BACKGROUND))


def hits(index: MatchIndex, name: str, country: str | None = "RU") -> dict[str, float]:
    found = index.search(Query(name, type=ORG, country=country))
    return {h.key: h.score for h in found if h.key.startswith("t:")}


def test_a_places_possessive_is_the_place() -> None:
    form = name_form("Moscow's Higher School", person=False)
    assert form.tokens[0] == "moscow"
    assert form.flags[0] & LOCATION
    # Not for other words: a people's university keeps its word.
    assert name_form("People's Friendship University", person=False).tokens[0] == "peoples"


def test_a_generic_name_is_found_without_the_place_or_title_before_it(index: MatchIndex) -> None:
    found = hits(index, "Higher School of Finance")
    assert list(found) == ["t:hsl"]
    assert 0.7 <= found["t:hsl"] < 0.9  # less than the full name
    assert hits(index, "National Research University Higher School of Finance")["t:hsl"] > 0.9
    [hit] = list(index.search(Query("Higher School of Finance", type=ORG)))
    assert "without 'moscow' before it" in hit.explanation


def test_the_countries_must_not_disagree(index: MatchIndex) -> None:
    assert hits(index, "Higher School of Finance", country="FR") == {}
    assert list(hits(index, "Higher School of Finance", country=None)) == ["t:hsl"]


def test_short_or_partial_generic_names_are_not_enough(index: MatchIndex) -> None:
    assert hits(index, "School of Economics") == {}  # two words
    assert hits(index, "State University") == {}
    assert hits(index, "School of Finance") == {}
    # Not the end of the listed name, or not in its order.
    assert hits(index, "Higher School") == {}
    assert hits(index, "School of Higher Finance") == {}
    # A distinctive word before the generic ones is not left out.
    assert hits(index, "Institute of Physics and Technology") == {}
    # Words that end many listed names say too little, whatever comes before them here.
    assert hits(index, "University of Science and Technology") == {}
