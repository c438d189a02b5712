"""Company names in Han characters against their English listings (issue 15).

The company names are invented; the words are real: 卫星 satellite, 数字 digital, 技术 technology,
股份有限公司 a company limited by shares.
"""

from __future__ import annotations

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.normalize import (
    ABJAD,
    EXPANDED,
    GENERIC,
    INITIAL,
    LOCATION,
    PATRONYMIC,
    QUALIFIER,
    TRANSLATED,
    name_form,
)

ORG = EntityType.ORGANIZATION


def test_a_company_limited_by_shares_is_a_legal_form() -> None:
    form = name_form("长泽卫星技术股份有限公司", person=False)
    assert form.legal == ("ltd",)
    assert "gufen" not in form.tokens


def test_chang_is_read_as_in_place_names() -> None:
    """长 is "chang" in names (长春, 长泽), "zhang" only in words that say so (校长)."""
    assert name_form("长泽卫星", person=False).tokens[0] == "changze"
    assert name_form("校长", person=False).tokens == ("xiaozhang",)


def test_a_han_company_name_finds_its_english_listing() -> None:
    index = MatchIndex.build(
        [Entry("t", "cz", ORG, "CHANG ZE SATELLITE TECHNOLOGY CO., LTD.", countries=("CN",))]
    )
    hits = index.search(Query("长泽卫星技术股份有限公司", type=ORG, country="CN"))
    assert [h.key for h in hits] == ["t:cz"]


# An invented university in a real city: Xiangtan (湘潭) is a place, 理工 is "science and
# technology" here and "technology" in other universities' English names.
XIANGTAN = Entry(
    "t",
    "xt",
    ORG,
    "Xiangtan University of Science and Technology",
    aliases=("湘潭理工大学",),
    countries=("CN",),
)


def test_an_english_name_agreeing_with_a_chinese_name_only_by_translation_is_not_a_match() -> None:
    """A "Xiangtan University of Technology" is another body: the list's English name says so."""
    index = MatchIndex.build([XIANGTAN])
    assert index.search(Query("Xiangtan University of Technology", type=ORG, country="CN")) == []
    hits = index.search(
        Query("Xiangtan University of Technology", type=ORG, country="CN"), threshold=0.0
    )
    assert any(name == "translated_reading_only" for h in hits for name, _, _ in h.features)


def test_a_chinese_or_pinyin_query_still_agrees_with_the_chinese_name() -> None:
    index = MatchIndex.build([XIANGTAN])
    for query in (
        "湘潭理工大学",
        "Xiangtan Ligong Daxue",
        "Xiangtan University of Science and Technology",
    ):
        hits = index.search(Query(query, type=ORG, country="CN"))
        assert [h.key for h in hits] == ["t:xt"], query
        assert hits[0].score >= 0.9, query


def test_a_pinyin_name_written_with_an_english_kind_word_still_agrees() -> None:
    """English writes 青木大学 "Qingmu University", whatever name the list gives in English."""
    index = MatchIndex.build(
        [Entry("t", "qm", ORG, "Green Wood University", aliases=("青木大学",), countries=("CN",))]
    )
    hits = index.search(Query("Qingmu University", type=ORG, country="CN"))
    assert [h.key for h in hits] == ["t:qm"]
    assert hits[0].score >= 0.9


def test_a_pinyin_kind_word_with_an_english_one_still_agrees() -> None:
    """ "Xiangtan Ligong University" writes 理工 as the name does; only its last word is English."""
    index = MatchIndex.build([XIANGTAN])
    hits = index.search(Query("Xiangtan Ligong University", type=ORG, country="CN"))
    assert [h.key for h in hits] == ["t:xt"]
    assert hits[0].score >= 0.9


def test_a_generic_name_agrees_without_the_country_the_query_gives() -> None:
    """ "… of China" left out by a query in China: nothing else differs."""
    index = MatchIndex.build(
        [
            Entry(
                "t",
                "ms",
                ORG,
                "University of Marine Science and Technology of China",
                countries=("CN",),
            )
        ]
    )
    hits = index.search(
        Query("University of Marine Science and Technology", type=ORG, country="CN")
    )
    assert [h.key for h in hits] == ["t:ms"]
    # Another country's: the name's own country is not the query's.
    assert (
        index.search(Query("University of Marine Science and Technology", type=ORG, country="KR"))
        == []
    )


def test_translated_is_the_highest_flag() -> None:
    """`translated_reading_only` finds a translated word by the highest of a name's flags."""
    others = (QUALIFIER, INITIAL, PATRONYMIC, ABJAD, GENERIC, LOCATION, EXPANDED)
    assert sum(others) < TRANSLATED
    assert TRANSLATED < 256  # the index keeps flags as uint8
