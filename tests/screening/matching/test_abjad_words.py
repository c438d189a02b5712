"""Organisation names in Arabic and Persian script against their English listings (issue 15).

A university's own name, as its website or a letterhead writes it, against the English name a
list gives. The proper names are invented; the words that say what kind of body it is are real.
"""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.normalize import name_form, skeleton
from trustdesk.screening.matching.translit import to_latin

ORG = EntityType.ORGANIZATION
PERSON = EntityType.PERSON


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(
        [
            Entry("t", "zarn", ORG, "Zarnabad University of Technology", countries=("IR",)),
            Entry("t", "kest", ORG, "AL-KESTAFI INTERNATIONAL UNIVERSITY", countries=("IR",)),
            Entry("t", "shah", ORG, "Shahid Tarbizi University", countries=("IR",)),
        ]
    )


def test_words_saying_what_kind_of_body_are_read_in_english() -> None:
    form = name_form("دانشگاه صنعتی زرن‌آباد", person=False)
    assert form.tokens[:2] == ("university", "technology")
    # Arabic and Persian spellings of one word alike; the article set aside.
    assert (
        name_form("جامعة الكستافي العالمية", person=False).tokens
        == name_form("جامعه الکستافی العالمیه", person=False).tokens
    )


def test_a_person_s_name_is_never_read_as_a_word() -> None:
    assert name_form("ملی بانک", person=True).tokens == ("mly", "bnk")


def test_the_transliteration_shown_on_documents_keeps_every_word_as_written() -> None:
    shown = " ".join(p.text for p in to_latin("جامعة الكستافي"))
    assert "lkstfy" in shown
    assert "university" not in shown


def test_an_initial_alef_and_a_doubled_letter_leave_the_skeleton() -> None:
    assert skeleton("ashtar") == skeleton("shtr")
    assert skeleton("shahid") == skeleton("shhyd")


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("دانشگاه صنعتی زرن‌آباد", "t:zarn"),
        ("جامعة الكستافي العالمية", "t:kest"),
        ("دانشگاه شهید تربیزی", "t:shah"),
    ],
)
def test_an_own_script_name_finds_the_english_listing(
    index: MatchIndex, query: str, key: str
) -> None:
    hits = index.search(Query(query, type=ORG, country="IR"))
    assert [h.key for h in hits][:1] == [key]


def test_an_acronym_may_leave_out_the_article(index: MatchIndex) -> None:
    """'Al-Mustafa International University' is MIU as often as AMIU."""
    for acronym in ("KIU", "AKIU"):
        hits = index.search(Query(acronym, type=ORG, country="IR"))
        assert [h.key for h in hits][:1] == ["t:kest"], acronym
