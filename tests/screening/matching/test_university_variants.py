"""How people write listed universities and bodies that the lists do not (issue 15): invented names.

Each test is one general rule: acronyms read from a Chinese city's syllables, a compass compound
or a legal form written in full, and what keeps such short initials from becoming false alarms;
an acronym inside a name; pinyin written a syllable at a time; a school or campus named in one
run with its university; whom an institution is named after; the armed force an institution
belongs to; Chinese words that official English names keep in pinyin.
"""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.normalize import QUALIFIER, name_form, word_initials

ORG = EntityType.ORGANIZATION

LISTED = (
    Entry("t", "qorvan", ORG, "Hefei Qorvan University", countries=("CN",)),
    Entry("t", "korvan", ORG, "Southwest Korvan University", countries=("CN",)),
    Entry("t", "zerkan", ORG, "ZERKAN FOREIGN TRADING COMPANY"),
    Entry("t", "velmor", ORG, "China Velmor Industry Corporation", countries=("CN",)),
    Entry(
        "t",
        "menglan-gongye",
        ORG,
        "Menglan Polytechnic Institute",
        original_script_names=("孟兰工业大学",),
        countries=("CN",),
    ),
    Entry("t", "harbin-tarvo", ORG, "Tarvo Academy", original_script_names=("哈尔滨塔沃学院",)),
    Entry("t", "quenlor", ORG, "Quenlor University", countries=("CN",)),
    Entry("t", "kag-logistics", ORG, "Tarnvel Logistics University of the Korvane Armed Guard"),
    Entry("t", "kag-signal", ORG, "KAG Signal College"),
    Entry(
        "t",
        "darvina",
        ORG,
        "Darvina Federal University named after K.T. Orlandin, the First Rector of Darvina",
        countries=("RU",),
    ),
)


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(LISTED)


# A second set, so that the first one's word weights stay as its tests expect.
OWNED_AND_PINYIN = (
    Entry("t", "brevan", ORG, "Army Brevan Academy", countries=("CN",)),
    Entry("t", "lunqi", ORG, "Lunqi Hangkong University", countries=("CN",)),
    Entry("t", "sorvi", ORG, "Sorvi Tiedao University", countries=("CN",)),
    Entry("t", "telmar", ORG, "Telmar University of Technology", countries=("CN",)),
    Entry("t", "telmar-st", ORG, "Telmar University of Science and Technology", countries=("CN",)),
    *LISTED,
)


@pytest.fixture(scope="module")
def index2() -> MatchIndex:
    return MatchIndex.build(OWNED_AND_PINYIN)


def keys(index: MatchIndex, name: str, country: str | None = None) -> list[str]:
    return [h.key for h in index.search(Query(name, type=ORG, country=country))]


def test_a_chinese_place_gives_a_letter_per_syllable(index: MatchIndex) -> None:
    assert word_initials("hefei") == "hf"
    assert word_initials("qorvan") == "q"  # a word that is no Chinese place: one letter
    assert keys(index, "HFQU", "CN") == ["t:qorvan"]
    assert keys(index, "HQU", "CN") == ["t:qorvan"]  # the plain initials still count


def test_a_compass_compound_gives_both_its_letters(index: MatchIndex) -> None:
    assert keys(index, "SWKU", "CN") == ["t:korvan"]


def test_a_legal_form_in_full_may_be_in_the_acronym(index: MatchIndex) -> None:
    hits = index.search(Query("ZFTC", type=ORG))
    assert [h.key for h in hits] == ["t:zerkan"]
    assert "stands for 'ZERKAN FOREIGN TRADING COMPANY'" in hits[0].explanation
    # An abbreviated legal form is not: "Co" gives no letter to CSC's kind of acronym.
    assert name_form("ZERKAN TRADING CO", person=False).derived_acronyms == ()


def test_an_english_country_name_gives_one_letter(index: MatchIndex) -> None:
    assert "cvic" in name_form("China Velmor Industry Corporation", person=False).derived_acronyms
    assert keys(index, "CVIC", "CN") == ["t:velmor"]
    assert keys(index, "CNVIC", "CN") == []


def test_initials_not_written_in_capitals_are_a_word(index: MatchIndex) -> None:
    assert keys(index, "Hfqu", "CN") == []
    assert keys(index, "Zftc") == []


def test_a_country_the_list_cannot_confirm_sets_derived_initials_aside(index: MatchIndex) -> None:
    # ZERKAN is listed without a country: "ZFTC" in Germany may be any body of those initials.
    assert keys(index, "ZFTC", "DE") == []
    assert keys(index, "ZFTC") == ["t:zerkan"]


def test_pinyin_written_a_syllable_at_a_time_reads_as_its_words(index: MatchIndex) -> None:
    form = name_form("Meng Lan Gong Ye Da Xue", person=False)
    assert form.tokens == ("menglan", "industry", "university")
    assert keys(index, "Meng Lan Gong Ye Da Xue", "CN") == ["t:menglan-gongye"]
    hit = index.search(Query("Meng Lan Gong Ye Da Xue", type=ORG))[0]
    assert "read as 'menglan'" in hit.explanation


def test_syllables_that_spell_no_glossary_word_stay_words() -> None:
    # Nothing shows that "Li Ning" is one word written apart: it may be two.
    assert name_form("Li Ning Trading", person=False).tokens == ("li", "ning", "trading")


def test_a_place_is_read_as_people_spell_it_in_english(index: MatchIndex) -> None:
    # The Han name reads "Haerbin"; people write "Harbin".
    assert name_form("哈尔滨塔沃学院", person=False).tokens[0] == "harbin"
    assert keys(index, "Harbin Tawo Xueyuan") == ["t:harbin-tarvo"]


def test_whom_an_institution_is_named_after_counts_little(index: MatchIndex) -> None:
    hits = index.search(Query("Darvina Federal University", type=ORG, country="RU"))
    assert [h.key for h in hits] == ["t:darvina"]
    assert hits[0].score < 0.9  # the dedication is missing: a little less than the full name
    assert keys(index, "Darvina Federal University named after K.T. Orlandin", "RU") == [
        "t:darvina"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Quenlor University College of Automation",
        "Shenzhen Campus of Quenlor University",
        "School of Medicine of Quenlor University",
        "Quenlor University at Weihai",
        # A city after the institution, then the part there.
        "Quenlor University Hangzhou Innovation Institute",
        "Quenlor University Shenzhen Graduate School",
    ],
)
def test_a_part_named_in_one_run_with_its_institution_finds_it(
    index: MatchIndex, name: str
) -> None:
    hits = index.search(Query(name, type=ORG, country="CN"))
    assert [h.key for h in hits] == ["t:quenlor"]


@pytest.mark.parametrize("campus", ["Weihai", "Zhuhai", "Qinhuangdao", "Shenzhen"])
def test_a_campus_city_after_a_name_of_places_and_kinds_finds_it(campus: str) -> None:
    # A name with no word of its own ("Kunming Institute of Technology") is found with any
    # prefecture-level city after it, written with no comma or "at": not only the capitals.
    listed = Entry("t", "kia", ORG, "Kunming Institute of Technology", countries=("CN",))
    index = MatchIndex.build([listed, *LISTED])
    hits = index.search(Query(f"Kunming Institute of Technology {campus}", type=ORG))
    assert [h.key for h in hits] == ["t:kia"]
    assert hits[0].score >= 0.8


def test_two_cities_name_two_institutions() -> None:
    listed = Entry("t", "wit", ORG, "Weihai Institute of Technology", countries=("CN",))
    index = MatchIndex.build([listed, *LISTED])
    assert not index.search(Query("Zhuhai Institute of Technology", type=ORG, country="CN"))
    assert keys(index, "Weihai Institute of Technology", "CN") == ["t:wit"]


def test_the_explanation_says_the_query_names_a_part(index: MatchIndex) -> None:
    hit = index.search(Query("Quenlor University College of Automation", type=ORG))[0]
    assert "names a part of the listed institution ('College', 'Automation'" in hit.explanation
    hit = index.search(Query("Quenlor University Hangzhou Innovation Institute", type=ORG))[0]
    assert "names a part of the listed institution ('Hangzhou', 'Innovation'" in hit.explanation


def test_a_college_of_no_named_institution_is_no_part() -> None:
    # "University College London" names no institution that the college would be a part of.
    form = name_form("University College London", person=False)
    assert not any(
        f & QUALIFIER for t, f in zip(form.tokens, form.flags, strict=True) if t == "college"
    )


def test_an_acronym_in_the_query_stands_for_words_of_the_listed_name(index: MatchIndex) -> None:
    hits = index.search(Query("KAG Tarnvel Logistics University", type=ORG))
    assert [h.key for h in hits] == ["t:kag-logistics"]
    assert "'Kag' is the initials of words starting with 'Korvane'" in hits[0].explanation
    assert keys(index, "Kag Tarnvel Logistics University") == []  # a word, not written as initials


def test_an_acronym_in_the_listed_name_stands_for_words_of_the_query(index: MatchIndex) -> None:
    assert keys(index, "Korvane Armed Guard Signal College") == ["t:kag-signal"]


def test_a_plural_abbreviation_is_read_as_the_word() -> None:
    # "Telecoms" is how British English shortens "Telecommunications", as "Telecom" is.
    assert name_form("Quenlor University of Posts and Telecoms", person=False).tokens[-1] == (
        "telecommunications"
    )


@pytest.mark.parametrize(
    ("name", "least"),
    [
        ("Army Brevan Academy of the PLA", 0.9),
        ("PLA Army Brevan Academy", 0.9),
        # four words of owner, each counting as little as a bracketed place
        ("Army Brevan Academy of the Chinese People's Liberation Army", 0.7),
    ],
)
def test_the_armed_force_an_institution_belongs_to_counts_little(
    index2: MatchIndex, name: str, least: float
) -> None:
    hits = index2.search(Query(name, type=ORG, country="CN"))
    assert [h.key for h in hits] == ["t:brevan"]
    assert hits[0].score >= least


def test_an_owner_alone_is_still_a_name() -> None:
    form = name_form("PLA", person=False)
    assert form.tokens == ("pla",)
    assert not form.flags[0] & QUALIFIER
    # "Liberation Army" without "People's" names no owner: it is the body's own name.
    assert not any(f & QUALIFIER for f in name_form("Korvan Liberation Army", person=False).flags)


def test_pinyin_words_that_official_english_names_keep_are_read_in_english(
    index2: MatchIndex,
) -> None:
    # 航空 is "Aviation" to some and "Aeronautics" to others; 铁道 is "Railway".
    assert keys(index2, "Lunqi Aviation University", "CN") == ["t:lunqi"]
    assert keys(index2, "Lunqi University of Aeronautics", "CN") == ["t:lunqi"]
    assert keys(index2, "Sorvi Railway University", "CN") == ["t:sorvi"]


def test_ligong_is_technology_and_does_not_add_science(index2: MatchIndex) -> None:
    # 理工大学 calls itself "University of Technology" in English; "of Science and Technology"
    # is a different university of the same city.
    hits = index2.search(Query("Telmar Ligong Daxue", type=ORG, country="CN"))
    assert hits[0].key == "t:telmar"
    assert "t:telmar-st" not in [h.key for h in hits if h.score >= 0.9]


def test_the_explanation_quotes_the_words_that_agreed_not_a_rule_s_examples() -> None:
    # A rule's own examples ("'Mohammad', 'Ali'") beside a Russian name would mislead.
    listed = tuple(
        Entry("t", family, EntityType.PERSON, f"{family.upper()}, Sergey", countries=("RU",))
        for family in ("Orlovets", "Ivanov", "Petrov")
    )
    index = MatchIndex.build(listed)
    hits = index.search(Query("Sergey Orlovets", type=EntityType.PERSON), threshold=0.0)
    text = next(h.explanation for h in hits if h.entry_id == "Ivanov")
    assert "the words of the person's name that agree are common ones (" in text
    assert "'sergey'" in text
    assert "Mohammad" not in text


def test_tsinghua_is_a_university_s_own_word_not_a_place() -> None:
    # 清华 names the university, not a city: alone, it says which body ("Fudan" likewise).
    listed = Entry("t", "thu", ORG, "Tsinghua University", countries=("CN",))
    index = MatchIndex.build([listed, *LISTED])
    assert keys(index, "Tsinghua") == ["t:thu"]
