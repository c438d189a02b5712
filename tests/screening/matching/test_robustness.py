"""Odd or hostile input never crashes or hangs the pipeline: a sane result, or a clear refusal."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import MatchIndex, NameNotScreenable, Query, check_name
from trustdesk.screening.matching.normalize import name_form

ODD = (
    "",
    "   ",
    "\x00\x01\x1f\x7f",
    "\u200f\u200e\u202e",
    "😀🏳️‍🌈",
    "of the and",
    ".,;:-()[]",
    "Co., Ltd.",
    "a" * 10_000,
    "北京" * 5_000,
    "مرحبا Привет Γειά 你好 שלום",
)


@pytest.mark.parametrize("name", ODD, ids=range(len(ODD)))
def test_odd_names_give_a_result_quickly(index: MatchIndex, name: str) -> None:
    start = time.perf_counter()

    try:
        hits = index.search(Query(name))
    except NameNotScreenable:
        hits = []

    assert isinstance(hits, list)
    assert time.perf_counter() - start < 1.0


WORDLESS = ["", "   ", "\u200f", "\u00ad\u200b", "😀", "of the", "...", "---", "\x00\x1f"]


@pytest.mark.parametrize("name", WORDLESS)
@pytest.mark.parametrize("kind", [None, EntityType.PERSON, EntityType.ORGANIZATION])
def test_names_without_words_are_refused_not_a_clean_no_match(
    index: MatchIndex, name: str, kind: EntityType | None
) -> None:
    with pytest.raises(NameNotScreenable, match="the name has nothing to screen"):
        index.search(Query(name, type=kind))
    with pytest.raises(NameNotScreenable):
        check_name(Query(name, type=kind))


@pytest.mark.parametrize("name", ["Co., Ltd.", "X", "Akrol", "北京"])
def test_names_with_a_word_pass_the_check(name: str) -> None:
    check_name(Query(name))


def test_long_names_are_cut_to_the_compared_length() -> None:
    form = name_form("Akrol " * 2_000, person=False)

    assert len(" ".join(form.tokens)) <= 300


@settings(max_examples=150, deadline=None)
@given(
    name=st.text(max_size=80),
    kind=st.sampled_from([None, EntityType.PERSON, EntityType.ORGANIZATION]),
)
def test_any_unicode_goes_through_the_whole_pipeline(
    index: MatchIndex, name: str, kind: EntityType | None
) -> None:
    try:
        hits = index.search(Query(name, type=kind), threshold=0.0)
    except NameNotScreenable:
        return

    assert all(0.0 <= h.score <= 1.0 and h.explanation for h in hits)
