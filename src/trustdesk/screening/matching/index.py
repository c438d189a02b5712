"""The match index: every listed name of every loaded snapshot, as compact arrays.

`blocking` finds the few listed names worth scoring for a query; this module builds, saves and
loads the arrays, and scores and explains the candidates.

numpy holds the arrays because at a million entities Python lists of ints would need several
times the memory and would take seconds to unpickle; arrays pickle as raw buffers.
"""

from __future__ import annotations

import math
import pickle
import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import blocking, ranking, vocab
from trustdesk.screening.matching import features as ft
from trustdesk.screening.matching.compare import (
    Alignment,
    NameSide,
    SimilarityCache,
    align,
)
from trustdesk.screening.matching.explain import explain
from trustdesk.screening.matching.language import everyday_zipf
from trustdesk.screening.matching.model import Hit, NameNotScreenable, Query
from trustdesk.screening.matching.normalize import (
    GENERIC,
    INITIAL,
    QUALIFIER,
    NameForm,
    name_form,
)

FORMAT_VERSION = 24  # bump when the saved layout or the name normalisation changes: older files
# are refused, not misread (2: misspelt table words are corrected before indexing; 3: places
# named in several words are flagged as places; 4: format characters are removed, not spaces;
# 5: ordinals in digits, Russian state-body prefixes, no misspelt short given names, units of
# an institution as qualifiers, and each listed name's legal form kept; 6: hyphened short
# syllables of a person's name joined, religious titles set aside, final articles kept; 7: more
# derived acronyms per name, from a Chinese place's syllables and a legal form written in full;
# pinyin syllables written apart joined, Chinese places read as spelt in English; a dedication
# "named after …" a qualifier, and qualifiers weighing less in a listed name's blocking rank;
# "Telecoms" read as Telecommunications; 8: an organisation's countries include those of its
# registration numbers when the list gives none; 9: a place's possessive is the place; 10: an
# owner ("PLA") a qualifier, "Aviation" read as Aeronautics, more pinyin words read in English;
# 11: each word's everyday frequency; 12: "JSB" and "JSCB" legal forms; 13: Russian words of
# organisation names read in English; 14: Arabic-script articles set aside, Arabic and Persian
# organisation words read in English, 长 read "chang", 有限公司 a legal form; 15: a word's rarity
# counts the bearers of the names, one for entries on several lists with the same primary name;
# 16: Turkish company words read in English, unitary and state enterprises legal forms, "Umm",
# "Abi" and their spellings read as "Umm" and "Abu"; 17: words translated from a Chinese-script
# name flagged as such; 18: Persian joint-stock forms, "PJS" and "NJSC" legal forms; 19: the
# People's Armed Police an owner; 20: China's prefecture-level cities places; 21: a city after
# an institution, then a body there ("… University Hangzhou Innovation Institute"), a part of
# it; 22: legal forms of central Europe, the Gulf and the Levant, ApS and SAS; 23: Persian
# words of organisation names in Latin letters read in English; 24: "Tsinghua" no place)
RARE_DF = 3  # a word borne by this few entries' names or fewer counts fully
MIN_WORD_WEIGHT = 0.1  # the commonest word still counts this much
MAX_LISTED_KEPT = 1 << 14  # listed names a loaded index keeps read out of its arrays
BUILD_FORM_CACHE = 1 << 17  # names whose forms a build keeps, most recently used first
_MAGIC = "trustdesk-match-index"
# The legal forms a listed name may carry, by the code the index keeps for it (0: none): the
# first legal form of each name, one byte a name.
LEGAL_CODES: tuple[str, ...] = ("", *sorted(set(vocab.LEGAL_FORMS.values())))
_LEGAL_CODE = {form: code for code, form in enumerate(LEGAL_CODES) if code}
_BUILD_CONFIG = ft.ScoringConfig()  # build-time choices: acronym and typo lengths, ranking
# One default for every search (it is immutable): what a query's plan is kept for (`ft.plan`).
_DEFAULT_CONFIG = ft.ScoringConfig()
_IDENT = re.compile(r"[^0-9A-Z]")

IntArray = npt.NDArray[np.int64]
# A listed name as `MatchIndex._read_listed` gives it.
_Listed = tuple[tuple[Any, ...], list[int], tuple[int, ...], int, str, int]


def ident_key(value: str) -> str:
    """An identifier compared without spaces, dashes or case: 'AB 12-345' is 'AB12345'."""
    return _IDENT.sub("", value.upper())


@dataclass(slots=True)
class _Builder:
    """Growing columns of the index; typed arrays hold 4 bytes per number, not a Python int's 28."""

    vocab: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    df: array[int] = field(default_factory=lambda: array("i"))
    rec_entry: array[int] = field(default_factory=lambda: array("i"))
    rec_name: array[int] = field(default_factory=lambda: array("h"))
    rec_kind: array[int] = field(default_factory=lambda: array("b"))
    rec_legal: array[int] = field(default_factory=lambda: array("B"))  # LEGAL_CODES index
    rec_tok: array[int] = field(default_factory=lambda: array("i"))
    rec_flag: array[int] = field(default_factory=lambda: array("B"))
    rec_off: array[int] = field(default_factory=lambda: array("q", [0]))
    joined_hash: array[int] = field(default_factory=lambda: array("Q"))
    joined_rec: array[int] = field(default_factory=lambda: array("i"))

    def token_id(self, token: str) -> int:
        tid = self.vocab.get(token)
        if tid is None:
            tid = self.vocab[token] = len(self.tokens)
            self.tokens.append(token)
            self.df.append(0)
        return tid

    def add(self, entry: int, name: int, kind: int, form: NameForm) -> list[int]:
        record = len(self.rec_entry)
        self.rec_entry.append(entry)
        self.rec_name.append(name)
        self.rec_kind.append(kind)
        self.rec_legal.append(_LEGAL_CODE.get(form.legal[0], 0) if form.legal else 0)
        vocab = self.vocab
        ids = [vocab[t] if t in vocab else self.token_id(t) for t in form.tokens]
        self.rec_tok.extend(ids)
        self.rec_flag.extend(form.flags)
        self.rec_off.append(len(self.rec_tok))
        if form.joined:
            self.joined_hash.append(blocking.h64(form.joined))
            self.joined_rec.append(record)
        return ids


@dataclass(slots=True)
class _QueryCache:
    """What one query's comparisons share: word similarities (kept across queries), alignments."""

    words: SimilarityCache
    aligned: dict[tuple[Any, ...], tuple[NameSide, Alignment]] = field(default_factory=dict)


def _acronym_form(acronym: str) -> NameForm:
    return NameForm(acronym, False, (acronym,), (0,), (acronym,))


def _names_with_kinds(entry: Entry) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for name in entry.all_names():
        if name == entry.name:
            kind = ft.PRIMARY
        elif name in entry.aliases:
            kind = ft.ALIAS
        elif name in entry.original_script_names:
            kind = ft.ORIGINAL_SCRIPT
        else:
            kind = ft.WEAK_ALIAS
        out.append((name, kind))
    return out


class MatchIndex:
    """Every loaded entry, searchable by name; built once, saved, loaded in well under a second."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._d = data
        self.meta: list[tuple[Any, ...]] = data["meta"]
        self.tokens: list[str] = data["tokens"]
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(self.tokens)}
        self.idf: npt.NDArray[np.float32] = data["idf"]
        self.idf_list: list[float] = self.idf.tolist()  # Python floats: no numpy scalar per lookup
        self.everyday_list: list[float] = data["everyday"].tolist()
        self.post_off: IntArray = data["post_off"]
        self.post_rec: npt.NDArray[np.int32] = data["post_rec"]
        self.key_hash: npt.NDArray[np.uint32] = data["key_hash"]
        self.key_tok: npt.NDArray[np.int32] = data["key_tok"]
        self.joined_hash: npt.NDArray[np.uint64] = data["joined_hash"]
        self.joined_rec: npt.NDArray[np.int32] = data["joined_rec"]
        self.rec_entry: npt.NDArray[np.int32] = data["rec_entry"]
        self.rec_name: npt.NDArray[np.int16] = data["rec_name"]
        self.rec_kind: npt.NDArray[np.int8] = data["rec_kind"]
        self.rec_legal: npt.NDArray[np.uint8] = data["rec_legal"]
        self.rec_off: IntArray = data["rec_off"]
        self.rec_tok: npt.NDArray[np.int32] = data["rec_tok"]
        self.rec_flag: npt.NDArray[np.uint8] = data["rec_flag"]
        self.rec_weight: npt.NDArray[np.float32] = data["rec_weight"]
        self.word_cache = blocking.WordCache()
        # Listed names queries have scored, read out of the arrays once (`_read_listed`): the
        # same names recur across queries. Emptied past `MAX_LISTED_KEPT` (about 5 MiB).
        self._listed: dict[int, _Listed] = {}

    def __len__(self) -> int:
        return len(self.meta)

    @property
    def name_count(self) -> int:
        return len(self.rec_entry)

    # --- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls, entries: Iterable[Entry], *, progress: Callable[[int], None] | None = None
    ) -> MatchIndex:
        """An index over the entries; `progress` is called with the count every 10,000 entries."""
        b = _Builder()
        meta: list[tuple[Any, ...]] = []
        # Names recur across entries and lists (copies, common names): normalise each once
        # while it is recent. A cache of this build only, freed with it.
        form_of = lru_cache(maxsize=BUILD_FORM_CACHE)(_form)
        min_acronym = _BUILD_CONFIG.min_acronym_length
        # A word's rarity counts the bodies and people that bear it, not their entries: one
        # person on six lists ("PATRUSHEV, Dmitry Nikolayevich" on each) makes the name no more
        # common. Entries whose primary names have the same words are one bearer.
        # The words of each bearer's first entry, in one flat array (a set of (word, bearer)
        # pairs cost 14 MiB at build); sets only for the few bearers on several entries.
        bearers: dict[int, int] = {}
        first_words = array("i")
        first_at = array("q")
        repeated: dict[int, tuple[int, ...]] = {}
        for entry in entries:
            e = len(meta)
            person = entry.type == EntityType.PERSON
            names = _names_with_kinds(entry)
            meta.append(_meta(entry, names))
            primary = hash((person, tuple(sorted(form_of(entry.name, person).tokens))))
            bearer = bearers.setdefault(primary, len(bearers))
            seen: set[tuple[str, ...]] = set()  # words and spelling-free letters of each name
            entry_tokens: list[int] = []
            for ordinal, (name, kind) in enumerate(names):
                form = form_of(name, person)
                words = (*form.tokens, form.joined)
                if not form.tokens or words in seen:
                    continue
                seen.add(words)
                entry_tokens += b.add(e, ordinal, kind, form)
                if not form.acronyms and not form.derived_acronyms:
                    continue  # most names
                extra = [(a, ft.LISTED_ACRONYM) for a in form.acronyms]
                extra += [
                    (a, ft.DERIVED_ACRONYM) for a in form.derived_acronyms if len(a) >= min_acronym
                ]
                for acronym, acronym_kind in extra:
                    if (acronym,) not in seen:
                        seen.add((acronym,))
                        entry_tokens += b.add(e, ordinal, acronym_kind, _acronym_form(acronym))
            tids = set(entry_tokens)
            if bearer == len(first_at):  # the bearer's first entry: most entries
                first_at.append(len(first_words))
                first_words.extend(tids)
            else:
                held = repeated.get(bearer)
                if held is None:
                    end = first_at[bearer + 1] if bearer + 1 < len(first_at) else len(first_words)
                    held = tuple(first_words[first_at[bearer] : end])
                tids = tids.difference(held)
                repeated[bearer] = (*held, *tids)
            for tid in tids:
                b.df[tid] += 1
            if progress is not None and len(meta) % 10000 == 0:
                progress(len(meta))
        del bearers, first_words, first_at, repeated, form_of  # freed before the arrays' peak
        return cls(_arrays(b, meta))

    # --- persistence ----------------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        """Write the index to one file (a pickle of arrays and plain tuples), atomically."""
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump((_MAGIC, FORMAT_VERSION, self._d), fh, protocol=5)
        tmp.replace(target)

    @classmethod
    def load(cls, path: Path | str) -> MatchIndex:
        """Read an index written by `save`; only load files this program wrote (it is a pickle)."""
        with Path(path).open("rb") as fh:
            loaded = pickle.load(fh)  # noqa: S301 - our own file, see docstring
        if not (isinstance(loaded, tuple) and loaded[:2] == (_MAGIC, FORMAT_VERSION)):
            raise ValueError(f"{path} is not a trustdesk match index of version {FORMAT_VERSION}")
        return cls(loaded[2])

    # --- searching ------------------------------------------------------------------------

    def search(
        self,
        query: Query,
        *,
        threshold: float = ft.DEFAULT_THRESHOLD,
        limit: int = 10,
        config: ft.ScoringConfig | None = None,
    ) -> list[Hit]:
        """Entries whose names match the query at or above `threshold`, best first, explained.

        Raises NameNotScreenable when the name has nothing to compare (see `check_name`).
        """
        config = config or _DEFAULT_CONFIG
        best: dict[int, tuple[float, Any]] = {}
        for form in _query_forms(query):
            person = form.person
            q_side = self._query_side(form, query, config)
            cache = _QueryCache(self.word_cache.for_config(config).similarities)
            features = ft.plan(q_side, config)
            for record, same_letters in blocking.candidates(self, form, q_side.name, config):
                entry = int(self.rec_entry[record])
                if not _type_fits(query.type, self.meta[entry][2], person):
                    continue
                c_side = self._candidate_side(record, q_side.name, config, cache, same_letters)
                score, fired = ft.score(q_side, c_side, config, floor=threshold, features=features)
                if score < threshold or not ft.kind_admits(q_side, c_side, config):
                    continue
                found = (score, (q_side, c_side, fired, record))
                held = best.get(entry)
                # Of one entry's names, the best-scoring one is shown; on a tie, the one that
                # ranks first by the same rule as hits do.
                if held is None or self._order(query.name, entry, found) < self._order(
                    query.name, entry, held
                ):
                    best[entry] = found
        ranked = sorted(best.items(), key=lambda kv: self._order(query.name, *kv))
        return [self._hit(entry, score, parts) for entry, (score, parts) in ranked[:limit]]

    def _order(self, query: str, entry: int, found: tuple[float, Any]) -> tuple[Any, ...]:
        score, (_, _, _, record) = found
        meta = self.meta[entry]
        listed = meta[3][int(self.rec_name[record])]
        primary = int(self.rec_kind[record]) == ft.PRIMARY
        return (-score, *ranking.tie_break(query, listed, meta[0], primary), meta[:2])

    def _weight(self, tid: int | None, flags: int, person: bool, config: ft.ScoringConfig) -> float:
        weight = 1.0 if tid is None else float(self.idf[tid])
        if flags & INITIAL:
            return weight * config.initial_weight
        if not person and flags & GENERIC:
            return weight * config.generic_weight
        return weight

    def _weights(
        self, tids: list[int], flags: tuple[int, ...], person: bool, config: ft.ScoringConfig
    ) -> tuple[float, ...]:
        """`_weight` of each listed word, in one pass (this runs for every scored candidate)."""
        idf = self.idf_list
        initial, generic = config.initial_weight, config.generic_weight
        return tuple(
            [
                idf[t]
                if not f  # most words
                else idf[t]
                * (initial if f & INITIAL else generic if f & GENERIC and not person else 1.0)
                for t, f in zip(tids, flags, strict=True)
            ]
        )

    def _query_side(self, form: NameForm, query: Query, config: ft.ScoringConfig) -> ft.QuerySide:
        tids = [self.vocab.get(t) for t in form.tokens]
        weights = tuple(
            self._weight(tid, f, form.person, config)
            for tid, f in zip(tids, form.flags, strict=True)
        )
        everyday = self.everyday_list
        side = NameSide(
            form.text,
            form.person,
            form.tokens,
            form.flags,
            weights,
            form.surfaces,
            form.legal,
            form.joined,
            tuple(0.0 if tid is None else everyday[tid] for tid in tids),  # unseen: never written
        )
        country = to_iso2(query.country) if query.country else None
        return ft.QuerySide(
            side,
            query.type.value if query.type else None,
            country,
            query.birth_date,
            tuple(ident_key(i) for i in query.identifiers),
        )

    def _candidate_side(
        self,
        record: int,
        q: NameSide,
        config: ft.ScoringConfig,
        cache: _QueryCache,
        same_letters: bool,
    ) -> ft.CandidateSide:
        listed = self._listed.get(record)
        if listed is None:
            if len(self._listed) >= MAX_LISTED_KEPT:
                self._listed = {}
            listed = self._listed[record] = self._read_listed(record)
        meta, tids, flags, kind, text, code = listed
        # Person logic only when both sides are people: a person's name met as an organisation
        # query ("Leonardo S.p.A.") is compared as organisations are.
        person = meta[2] == _PERSON and q.person
        # Copies of one name on several lists align alike: align each distinct name once.
        key = (*tids, -1, *flags, person, same_letters, code)
        done = cache.aligned.get(key)
        if done is None:
            names = self.tokens
            tokens = tuple([names[t] for t in tids])
            weights = self._weights(tids, flags, person, config)
            joined = q.joined if same_letters else ""
            legal = (LEGAL_CODES[code],) if code else ()
            everyday = self.everyday_list
            common = tuple([everyday[t] for t in tids])
            side = NameSide(text, person, tokens, flags, weights, tokens, legal, joined, common)
            done = cache.aligned[key] = (side, align(q, side, config, cache.words))
        side, alignment = done
        if kind in (ft.LISTED_ACRONYM, ft.DERIVED_ACRONYM):
            text = side.tokens[0].upper()
        if side.text != text:  # another copy of the same words: one more NameSide, not replace()
            side = NameSide(
                text,
                side.person,
                side.tokens,
                side.flags,
                side.weights,
                side.surfaces,
                side.legal,
                side.joined,
                side.everyday,
            )
        return ft.CandidateSide(side, kind, alignment, meta[2], meta[4], meta[5], meta[6])

    def _read_listed(self, record: int) -> _Listed:
        """A listed name's entry facts, words, flags, kind, text and legal form, in Python."""
        entry = int(self.rec_entry[record])
        meta = self.meta[entry]
        start, end = int(self.rec_off[record]), int(self.rec_off[record + 1])
        return (
            meta,
            self.rec_tok[start:end].tolist(),
            tuple(self.rec_flag[start:end].tolist()),
            int(self.rec_kind[record]),
            meta[3][int(self.rec_name[record])],
            int(self.rec_legal[record]),
        )

    def _hit(self, entry: int, score: float, parts: Any) -> Hit:
        q_side, c_side, fired, record = parts
        meta = self.meta[entry]
        full = meta[3][int(self.rec_name[record])]
        return Hit(
            meta[0],
            meta[1],
            meta[3][0],
            c_side.name.text,
            q_side.name.text,
            score,
            lambda: _explanation(meta, full, q_side, c_side, score, fired),
            fired,
        )


def _explanation(
    meta: tuple[Any, ...],
    full: str,
    q_side: ft.QuerySide,
    c_side: ft.CandidateSide,
    score: float,
    fired: tuple[tuple[str, float, str], ...],
) -> str:
    """The hit's plain-English explanation, with the listed name's words as the list writes them."""
    c_name = c_side.name
    if c_side.kind not in (ft.LISTED_ACRONYM, ft.DERIVED_ACRONYM):
        form = _listed_form(full, c_name.person)
        if form.tokens == c_name.tokens:
            c_name = NameSide(
                full,
                c_name.person,
                c_name.tokens,
                c_name.flags,
                c_name.weights,
                form.surfaces,
                form.legal,
            )
    side = ft.CandidateSide(c_name, c_side.kind, c_side.alignment, meta[2], *_facts(meta))
    text = explain(q_side.name, side, score, fired)
    if c_side.kind == ft.DERIVED_ACRONYM:
        text += f" The acronym stands for '{full}'."
    return text


def _form(name: str, person: bool) -> NameForm:
    return name_form(name, person=person)


@lru_cache(maxsize=4096)
def _listed_form(name: str, person: bool) -> NameForm:
    """A listed name's form, for its explanation: the same entries are hit again and again."""
    return name_form(name, person=person)


def _facts(meta: tuple[Any, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    return meta[4], meta[5], meta[6]


def _type_fits(wanted: EntityType | None, listed: str, person: bool) -> bool:
    """Whether a listed entry is compared with the query read as a person's name (or not).

    An untyped query is read as a person's name for people and as an organisation's for the
    rest; a typed query is read one way and meets every entry of a kind it can be
    (`type_differs` weighs the rest), except that an organisation or person query never meets
    a vessel or an aircraft.
    """
    if wanted is not None:
        # An organisation or a person is never a vessel or an aircraft: a ship called "Snow"
        # is not a university, nor a tanker's alias "Y CHUN" a researcher. People met by an
        # organisation query, and organisations by a person query, are judged in `kind_admits`.
        return not (wanted in _PEOPLE_AND_BODIES and listed in _CRAFT)
    return (listed == _PERSON) == person


# `_type_fits` runs for every listed name a query gathers: plain strings, not enum lookups.
_PEOPLE_AND_BODIES = frozenset((EntityType.ORGANIZATION.value, EntityType.PERSON.value))
_CRAFT = frozenset((EntityType.VESSEL.value, EntityType.AIRCRAFT.value))
_PERSON = EntityType.PERSON.value


def check_name(query: Query) -> None:
    """Refuse (NameNotScreenable) a query whose name has no word to compare in any reading.

    Callers that would otherwise load the index first (a web request, the CLI) call this before;
    `MatchIndex.search` applies the same check, so no path answers "no match" for such a name.
    """
    _query_forms(query)


def _query_forms(query: Query) -> list[NameForm]:
    """The query's readings (as an organisation's and/or a person's name) that have words."""
    if not isinstance(query.name, str):
        raise TypeError(f"a query name must be text, not {type(query.name).__name__}")
    forms = [name_form(query.name, person=person) for person in _modes(query.type)]
    kept = [form for form in forms if form.tokens]
    if not kept:
        raise NameNotScreenable(query.name)
    return kept


def _modes(kind: EntityType | None) -> tuple[bool, ...]:
    if kind is None:
        return (False, True)
    return (kind == EntityType.PERSON,)


def _meta(entry: Entry, names: list[tuple[str, int]]) -> tuple[Any, ...]:
    return (
        entry.source,
        entry.source_id,
        entry.type.value,
        tuple(n for n, _ in names) or (entry.name,),
        entry.known_countries(),
        entry.dates_of_birth,
        tuple(sorted({ident_key(i.value) for i in entry.identifiers} - {""})),
    )


def _arrays(b: _Builder, meta: list[tuple[Any, ...]]) -> dict[str, Any]:
    n = max(len(meta), RARE_DF + 1)
    scale = math.log(n / RARE_DF)
    df = np.frombuffer(b.df, dtype=np.int32).astype(np.float64)
    idf = np.clip(np.log(n / np.maximum(df, 1)) / scale, MIN_WORD_WEIGHT, 1.0).astype(np.float32)
    rec_tok = np.frombuffer(b.rec_tok, dtype=np.int32)
    rec_flag = np.frombuffer(b.rec_flag, dtype=np.uint8)
    rec_off = np.frombuffer(b.rec_off, dtype=np.int64)
    rec_count = len(b.rec_entry)
    rec_of_tok = np.repeat(np.arange(rec_count, dtype=np.int32), np.diff(rec_off))
    tok_w = idf[rec_tok] * np.where(rec_flag & GENERIC, _BUILD_CONFIG.generic_weight, 1.0)
    # A qualifier ("(Wuhan)", a dedication "named after …") weighs in a listed name's blocking
    # rank as little as in the query's, or a long dedication would keep the name out of reach.
    tok_w *= np.where(rec_flag & QUALIFIER, _BUILD_CONFIG.qualifier_weight, 1.0)
    rec_weight = np.bincount(rec_of_tok, weights=tok_w, minlength=rec_count).astype(np.float32)
    # One posting per (word, listed name), sorted by word: a single 1-D sort of packed int64s.
    packed = np.unique(rec_tok.astype(np.int64) * max(rec_count, 1) + rec_of_tok)
    post_tok, post_rec = np.divmod(packed, max(rec_count, 1))
    post_off = np.zeros(len(b.tokens) + 1, dtype=np.int64)
    np.cumsum(np.bincount(post_tok, minlength=len(b.tokens)), out=post_off[1:])
    key_hash, key_tok = array("I"), array("i")
    for tid, token in enumerate(b.tokens):
        keys = blocking.neighbour_keys(token, depth=1, abjad=True)
        key_hash.extend(keys)
        key_tok.extend([tid] * len(keys))
    hashes = np.frombuffer(key_hash, dtype=np.uint32)
    order = np.argsort(hashes, kind="stable")
    joined_hash = np.frombuffer(b.joined_hash, dtype=np.uint64)
    joined_order = np.argsort(joined_hash, kind="stable")
    return {
        "meta": meta,
        "tokens": b.tokens,
        "idf": idf,
        "everyday": everyday_zipf(b.tokens),
        "post_off": post_off,
        "post_rec": post_rec.astype(np.int32),
        "key_hash": hashes[order].copy(),
        "key_tok": np.frombuffer(key_tok, dtype=np.int32)[order].copy(),
        "joined_hash": joined_hash[joined_order].copy(),
        "joined_rec": np.frombuffer(b.joined_rec, dtype=np.int32)[joined_order].copy(),
        "rec_entry": np.frombuffer(b.rec_entry, dtype=np.int32),
        "rec_name": np.frombuffer(b.rec_name, dtype=np.int16),
        "rec_kind": np.frombuffer(b.rec_kind, dtype=np.int8),
        "rec_legal": np.frombuffer(b.rec_legal, dtype=np.uint8),
        "rec_off": rec_off,
        "rec_tok": rec_tok,
        "rec_flag": rec_flag,
        "rec_weight": rec_weight,
    }
