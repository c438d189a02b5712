"""Candidate generation ("blocking"): the few listed names worth scoring in full for a query.

Blocking keeps latency flat as lists grow: a query looks up each of its words in an inverted
index (word -> listed names), plus the listed words within a typo, with the same spelling key,
or with the same consonant skeleton, found through a sorted table of 32-bit key hashes
(SymSpell-style deletions). The rarer words gather the listed names; a common word whose
posting list exceeds the budget only credits the names already gathered that have it too (a
sorted lookup), so a query costs about the same against ten thousand or ten million names.
Only the best-ranked couple of dozen names are then aligned and scored in full.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from trustdesk.screening.matching import features as ft
from trustdesk.screening.matching.compare import (
    SIMILARITY_FLAGS,
    NameSide,
    SimilarityCache,
    russian_places,
    token_similarity,
)
from trustdesk.screening.matching.normalize import (
    ABJAD,
    GENERIC,
    LOCATION,
    QUALIFIER,
    NameForm,
    phonetic,
    skeleton,
)

if TYPE_CHECKING:
    from trustdesk.screening.matching.index import MatchIndex

NEIGHBOUR_FACTOR = 0.8  # blocking credit of a word reached by typo or spelling key
RARE_WORD = 0.99  # a word's weight from which it is on so few entries that all are scored
MAX_TYPO_WORD = 24  # longer words are run-together names: looked up exactly, never by typo
_BUILD_CONFIG = ft.ScoringConfig()  # build-time choices: which words get typo keys


# Key hashes: CRC-32 of a kind prefix and the key, the prefix's CRC computed once.
_PHONETIC, _SKELETON, _DELETE = (zlib.crc32(prefix) for prefix in (b"p:", b"s:", b"d:"))


def h64(key: str) -> int:
    """A 64-bit key for whole names, where a 32-bit collision would pair two different names."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def _deletes(token: str, depth: int) -> set[str]:
    out = {token}
    frontier = {token}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def neighbour_keys(token: str, *, depth: int, abjad: bool) -> set[int]:
    """Hashed lookup keys of a word: spelling key, consonant skeleton, deletions up to `depth`."""
    spelling = phonetic(token)
    keys = {zlib.crc32(spelling.encode(), _PHONETIC)}
    # A Russian place's adjective and the place share a key ("Kazanskiy", "Kazan").
    keys |= {zlib.crc32(phonetic(p).encode(), _PHONETIC) for p in russian_places(token)}
    if abjad:  # vowels are missing: only the consonants can be compared
        keys.add(zlib.crc32(skeleton(token, spelling).encode(), _SKELETON))
    typo_word = _BUILD_CONFIG.one_typo_length <= len(token) <= MAX_TYPO_WORD
    if depth and typo_word and not token.isdigit():
        keys |= {zlib.crc32(d.encode(), _DELETE) for d in _deletes(token, depth)}
    return keys


def _typo_depth(index: MatchIndex, own: int | None, token: str, config: ft.ScoringConfig) -> int:
    # A word that many listed names spell this way is taken as meant: its typo neighbours (the
    # costliest lookup) are not searched, only its spelling variants. A rarer listed word may
    # be somebody's misspelling too, so it is still searched.
    if own is not None and index.idf_list[own] < 1.0:  # on more than RARE_DF entries
        return 0
    return 2 if len(token) >= config.kept_ends_two_typo_length else 1


MAX_CACHED_WORDS = 1 << 16  # a word cache is emptied when it holds this many entries


@dataclass(slots=True)
class WordCache:
    """What queries learn about words and keep for the next query: the same words recur.

    `neighbours`: each query word's listed neighbours; `similarities`: `token_similarity` of
    word pairs. Valid for one index and one configuration: `for_config` empties both when the
    configuration changes, and each is emptied when it grows past `MAX_CACHED_WORDS`.
    """

    config: ft.ScoringConfig | None = None
    neighbours: dict[tuple[str, int, bool], frozenset[int]] = field(default_factory=dict)
    similarities: SimilarityCache = field(default_factory=dict)

    def for_config(self, config: ft.ScoringConfig) -> WordCache:
        if self.config is not config and self.config != config:
            self.neighbours = {}
            self.similarities = {}
            self.config = config
        if len(self.neighbours) >= MAX_CACHED_WORDS:
            self.neighbours = {}
        if len(self.similarities) >= 4 * MAX_CACHED_WORDS:
            self.similarities = {}
        return self


def neighbours(index: MatchIndex, form: NameForm, config: ft.ScoringConfig) -> list[frozenset[int]]:
    """For each query word, the other listed words it may stand for (variant, skeleton, typo)."""
    cache = index.word_cache.for_config(config).neighbours
    keys = [
        (t, f & SIMILARITY_FLAGS, form.person) for t, f in zip(form.tokens, form.flags, strict=True)
    ]
    out = [cache.get(key) for key in keys]
    missing = [i for i, near in enumerate(out) if near is None]
    if missing:
        for i, near in zip(missing, _look_up(index, form, missing, config), strict=True):
            out[i] = cache[keys[i]] = near
    # Read from `out`, not the cache: another thread's query may empty the cache meanwhile.
    return [near or frozenset() for near in out]


def _look_up(
    index: MatchIndex, form: NameForm, which: list[int], config: ft.ScoringConfig
) -> list[frozenset[int]]:
    keys: list[int] = []
    owners: list[int] = []
    for k, i in enumerate(which):
        token = form.tokens[i]
        depth = _typo_depth(index, index.vocab.get(token), token, config)
        found = neighbour_keys(token, depth=depth, abjad=bool(form.flags[i] & ABJAD))
        keys.extend(found)
        owners.extend([k] * len(found))
    wanted = np.array(keys, dtype=np.uint32)
    lo = np.searchsorted(index.key_hash, wanted, side="left").tolist()
    hi = np.searchsorted(index.key_hash, wanted, side="right").tolist()
    found_by: list[set[int]] = [set() for _ in which]
    for owner, a, b in zip(owners, lo, hi, strict=True):
        if b > a:
            found_by[owner].update(index.key_tok[a:b].tolist())
    out: list[frozenset[int]] = []
    for k, i in enumerate(which):
        token = form.tokens[i]
        own = index.vocab.get(token)
        out.append(
            frozenset(
                tid
                for tid in found_by[k]
                if tid != own
                and token_similarity(
                    token, index.tokens[tid], form.flags[i], 0, form.person, config
                )[0]
                > 0
            )
        )
    return out


def candidates(
    index: MatchIndex, form: NameForm, q: NameSide, config: ft.ScoringConfig
) -> list[tuple[int, bool]]:
    """Listed names worth scoring, best first, each with whether it has the query's letters.

    "The query's letters": the same letters once spaces are ignored. The blocking rank of a
    listed name is the weight of the words it shares with the query over the mean weight of the
    two names; names below `min_blocking_rank` are left out unless they have the same letters.
    """
    term_ids: list[int] = []
    term_weights: list[float] = []
    rare: list[int] = []  # an organisation's distinctive words that are on a handful of entries
    # A qualifier ("… of China", "(Wuhan)") counts here as little as it does in the score, or the
    # many listed names that contain the place would crowd out the one the query names.
    q_weights = [
        w * config.qualifier_weight if f & QUALIFIER and not form.person else w
        for w, f in zip(q.weights, form.flags, strict=True)
    ]
    for i, near in enumerate(neighbours(index, form, config)):
        tid = index.vocab.get(form.tokens[i])
        if tid is not None:
            term_ids.append(tid)
            term_weights.append(q_weights[i])
            if (
                not form.person
                and index.idf_list[tid] >= RARE_WORD
                and not form.flags[i] & (GENERIC | LOCATION)
            ):
                rare.append(tid)
        term_ids.extend(near)
        term_weights.extend([q_weights[i] * NEIGHBOUR_FACTOR] * len(near))
    gathered, checked = _plan_postings(index, term_ids, term_weights, config)
    chunks = [index.post_rec[start:end] for start, end, _ in gathered]
    weights = [np.full(end - start, w, dtype=np.float32) for start, end, w in gathered]
    same_letters: set[int] = set()
    exact = np.empty(0, dtype=np.int32)
    if form.joined:
        h = np.uint64(h64(form.joined))
        lo = int(np.searchsorted(index.joined_hash, h, side="left"))
        hi = int(np.searchsorted(index.joined_hash, h, side="right"))
        exact = index.joined_rec[lo:hi]
        same_letters = set(exact.tolist())
        chunks.append(exact)
        weights.append(np.full(len(exact), sum(q_weights), dtype=np.float32))
    if not chunks:
        return []
    records, inverse = np.unique(np.concatenate(chunks), return_inverse=True)
    acc = np.bincount(inverse, weights=np.concatenate(weights)).astype(np.float64, copy=False)
    for start, end, w in checked:
        _credit_shared(records, acc, index.post_rec[start:end], w)
    ranking = acc / (0.5 * (sum(q_weights) + index.rec_weight[records]))
    if rare:
        # A distinctive word on a handful of entries brings each of them to be scored, however
        # long its name ("Hikvision" in "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.") and
        # however many short names a near spelling reaches ("Division 39"): it is the strongest
        # clue the query gives, and it costs a few names at most.
        spans = [index.post_rec[index.post_off[t] : index.post_off[t + 1]] for t in rare]
        ranking = ranking + _among(records, np.concatenate(spans))
    keep = ranking >= config.min_blocking_rank
    if same_letters:
        keep |= _among(records, exact)
    return _best(index, records[keep], ranking[keep], same_letters, config)


def _among(records: npt.NDArray[np.int32], few: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    """Which of `records` (sorted, distinct) are in `few`.

    `np.isin` sorts the thousands of gathered names again for a handful of values; a binary
    search of each value does not.
    """
    out = np.zeros(len(records), dtype=np.bool_)
    out[_where_in(records, few)] = True
    return out


def _where_in(
    records: npt.NDArray[np.int32], values: npt.NDArray[np.int32]
) -> npt.NDArray[np.intp]:
    """The positions in `records` (sorted) of the values found there, by binary search."""
    if not len(records) or not len(values):
        return np.empty(0, dtype=np.intp)
    pos = np.searchsorted(records, values)
    pos[pos == len(records)] = 0
    found: npt.NDArray[np.intp] = pos[records[pos] == values]
    return found


Span = tuple[int, int, float]  # a term's postings as post_rec[start:end], and its weight


def _plan_postings(
    index: MatchIndex, term_ids: list[int], term_weights: list[float], config: ft.ScoringConfig
) -> tuple[list[Span], list[Span]]:
    """Which terms' listed names are gathered, and which are only checked against those.

    Rarest terms first, each gathered whole while the postings budget lasts (the rarest one
    always, cut to the budget). A commoner term is not dropped: the names already gathered that
    also have it are credited with its weight, so "Reza Hsseini" still finds the names with
    both "Reza" and "Hosseini" when "Hosseini" alone has used the budget.
    """
    if not term_ids:
        return [], []
    ids = np.array(term_ids, dtype=np.int64)
    starts = index.post_off[ids].tolist()
    ends = index.post_off[ids + 1].tolist()
    order = sorted(range(len(term_ids)), key=lambda k: ends[k] - starts[k])
    gathered: list[Span] = []
    checked: list[Span] = []
    budget = config.max_postings
    for k in order:
        start, end, weight = starts[k], ends[k], term_weights[k]
        size = end - start
        if end == start:
            continue
        if gathered and size > budget:
            checked.append((start, end, weight))
            continue
        take = min(size, max(budget, 1))
        budget -= take
        gathered.append((start, start + take, weight))
    return gathered, checked


def _credit_shared(
    records: npt.NDArray[np.int32],
    acc: npt.NDArray[np.float64],
    postings: npt.NDArray[np.int32],
    weight: float,
) -> None:
    """Add `weight` to the gathered names (sorted) that are also in `postings` (sorted)."""
    # Look the shorter array up in the longer one: a binary search per element of the shorter.
    if len(postings) <= len(records):
        acc[_where_in(records, postings)] += weight
    else:
        pos = np.searchsorted(postings, records)
        pos[pos == len(postings)] = 0
        acc[postings[pos] == records] += weight


def _best(
    index: MatchIndex,
    records: npt.NDArray[np.int32],
    ranking: npt.NDArray[np.float64],
    same_letters: set[int],
    config: ft.ScoringConfig,
) -> list[tuple[int, bool]]:
    # Pool a few times more names than are scored, so that an entry listing many similar names
    # (aliases, transliterations) does not crowd other entries out of the scoring.
    pool = config.candidates * config.names_per_entry
    if len(records) > pool:
        top = np.argpartition(-ranking, pool)[:pool]
        records, ranking = records[top], ranking[top]
    records = records[np.argsort(-ranking, kind="stable")]
    per_entry: dict[int, int] = {}
    out: list[tuple[int, bool]] = []
    for r, e in zip(records.tolist(), index.rec_entry[records].tolist(), strict=True):
        seen = per_entry.get(e, 0)
        if seen < config.names_per_entry:
            per_entry[e] = seen + 1
            out.append((r, r in same_letters))
            if len(out) == config.candidates:
                break
    return out
