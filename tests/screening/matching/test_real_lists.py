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
