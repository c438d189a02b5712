"""The scoring features, their weights, and the configuration every number comes from.

A feature is a pure function `(query, candidate, config) -> FeatureResult`: `value` is how strongly
it fires (0 = silent, 1 = fully) and `detail` names the words it looked at. The score of a pair
is the weighted sum of the values, clipped to 0..1. The feature's docstring is the text a
reviewer reads next to a hit, so it is written for a research-security officer, not for a
programmer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.matching import vocab
from trustdesk.screening.matching.compare import (
    INITIAL_OF,
    TYPO,
    VARIANT,
    Alignment,
    NameSide,
    is_distinctive,
    is_strong,
    leftover_weight,
    nearly,
)
from trustdesk.screening.matching.normalize import (
    ABJAD,
    EXPANDED,
    GENERIC,
    INITIAL,
    LOCATION,
    PATRONYMIC,
    QUALIFIER,
    TRANSLATED,
)

DEFAULT_THRESHOLD = 0.7
"""Hits scoring below this are not shown. At 0.7 a name must agree on its distinctive words
(allowing spelling variants, a typo or two in long words, abbreviations and a missing middle
name when the names that agree are not common ones); generic words, places, legal forms and
common name parts alone never reach it. On
independent held-out data (docs/screening.md), hits scoring 0.9 or more were right about nine
times in ten, 0.8 to 0.9 seven in ten, 0.7 to 0.8 one in two."""

# Kinds of listed name: what the publisher vouched for, and what trustdesk derived.
PRIMARY, ALIAS, ORIGINAL_SCRIPT, WEAK_ALIAS, LISTED_ACRONYM, DERIVED_ACRONYM = range(6)
NAME_KINDS = (
    "primary name",
    "alias",
    "original-script name",
    "weak alias",
    "listed acronym",
    "acronym derived from the name",
)

# What each feature adds to (or, when negative, takes from) the score when it fully fires.
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "name_agreement": 1.0,
        "generic_words_only": -0.45,
        "translated_reading_only": -0.35,
        "generic_name_inside": 1.0,
        "coined_name_inside": 1.0,
        "single_word_only": -0.3,
        "institution_against_bare_name": -0.2,
        "place_conflict": -0.25,
        "kind_conflict": -0.15,
        "institution_of_the_body": -0.3,
        "derived_acronym": -0.2,
        "listed_acronym": -0.05,
        "weak_alias": -0.12,
        "type_differs": -0.1,
        "legal_form_conflict": -0.03,
        "country_agrees": 0.02,
        "country_differs": -0.08,
        "institution_country_differs": -0.35,
        "company_against_institution": -0.3,
        "single_fuzzy_word": -0.25,
        "other_field_words": -0.25,
        "common_name_parts": -0.45,
        "both_names_differ": -0.1,
        "hyphened_name_in_part": -0.3,
        "kunya_as_own_name": -0.3,
        "birth_date_agrees": 0.05,
        "birth_date_differs": -0.35,
        "identifier_agrees": 0.3,
    }
)


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Every tunable number of the matcher, with the default and why it is what it is."""

    weights: Mapping[str, float] = field(default_factory=lambda: WEIGHTS)
    # How much a generic word ("University", "Trading") counts compared to a distinctive one.
    generic_weight: float = 0.25
    # What an unmatched generic word counts: more than a matched one, because "Society" against
    # "Shipping Agency" says the two are different kinds of body.
    generic_leftover_weight: float = 0.5
    # How much an unmatched place or bracketed qualifier counts: "(Wuhan)" missing is minor.
    qualifier_weight: float = 0.3
    # How much an unmatched patronymic counts: lists and people often leave it out.
    patronymic_weight: float = 0.5
    # How much a lone initial counts, matched or not.
    initial_weight: float = 0.3
    # Person names: share of the score from the better-covered side (a missing middle name
    # costs little), the rest from the other side.
    person_coverage_mix: float = 0.8
    # The same when the less-covered name has two or more names of its own left unmatched: a
    # short name inside a much longer one is as likely another person.
    person_coverage_mix_many: float = 0.65
    # Person names: how much agreeing evidence identifies someone, counted as the weights of the
    # words that agree (a word on few listed entries weighs 1, the commonest 0.1). Below this,
    # `common_name_parts` lowers the score in proportion to what is missing. Chosen with
    # `person_evidence_partial` on the tune half once a word's rarity counted its bearers, not
    # its entries (index format 15): 1.3 and 1.2 before; 1.5 and 1.15 keep false alarms on
    # researcher names at 3.9 per 1,000 (3.5 before) and find 0.742 of listed names without
    # their middle names (0.656 before); 1.8 and 1.1 lost common-part names the lists give.
    person_evidence: float = 1.5
    # The power a word's weight is raised to when counted as evidence of identity: list-wide
    # rarity is a compressed scale (the commonest given names still weigh 0.3-0.5), and a name
    # shared by millions should count far less than one on a handful of entries.
    person_evidence_power: float = 3.0
    # The evidence needed when the query gives only part of the listed name (the listed person
    # has a given name, middle name or patronymic the query lacks): "Aleksandr Kuznetsov" fits
    # every Aleksandr Something Kuznetsov. There each word's weight is kept in proportion to how
    # rarely it is written in everyday language (`everyday_rare`): the lists cannot tell
    # "Kuznetsov", shared by hundreds of thousands, from "Gimbatov" when each is on one entry.
    # Chosen with `everyday_rare` on the tune half of the independent sets: the best recall of
    # listed-name variants and of listed names without their middle name that keeps false
    # alarms on researcher names at or below 5 per 1,000 and no origin above 3 times the average.
    person_evidence_partial: float = 1.15
    # A query agreeing on this many names or more is not held to the partial-name rule: three
    # names that agree ("Allan Rodriguez Reyes") are far rarer together than any one of them.
    person_partial_words: int = 3
    # And how much more the shortfall counts then: steep, so that a partial name whose parts are
    # all common is set aside while one with a rarer part keeps most of its score.
    person_partial_scale: float = 4.0
    # How common a word is in everyday language (Zipf frequency, `language.everyday_zipf`) up to
    # which it keeps all its weight as evidence, from which it keeps only `everyday_floor` of
    # it, and in between in proportion: "Patrushev" is 1.4, "Novikov" 2.0, "Ivanov" 2.8,
    # "Sergey" 3.2, "Mohammad" 3.6.
    everyday_rare: float = 1.5
    everyday_common: float = 3.5
    everyday_floor: float = 0.3
    # What an agreeing initial adds to that evidence ("PATRUSHEV, D.").
    initial_evidence: float = 0.3
    # Organisations sharing a single distinctive word that agrees only nearly: the longest such
    # word for which that counts against the hit ("Aston"/"Ascon", "Insper"/"Inspur").
    max_near_miss_length: int = 6
    # An organisation query meets a listed person only when the person's name agrees this fully.
    person_for_organisation: float = 0.95
    # Similarity credited to a word pair of each kind.
    variant_similarity: float = 0.95
    skeleton_similarity: float = 0.85
    typo_cost: float = 0.1
    initial_similarity: float = 0.6
    prefix_similarity: float = 0.8
    joined_similarity: float = 0.95
    # Word lengths from which one and two typos are tolerated.
    one_typo_length: int = 5
    two_typo_length: int = 8
    # Shorter words still get two typos when their first and last letters agree: readers (and
    # typists) keep a word's ends and garble its middle ("Aaddemy", "Quanggum").
    kept_ends_two_typo_length: int = 7
    # Shortest word compared by its spelling key: "Ana" and "Anna" are different names.
    min_variant_length: int = 4
    # Shortest abbreviation read as the start of a longer word ("Aero" for Aeronautics).
    min_prefix_length: int = 4
    # Longest word an abbreviation is read as ("telecommunications"); longer ones are run-together
    # names, where a shared start is not an abbreviation.
    max_abbreviated_length: int = 18
    # Derived acronyms shorter than this are too ambiguous to match at all.
    min_acronym_length: int = 3
    # How much more `derived_acronym` counts (in its own units) when the query gives a country
    # and the list gives none for the entry: nothing then tells two bodies of one acronym apart.
    acronym_unconfirmed_country: float = 0.75
    # `listed_acronym` (in its own units) when the query says more than the acronym, and when
    # it also writes the acronym as a word, not in capitals.
    acronym_says_more: float = 4.0
    acronym_as_word: float = 10.0
    # A name of generic words only met at the end of a longer listed name (`generic_name_inside`):
    # the fewest words it must have ("School of Economics" is too common), and how much the two
    # names then agree: less than a full match, as such a name is more easily shared.
    min_generic_inside_words: int = 3
    # ... and the least mean rarity of its words (list-wide, 1 for a word on a handful of
    # entries): "Higher School of Economics" has 0.88 on the real lists, "University of Science
    # and Technology", the end of dozens of listed names, 0.48.
    generic_inside_rarity: float = 0.7
    generic_inside_agreement: float = 0.8
    # A listed company written as its coined word alone (`coined_name_inside`): the shortest
    # such word, the least list-wide weight and the most everyday use it may have ("Hikvision"
    # is 1.4, "Sobinbank" 0), and how much the two names then agree.
    min_coined_length: int = 5
    coined_rarity: float = 0.9
    coined_everyday: float = 1.5
    coined_inside_agreement: float = 0.85
    # Candidate generation: listed names fully scored per query.
    candidates: int = 12
    # Of one entry's listed names, at most this many (the best-ranked) are scored per query.
    names_per_entry: int = 2
    # Blocking rank (shared word weight over mean name weight) below which a listed name is not
    # scored at all: far below any score that could reach the threshold.
    min_blocking_rank: float = 0.3
    # The most listed names a query's words gather, rarest words first; a commoner word past
    # this budget only adds its weight to the names already gathered that have it too.
    max_postings: int = 20000


@dataclass(frozen=True, slots=True)
class QuerySide:
    name: NameSide
    type: str | None = None
    country: str | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()


class CandidateSide(NamedTuple):
    """A listed name met by a query, how the two align, and the entry's facts.

    A named tuple, as `NameSide` is: one is built for every listed name a query scores.
    """

    name: NameSide
    kind: int
    alignment: Alignment
    type: str = ""
    countries: tuple[str, ...] = ()
    dates_of_birth: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeatureResult:
    value: float
    detail: str = ""


SILENT = FeatureResult(0.0)

Feature = Callable[[QuerySide, CandidateSide, ScoringConfig], FeatureResult]
REGISTRY: dict[str, Feature] = {}


def feature(fn: Feature) -> Feature:
    REGISTRY[fn.__name__] = fn
    return fn


def _quote(side: NameSide, indexes: list[int]) -> str:
    return ", ".join(f"'{side.surfaces[i]}'" for i in indexes)


def coverage(query: QuerySide, candidate: CandidateSide, config: ScoringConfig) -> float:
    """Weighted share of both names that agree, leaning on the better-covered side."""
    a = candidate.alignment
    matched = sum(p.weight for p in a.pairs)
    if matched <= 0:
        return 0.0
    agreed = sum(p.weight * p.similarity for p in a.pairs)
    q_cov = agreed / (matched + leftover_weight(query.name, a.query_left, config))
    c_cov = agreed / (matched + leftover_weight(candidate.name, a.candidate_left, config))
    if candidate.name.person:
        mix = config.person_coverage_mix
        # A missing middle name costs little; but a short name inside a much longer one (two
        # or more names of the longer one unmatched) is as likely another person.
        worse, left = (
            (candidate.name, a.candidate_left) if c_cov < q_cov else (query.name, a.query_left)
        )
        if sum(1 for i in left if not worse.flags[i] & (INITIAL | PATRONYMIC)) >= 2:
            mix = config.person_coverage_mix_many
        return mix * max(q_cov, c_cov) + (1 - mix) * min(q_cov, c_cov)
    # Organisations: the harmonic mean, so that a short listed name inside a long query
    # ("GSK" in "GSK Advance Company") or the reverse does not score as a full match.
    return 2 * q_cov * c_cov / (q_cov + c_cov)


@feature
def name_agreement(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """How much of the two names agrees, word by word, in any order.

    Each word counts by how rare it is across all loaded lists: a rare word such as 'Beihang'
    counts fully, a generic word such as 'University' little. Spelling variants, a typo, an
    abbreviation or an initial count almost as much as the same word. A missing middle name,
    patronymic, place or bracketed qualifier costs little; any other unmatched word costs its
    full weight.
    """
    value, joined = _agreement(query, candidate, config)
    return FeatureResult(value, _agreement_detail(candidate, joined))


def _agreement(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> tuple[float, bool]:
    """`name_agreement`'s value alone, and whether it is the same letters'.

    Most pairs a query gathers go no further than this: their words are written only if kept.
    """
    value = coverage(query, candidate, config)
    if candidate.alignment.joined_equal and value < config.joined_similarity:
        return config.joined_similarity, True
    return value, False


def _agreement_detail(candidate: CandidateSide, joined: bool) -> str:
    if joined:
        return "the same letters once spaces are ignored"
    a = candidate.alignment
    agreed = sum(1 for p in a.pairs if p.similarity >= 1.0)
    detail = f"{agreed} of {len(candidate.name.tokens)} listed words agree exactly"
    if len(a.pairs) > agreed:
        detail += f", {len(a.pairs) - agreed} more closely"
    return detail


@feature
def generic_words_only(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """Only generic words or place names agree, and the names differ otherwise.

    'University of …', 'Trading Company' or 'Beijing' alone never make a hit: at least one word
    that says which organisation this is must agree, unless the listed name is itself made only
    of such words and agrees in full.
    """
    if candidate.alignment.joined_equal:  # the same letters: nothing differs
        return SILENT
    if candidate.name.person:
        return SILENT
    a = candidate.alignment
    if not a.pairs or any(is_distinctive(candidate.name, p.candidate) for p in a.pairs):
        return SILENT
    if (
        not a.candidate_left or _names_query_country(query, candidate.name, a.candidate_left)
    ) and all(
        not is_distinctive(query.name, i) or query.name.flags[i] & QUALIFIER for i in a.query_left
    ):
        # The listed name is itself made of generic words and agrees in full, or but for the
        # query's own country ("… of China" for a query in China). The query's extra
        # words may be places or qualifiers ("…, Beijing", a campus "…, Weihai"); extra kind
        # words ("Normal") only when the listed name names no place, since "Zhejiang
        # University" is not "Zhejiang Normal University".
        names_place = any(f & LOCATION for f in candidate.name.flags)
        if not names_place or not _left_type_words(query.name, a.query_left):
            return SILENT
    if _generic_name_inside(query, candidate, config):
        return SILENT  # weighed by `generic_name_inside`
    words = _quote(candidate.name, [p.candidate for p in a.pairs])
    return FeatureResult(1.0, f"only generic words or places agree: {words}")


@feature
def generic_name_inside(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """A name of generic words only is the listed name without the place or title before it.

    'Higher School of Economics' is how people write 'Moscow's Higher School of Economics' or
    'National Research University Higher School of Economics': every word of the query agrees,
    in the listed order, at the end of the listed name, and only places or generic words
    ('National Research University') come before them. Such a name is shared more easily than
    a distinctive one, so this counts less than a full match; it needs three words or more
    ('School of Economics' is too common), all generic and seldom used by the lists
    ('University of Science and Technology' ends dozens of listed names), and countries that
    do not disagree.
    """
    lead = _generic_name_inside(query, candidate, config)
    if not lead:
        return SILENT
    # The words that agree are generic and weigh little, so the leading words left out would
    # outweigh them: the pair counts as agreeing this much instead, whatever they weigh.
    return _agreeing_as(
        config.generic_inside_agreement,
        query,
        candidate,
        config,
        f"the listed name without {_quote(candidate.name, lead)} before it, "
        f"counted as agreeing {config.generic_inside_agreement:.2f}",
    )


def _agreeing_as(
    agreement: float, query: QuerySide, candidate: CandidateSide, config: ScoringConfig, detail: str
) -> FeatureResult:
    """What lifts the pair's name agreement to `agreement`, whatever its words weigh."""
    return FeatureResult(max(0.0, agreement - coverage(query, candidate, config)), detail)


def _generic_name_inside(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> list[int]:
    """The listed name's leading words the query leaves out, when `generic_name_inside` holds."""
    q, c = query.name, candidate.name
    # Cheapest first: this is asked of every pair scoring below the threshold.
    if q.person or len(q.tokens) < config.min_generic_inside_words or c.person:
        return []
    if not all(f & GENERIC for f in q.flags):
        return []  # a name with a word of its own is found by that word
    a = candidate.alignment
    if a.joined_equal or a.query_left or not a.candidate_left or len(a.pairs) != len(q.tokens):
        return []
    if query.country and candidate.countries and query.country not in candidate.countries:
        return []
    pairs = sorted(a.pairs, key=lambda p: p.query)
    first = pairs[0].candidate
    in_order = all(p.similarity >= 1.0 and p.candidate == first + k for k, p in enumerate(pairs))
    if not in_order or pairs[-1].candidate != len(c.tokens) - 1:
        return []
    lead = sorted(a.candidate_left)
    if lead != list(range(first)) or not all(c.flags[j] & (GENERIC | LOCATION) for j in lead):
        return []
    # Words many listed names share ("University of Science and Technology") end many of them:
    # the query must be made of words the lists seldom use.
    rarity = [
        c.weights[p.candidate] / (config.generic_weight if c.flags[p.candidate] & GENERIC else 1)
        for p in pairs
    ]
    if sum(rarity) / len(rarity) < config.generic_inside_rarity:
        return []
    return lead


@feature
def coined_name_inside(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query is the coined word of a listed company's name, as people write the company.

    'Hikvision' is how everyone writes 'HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.', and
    'Sobinbank' 'JSB SOBINBANK': every distinctive word of the query agrees exactly with the
    listed name, and each is a coined word, rare on the lists and almost never written in
    everyday language, so the listed name's other words (its city, its trade, its legal form)
    add nothing that could tell two bodies apart. Such a pair counts as agreeing
    `coined_inside_agreement`. Not for a query naming an institution ('Mianyang Normal
    University' is not a Mianyang company), nor when the countries disagree.
    """
    coined = _coined_name_inside(query, candidate, config)
    if not coined:
        return SILENT
    return _agreeing_as(
        config.coined_inside_agreement,
        query,
        candidate,
        config,
        f"{_quote(candidate.name, coined)} coined, the rest of the listed name is what kind of "
        f"body it is and where",
    )


def _coined_name_inside(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> list[int]:
    """The listed name's coined words the query gives, when `coined_name_inside` holds."""
    q, c = query.name, candidate.name
    a = candidate.alignment
    # Cheapest first: this is asked of every pair scoring below the threshold.
    if q.person or c.person or not a.candidate_left or a.joined_equal or not c.everyday:
        return []
    if candidate.kind in (LISTED_ACRONYM, DERIVED_ACRONYM):
        return []
    if query.country and candidate.countries and query.country not in candidate.countries:
        return []
    if any(is_distinctive(q, i) and not q.flags[i] & QUALIFIER for i in a.query_left):
        return []  # the query says something the listed name does not
    if any(q.tokens[i] in vocab.INSTITUTION_WORDS for i in a.query_left):
        return []
    if any(len(c.tokens[j]) < 4 and is_distinctive(c, j) for j in a.candidate_left):
        return []  # a short part ("TERRIK-AZ") is part of the name, not what kind of body
    strong = [p for p in a.pairs if is_strong(q, c, p)]
    if not strong or len(strong) != sum(1 for p in a.pairs if is_distinctive(q, p.query)):
        return []
    coined = [p.candidate for p in strong]
    if any(
        p.similarity < 1.0
        or len(c.tokens[j]) < config.min_coined_length
        or c.weights[j] < config.coined_rarity
        or c.everyday[j] > config.coined_everyday
        for p, j in zip(strong, coined, strict=True)
    ):
        return []
    return coined


def _names_query_country(query: QuerySide, side: NameSide, left: list[int]) -> bool:
    """Whether a name's words left over only name the query's country ("of China")."""
    return query.country is not None and all(
        side.flags[i] & LOCATION and to_iso2(side.tokens[i]) == query.country for i in left
    )


def _left_type_words(side: NameSide, left: list[int]) -> bool:
    """A leftover generic word that is not a place: 'Normal' in 'Zhejiang Normal University'."""
    return any(not side.flags[i] & (LOCATION | QUALIFIER) for i in left)


@feature
def translated_reading_only(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """An English name agrees with a Chinese or Persian name only through its translation.

    A listed name in Chinese is read in pinyin and its words translated by glossary ("ligong"
    as "technology"), so that pinyin and English queries meet it. A translation word by word is
    a guess, though: 理工 is "Technology" in the Wuhan University of Technology and "Science and
    Technology" in the Changchun University of Science and Technology, while the Changchun
    University of Technology is another body (长春工业大学). The lists give such bodies their
    English names too, and those say how each is written in English: where only places agree
    besides the translated words, the reading of the Chinese name is not evidence enough.
    A query in Chinese or in pinyin ("Changchun Ligong Daxue") agrees with the name as written.
    So with Persian written in Latin letters: "Vezarate Defa" is a ministry of defence, but
    which one only the list's English name ("… and Armed Forces Logistics") says.
    """
    c = candidate.name
    a = candidate.alignment
    # TRANSLATED is the highest flag: a name has such a word when its highest flags reach it.
    if c.person or not a.pairs or max(c.flags) < TRANSLATED:
        return SILENT
    q = query.name
    translated = []
    for p in a.pairs:
        flags = c.flags[p.candidate]
        if flags & TRANSLATED and not _read_from_original(q, p.query):
            if not flags & LOCATION:  # a place's name translates reliably ("Haerbin")
                translated.append(p.candidate)
        elif is_distinctive(c, p.candidate):
            return SILENT  # a word that says which body agrees as written ("Zhongshan")
        elif flags & TRANSLATED and not flags & LOCATION:
            # The query writes a word of the name as the name does ("Harbin Gongye
            # University"): it reads the name itself, whatever its kind word's language.
            return SILENT
    if not translated:
        return SILENT
    words = ", ".join(f"'{c.tokens[j]}'" for j in translated)
    return FeatureResult(1.0, f"only a translation of the listed name agrees: {words}")


def _read_from_original(side: NameSide, index: int) -> bool:
    """Whether a word of the query was itself read from the original: Chinese, pinyin or Persian.

    Words read from Chinese script or Persian in Latin letters carry TRANSLATED already; a
    pinyin word in Latin letters does not, and is known by the word it was read from.
    """
    if side.flags[index] & TRANSLATED:
        return True
    surface = side.surfaces[index]
    return surface != side.tokens[index] and surface.replace(" ", "") in _PINYIN_READINGS


_PINYIN_READINGS = frozenset(vocab.PINYIN_GLOSSARY) | frozenset(vocab.PINYIN_PLACE_NAMES)


@feature
def single_word_only(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """Only one word of a person's name agrees while one of the names has more.

    A shared given name or family name alone ('Ahmad', 'Ivanov') identifies nobody; an initial
    that agrees as well ('E. Khoury') is enough to show the hit.
    """
    if candidate.alignment.joined_equal:  # the same letters: nothing differs
        return SILENT
    if not candidate.name.person:
        return SILENT
    a = candidate.alignment
    strong = [p for p in a.pairs if is_strong(query.name, candidate.name, p)]
    initials = [p for p in a.pairs if p.how == INITIAL_OF]
    q_words = sum(1 for i in range(len(query.name.tokens)) if is_distinctive(query.name, i))
    c_words = sum(1 for j in range(len(candidate.name.tokens)) if is_distinctive(candidate.name, j))
    left = [i for i in a.query_left if _is_full_word(query.name, i)] + [
        j for j in a.candidate_left if _is_full_word(candidate.name, j)
    ]
    if len(strong) >= 2 or (initials and not left) or max(q_words, c_words) < 2:
        return SILENT
    return FeatureResult(1.0, "only one word of the person's name agrees")


@feature
def institution_against_bare_name(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query names an institution ('Isra University'); the listed name is a bare name.

    A word that a list gives alone ('ISRA', 'LJ', an acronym or a short alias) is shared by many
    bodies, and the query's word saying what kind of body it is was not found in it. So is a
    name of several words none of which says what kind of body it is, such as a person's
    ('JABBER IBN HAYAN', against the university named after him) or a place's and a trade's
    ('CRIMEAN RAILWAY', against a ministry of railways). A country the list confirms for the
    entry keeps the hit.
    """
    c = candidate.name
    if c.person or candidate.alignment.joined_equal:
        return SILENT
    q = query.name
    kinds = [i for i in candidate.alignment.query_left if q.tokens[i] in vocab.INSTITUTION_WORDS]
    if not kinds:
        return SILENT  # most pairs: no institution's word of the query is left over
    if len(c.tokens) != 1 and any(f & GENERIC for f in c.flags):
        return SILENT
    if query.country and query.country in candidate.countries:
        return SILENT
    return FeatureResult(1.0, f"{_quote(q, kinds)} against the bare name '{' '.join(c.surfaces)}'")


@feature
def common_name_parts(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The words of the person's name that agree are common ones ('Mohammad', 'Ali', 'Abdul').

    A word's weight is how rare it is across every loaded list: names that thousands of people
    share carry little evidence of identity, whatever their origin, so two names agreeing only
    on such parts score lower in proportion. An identifier both give rules this out, and a date
    of birth both give halves it.
    """
    if not candidate.name.person or not query.name.person:
        return SILENT
    if query.identifiers and set(query.identifiers) & set(candidate.identifiers):
        return SILENT  # a shared passport or ID number identifies whatever the name
    a = candidate.alignment
    strong = [p for p in a.pairs if p.how != INITIAL_OF]
    initials = len(a.pairs) - len(strong)
    weights = candidate.name.weights
    power = config.person_evidence_power
    born = query.birth_date
    born_alike = born is not None and any(_dates_agree(born, d) for d in candidate.dates_of_birth)
    partial = (
        not born_alike
        and len(strong) < config.person_partial_words
        and _partial_name(query, candidate, initials)
    )
    # Only for a partial name does everyday use count: whether a listed middle name or
    # patronymic may be left out depends on how many people share the rest of the name.
    everyday = _everyday_factors(candidate.name, config, partial)
    if a.joined_equal:  # the same letters: every listed word agrees
        flags = candidate.name.flags
        listed = range(len(weights))
        evidence = sum(weights[j] ** power * everyday[j] for j in listed if not flags[j] & INITIAL)
        initials = sum(1 for j in listed if flags[j] & INITIAL)
    else:
        # The listed word's weight: a query word the lists lack ("Barani" for "Barrani") would
        # otherwise count as the rarest of words. A near agreement counts as much less evidence.
        evidence = sum(
            p.similarity**2 * weights[p.candidate] ** power * everyday[p.candidate] for p in strong
        )
    evidence += config.initial_evidence * initials
    needed, scale = config.person_evidence, 1.0
    if partial:
        needed, scale = config.person_evidence_partial, config.person_partial_scale
    if not strong or evidence >= needed:
        return SILENT
    value = min(1.0, scale * (1.0 - evidence / needed))
    if born_alike:
        value /= 2  # the same date of birth is evidence of its own
    words = _quote(candidate.name, [p.candidate for p in strong])
    return FeatureResult(round(value, 3), f"only common name parts agree: {words}")


def _everyday_factors(side: NameSide, config: ScoringConfig, applies: bool) -> list[float]:
    """How much of its list-wide weight each word keeps as evidence of identity, when `applies`.

    By how common the word is in everyday language: all of it for a name rarely written
    ("Gimbatov"), `everyday_floor` of it for one written everywhere ("Sergey", "Ivanov"), in
    proportion between.
    """
    low, high, floor = config.everyday_rare, config.everyday_common, config.everyday_floor
    if not applies or not side.everyday:
        return [1.0] * len(side.tokens)
    return [
        1.0 if z <= low else floor if z >= high else 1.0 - (1.0 - floor) * (z - low) / (high - low)
        for z in side.everyday
    ]


def _partial_name(query: QuerySide, candidate: CandidateSide, initials: int) -> bool:
    """The query writes its names in full but leaves out one the listed name gives.

    "Aleksandr Kuznetsov" fits every Aleksandr Something Kuznetsov: the words that agree must
    then carry more evidence. A query that abbreviates ("PATRUSHEV, D.") says it gives less.
    """
    if candidate.alignment.joined_equal or initials:
        return False
    flags = candidate.name.flags
    return any(not flags[j] & INITIAL for j in candidate.alignment.candidate_left)


@feature
def both_names_differ(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """Each person's name has a given or family name the other lacks.

    A missing middle name is common, so one name may be longer; but when both have a name of
    their own ('Do-yun Chang' and 'Chang Hyok Yun'), the shared parts more likely belong to two
    people.
    """
    if candidate.alignment.joined_equal or not candidate.name.person:
        return SILENT
    a = candidate.alignment
    q_left = [i for i in a.query_left if _is_full_word(query.name, i)]
    c_left = [j for j in a.candidate_left if _is_full_word(candidate.name, j)]
    if not q_left or not c_left:
        return SILENT
    q_words, c_words = query.name.tokens, candidate.name.tokens
    if any(nearly(q_words[i], c_words[j]) for i in q_left for j in c_left):
        return SILENT  # "Izza" and "Izzat": one name misspelt, too short for a typo to count
    return FeatureResult(
        1.0, f"{_quote(query.name, q_left)} against {_quote(candidate.name, c_left)}"
    )


@feature
def hyphened_name_in_part(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """A hyphened name of the query agrees in part only.

    "Min-jun" is not the listed "Min": Korean given names ("Ha-joon", "Min-jun") and Persian
    ones ("Amir-Hossein", "Ali-Reza") are one name written in two parts; the listed person whose
    name is one of the parts ("KANG, Min", "ABBASI, Hossein") is someone else.
    """
    q = query.name
    if not q.person or not candidate.name.person or "-" not in q.text:
        return SILENT
    # A part left over, another not: one joined with the next to meet "Abdulaziz" is not left.
    left = set(candidate.alignment.query_left)
    parts: dict[str, set[int]] = {}
    for i, surface in enumerate(q.surfaces):
        if "-" in surface:
            parts.setdefault(surface, set()).add(i)
    split = [
        surface
        for surface, indexes in parts.items()
        if len(indexes) > 1 and 0 < len(indexes & left) < len(indexes)
    ]
    if not split:
        return SILENT
    return FeatureResult(1.0, ", ".join(f"'{s.title()}' agrees in part only" for s in split))


# The words that make a kunya ("Abu Maryam", father of Maryam; "Umm Salama", mother of Salama),
# as a person's name is read: `vocab.NAME_VARIANTS` reads "Abou" and "Abi" as "Abu", "Oum" as
# "Umm". "Bu", the Gulf's "Abu" ("Bu Zaid"), is not folded there: it is a Chinese family name too.
KUNYA_WORDS = frozenset({"abu", "umm", "bu"})


@feature
def kunya_as_own_name(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query's own name agrees with the child's name in a listed kunya.

    "Abu Maryam AL-ZAHRANI" is Maryam's father: "Maryam Zahrai" agrees with him on the name of
    his child and a family name. A query that writes the kunya too ("Abi Maryam") is not held
    to this.
    """
    c, q = candidate.name, query.name
    if not c.person or not q.person:
        return SILENT
    left = set(candidate.alignment.candidate_left)
    children = [
        (pair.query, pair.candidate)
        for pair in candidate.alignment.pairs
        if pair.candidate > 0
        and pair.candidate - 1 in left
        and c.tokens[pair.candidate - 1] in KUNYA_WORDS
        and not (pair.query > 0 and q.tokens[pair.query - 1] in KUNYA_WORDS)
    ]
    if not children:
        return SILENT
    return FeatureResult(
        1.0,
        ", ".join(
            f"'{q.surfaces[i].title()}' is the child named in the listed "
            f"'{c.surfaces[j - 1].title()} {c.surfaces[j].title()}'"
            for i, j in children
        ),
    )


def _is_full_word(side: NameSide, index: int) -> bool:
    """A given or family name written out: not an initial and not a patronymic."""
    return not side.flags[index] & (INITIAL | PATRONYMIC)


@feature
def place_conflict(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The two names name different places ('(Wuhan)' against '(Beijing)').

    Branches and campuses of one institution are listed apart, so a different place is strong
    evidence of a different entity. A coined company name written with its country ('Zorvix
    (China)' for 'HANGZHOU ZORVIX …') is weighed by `coined_name_inside` instead.
    """
    if candidate.alignment.joined_equal:  # the same letters: nothing differs
        return SILENT
    if candidate.name.person:
        return SILENT
    a = candidate.alignment
    q_places = [i for i in a.query_left if query.name.flags[i] & (LOCATION | QUALIFIER)]
    c_places = [j for j in a.candidate_left if candidate.name.flags[j] & (LOCATION | QUALIFIER)]
    if not q_places or not c_places:
        return SILENT
    if all(query.name.tokens[i] in vocab.COUNTRY_WORDS for i in q_places) and (
        _coined_name_inside(query, candidate, config)
    ):
        return SILENT  # the country holds the listed company's city
    detail = f"{_quote(query.name, q_places)} against {_quote(candidate.name, c_places)}"
    return FeatureResult(1.0, detail)


@feature
def kind_conflict(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """Each name has a word saying what kind of body it is, and they differ.

    'Society' against 'Shipping Agency', 'University' against 'Group': the shared words then
    more likely belong to two different organisations.
    """
    if candidate.alignment.joined_equal:  # the same letters: nothing differs
        return SILENT
    if candidate.name.person:
        return SILENT
    a = candidate.alignment
    q_kinds = [i for i in a.query_left if _is_kind_word(query.name, i)]
    c_kinds = [j for j in a.candidate_left if _is_kind_word(candidate.name, j)]
    if not q_kinds or not c_kinds:
        return SILENT
    return FeatureResult(
        1.0, f"{_quote(query.name, q_kinds)} against {_quote(candidate.name, c_kinds)}"
    )


@feature
def institution_of_the_body(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query names a body in full; the listed name is an institution belonging to it.

    'Chinese People's Armed Police Force' is not 'The Chinese People's Armed Police Forces
    Academy', nor a ministry its institute: every word of the query agrees, but the listed
    name goes on to say it is an academy, a college, an institute or a centre, which the
    query, naming a force, a ministry or a corporation, does not.
    """
    a = candidate.alignment
    if a.joined_equal or candidate.name.person or not a.candidate_left:
        return SILENT
    q = query.name
    if any(is_distinctive(q, i) and not q.flags[i] & QUALIFIER for i in a.query_left):
        return SILENT  # the query says more than the listed name agrees with
    if vocab.BODY_WORDS.isdisjoint(q.tokens) or not vocab.BODIES_INSTITUTIONS.isdisjoint(q.tokens):
        return SILENT  # most queries: no force, ministry or corporation, or an institution's own
    c = candidate.name
    heads = [j for j in a.candidate_left if c.tokens[j] in vocab.BODIES_INSTITUTIONS]
    if not heads:
        return SILENT
    return FeatureResult(1.0, f"the listed name adds {_quote(c, heads)}")


def _is_kind_word(side: NameSide, index: int) -> bool:
    flags = side.flags[index]
    return bool(flags & GENERIC) and not flags & (LOCATION | QUALIFIER)


@feature
def company_against_institution(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """One name is an institution's ('University of …', 'Ministry of …'), the other a company's.

    A university and a company with a legal form ('ARIZONA S.A.', 'OOO VIKTORIYA') that share
    one word are different bodies: once the legal form is set aside, the company's name is often
    a single ordinary word that many institutions' names contain.
    """
    q_company, c_company = _is_company(query.name), _is_company(candidate.name)
    if not (q_company or c_company):  # most pairs: neither is a company
        return SILENT
    if candidate.alignment.joined_equal or candidate.name.person or query.name.person:
        return SILENT
    q_inst = _institution_words(query.name)
    c_inst = _institution_words(candidate.name)
    if q_inst and not c_inst and c_company and not q_company:
        return FeatureResult(1.0, f"{_quote(query.name, q_inst)} against a company")
    if c_inst and not q_inst and q_company and not c_company:
        return FeatureResult(1.0, f"a company against {_quote(candidate.name, c_inst)}")
    return SILENT


def _is_company(side: NameSide) -> bool:
    """A legal form, or a trade only companies carry on ("Middle East Bank", "… Shipping")."""
    return bool(side.legal) or any(t in vocab.COMMERCE_WORDS for t in side.tokens)


def _institution_words(side: NameSide) -> list[int]:
    return [i for i, t in enumerate(side.tokens) if t in vocab.INSTITUTION_WORDS]


@feature
def other_field_words(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """Two institutions share their distinctive words, but one names a field the other lacks.

    'Changchun University of Technology' is not 'Changchun University of Science and
    Technology', nor 'Shahid Beheshti University of Medical Sciences' 'Shahid Beheshti
    University': universities of one city share its name, and the field tells them apart.
    """
    if candidate.alignment.joined_equal or candidate.name.person:
        return SILENT
    a = candidate.alignment
    heads = vocab.INSTITUTION_HEADS
    if not any(candidate.name.tokens[p.candidate] in heads for p in a.pairs):
        return SILENT
    q_paired = {query.name.surfaces[p.query] for p in a.pairs}
    c_paired = {candidate.name.surfaces[p.candidate] for p in a.pairs}
    q_extra = [i for i in a.query_left if _is_field_word(query.name, i, q_paired)]
    c_extra = [j for j in a.candidate_left if _is_field_word(candidate.name, j, c_paired)]
    if not q_extra and not c_extra:
        return SILENT
    words = ", ".join(
        x for x in (_quote(query.name, q_extra), _quote(candidate.name, c_extra)) if x
    )
    return FeatureResult(1.0, f"only one name has {words}")


def _is_field_word(side: NameSide, index: int, paired: set[str]) -> bool:
    """A word saying what an institution studies ('Medical', 'Technology'), not whose it is.

    Not a word read from one that also gave a paired word: pinyin's "keji" is "science and
    technology", and "Guofang Keji Daxue" is the "National University of Defense Technology"
    whichever of the two the English name keeps.
    """
    flags = side.flags[index]
    if side.tokens[index] not in vocab.FIELD_WORDS or flags & QUALIFIER:
        return False
    return not (flags & EXPANDED and side.surfaces[index] in paired)


@feature
def single_fuzzy_word(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The organisations share one short distinctive word, and only nearly ('Aston', 'Ascon').

    One short word spelt differently is how two unrelated names most often look alike; a
    misspelt listed name usually keeps more than one word right, and a long word one letter
    off ('Dobrolyot', 'Dobrolet') is more often a transliteration than another name. Two
    companies of the same legal form ('Akkrrol OOO', 'LLC AKROL') are not held to this.
    """
    if candidate.alignment.joined_equal or candidate.name.person:
        return SILENT
    a = candidate.alignment
    strong = [p for p in a.pairs if is_strong(query.name, candidate.name, p)]
    if len(strong) != 1 or strong[0].how not in (TYPO, VARIANT):
        return SILENT
    pair = strong[0]
    if (query.name.flags[pair.query] | candidate.name.flags[pair.candidate]) & ABJAD:
        return SILENT  # a word written without its vowels agrees as nearly as it can
    shortest = min(len(query.name.tokens[pair.query]), len(candidate.name.tokens[pair.candidate]))
    if shortest > config.max_near_miss_length or _same_legal_family(query.name, candidate.name):
        return SILENT  # a long word, or two companies of one legal form: a slip more likely
    return FeatureResult(
        1.0,
        f"'{query.name.surfaces[pair.query]}' and '{candidate.name.surfaces[pair.candidate]}' "
        f"({pair.how})",
    )


@feature
def derived_acronym(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query is the initials of the listed name, an acronym the list itself does not give.

    Initials are ambiguous, so such a match counts less than a listed name; half as much again
    less when the query says more than the acronym ('MSD (Belgium)', 'KGK Company Limited'),
    since its other words were not found in the listed name, and more again when the query
    gives a country the list does not give for the entry: short initials are shared by many
    bodies, and nothing else confirms this one. A word not written in capitals is read as a
    word, not as initials ('Sai University' is not S. A. I.).
    """
    if candidate.kind != DERIVED_ACRONYM:
        return SILENT
    pairs = candidate.alignment.pairs
    if pairs and not _in_capitals(query.name.text, query.name.surfaces[pairs[0].query]):
        return FeatureResult(5.0, "a word that matches the listed name's initials, not in capitals")
    value, detail = 1.0, "initials of the listed name"
    if candidate.alignment.query_left or query.name.legal:
        value, detail = 1.5, "initials of the listed name, and the query says more"
    if query.country and not candidate.countries:
        value += config.acronym_unconfirmed_country
        detail += f"; the list gives no country to confirm {query.country}"
    return FeatureResult(value, detail)


def _in_capitals(text: str, surface: str) -> bool:
    """Whether the query writes this word in capitals somewhere ('HIT', not 'Hit')."""
    words = _WORDS.findall(text.replace(".", ""))  # "M.A.T.S.A." is written in capitals too
    return any(w.isupper() and w.casefold() == surface for w in words)


_WORDS = re.compile(r"[^\W_]+")


@feature
def listed_acronym(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query matched an acronym the list gives in brackets; acronyms are shared more often.

    When the query says more than the acronym ('LJ University', 'KGK Company Limited'), its other
    words were not found in the listed name, so it counts far less; and a word not written in
    capitals beside others ('Isra University') is read as a word, not as the acronym.
    """
    if candidate.kind != LISTED_ACRONYM:
        return SILENT
    a = candidate.alignment
    if not (a.query_left or query.name.legal):
        return FeatureResult(1.0, "acronym given by the list")
    if a.pairs and not _in_capitals(query.name.text, query.name.surfaces[a.pairs[0].query]):
        return FeatureResult(
            config.acronym_as_word, "a word that matches an acronym the list gives, not in capitals"
        )
    return FeatureResult(
        config.acronym_says_more, "acronym given by the list, and the query says more"
    )


@feature
def type_differs(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query asks for a different kind of entity (person, organisation, vessel) than listed.

    Some lists (the US Entity List) do not say whether an entry is a person, so this lowers the
    score without ruling the hit out.
    """
    if query.type is None or query.type == candidate.type:
        return SILENT
    return FeatureResult(1.0, f"{query.type} against {candidate.type}")


@feature
def weak_alias(query: QuerySide, candidate: CandidateSide, config: ScoringConfig) -> FeatureResult:
    """The matched name is a 'weak' alias, one the publisher says is too vague to rely on alone."""
    if candidate.kind != WEAK_ALIAS:
        return SILENT
    return FeatureResult(1.0, "weak alias")


_COMPANY_FAMILIES = {
    "ojsc": "jsc",
    "cjsc": "jsc",
    "pjsc": "jsc",
    "fsue": "jsc",
    "ltd": "ltd",
    "co": "ltd",
    "corp": "ltd",
    "inc": "ltd",
    "plc": "ltd",
}


def _same_legal_family(a: NameSide, b: NameSide) -> bool:
    families_a = {_COMPANY_FAMILIES.get(f, f) for f in a.legal}
    return bool(families_a & {_COMPANY_FAMILIES.get(f, f) for f in b.legal})


@feature
def legal_form_conflict(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """Both names give a legal form and they are of different kinds (an LLC against a JSC).

    Legal forms change on re-registration, so this counts only a little.
    """
    q = {_COMPANY_FAMILIES.get(f, f) for f in query.name.legal}
    c = {_COMPANY_FAMILIES.get(f, f) for f in candidate.name.legal}
    if not q or not c or q & c:
        return SILENT
    return FeatureResult(1.0, f"{', '.join(sorted(q))} against {', '.join(sorted(c))}")


@feature
def country_agrees(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The country given with the query is one the list gives for the entry."""
    if query.country and query.country in candidate.countries:
        return FeatureResult(1.0, query.country)
    return SILENT


@feature
def country_differs(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The list gives countries for the entry and the query's country is not among them.

    Listed countries are often incomplete (a subsidiary abroad), so this lowers the score
    without ruling the hit out.
    """
    if not _is_person(query, candidate):
        return SILENT
    if query.country and candidate.countries and query.country not in candidate.countries:
        return FeatureResult(1.0, f"{query.country} against {', '.join(candidate.countries)}")
    return SILENT


@feature
def institution_country_differs(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """Two organisations in different countries: the same name abroad is another body.

    'National Defense University' in the United States is not the one in China. An
    organisation's country is rarely wrong on a list, so this weighs much more than for a
    person, whose nationality and country of work often differ.
    """
    if _is_person(query, candidate):
        return SILENT
    if query.country and candidate.countries and query.country not in candidate.countries:
        return FeatureResult(1.0, f"{query.country} against {', '.join(candidate.countries)}")
    return SILENT


def _is_person(query: QuerySide, candidate: CandidateSide) -> bool:
    if query.type is not None:
        return query.type == "person"
    return candidate.name.person


@feature
def birth_date_agrees(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The date of birth given with the query agrees with a listed one, as far as both go."""
    if not query.birth_date or not candidate.dates_of_birth:
        return SILENT
    for listed in candidate.dates_of_birth:
        if _dates_agree(query.birth_date, listed):
            return FeatureResult(1.0, listed)
    return SILENT


@feature
def birth_date_differs(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """The query's date of birth agrees with none of the listed ones: likely a namesake."""
    if not query.birth_date or not candidate.dates_of_birth:
        return SILENT
    if any(_dates_agree(query.birth_date, listed) for listed in candidate.dates_of_birth):
        return SILENT
    detail = f"{query.birth_date} against {', '.join(candidate.dates_of_birth)}"
    return FeatureResult(1.0, detail)


def _dates_agree(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return n >= 4 and a[:n] == b[:n]


@feature
def identifier_agrees(
    query: QuerySide, candidate: CandidateSide, config: ScoringConfig
) -> FeatureResult:
    """An identifier given with the query (passport, registration, IMO number) is listed."""
    shared = sorted(set(query.identifiers) & set(candidate.identifiers))
    if not shared:
        return SILENT
    return FeatureResult(1.0, ", ".join(shared))


# Features that read a fact of the query beyond its name, and that fact.
_QUERY_FACT = {
    "type_differs": "type",
    "country_agrees": "country",
    "country_differs": "country",
    "institution_country_differs": "country",
    "birth_date_agrees": "birth_date",
    "birth_date_differs": "birth_date",
    "identifier_agrees": "identifiers",
}


# Features about people's names, silent unless both names are compared as people's, and
# features about organisations' names, silent when they are (`test_features.py` holds each to
# it): a plan leaves them out where they cannot fire.
_PERSON_ONLY = frozenset(
    (
        "single_word_only",
        "common_name_parts",
        "both_names_differ",
        "hyphened_name_in_part",
        "kunya_as_own_name",
    )
)
_NOT_FOR_PEOPLE = frozenset(
    (
        "generic_words_only",
        "translated_reading_only",
        "generic_name_inside",
        "coined_name_inside",
        "institution_against_bare_name",
        "place_conflict",
        "kind_conflict",
        "institution_of_the_body",
        "company_against_institution",
        "other_field_words",
        "single_fuzzy_word",
    )
)


def headroom(query: QuerySide, config: ScoringConfig) -> float:
    """The most the qualifier features can add to the name score for this query."""
    room = 0.0
    if query.country:
        room += max(0.0, config.weights.get("country_agrees", 0.0))
    if query.birth_date:
        room += max(0.0, config.weights.get("birth_date_agrees", 0.0))
    if query.identifiers:
        room += max(0.0, config.weights.get("identifier_agrees", 0.0))
    return room


@dataclass(frozen=True, slots=True)
class Plan:
    """The features that can fire for one query, and what bounds the score they can still add.

    Two lists of steps: for listed names compared as people's (`people`) and for the rest
    (`others`), each without the features that are silent for such a pair. `room` is the most
    the qualifiers the query gives can add (`headroom`); from step `lowering_from` of a list
    on, every feature but those qualifiers can only lower the score (a feature's value is
    never negative: its sign is its weight's). A pair that has fallen below the floor by then
    stays below it, so scoring stops there: most pairs a query gathers end that way.
    """

    people: Steps
    others: Steps
    room: float


@dataclass(frozen=True, slots=True)
class Steps:
    """One kind of pair's features in registry order, and the step from which they only lower."""

    steps: tuple[tuple[str, Feature, float], ...]
    lowering_from: int

    @classmethod
    def of(cls, steps: list[tuple[str, Feature, float]]) -> Steps:
        raising = [k for k, (name, _, w) in enumerate(steps) if w > 0 and name not in _QUERY_FACT]
        return cls(tuple(steps), max(raising, default=-1) + 1)


def plan(query: QuerySide, config: ScoringConfig) -> Plan:
    """The features that can fire for this query, with their weights, in registry order.

    Features with no weight, and qualifiers the query does not give, are left out once per
    query instead of being asked for every candidate; queries alike in those share a plan.
    """
    # Every fact of the query a plan depends on, and nothing else.
    key = (id(config), query.name.person, *[bool(getattr(query, f)) for f in _FACTS])
    held = _PLANS.get(key)
    if held is not None and held[0] is config:
        return held[1]
    made = _plan(query, config)
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = (config, made)
    return made


_FACTS = tuple(sorted(set(_QUERY_FACT.values())))
_PLANS: dict[tuple[Any, ...], tuple[ScoringConfig, Plan]] = {}
_MAX_PLANS = 256


def _plan(query: QuerySide, config: ScoringConfig) -> Plan:
    steps: list[tuple[str, Feature, float]] = []
    for name, fn in REGISTRY.items():
        weight = config.weights.get(name, 0.0)
        fact = _QUERY_FACT.get(name)
        if weight != 0.0 and (fact is None or getattr(query, fact)):
            steps.append((name, fn, weight))
    # A listed name is compared as a person's only when the query is read as one too.
    people = [s for s in steps if s[0] not in _NOT_FOR_PEOPLE] if query.name.person else []
    others = [s for s in steps if s[0] not in _PERSON_ONLY]
    return Plan(Steps.of(people), Steps.of(others), headroom(query, config))


def score(
    query: QuerySide,
    candidate: CandidateSide,
    config: ScoringConfig,
    *,
    floor: float = 0.0,
    features: Plan | None = None,
) -> tuple[float, tuple[tuple[str, float, str], ...]]:
    """The pair's score in 0..1 and every feature that fired with its signed contribution.

    With a `floor` above 0, a pair that cannot reach it is given up as (0.0, ()): after the
    name's agreement, when that is too little even with every qualifier in its favour and no
    feature lifts it, and after any later feature that takes it below (`Plan`). `features` is
    `plan`'s answer for the query, when the caller scores many candidates against it.
    """
    chosen = plan(query, config) if features is None else features
    room = chosen.room
    steps = chosen.people if candidate.name.person else chosen.others
    fired: list[tuple[str, float, str]] = []
    total = 0.0
    lowering_from = steps.lowering_from if floor > 0.0 else len(steps.steps)
    for k, (name, fn, weight) in enumerate(steps.steps):
        if fn is name_agreement:
            # Asked of every pair, and most end here: the value first, the words only if kept.
            value, joined = _agreement(query, candidate, config)
            total += weight * value
            if total + room < floor and not _lifted(query, candidate, config):
                return 0.0, ()
            if value:
                detail = _agreement_detail(candidate, joined)
                fired.append((name, round(weight * value, 3), detail))
            continue
        result = fn(query, candidate, config)
        if result.value:
            contribution = weight * result.value
            total += contribution
            fired.append((name, round(contribution, 3), result.detail))
            # Scores are rounded to 3 places before they meet the floor: half a place's margin.
            if k >= lowering_from and total + room < floor - 0.0005:
                return 0.0, ()
    return round(min(1.0, max(0.0, total)), 3), tuple(fired)


def _lifted(query: QuerySide, candidate: CandidateSide, config: ScoringConfig) -> bool:
    """Whether a feature lifts the pair's name agreement (`_agreeing_as`).

    A pair whose names agree too little for the threshold is still scored when one holds.
    """
    if query.name.person or candidate.name.person:
        return False  # neither is asked of a person's name
    a = candidate.alignment
    if not a.candidate_left or a.joined_equal:
        return False  # each needs a listed word left over, and letters that differ
    return bool(
        _generic_name_inside(query, candidate, config)
        or _coined_name_inside(query, candidate, config)
    )


def kind_admits(query: QuerySide, candidate: CandidateSide, config: ScoringConfig) -> bool:
    """Whether a hit of this kind of entry may be shown for this kind of query.

    An organisation query meets a listed person, and a person query a listed organisation, only
    on strong evidence: every word of the one name agrees exactly with the other's and the name
    has two words or more ("Andrews University" is not Ms Andrews, nor "Faisal Foundation" Mr
    Faisal; a person called "Ji-an An" is not the group one list also calls "JI"). Lists that
    do not say whether an entry is a person still meet a person's full name.
    """
    if (query.type, candidate.type) not in (("organization", "person"), ("person", "organization")):
        return True
    a = candidate.alignment
    exact = [p for p in a.pairs if p.similarity >= 1.0]
    return (
        len(exact) >= 2
        and not a.candidate_left
        and not a.query_left
        and coverage(query, candidate, config) >= config.person_for_organisation
    )
