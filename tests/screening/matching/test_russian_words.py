"""Russian organisation names in transliteration or Cyrillic against their English listings.

Lists give Russian bodies in English, in transliteration, or both; officers paste whichever the
partner's website shows. The names here are invented.
"""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.compare import _same_stem
from trustdesk.screening.matching.normalize import QUALIFIER, name_form, russian_gloss

ORG = EntityType.ORGANIZATION


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(
        [
            Entry("t", "zarn", ORG, "Zarnovsk State Technical University", countries=("RU",)),
            Entry("t", "korv", ORG, "OOO KORVINSKIY KHIMICHESKIY ZAVOD", countries=("RU",)),
            Entry("t", "telb", ORG, "Telbara Aviation Institute", countries=("RU",)),
        ]
    )


@pytest.mark.parametrize(
    "word",
    ["gosudarstvennyy", "gosudarstvennaya", "gosudarstvennogo", "gosudarstvennoye"],
)
def test_a_declined_word_is_read_whatever_its_ending(word: str) -> None:
    assert russian_gloss(word) == ("state",)


def test_words_that_are_not_russian_stay_as_written() -> None:
    assert russian_gloss("institution") is None
    assert russian_gloss("stateside") is None
    # One letter from German's "Universität", but Russian's university.
    assert name_form("Zarnovskiy universitet", person=False).tokens[-1] == "university"


def test_a_place_s_adjective_is_the_place() -> None:
    assert _same_stem("zarnovskiy", "zarnovsk")  # Tomskiy, Tomsk
    assert _same_stem("korvinskogo", "korvin")  # Kazanskogo, Kazan
    assert _same_stem("telbarskiy", "telbara")  # Samarskiy, Samara
    assert not _same_stem("korvinskiy", "korvan")
    assert not _same_stem("desk", "de")


@pytest.mark.parametrize(
    "query",
    [
        "Zarnovskiy gosudarstvennyy tekhnicheskiy universitet",
        "Зарновский государственный технический университет",
    ],
)
def test_a_russian_university_finds_its_english_listing(index: MatchIndex, query: str) -> None:
    hits = index.search(Query(query, type=ORG, country="RU"))
    assert hits
    assert hits[0].key == "t:zarn"


def test_an_english_name_finds_the_transliterated_listing(index: MatchIndex) -> None:
    hits = index.search(Query("Korvin Chemical Plant", type=ORG))
    assert hits
    assert hits[0].key == "t:korv"
    assert "the same word as" in hits[0].explanation


def test_a_cyrillic_city_adjective_finds_the_city_s_institute(index: MatchIndex) -> None:
    hits = index.search(Query("Тельбарский авиационный институт", type=ORG))
    assert hits
    assert hits[0].key == "t:telb"


@pytest.mark.parametrize(
    "name",
    [
        "Central Scientific Research Institute of Tarlovka",
        "Central Scientific and Research Institute of Tarlovka",
        "Tsentralnyy Nauchno-Issledovatelskiy Institut of Tarlovka",
    ],
)
def test_scientific_research_is_research(name: str) -> None:
    """The usual English of научно-исследовательский; other translations say "research"."""
    assert "science" not in name_form(name, person=False).tokens


def test_a_field_of_science_stays_one() -> None:
    assert "science" in name_form("Tarlovka Institute of Science", person=False).tokens


def test_the_defence_ministry_owning_an_institute_qualifies_its_name() -> None:
    index = MatchIndex.build(
        [Entry("t", "12", ORG, "12th Central Scientific Research Institute", countries=("RU",))]
    )
    query = "12th Central Research Institute of the Ministry of Defence of the Russian Federation"
    hits = index.search(Query(query, type=ORG, country="RU"))
    assert [h.key for h in hits] == ["t:12"]
    # The ministry alone is not one of its institutes.
    alone = index.search(Query("Ministry of Defence of the Russian Federation", type=ORG))
    assert alone == []


def test_tsnii_is_a_central_research_institute() -> None:
    index = MatchIndex.build([Entry("t", "31", ORG, "31st TsNII", countries=("RU",))])
    query = "31 Центральный научно-исследовательский институт Министерства обороны"
    assert [h.key for h in index.search(Query(query, type=ORG, country="RU"))] == ["t:31"]


def test_a_numbered_institute_s_number_agrees_written_either_way() -> None:
    assert name_form("31st Tarlovka Institute", person=False).tokens[0] == "31"
    assert name_form("2nd Tarlovka Institute", person=False).tokens[0] == "second"


def test_the_owning_ministry_in_cyrillic_qualifies_the_name_too() -> None:
    form = name_form("Тарловский институт Министерства обороны Российской Федерации", person=False)
    owned = [t for t, f in zip(form.tokens, form.flags, strict=True) if f & QUALIFIER]
    assert owned == ["ministry", "defense", "russia", "federation"]
