"""Precision on names nobody here wrote (issue 15): each general rule, on invented names.

The index mixes a few listed entries with a background of invented people and bodies, so that
words are as common or as rare as the rules need: a word on many entries is common.
"""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query, ScoringConfig
from trustdesk.screening.matching.compare import token_similarity

ORG = EntityType.ORGANIZATION
PERSON = EntityType.PERSON
VESSEL = EntityType.VESSEL

LISTED = (
    Entry("t", "vessel", VESSEL, "SNOWLARK"),
    Entry("t", "androsk", PERSON, "ANDROSK, Velmira"),
    Entry("t", "zentoria", ORG, "Zentoria Defense University", countries=("CN",)),
    Entry("t", "korveland", ORG, "OOO KORVELAND", countries=("RU",)),
    Entry("t", "varzel", ORG, "VARZEL", countries=("IR",)),
    Entry("t", "quorvan", ORG, "Quorvan University of Science and Technology", countries=("CN",)),
    Entry("t", "common", PERSON, "HAMSIR, Tarvek"),
    Entry("t", "rare", PERSON, "ZELQORIN, Tarvek"),
    Entry("t", "zhang", PERSON, "ZHANG, Shi"),
    Entry("t", "xiaoming", PERSON, "ZHANG Xiaoming"),
    Entry("t", "paek", PERSON, "PAEK, Jong Sam"),
    Entry("t", "qasim", PERSON, "Qasim TALVORNE"),
    Entry("t", "tarnovy", ORG, "Second Tarnovy Medical University", countries=("CN",)),
    Entry(
        "t",
        "velskaya",
        ORG,
        "FEDERAL STATE BUDGETARY EDUCATIONAL INSTITUTION OF HIGHER EDUCATION VELSKAYA STATE "
        "UNIVERSITY",
        countries=("RU",),
    ),
    Entry("t", "velmorra", ORG, "Velmorra University", countries=("CN",)),
    Entry("t", "dated", PERSON, "ORVANTIS, Kelmar", dates_of_birth=("1961-04-02",)),
)
# Background: "Tarvek" and "Hamsir" are on many entries, so they are common name parts.
BACKGROUND = tuple(
    Entry("b", f"g{i}", PERSON, f"Tarvek Q{chr(97 + i % 26)}{chr(97 + i // 26)}lmon")
    for i in range(120)
) + tuple(
    Entry("b", f"f{i}", PERSON, f"W{chr(97 + i % 26)}{chr(97 + i // 26)}dor Hamsir")
    for i in range(120)
)


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build((*LISTED, *BACKGROUND))


def keys(index: MatchIndex, query: Query) -> list[str]:
    return [h.key for h in index.search(query) if h.key.startswith("t:")]


def test_an_organisation_query_never_meets_a_vessel(index: MatchIndex) -> None:
    assert keys(index, Query("Snowlark", type=ORG)) == []
    assert keys(index, Query("Snowlark")) == ["t:vessel"]  # untyped: still found


def test_an_organisation_query_meets_a_person_only_when_the_whole_name_agrees(
    index: MatchIndex,
) -> None:
    assert keys(index, Query("Androsk University", type=ORG)) == []
    assert keys(index, Query("Velmira Androsk", type=ORG)) == ["t:androsk"]


def test_the_same_institution_name_in_another_country_is_not_shown(index: MatchIndex) -> None:
    assert keys(index, Query("Zentoria Defense University", type=ORG, country="US")) == []
    assert keys(index, Query("Zentoria Defense University", type=ORG, country="CN")) == [
        "t:zentoria"
    ]


def test_a_university_does_not_match_a_company_sharing_its_one_word(index: MatchIndex) -> None:
    assert keys(index, Query("University of Korveland", type=ORG)) == []
    assert keys(index, Query("Korveland LLC", type=ORG)) == ["t:korveland"]


def test_one_short_word_nearly_alike_is_not_enough_for_an_organisation(
    index: MatchIndex,
) -> None:
    assert keys(index, Query("Varzol", type=ORG)) == []
    assert keys(index, Query("Varzel", type=ORG)) == ["t:varzel"]


def test_a_university_of_another_field_in_the_same_city_is_another_university(
    index: MatchIndex,
) -> None:
    assert keys(index, Query("Quorvan University of Technology", type=ORG)) == []
    hits = keys(index, Query("Quorvan University of Science and Technology", type=ORG))
    assert hits == ["t:quorvan"]


def test_common_name_parts_alone_do_not_identify_a_person(index: MatchIndex) -> None:
    # "Tarvek" and "Hamsir" are each on a hundred entries: agreeing on both is weak evidence,
    # while a rare family name with the same given name identifies.
    assert keys(index, Query("Tarvek Hamsir", type=PERSON)) == []
    assert keys(index, Query("Tarvek Zelqorin", type=PERSON)) == ["t:rare"]
    hit = index.search(Query("Tarvek Hamsir", type=PERSON), threshold=0.0)
    mine = next(h for h in hit if h.key == "t:common")
    assert any(name == "common_name_parts" for name, _, _ in mine.features)
    assert "common name parts" in mine.explanation


def test_chinese_syllables_that_differ_are_different_names(index: MatchIndex) -> None:
    assert keys(index, Query("Zhang Shi", type=PERSON)) == ["t:zhang"]
    for other in ("Yang Shi", "Jiang Shi", "Jang Shi"):
        assert "t:zhang" not in keys(index, Query(other, type=PERSON)), other
    assert keys(index, Query("Xiaohong Zhang", type=PERSON)) == []


def test_korean_romanisations_of_one_initial_still_match(index: MatchIndex) -> None:
    assert keys(index, Query("Chong-sam Paek", type=PERSON)) == ["t:paek"]


def test_a_short_given_name_is_not_read_as_a_misspelling_of_another(index: MatchIndex) -> None:
    # "Karim" is a name of its own, one letter from "Kasim", a spelling of "Qasim".
    assert keys(index, Query("Karim Talvorne", type=PERSON)) == []


def test_ordinals_in_digits_are_the_words(index: MatchIndex) -> None:
    assert keys(index, Query("2nd Tarnovy Medical University", type=ORG)) == ["t:tarnovy"]


def test_a_russian_state_body_prefix_is_set_aside(index: MatchIndex) -> None:
    hits = index.search(Query("Velskaya State University", type=ORG, country="RU"))
    assert [h.key for h in hits] == ["t:velskaya"]
    assert hits[0].score >= 0.95


def test_schools_and_campuses_of_a_listed_university_are_found(index: MatchIndex) -> None:
    for name in (
        "School of Physics, Velmorra University",
        "Velmorra University, Department of Chemistry",
        "Velmorra University Shahe Campus",
        "Velmorra University of China",
    ):
        assert keys(index, Query(name, type=ORG, country="CN")) == ["t:velmorra"], name


def test_a_date_of_birth_that_differs_rules_out_a_namesake_and_says_so(
    index: MatchIndex,
) -> None:
    same = index.search(Query("Kelmar Orvantis", type=PERSON, birth_date="1961"))
    assert [h.key for h in same] == ["t:dated"]
    assert "1961" in same[0].explanation
    other = Query("Kelmar Orvantis", type=PERSON, birth_date="1984-02-11")
    assert keys(index, other) == []
    scored = index.search(other, threshold=0.0)
    assert "1984-02-11 against 1961-04-02" in scored[0].explanation


def test_a_single_given_name_alias_does_not_match_a_full_name() -> None:
    index = MatchIndex.build(
        [
            Entry("t", "x", PERSON, "Zorvan KELTRAMI", weak_aliases=("Samir",)),
            Entry("t", "y", PERSON, "Qelmor VANTRISI"),
        ]
    )

    assert index.search(Query("Samir Haddad", type=PERSON)) == []
    assert [h.key for h in index.search(Query("Zorvan Keltrami", type=PERSON))] == ["t:x"]


def test_a_person_query_never_meets_a_vessel_and_an_organisation_only_on_the_whole_name() -> None:
    index = MatchIndex.build(
        [
            Entry("t", "ship", VESSEL, "KORVA STAR", aliases=("Y TELVUN",)),
            Entry("t", "group", ORG, "JEMRA TALVOSH FRONT", weak_aliases=("JT",)),
            Entry("t", "firm", ORG, "Velmar Oskado"),
        ]
    )

    assert index.search(Query("Ilse Y. Telvun", type=PERSON)) == []
    assert index.search(Query("Ji-an Jt", type=PERSON)) == []
    assert [h.key for h in index.search(Query("Velmar Oskado", type=PERSON))] == ["t:firm"]
    assert [h.key for h in index.search(Query("Y Telvun"))] == ["t:ship"]  # untyped: found


def test_joined_syllables_must_spell_the_same_sound() -> None:
    # "Ji Sang" run together is "Jisang", two letters from "Jang": not the same name.
    index = MatchIndex.build(
        [
            Entry("t", "ji", PERSON, "JI, Sang Yorv"),
            Entry("t", "bei", PERSON, "ZELKOV, Beihang"),
        ]
    )

    assert index.search(Query("Jang Seo-yorv", type=PERSON)) == []
    assert [h.key for h in index.search(Query("Bei Hang Zelkov", type=PERSON))] == ["t:bei"]


def test_a_syllable_of_a_hyphened_given_name_is_not_a_name() -> None:
    index = MatchIndex.build([Entry("t", "x", PERSON, "VORNAK, Telmo", weak_aliases=("AH TORV",))])

    assert index.search(Query("Seo-ah Torv", type=PERSON)) == []
    assert [h.key for h in index.search(Query("Ah Torv", type=PERSON), threshold=0.6)] == ["t:x"]


def test_a_mans_and_a_womans_form_of_a_family_name_are_two_people() -> None:
    index = MatchIndex.build(
        [
            Entry("t", "m", PERSON, "Natalya KRESHNOVA"),
            Entry("t", "s", PERSON, "Irina BELOZARSKAYA"),
        ]
    )

    assert index.search(Query("Natalya Kreshnov", type=PERSON)) == []
    assert index.search(Query("Irina Belozarskiy", type=PERSON)) == []
    assert [h.key for h in index.search(Query("Natalia Kreshnova", type=PERSON))] == ["t:m"]


def test_an_article_ends_no_name() -> None:
    # "Al-" before a name is an article; the "Az" ending "Terrik-Az" is part of the name.
    index = MatchIndex.build([Entry("t", "x", ORG, "TERRIK-AZ LIMITED")])

    assert index.search(Query("Terrik", type=ORG)) == []
    assert [h.key for h in index.search(Query("Terrik Az Ltd", type=ORG))] == ["t:x"]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Velkor Experts", "VELKOR EXPERT"),  # a plural is the same word, not a typo
        ("ALZARNEH AIRLINES", "AL-ZARNEH AIRLINES"),  # the article run into the word
        ("Elmorvan Trading", "EL MORVAN TRADING"),
    ],
)
def test_a_plural_or_a_joined_article_is_the_same_organisation_word(
    query: str, listed: str
) -> None:
    index = MatchIndex.build([Entry("t", "x", ORG, listed)])
    hits = index.search(Query(query, type=ORG))
    assert [h.key for h in hits] == ["t:x"]
    assert hits[0].score >= 0.9
    assert "the same word as" in hits[0].explanation


def test_a_plural_is_no_person_s_name() -> None:
    # "Adams" is not "Adam": people's names are compared as names, not as English words.
    index = MatchIndex.build([Entry("t", "x", EntityType.PERSON, "ADAM, Velkor")])
    assert index.search(Query("Velkor Adams", type=EntityType.PERSON)) == []


def test_common_parts_of_a_longer_listed_name_need_more_evidence(index: MatchIndex) -> None:
    # "Tarvek" and "Hamsir" are common: a query that leaves out a name the list gives needs
    # rarer parts, unless a date of birth agrees; the full name still identifies.
    partial = MatchIndex.build(
        [
            *BACKGROUND,
            Entry("t", "p", PERSON, "Tarvek Olmirovich HAMSIR", dates_of_birth=("1970-03-01",)),
            Entry("t", "r", PERSON, "Tarvek Olmirovich ZELQORIN"),
        ]
    )

    assert partial.search(Query("Tarvek Hamsir", type=PERSON)) == []
    dated = Query("Tarvek Hamsir", type=PERSON, birth_date="1970")
    assert [h.key for h in partial.search(dated, threshold=0.6)] == ["t:p"]
    scored = partial.search(Query("Tarvek Hamsir", type=PERSON), threshold=0.0)
    assert "common name parts" in next(h for h in scored if h.key == "t:p").explanation
    full = Query("Tarvek Olmirovich Zelqorin", type=PERSON)
    assert [h.key for h in partial.search(full)] == ["t:r"]


def test_a_title_before_a_name_is_not_part_of_it() -> None:
    index = MatchIndex.build([Entry("t", "x", PERSON, "ZORVANI, Haji Abdul Qelmir")])

    hits = index.search(Query("Abdul Qelmir Zorvani", type=PERSON))
    assert [(h.key, h.score) for h in hits] == [("t:x", 1.0)]


def test_a_country_s_name_is_no_slip_for_another_word() -> None:
    """'Japan' a letter from 'Jahan' is Persian's 'world', not a typo; people are called Jordan."""
    config = ScoringConfig()
    assert token_similarity("japan", "jahan", 0, 0, False, config)[0] == 0.0
    assert token_similarity("jordan", "jordon", 0, 0, True, config)[0] > 0.0
    index = MatchIndex.build([Entry("t", "jahan", ORG, "JAHAN ENGINEERING", countries=("IR",))])
    assert not index.search(Query("Japan Engineering Society", type=ORG, country="JP"))
    assert index.search(Query("Jahan Engineering", type=ORG))


def test_an_institution_is_no_bank() -> None:
    """A university and a bank sharing their distinctive words are two bodies."""

    def many(word: str) -> list[Entry]:
        return [
            Entry("b", f"{word}{i}", ORG, f"Velder{chr(97 + i % 26)}{chr(97 + i // 26)} {word}")
            for i in range(60)
        ]

    listed = Entry("t", "bank", ORG, "ZELVARI EAST BANK")
    index = MatchIndex.build([listed, *many("East Trading"), *many("University"), *many("Bank")])
    assert not index.search(Query("Zelvari East University", type=ORG, country="JO"))
    assert index.search(Query("Zelvari East Bank", type=ORG, country="JO"))


def test_one_english_word_in_two_forms_agrees() -> None:
    """'Computing' for 'Computational', as people write a name from memory; not a person's."""
    config = ScoringConfig()
    assert token_similarity("computing", "computational", 0, 0, False, config)[0] > 0.8
    assert token_similarity("electronic", "electronics", 0, 0, False, config)[0] > 0.8
    assert token_similarity("computing", "computational", 0, 0, True, config)[0] == 0.0
    index = MatchIndex.build(
        [Entry("t", "v", ORG, "Velmorra Computational Science Research Centre", countries=("CN",))]
    )
    hits = index.search(Query("Velmorra Computing Science Research Center", type=ORG))
    assert [h.key for h in hits] == ["t:v"]
