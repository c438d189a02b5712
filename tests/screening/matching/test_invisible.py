"""Invisible format characters (soft hyphen, zero-width joiners, BOM …) change no match or score.

Names pasted from Word or a PDF carry them inside words; the matcher removes every character of
Unicode category Cf, in queries and in listed names alike, before it compares anything.
"""

from __future__ import annotations

import dataclasses
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.screening.matching.conftest import ENTRIES
from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.lists import SHIPPED
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.parsers import ParseLimits, ParseReport
from trustdesk.screening.parsers.trustdesk_json import TrustdeskJson

FORMAT_CHARACTERS = tuple(
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
)
PASTED = "Har\u00adbin Insti\u00adtute o\u00adf Tech\u00adnology"


def _shipped_entries() -> list[Entry]:
    found: list[Entry] = []
    for item in SHIPPED:
        with item.as_path() as path:
            found.extend(
                TrustdeskJson().parse(
                    {TrustdeskJson.roles[0]: path},
                    source=item.source,
                    report=ParseReport(),
                    limits=ParseLimits(),
                )
            )
    return found


@pytest.fixture(scope="module")
def shipped_index() -> MatchIndex:
    return MatchIndex.build(_shipped_entries())


def _ranked(index: MatchIndex, name: str, kind: EntityType | None) -> list[tuple[str, float]]:
    return [(h.key, h.score) for h in index.search(Query(name, type=kind), threshold=0.5)]


def test_soft_hyphens_pasted_from_a_pdf_match_as_the_plain_name(
    shipped_index: MatchIndex,
) -> None:
    plain = _ranked(shipped_index, "Harbin Institute of Technology", EntityType.ORGANIZATION)

    pasted = _ranked(shipped_index, PASTED, EntityType.ORGANIZATION)

    assert plain
    assert plain[0][1] == 1.0
    assert pasted == plain


def test_every_format_character_is_known() -> None:
    # The strategies below draw from this table; U+00AD, U+200B-D, U+2060, U+FEFF must be in it.
    assert {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\ufeff"} <= set(
        FORMAT_CHARACTERS
    )


def _insert(text: str, inserts: list[tuple[int, str]]) -> str:
    chars = list(text)
    for position, char in inserts:
        chars.insert(position % (len(chars) + 1), char)
    return "".join(chars)


_INSERTS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=200), st.sampled_from(FORMAT_CHARACTERS)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(entry=st.sampled_from(ENTRIES), inserts=_INSERTS)
def test_format_characters_in_listed_names_change_no_hit(
    index: MatchIndex, entry: Entry, inserts: list[tuple[int, str]]
) -> None:
    # given: the same list, with invisible characters inside one entry's name and aliases
    marked = dataclasses.replace(
        entry,
        name=_insert(entry.name, inserts),
        aliases=tuple(_insert(a, inserts) for a in entry.aliases),
    )
    changed = MatchIndex.build(marked if e is entry else e for e in ENTRIES)
    kind = EntityType.PERSON if entry.type == EntityType.PERSON else EntityType.ORGANIZATION

    # when / then: the plain name finds the same entries with the same scores
    assert _ranked(changed, entry.name, kind) == _ranked(index, entry.name, kind)


@settings(max_examples=60, deadline=None)
@given(entry=st.sampled_from(ENTRIES), inserts=_INSERTS)
def test_format_characters_in_a_query_change_no_hit(
    index: MatchIndex, entry: Entry, inserts: list[tuple[int, str]]
) -> None:
    kind = EntityType.PERSON if entry.type == EntityType.PERSON else EntityType.ORGANIZATION

    assert _ranked(index, _insert(entry.name, inserts), kind) == _ranked(index, entry.name, kind)
