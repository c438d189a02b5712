from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import WEIGHTS, MatchIndex, Query, ScoringConfig

ORG = EntityType.ORGANIZATION
PERSON = EntityType.PERSON


def test_hit_names_source_entry_listed_name_and_query_form(index: MatchIndex) -> None:
    hit = index.search(Query("Beijing Univ. of Aero. & Astro.", type=ORG))[0]

    assert (hit.source, hit.entry_id, hit.name, hit.matched_name, hit.query_name, hit.score) == (
        "aspi-unitracker",
        "beihang",
        "Beijing University of Aeronautics and Astronautics",
        "Beijing University of Aeronautics and Astronautics",
        "Beijing Univ. of Aero. & Astro.",
        1.0,
    )


def test_explanation_says_which_words_agreed_and_why_generic_ones_count_little(
    index: MatchIndex,
) -> None:
    hit = index.search(Query("Beijing Univ. of Aero. & Astro.", type=ORG))[0]

    assert hit.explanation == (
        "'Beijing Univ. of Aero. & Astro.' matched primary name 'Beijing University of "
        "Aeronautics and Astronautics' with score 1.00: all distinctive words agree after "
        "expanding abbreviations; 'Aero' read as 'aeronautics'; 'Astro' read as 'astronautics'; "
        "'Univ' read as 'university'; 'Beijing', 'University' are generic words or places and "
        "count little."
    )


def test_features_carry_signed_contributions_and_to_dict_is_json_ready(index: MatchIndex) -> None:
    hit = index.search(Query("Akrol OOO", type=ORG, country="Russia"))[0]

    assert hit.to_dict()["features"] == [
        {"feature": "name_agreement", "weight": 1.0, "detail": "1 of 1 listed words agree exactly"},
        {"feature": "country_agrees", "weight": 0.02, "detail": "RU"},
    ]


def test_weak_alias_counts_less_than_the_same_words_as_a_strong_name(index: MatchIndex) -> None:
    hits = index.search(Query("Abu Hassan", type=PERSON), threshold=0.0)

    weak = next(h for h in hits if h.matched_name == "Abu Hassan")
    assert weak.features[-1] == ("weak_alias", -0.12, "weak alias")
    # "Abu" and "Hassan" are common name parts as well; the weak alias takes its 0.12 besides.
    assert weak.score == pytest.approx(sum(weight for _, weight, _ in weak.features), abs=0.002)


def test_birth_date_that_differs_rules_out_a_namesake(index: MatchIndex) -> None:
    same = index.search(Query("Dmitry Patrushev", type=PERSON, birth_date="1977"))
    other = index.search(Query("Dmitry Patrushev", type=PERSON, birth_date="1990-01-01"))

    assert ([h.score for h in same], other) == ([1.0], [])


def test_identifier_agreement_lifts_a_weak_name_match(index: MatchIndex) -> None:
    without = index.search(Query("Khoury", type=PERSON))
    hits = index.search(Query("Khoury", type=PERSON, identifiers=("n 12345",)))

    assert (without, [(h.key, h.score) for h in hits]) == ([], [("ofac-sdn:201", 0.9)])


def test_equal_scores_rank_the_spelling_as_written_then_the_publisher_before_an_aggregator(
    index: MatchIndex,
) -> None:
    hits = index.search(Query("Evgeny Orlovsky", type=PERSON))

    assert [(h.key, h.score) for h in hits] == [
        ("ofsi-conlist:9001", 0.96),
        ("us-csl:h-0a1b2c3d4e5f", 0.96),
        ("ofac-sdn:400", 0.96),
    ]


def test_limit_and_threshold_bound_the_result(index: MatchIndex) -> None:
    hits = index.search(Query("China University of Geosciences", type=ORG), limit=1)

    assert [h.key for h in hits] == ["aspi-unitracker:cug-beijing"]


def test_custom_weights_change_the_score(index: MatchIndex) -> None:
    weights = {**WEIGHTS, "country_agrees": 0.0}
    config = ScoringConfig(weights=weights)

    hit = index.search(Query("Akrol OOO", country="RU"), config=config)[0]

    assert [name for name, _, _ in hit.features] == ["name_agreement"]


def test_saved_index_loads_and_answers_the_same(index: MatchIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "index.bin")

    loaded = MatchIndex.load(tmp_path / "index.bin")

    query = Query("NUDT")
    assert loaded.search(query) == index.search(query)
    assert (len(loaded), loaded.name_count) == (len(index), index.name_count)


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.bin"
    path.write_bytes(b"\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8c\x07nothing\x94.")

    with pytest.raises(ValueError, match="is not a trustdesk match index"):
        MatchIndex.load(path)


def test_a_query_name_that_is_not_text_is_a_clear_error(index: MatchIndex) -> None:
    with pytest.raises(TypeError, match="a query name must be text, not int"):
        index.search(Query(12))  # type: ignore[arg-type]


def test_config_fields_are_all_documented_numbers() -> None:
    names = [f.name for f in dataclasses.fields(ScoringConfig)]

    assert names[0] == "weights"


def test_a_word_over_the_postings_budget_still_counts_for_the_names_gathered() -> None:
    # given "Hosseini" alone fills the budget, listed alone more often than with a given name,
    # and "Reza" is commoner still
    entries = [Entry("t", f"h{i}", PERSON, "Hosseini") for i in range(40)]
    entries += [
        Entry("t", f"r{a}{b}", PERSON, f"Reza Ta{a}{b}ani") for a in "bdfgklmnpst" for b in "aeiou"
    ]
    entries.append(Entry("t", "target", PERSON, "Reza Hosseini"))
    index = MatchIndex.build(entries)
    # Both words are on half of this small index's entries, so `common_name_parts` would rightly
    # lower the hit; this test is about blocking, so that feature is set aside here.
    config = ScoringConfig(max_postings=45, weights={**WEIGHTS, "common_name_parts": 0.0})

    # when the query misspells the rarer word
    hits = index.search(Query("Reza Hsseini", type=PERSON), config=config)

    # then the name with both words is found, although "Reza" was never gathered
    assert [h.key for h in hits] == ["t:target"]


def test_typo_neighbours_kept_between_queries_follow_the_config(index: MatchIndex) -> None:
    # given a query that is found only through a typo, searched once with the defaults
    query = Query("Kavaeel Optronics", type=ORG)
    strict = ScoringConfig(one_typo_length=99, two_typo_length=99, kept_ends_two_typo_length=99)
    first = [h.key for h in index.search(query)]

    # when it is searched again without typos allowed, then with the defaults
    without_typos = [h.key for h in index.search(query, config=strict)]
    again = [h.key for h in index.search(query)]

    # then each search follows its own config
    assert (first, without_typos, again) == (["ofac-sdn:104"], [], ["ofac-sdn:104"])


def test_a_person_on_several_lists_makes_the_name_no_more_common() -> None:
    """A word's rarity counts who bears it: one person on six lists is one bearer of the name.

    Counted by entries, "Tarlovsky" on six copies of one designation weighed like a common name,
    and the person was missed without the patronymic every list gives.
    """
    listed = "TARLOVSKY, Dmitry Ivanovich"
    others = [
        Entry("o", f"p{i}", PERSON, f"Person{chr(97 + i)} Other{chr(97 + i)}") for i in range(20)
    ]
    once = MatchIndex.build([Entry("a", "1", PERSON, listed), *others])
    copies = [Entry(src, "1", PERSON, listed) for src in ("a", "b", "c", "d", "e", "f")]
    everywhere = MatchIndex.build([*copies, *others])
    query = Query("Dmitry Tarlovsky", type=PERSON)
    (alone,) = once.search(query, threshold=0.0, limit=1)
    assert {h.score for h in everywhere.search(query, threshold=0.0)} == {alone.score}
