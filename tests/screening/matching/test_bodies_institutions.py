"""A body and the institutions it owns are different bodies (issue 15).

The bodies are invented: a frontier guard force and a ministry of a country that does not exist.
"""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query

ORG = EntityType.ORGANIZATION

LISTED = (
    Entry("t", "academy", ORG, "Velmorran Frontier Guard Force Academy", countries=("CN",)),
    Entry(
        "t",
        "centre",
        ORG,
        "Velmorran Ministry of Coastal Works Survey Centre",
        countries=("CN",),
    ),
)


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(LISTED)


@pytest.mark.parametrize(
    "query",
    ["Velmorran Frontier Guard Force", "Velmorran Ministry of Coastal Works"],
)
def test_a_body_named_in_full_is_not_its_academy_or_centre(index: MatchIndex, query: str) -> None:
    assert index.search(Query(query, type=ORG, country="CN")) == []
    hits = index.search(Query(query, type=ORG, country="CN"), threshold=0.0)
    assert any(name == "institution_of_the_body" for h in hits for name, _, _ in h.features)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Velmorran Frontier Guard Force Academy", "t:academy"),
        ("Frontier Guard Force Academy of Velmorran", "t:academy"),
        ("Velmorran Coastal Works Survey Centre", "t:centre"),
    ],
)
def test_the_institution_itself_is_still_found(index: MatchIndex, query: str, key: str) -> None:
    hits = index.search(Query(query, type=ORG, country="CN"))
    assert [h.key for h in hits] == [key]


def test_a_name_without_a_body_s_word_is_not_held_to_it() -> None:
    """ "Qingmu" names the university itself, as "Beihang" does."""
    index = MatchIndex.build([Entry("t", "qm", ORG, "Qingmu University", countries=("CN",))])
    hits = index.search(Query("Qingmu", type=ORG, country="CN"))
    assert [h.key for h in hits] == ["t:qm"]
    assert not any(name == "institution_of_the_body" for name, _, _ in hits[0].features)
