"""A few checks against real published lists: the UN list and the shipped research lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.lists import SHIPPED
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.parsers import ParseLimits, ParseReport, detect


def _entries() -> list[Entry]:
    paths = [shared_path("data/un-sc/UN_consolidated.xml")]
    found: list[Entry] = []
    for shipped in SHIPPED:
        with shipped.as_path() as path:
            found.extend(_parse([path]))
    return found + _parse(paths)


def _parse(paths: list[Path]) -> list[Entry]:
    return [
        entry
        for fs in detect(paths)
        for entry in fs.format().parse(
            fs.files, source=fs.source, report=ParseReport(), limits=ParseLimits()
        )
    ]


@pytest.fixture(scope="module")
def real_index() -> MatchIndex:
    return MatchIndex.build(_entries())


def test_arabic_script_query_finds_the_un_listing(real_index: MatchIndex) -> None:
    hits = real_index.search(Query("أسامة بن لادن", type=EntityType.PERSON))

    assert [h.source for h in hits[:1]] == ["un-sc"]


def test_abbreviated_university_with_its_city_is_found(real_index: MatchIndex) -> None:
    hits = real_index.search(
        Query("Nanjing Univ. of Aero. & Astro., Nanjing", type=EntityType.ORGANIZATION)
    )

    assert {h.source for h in hits} >= {"aspi-unitracker", "ca-nro", "us-dod-1286"}


def test_generic_university_name_alone_matches_nothing(real_index: MatchIndex) -> None:
    assert real_index.search(Query("University of Science and Technology")) == []


HIT = "harbin-institute-of-technology"
HEU = "harbin-engineering-university"
NUDT = "national-university-of-defense-technology"
NWPU = "northwestern-polytechnical-university"
USTC = "university-of-science-and-technology-of-china"
USTB = "university-of-science-and-technology-beijing"
HUST = "huazhong-university-of-science-and-technology"

# Ways research-security officers write a listed university: (query, listed entity id, kind).
WRITTEN_DIFFERENTLY = (
    ("Harbin Inst. of Tech. (Harbin)", HIT, "abbreviated, city in brackets"),
    ("Harbin Inst Tech", HIT, "abbreviated without stopwords"),
    ("Harbin Institue of Technolgy", HIT, "misspelt generic words"),
    ("Beijing Hangkong Hangtian Daxue", "beihang-university", "pinyin"),
    ("Huazhong Univ Sci & Tech, Wuhan", HUST, "abbreviated, city after a comma"),
    ("Huazhong Keji Daxue", HUST, "pinyin with a compound glossary word"),
    ("Univ. of Sci. & Tech. of China, Hefei", USTC, "abbreviated, a city near another place"),
    ("Xibei Gongye Daxue", NWPU, "pinyin of the Chinese name"),
    ("Polytechnical University Northwestern", NWPU, "reordered"),
    ("Nat'l Univ. of Defense Tech., Changsha", NUDT, "apostrophe abbreviation and city"),
    ("National Defense Technology University", NUDT, "reordered"),
    ("Harbin Gongcheng Daxue", HEU, "pinyin"),
    ("Harbin Engg. Univ.", HEU, "unusual abbreviation"),
    ("Qinghua Daxue", "tsinghua-university", "pinyin of an old spelling"),
    ("Naval Univ. of Engg., Wuhan", "naval-university-of-engineering", "abbreviated with city"),
)


@pytest.mark.parametrize(
    ("query", "entry_id", "kind"), WRITTEN_DIFFERENTLY, ids=[c[0] for c in WRITTEN_DIFFERENTLY]
)
def test_a_university_written_differently_finds_its_listing_first(
    real_index: MatchIndex, query: str, entry_id: str, kind: str
) -> None:
    hits = real_index.search(Query(query, type=EntityType.ORGANIZATION))

    assert [h.entry_id for h in hits[:1]] == [entry_id], kind


# A different institution sharing most words with a listed one: (query, listed id it is not).
NEAR_MISSES = (
    ("Harbin Medical University", HEU),
    ("Harbin Medical University", HIT),
    ("Harbin Normal University", HEU),
    ("University of Science and Technology of China", USTB),
    ("University of Science and Technology Beijing", USTC),
    ("Huazhong Agricultural University", HUST),
    ("Nanjing Normal University", "nanjing-university"),
    ("Beijing Normal University", "beihang-university"),
    ("Hunan University", "hunan-university-of-science-and-technology"),
    ("Northwest University", NWPU),
)


@pytest.mark.parametrize(("query", "other"), NEAR_MISSES, ids=[" vs ".join(c) for c in NEAR_MISSES])
def test_a_different_institution_with_similar_words_does_not_match(
    real_index: MatchIndex, query: str, other: str
) -> None:
    hits = real_index.search(Query(query, type=EntityType.ORGANIZATION))

    assert other not in {h.entry_id for h in hits}
