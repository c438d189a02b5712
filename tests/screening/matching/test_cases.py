"""Matching regressions as data: one row per kind of variation, with why it must (not) match."""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import MatchIndex, Query

ORG = EntityType.ORGANIZATION
PERSON = EntityType.PERSON

# (query, type, expected top hit key or None, why)
CASES: tuple[tuple[str, EntityType | None, str | None, str], ...] = (
    ("Beijing Univ. of Aero. & Astro.", ORG, "aspi-unitracker:beihang", "word abbreviations"),
    ("北京航空航天大学", ORG, "aspi-unitracker:beihang", "Han script"),
    ("Beijing Hangkong Hangtian Daxue", ORG, "aspi-unitracker:beihang", "pinyin with glossary"),
    ("beijinghangkonghangtiandaxue", ORG, "aspi-unitracker:beihang", "pinyin without spaces"),
    ("Běijīng Hángkōng Hángtiān Dàxué", ORG, "aspi-unitracker:beihang", "pinyin tone marks"),
    ("BEIHANG", None, "aspi-unitracker:beihang", "listed alias, partial"),
    ("NUDT", ORG, "aspi-unitracker:nudt", "acronym derived from the name"),
    ("VNIITF", ORG, "ofac-sdn:101", "acronym the list gives in brackets"),
    ("National Univ of Defence Tech", ORG, "aspi-unitracker:nudt", "abbreviations, UK spelling"),
    ("Defense Technology University National", ORG, "aspi-unitracker:nudt", "word order"),
    ("Natinal University of Defense Technology", ORG, "aspi-unitracker:nudt", "one typo"),
    (
        "China University of Geosciences, Wuhan",
        ORG,
        "aspi-unitracker:cug-wuhan",
        "city after comma",
    ),
    ("Akrol OOO", ORG, "ofac-sdn:100", "legal form OOO is an LLC"),
    ("Akkrrol OOO", ORG, "ofac-sdn:100", "letters typed twice are one slip"),
    ("Kavaeel Optronics", ORG, "ofac-sdn:104", "two typos inside a 7-letter word, ends kept"),
    ("Karavan Optronics", ORG, None, "two typos that change a 7-letter word's ending"),
    ("Tarvos Idustries Group", ORG, "ofac-sdn:105", "misspelt word of the abbreviation table"),
    ("Velmor Limitted", ORG, "ofac-sdn:106", "misspelt legal form at the end"),
    ("Limitex Velmor", ORG, None, "a word like a legal form in front is a name word"),
    ("C.V. Grupo Talvera S.A. De", ORG, "ofac-sdn:107", "legal form split, its connective left"),
    ("AKROL LLC", ORG, "ofac-sdn:100", "legal form abbreviated"),
    ("Velmor Pvt", ORG, "ofac-sdn:106", "'Pvt' alone is a legal form"),
    ("Army Engineering University of the PLA", ORG, "aspi-unitracker:aeu", "generic name in full"),
    (
        "Na\u00adtional Uni\u200bversity of De\u2060fense Tech\ufeffnology",
        ORG,
        "aspi-unitracker:nudt",
        "invisible format characters inside words, as pasted from Word or a PDF",
    ),
    ("Dmitriy Patrushev", PERSON, "ofac-sdn:200", "transliteration variant, no patronymic"),
    ("Патрушев Дмитрий", PERSON, "ofac-sdn:200", "Cyrillic, family name first"),
    ("PATRUSHEV, D.", PERSON, "ofac-sdn:200", "initial"),
    ("Evgneiy Orlovsky", PERSON, "ofac-sdn:400", "a typo in one spelling of a given name"),
    ("Muhammad Hasan al-Tayyan", PERSON, "un-sc:QDi.001", "Mohammed/Muhammad, article dropped"),
    ("Zhejiang Normal University", ORG, None, "a different university of the same province"),
    ("Hefei Institute of Optics", ORG, None, "two known places a letter apart are two places"),
    ("Hebei Inst. of Optics", ORG, "aspi-unitracker:hbio", "the same place, abbreviated"),
    ("University of Oxford", ORG, None, "generic words alone"),
    ("Trading Company Limited", ORG, None, "generic words and legal form alone"),
    ("The Royal Society", ORG, None, "one shared word, different kind of body"),
    ("University of Singapore", ORG, None, "a vessel's name inside an organisation's"),
    ("Porto Alegre", ORG, None, "a place named in two words, alone"),
    ("University of Porto Alegre", ORG, None, "a place named in two words, and generic words"),
    ("Porto Alegre Servicios", ORG, "ofac-sdn:108", "a name of a place and generic words, in full"),
    ("Qinyang Technological University", ORG, None, "another pinyin syllable is another name"),
    ("Qinhnag University", ORG, "aspi-unitracker:qinhang", "a typo that spells no pinyin"),
    ("Reza Khoury", PERSON, None, "a shared family name alone"),
    ("Dmitriy Petrov", PERSON, None, "a shared given name alone"),
)


@pytest.mark.parametrize(("query", "kind", "expected", "why"), CASES, ids=[c[3] for c in CASES])
def test_case(
    index: MatchIndex, query: str, kind: EntityType | None, expected: str | None, why: str
) -> None:
    hits = index.search(Query(query, type=kind))

    assert (hits[0].key if hits else None) == expected, why


def test_place_in_brackets_ranks_the_named_campus_first(index: MatchIndex) -> None:
    hits = index.search(Query("China University of Geosciences (Wuhan)", type=ORG))

    assert [h.key for h in hits] == ["aspi-unitracker:cug-wuhan"]
