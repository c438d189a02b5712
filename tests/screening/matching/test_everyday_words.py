"""How common a word is in everyday language, beside how rare it is on the lists (issue 15).

Invented names are never in everyday use; the real words they are compared with ("Ivanov",
"Sergey", "University") are, by wordfreq's frequencies.
"""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.language import everyday_zipf

PERSON = EntityType.PERSON
ORG = EntityType.ORGANIZATION


def test_everyday_frequency_orders_words_by_use() -> None:
    the, victoria, smirnov, zarkovsky = everyday_zipf(["the", "victoria", "smirnov", "zarkovsky"])
    assert the > victoria > smirnov > zarkovsky == 0.0


@pytest.fixture(scope="module")
def people() -> MatchIndex:
    # "Sergey" on half the entries: a common given name on the lists, as on the real ones.
    others = [
        Entry("t", family, PERSON, f"{family.upper()}, {given}", countries=("RU",))
        for family, given in (
            ("Orlovets", "Sergey"),
            ("Bramsky", "Sergey"),
            ("Telkov", "Boris"),
            ("Varnikov", "Boris"),
            ("Dushenko", "Boris"),
            ("Galtsev", "Boris"),
        )
    ]
    return MatchIndex.build(
        [
            Entry("t", "common", PERSON, "IVANOV, Sergey Petrovich", countries=("RU",)),
            Entry("t", "rare", PERSON, "ZARKOVSKY, Sergey Petrovich", countries=("RU",)),
            *others,
        ]
    )


def test_a_name_without_its_middle_name_is_found_when_its_family_name_is_rarely_written(
    people: MatchIndex,
) -> None:
    rare = people.search(Query("Sergey Zarkovsky", type=PERSON, country="RU"))
    assert [h.key for h in rare] == ["t:rare"]


def test_the_same_with_a_family_name_millions_share_is_weaker_evidence(
    people: MatchIndex,
) -> None:
    # Both family names are on one listed entry each: only everyday use tells them apart.
    common = people.search(Query("Sergey Ivanov", type=PERSON, country="RU"), threshold=0.0)
    rare = people.search(Query("Sergey Zarkovsky", type=PERSON, country="RU"), threshold=0.0)
    common_score = next(h.score for h in common if h.key == "t:common")
    rare_score = next(h.score for h in rare if h.key == "t:rare")
    assert common_score < rare_score
    assert common_score < 0.7  # below the threshold: a namesake more likely than the person


@pytest.fixture(scope="module")
def bodies() -> MatchIndex:
    return MatchIndex.build(
        [
            Entry("t", "qorv", ORG, "QORVANIAN RELIEF AGENCY", aliases=("QORV",)),
            Entry("t", "tavel", ORG, "TAVEL FOUNDATION", aliases=("TAVEL",), countries=("PK",)),
        ]
    )


def test_an_institution_is_not_a_bare_word_a_list_gives_alone(bodies: MatchIndex) -> None:
    assert [h.key for h in bodies.search(Query("QORV", type=ORG))] == ["t:qorv"]
    hits = bodies.search(Query("Qorv University", type=ORG, country="IN"), threshold=0.0)
    hit = next(h for h in hits if h.matched_name == "QORV")
    assert hit.score < 0.7
    assert "('university' against the bare name 'qorv'" in hit.explanation


def test_a_country_the_list_confirms_keeps_the_bare_word(bodies: MatchIndex) -> None:
    hits = bodies.search(Query("Tavel University", type=ORG, country="PK"))
    assert [h.key for h in hits] == ["t:tavel"]


@pytest.fixture(scope="module")
def companies() -> MatchIndex:
    return MatchIndex.build(
        [
            Entry(
                "t",
                "zorvix",
                ORG,
                "HANGZHOU ZORVIX DIGITAL TECHNOLOGY CO., LTD.",
                countries=("CN",),
            ),
            Entry("t", "bank", ORG, "JSB KELMORBANK", countries=("RU",)),
            Entry(
                "t", "kelmor", ORG, "NINGBO KELMOR DIGITAL INSTRUMENT CO., LTD.", countries=("CN",)
            ),
            Entry(
                "t", "river", ORG, "HANGZHOU RIVER DIGITAL TECHNOLOGY CO., LTD.", countries=("CN",)
            ),
            Entry("t", "mianlu", ORG, "MIANLU ORLEVA ELECTRONICS INSTITUTE", countries=("CN",)),
        ]
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [("Zorvix", "t:zorvix"), ("Zorvix (China)", "t:zorvix"), ("Kelmor", "t:kelmor")],
)
def test_a_company_written_as_its_coined_word_is_found(
    companies: MatchIndex, name: str, key: str
) -> None:
    hits = companies.search(Query(name, type=ORG))
    assert [h.key for h in hits] == [key]
    assert "coined" in hits[0].explanation


def test_an_everyday_word_or_an_institution_is_not_a_coined_name(companies: MatchIndex) -> None:
    # "River" is written everywhere; a university of the same made-up place is another body.
    assert companies.search(Query("River", type=ORG)) == []
    assert companies.search(Query("Mianlu University", type=ORG)) == []


def test_a_coined_word_in_another_country_is_another_company(companies: MatchIndex) -> None:
    assert companies.search(Query("Zorvix", type=ORG, country="DE")) == []


def test_a_joint_stock_bank_s_letters_are_its_legal_form(companies: MatchIndex) -> None:
    hits = companies.search(Query("KELMORBANK", type=ORG))
    assert [(h.key, h.score) for h in hits] == [("t:bank", 1.0)]


def test_a_word_on_a_handful_of_entries_brings_each_of_them_to_be_scored() -> None:
    # Many short names a near spelling away ("Division 7") would otherwise fill the names
    # scored before the long listed name that has the query's own rare word.
    short = [Entry("t", f"d{k}", ORG, f"DIVISION {k}") for k in range(1, 30)]
    company = Entry(
        "t", "tak", ORG, "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", countries=("CN",)
    )
    index = MatchIndex.build([*short, company])
    assert [h.key for h in index.search(Query("HIKVISION", type=ORG))] == ["t:tak"]


def test_an_institution_is_not_a_bare_name_of_several_words() -> None:
    """A university named after a person is not a listed body bearing the person's name alone."""
    index = MatchIndex.build([Entry("t", "jz", ORG, "KHALDUN IBN ZARVAN")])
    hits = index.search(
        Query("Khaldun Ibn Zarvan University of Medical Sciences", type=ORG, country="IQ"),
        threshold=0.0,
    )
    assert [h.key for h in hits] == ["t:jz"]
    assert hits[0].score < 0.7
    assert "against the bare name 'khaldun ibn zarvan'" in hits[0].explanation
    # The name alone still finds it.
    assert [h.key for h in index.search(Query("Khaldun ibn Zarvan", type=ORG))] == ["t:jz"]
