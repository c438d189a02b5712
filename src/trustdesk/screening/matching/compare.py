"""Word-by-word alignment of a query name with one listed name: the evidence every feature reads.

Each query word is paired with at most one listed word, best pairs first, and each pair says how
the two words agree (exactly, as a spelling variant, within a typo, as an abbreviation, as an
initial). Words left over on either side are what the names disagree on. Features then weigh
pairs and leftovers; they never compare strings themselves, so the explanation a reviewer reads
is always about the same pairs the score was computed from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from rapidfuzz.distance import OSA

from trustdesk.screening.matching import vocab
from trustdesk.screening.matching.normalize import (
    ABJAD,
    GENERIC,
    INITIAL,
    LOCATION,
    MIN_PATRONYMIC,
    PATRONYMIC,
    QUALIFIER,
    phonetic,
    skeleton,
)

if TYPE_CHECKING:
    from trustdesk.screening.matching.features import ScoringConfig

SimilarityCache = dict[tuple[str, str, int, int, bool], tuple[float, str]]
_DOUBLED = re.compile(r"(.)\1+")
MAX_TOKENS = 16  # words compared per name; longer names are compared on their first 16 words

EXACT = "exact"
VARIANT = "spelling variant"
TYPO = "typo"
ABBREVIATION = "abbreviation"
INITIAL_OF = "initial"
JOINED = "joined"
ACRONYM = "acronym"
STEM = "same word"  # a plural, or the Arabic article run into the word


class NameSide(NamedTuple):
    """One side of a comparison: words, their flags and how much each counts.

    A named tuple, not a frozen dataclass: as immutable, and one is built for each distinct
    listed name a query gathers, where a frozen dataclass's constructor costs three times as
    much. So is each `TokenPair` of their words.
    """

    text: str
    person: bool
    tokens: tuple[str, ...]
    flags: tuple[int, ...]
    weights: tuple[float, ...]
    surfaces: tuple[str, ...]
    legal: tuple[str, ...] = ()
    joined: str = ""
    # How common each word is in everyday language (Zipf frequency, 0 when unseen: `language`).
    everyday: tuple[float, ...] = ()


class TokenPair(NamedTuple):
    query: int  # index into the query's tokens (the first, when several were joined)
    candidate: int
    similarity: float
    how: str
    weight: float  # what the pair counts: the mean of the two words' weights


@dataclass(slots=True)
class Alignment:
    pairs: list[TokenPair] = field(default_factory=list)
    query_left: list[int] = field(default_factory=list)
    candidate_left: list[int] = field(default_factory=list)
    joined_equal: bool = False


@lru_cache(maxsize=1 << 16)
def _phonetic(token: str) -> str:
    return phonetic(token)


@lru_cache(maxsize=1 << 16)
def _skeleton(token: str) -> str:
    return skeleton(token)


# The only flags `token_similarity` reads; the rest (qualifier, generic …) would split its cache.
SIMILARITY_FLAGS = ABJAD | INITIAL | LOCATION
_SAME = (1.0, EXACT)


@lru_cache(maxsize=1 << 16)
def is_pinyin(token: str) -> bool:
    """Whether a word is spelled entirely in two or more pinyin syllables ("Nanhang")."""
    n = len(token)
    fewest = [0] + [n + 1] * n  # syllables spelling token[:i]; n + 1 where none do
    for i in range(1, n + 1):
        for size in range(2, min(6, i) + 1):  # every syllable in the table has 2 to 6 letters
            if token[i - size : i] in vocab.PINYIN_SYLLABLES:
                fewest[i] = min(fewest[i], fewest[i - size] + 1)
    return 2 <= fewest[n] <= n


@lru_cache(maxsize=1 << 16)
def _syllabic(token: str) -> bool:
    """A word spelled in one or two pinyin syllables ("Yang", "Xiaoming").

    Chinese and Korean given and family names are; longer runs are more often other names
    ("Muhanna").
    """
    return token in vocab.PINYIN_SYLLABLES or _fewest_syllables(token) == 2


def _fewest_syllables(token: str) -> int:
    """The fewest pinyin syllables that spell `token`, or 0 when none do."""
    n = len(token)
    fewest = [0] + [n + 1] * n
    for i in range(1, n + 1):
        for size in range(2, min(6, i) + 1):
            if token[i - size : i] in vocab.PINYIN_SYLLABLES:
                fewest[i] = min(fewest[i], fewest[i - size] + 1)
    return fewest[n] if fewest[n] <= n else 0


_VOWELS = frozenset("aeiouy")
# Initial consonants that Korean and Chinese romanisations write differently for one sound.
_ROMANISED_INITIALS = frozenset(
    frozenset(pair) for pair in (("ch", "j"), ("ch", "zh"), ("k", "g"), ("p", "b"), ("t", "d"))
)


def _initial(token: str) -> str:
    """The consonants before a word's first vowel ("zh" in "Zhang")."""
    for k, ch in enumerate(token):
        if ch in _VOWELS and k:
            return token[:k]
    return token[:1]


@lru_cache(maxsize=1 << 16)
def _undoubled(token: str) -> str:
    return _DOUBLED.sub(r"\1", token)


def allowed_edits(length: int, config: ScoringConfig) -> int:
    """Typos tolerated in a word this long: none in short words, where one edit makes a new word."""
    if length >= config.two_typo_length:
        return 2
    if length >= config.one_typo_length:
        return 1
    return 0


def token_similarity(
    a: str, b: str, flags_a: int, flags_b: int, person: bool, config: ScoringConfig
) -> tuple[float, str]:
    """How alike two words are, 0..1, and the kind of agreement; 0 when they are different words."""
    if a == b:
        return 1.0, EXACT
    if a.isdigit() or b.isdigit():
        return 0.0, ""
    if flags_a & flags_b & LOCATION:  # two known places that differ: Hebei is not Hefei
        return 0.0, ""
    if person:
        # Korean and Chinese romanisations write one initial sound apart ("Chong"/"Jong",
        # "Pong"/"Bong"): the rest of the word then decides.
        ia, ib = _initial(a), _initial(b)
        romanised = ia != ib and frozenset((ia, ib)) in _ROMANISED_INITIALS
        if romanised and _phonetic(a[len(ia) :]) == _phonetic(b[len(ib) :]):
            return config.variant_similarity, VARIANT
        if _syllabic(a) or _syllabic(b):
            # Chinese and Korean names: each syllable is a character, so a changed letter is
            # another name ("Zhang" is not "Yang" nor "Jang", "Xiaohong" is not "Xiaoming").
            # Only the same syllables spelled another way count.
            if ia == ib and _phonetic(a[len(ia) :]) == _phonetic(b[len(ib) :]):
                return config.variant_similarity, VARIANT
            return 0.0, ""
    if person and _gendered_pair(a, b):
        return 0.0, ""
    shortest = min(len(a), len(b))
    if (
        shortest >= config.min_variant_length
        and abs(len(a) - len(b)) <= 1 + shortest // 8  # "Tata" is not "Taatta"
        and _phonetic(a) == _phonetic(b)
    ):
        return config.variant_similarity, VARIANT
    if (flags_a | flags_b) & ABJAD and _skeleton(a) == _skeleton(b):
        return config.skeleton_similarity, VARIANT
    if person and _patronymics(a, b) and _skeleton(a) == _skeleton(b):
        # Russian, Ukrainian and Belarusian spell one father's name with other vowels:
        # Alekseevich/Alexeyevich/Oleksiyovych, Vladimirovich/Volodymyrovych.
        return config.variant_similarity, VARIANT
    if not person and is_pinyin(a) and is_pinyin(b):  # another syllable is another character
        return 0.0, ""
    if not person and shortest >= config.min_variant_length and _same_stem(a, b):
        return config.variant_similarity, STEM
    if person and shortest >= MIN_ARTICLE_JOINED_NAME and _article_joined(a, b):
        return config.variant_similarity, STEM
    if not person and (a in vocab.COUNTRY_WORDS or b in vocab.COUNTRY_WORDS):
        # A country's name a letter away from a word is that word, not a slip: "Japan" is not
        # "Jahan" (Persian for world). People are called Jordan and Chad.
        return 0.0, ""
    budget = allowed_edits(shortest, config)
    kept_ends = a[0] == b[0] and a[-1] == b[-1]
    if kept_ends and shortest >= config.kept_ends_two_typo_length:
        budget = 2
    if budget and (a[0] == b[0] or shortest >= config.two_typo_length):
        edits = OSA.distance(a, b, score_cutoff=budget)
        if edits <= budget:
            return 1.0 - config.typo_cost * edits, TYPO
    if shortest >= config.one_typo_length and _undoubled(a) == _undoubled(b):
        return 1.0 - config.typo_cost, TYPO  # "Rsrsssbcm": a key held down is one slip
    if person:
        if (flags_a & INITIAL and b.startswith(a)) or (flags_b & INITIAL and a.startswith(b)):
            return config.initial_similarity, INITIAL_OF
    elif (
        shortest >= config.min_prefix_length
        and max(len(a), len(b)) <= config.max_abbreviated_length
        and (a.startswith(b) or b.startswith(a))
    ):
        return config.prefix_similarity, ABBREVIATION
    return 0.0, ""


MIN_ENGLISH_STEM = 5


@lru_cache(maxsize=1 << 16)
def _english_stem(word: str) -> str:
    return str(_english_stemmer().stemWord(word))


@lru_cache(maxsize=1)
def _english_stemmer() -> Any:
    # The only place that crosses into the snowballstemmer primitive; imported when first needed,
    # since the package loads the stemmers of thirty languages (3 MiB an index build never uses).
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _same_english_stem(a: str, b: str) -> bool:
    """Whether two organisation words are one English word in two forms (Snowball's stems).

    As names are written by hand: "Computing" for "Computational Science", "Electronic" for
    "Electronics". A stem shorter than `MIN_ENGLISH_STEM` letters says too little.
    """
    if min(len(a), len(b)) < MIN_ENGLISH_STEM + 1 or a[:3] != b[:3]:
        return False
    stem = _english_stem(a)
    return len(stem) >= MIN_ENGLISH_STEM and stem == _english_stem(b)


def _same_stem(a: str, b: str) -> bool:
    """Whether one organisation word is the other, written another way: one word, not a typo.

    In the plural ("Experts"), with the Arabic article run into it ("Alnaser" for "Al-Naser",
    whose article is set aside), as a Russian place's adjective ("Kazanskiy" of Kazan), or as
    another form of one English word ("Computing", "Computational").
    """
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if long in (short + "s", short + "es"):
        return True
    if _article_joined(a, b):
        return True
    return (len(short) >= 4 and short in russian_places(long)) or _same_english_stem(a, b)


def _patronymics(a: str, b: str) -> bool:
    return all(len(w) >= MIN_PATRONYMIC and w.endswith(vocab.PATRONYMIC_SUFFIXES) for w in (a, b))


# A person's name with the Arabic article run into it ("Elghoul" for "Al-Ghoul") keeps at least
# this many letters after it: "Albert" is not "Bert", nor "Elmira" "Mira".
MIN_ARTICLE_JOINED_NAME = 5


def _article_joined(a: str, b: str) -> bool:
    """Whether one word is the other with the Arabic article run into it ("Alnaser", "Naser")."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(long) == len(short) + 2 and long[:2] in ("al", "el") and long[2:] == short


_RUSSIAN_ADJECTIVE_ENDINGS = tuple(
    sorted({e for e in vocab.RUSSIAN_ENDINGS if e[0] in "aeiouy"}, key=len, reverse=True)
)


_NO_PLACES: frozenset[str] = frozenset()


def russian_places(word: str) -> frozenset[str]:
    """The places a Russian adjective in "-sk-" may be of, as bodies are named by their city.

    "Kazanskiy" of Kazan, "Tomskiy" of Tomsk, "Samarskiy" of Samara, "Minskogo" of Minsk.
    Blocking looks these up too: "Astrakhanskiy" is four letters from "Astrakhan".
    """
    if len(word) < 6 or "sk" not in word:  # most words: no cache entry
        return _NO_PLACES
    return _russian_places(word)


@lru_cache(maxsize=1 << 12)
def _russian_places(word: str) -> frozenset[str]:
    for ending in _RUSSIAN_ADJECTIVE_ENDINGS:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            if stem.endswith("sk"):
                return frozenset((stem, stem[:-2], stem[:-2] + "a"))
    return _NO_PLACES


# Slavic family names take a man's and a woman's form: Volkov/Volkova, Vasilev/Vasileva,
# Ilyin/Ilyina, Kovalsky/Kovalskaya. The endings of the man's form, and what the woman's adds.
_MASCULINE_ENDINGS = ("ov", "ev", "yov", "in", "yn")
_MASCULINE_ADJECTIVAL = ("skiy", "skii", "sky", "ski", "tskiy", "tsky")


def _gendered_pair(a: str, b: str) -> bool:
    """Whether two names are one name's forms for a man and for a woman.

    "Volkov" and "Volkova", "Aleksandr" and "Aleksandra", "Yevgeniy" and "Yevgeniya" are a
    letter or two apart, but a man and a woman: two people, never a misspelling of one.
    """
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if long[-1] != "a" or len(short) < 4:  # most pairs: the longer one is no woman's form
        return False
    if long == short + "a" and (short.endswith(_MASCULINE_ENDINGS) or short[-1] not in _VOWELS):
        return True
    if short[-1] in "iy" and long in (short[:-1] + "ia", short[:-1] + "ya", short + "a"):
        return True  # Yevgeniy/Yevgeniya, Evgeny/Evgenia, Valeriy/Valeriya
    if long.endswith("skaya") and short.endswith(_MASCULINE_ADJECTIVAL):
        stem = short[: short.rfind("sk")]
        return long[: -len("skaya")] == stem
    return False


def align(
    query: NameSide,
    candidate: NameSide,
    config: ScoringConfig,
    cache: SimilarityCache | None = None,
) -> Alignment:
    """Greedy one-to-one pairing of words, strongest evidence first, then joined-word repairs.

    `cache` may be shared by the comparisons of one query: the same word pairs recur across its
    candidates, and `token_similarity` is pure.
    """
    if cache is None:
        cache = {}
    q_tokens = query.tokens[:MAX_TOKENS]
    c_tokens = candidate.tokens[:MAX_TOKENS]
    scored: list[tuple[float, int, int, float, str]] = []
    q_flags, c_flags = query.flags, candidate.flags
    q_weights, c_weights = query.weights, candidate.weights
    person = candidate.person
    for i, a in enumerate(q_tokens):
        fa = q_flags[i] & SIMILARITY_FLAGS
        for j, b in enumerate(c_tokens):
            found = _SAME
            if a != b:
                key = (a, b, fa, c_flags[j] & SIMILARITY_FLAGS, person)
                cached = cache.get(key)
                found = cache[key] = token_similarity(*key, config) if cached is None else cached
            sim = found[0]
            if sim > 0:
                weight = (q_weights[i] + c_weights[j]) / 2
                scored.append((sim * weight, i, j, sim, found[1]))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    out = Alignment()
    for _, i, j, sim, how in scored:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        weight = (query.weights[i] + candidate.weights[j]) / 2
        out.pairs.append(TokenPair(i, j, sim, how, weight))
    out.query_left = [i for i in range(len(q_tokens)) if i not in used_q]
    out.candidate_left = [j for j in range(len(c_tokens)) if j not in used_c]
    _repair_joined(query, candidate, out, config)
    if out.query_left and out.candidate_left and not person:
        _repair_inner_acronyms(query, candidate, out, config)
    out.joined_equal = bool(query.joined) and query.joined == candidate.joined
    return out


def _repair_joined(
    query: NameSide, candidate: NameSide, out: Alignment, config: ScoringConfig
) -> None:
    """Pair two adjacent leftover words with one leftover word they spell together (Xi an/Xian)."""
    for two_is_query in (True, False):
        left = out.query_left if two_is_query else out.candidate_left
        right = out.candidate_left if two_is_query else out.query_left
        two, one = (query, candidate) if two_is_query else (candidate, query)
        k = 0
        while k < len(left) - 1:
            first, second = left[k], left[k + 1]
            partner = _joined_partner(two, one, first, second, right, config)
            if partner is None:
                k += 1
                continue
            weight = (two.weights[first] + two.weights[second] + one.weights[partner]) / 2
            qi, ci = (first, partner) if two_is_query else (partner, first)
            out.pairs.append(TokenPair(qi, ci, config.joined_similarity, JOINED, weight))
            left.remove(first)
            left.remove(second)
            right.remove(partner)


MAX_INNER_ACRONYM = 5  # longest acronym read as words of the other name ("PAP", "IRGC")
_CAPITALS = re.compile(r"[^\W_]+")


def _repair_inner_acronyms(
    query: NameSide, candidate: NameSide, out: Alignment, config: ScoringConfig
) -> None:
    """Pair a leftover acronym with the leftover words of the other name it is the initials of.

    "PAP Logistics University" is the "Logistics University of the People's Armed Police
    Force": "PAP" stands for "People's Armed Police", as a list's "PAP NCO College" does for a
    query that writes the words out. A query's acronym must be written in capitals.
    """
    if not out.query_left or not out.candidate_left:
        return  # most pairs: nothing is left on one side or the other to pair
    for acronym_is_query in (True, False):
        short, long = (query, candidate) if acronym_is_query else (candidate, query)
        left = out.query_left if acronym_is_query else out.candidate_left
        other = out.candidate_left if acronym_is_query else out.query_left
        for i in list(left):
            word = short.tokens[i]
            if not 2 <= len(word) <= MAX_INNER_ACRONYM or not word.isalpha():
                continue
            run = _initials_run(long, other, word)
            if run is None:
                continue
            if acronym_is_query and not _written_in_capitals(short.text, short.surfaces[i]):
                continue
            weight = (short.weights[i] + sum(long.weights[j] for j in run)) / 2
            qi, ci = (i, run[0]) if acronym_is_query else (run[0], i)
            out.pairs.append(TokenPair(qi, ci, config.prefix_similarity, ACRONYM, weight))
            left.remove(i)
            for j in run:
                other.remove(j)


def _initials_run(side: NameSide, left: list[int], acronym: str) -> list[int] | None:
    """Consecutive leftover words of `side` whose initials spell `acronym`, if any."""
    n = len(acronym)
    for k in range(len(left) - n + 1):
        run = left[k : k + n]
        if run[-1] - run[0] == n - 1 and all(
            side.tokens[j][:1] == acronym[m] for m, j in enumerate(run)
        ):
            return run
    return None


def _written_in_capitals(text: str, surface: str) -> bool:
    """Whether a name writes this word in capitals somewhere ('PAP', not 'Pap')."""
    words = _CAPITALS.findall(text.replace(".", ""))
    return any(w.isupper() and w.casefold() == surface for w in words)


def _joined_partner(
    two: NameSide, one: NameSide, first: int, second: int, right: list[int], config: ScoringConfig
) -> int | None:
    if second != first + 1:
        return None
    joined = two.tokens[first] + two.tokens[second]
    together = _phonetic(joined)
    for j in right:
        word = one.tokens[j]
        # The typos a word this long tolerates, counted on the shorter spelling: "Ji Sang" run
        # together is not "Jang" two letters off. Chinese and Korean names are syllables, each
        # a character, so there the joined syllables must sound the same ("Ye Jun" is not
        # "Yeyou").
        budget = allowed_edits(min(len(joined), len(word)), config)
        if one.person and (_syllabic(word) or _syllabic(joined)):
            budget = 0
        if OSA.distance(together, _phonetic(word), score_cutoff=budget) <= budget:
            return j
    return None


def nearly(a: str, b: str) -> bool:
    """Whether two words are at most one letter apart, whatever their length."""
    return OSA.distance(a, b, score_cutoff=1) <= 1


def leftover_weight(side: NameSide, left: list[int], config: ScoringConfig) -> float:
    """What a side's unmatched words count: places, qualifiers and patronymics count less."""
    total = 0.0
    for i in left:
        weight = side.weights[i]
        flags = side.flags[i]
        if not side.person and flags & QUALIFIER:
            weight *= config.qualifier_weight
        elif not side.person and flags & GENERIC:
            weight *= config.generic_leftover_weight / config.generic_weight
        elif side.person and flags & PATRONYMIC:
            weight *= config.patronymic_weight
        total += weight
    return total


def is_strong(query: NameSide, candidate: NameSide, pair: TokenPair) -> bool:
    """A pair that identifies: neither word an initial, generic word or place."""
    return is_distinctive(query, pair.query) and is_distinctive(candidate, pair.candidate)


def is_distinctive(side: NameSide, index: int) -> bool:
    """A word that says which organisation or person this is, not what kind or where."""
    if side.person:
        return not side.flags[index] & INITIAL
    return not side.flags[index] & (GENERIC | LOCATION)
