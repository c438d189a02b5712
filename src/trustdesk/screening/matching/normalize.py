"""A name as comparable tokens, keeping the original beside them for explanations.

The same function reads listed names at index time and query names at search time, so both
sides always agree on spelling rules. Organisation and person names differ: legal forms,
abbreviations and place qualifiers only mean something in an organisation's name ("Min" is an
abbreviation of ministry and a Korean given name), given-name variants and patronymics only in a
person's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import OSA

from trustdesk.screening.matching import vocab
from trustdesk.screening.matching.translit import Piece, strip_format, to_latin

# Per-token flags, one small int per token so that the index can store them in a byte array.
QUALIFIER = 1  # in brackets or after a final comma: "(Wuhan)", ", Beijing"
INITIAL = 2  # a single letter standing for a given name
PATRONYMIC = 4  # Russian/Ukrainian father's name, often left out
ABJAD = 8  # transliterated from Arabic, Persian or Hebrew script: vowels are missing
GENERIC = 16  # says what kind of organisation, not which one
LOCATION = 32  # a place name
EXPANDED = 64  # read from an abbreviation, a legal form phrase or a pinyin word
TRANSLATED = 128  # an English word read from a Chinese or Persian name; the highest flag (uint8)

MIN_PATRONYMIC = 7  # "Ilyich" is a given name as often as a patronymic

# Titles, not names: forms of address, and the religious titles lists write before a name
# ("Haji Abdul BARI", "Mullah Mohammed Shah") that people leave out or add at will.
_HONORIFICS = vocab.words(
    "mr mrs ms miss dr prof sir jr sr ii iii iv hon "
    "haji hajji hadji alhaji mullah mulla mawlawi maulvi maulavi maulana mawlana qari"
)
_MAX_PHRASE = max(len(phrase.split()) for phrase in vocab.LEGAL_FORMS)
_LEGAL_FIRST_WORDS = frozenset(phrase.split()[0] for phrase in vocab.LEGAL_FORMS)
_INITIALISM = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")
_AMP_IN_WORD = re.compile(r"(?<=[a-z0-9])\s*&\s*(?=[a-z0-9]\b)")
# "A and M", "A y S": two letters joined by a word for "and" are the "A&M" of the other spelling.
_AND_IN_INITIALS = re.compile(r"(?<=\b[a-z0-9]) +(?:and|y|et|und) +(?=[a-z0-9]\b)")
_AND_WORDS = re.compile(r" (?:and|y|et|und) ")
_DOUBLED = re.compile(r"(.)\1+")
_NO_APOSTROPHES = str.maketrans("", "", "'`´‘’ʼʻ")
_TOKEN = re.compile(r"[a-z0-9&]+|[()\[\]{},;]|\s[-–—]\s")


@dataclass(frozen=True, slots=True)
class NameForm:
    """One comparable reading of a name: tokens in order, each with its flags and source word."""

    text: str
    person: bool
    tokens: tuple[str, ...]
    flags: tuple[int, ...]
    surfaces: tuple[str, ...]
    legal: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()  # the name's own acronyms, from brackets: "(VNIITF)"
    # Initials of the name's words ("NUDT"), and readings people also use: the initials of each
    # syllable of a Chinese place ("Hefei" as HF: "HFUT"), a full-word legal form's initial
    # ("Iran Foreign Investment Company" as IFIC). The plain initials come first.
    derived_acronyms: tuple[str, ...] = ()
    joined: str = ""  # every core word run together, for "Bei Hang" / "Beihang"


@dataclass(slots=True)
class _Tok:
    text: str
    segment: int
    bracket: bool
    flags: int = 0
    surface: str = ""


@lru_cache(maxsize=1 << 16)
def token_flags(token: str) -> int:
    """Flags that belong to a word wherever it appears (generic, place, patronymic, initial)."""
    flags = 0
    if token in vocab.GENERIC_WORDS:
        flags |= GENERIC
    if token in vocab.LOCATIONS:
        flags |= LOCATION
    if len(token) == 1 and token.isalpha():
        flags |= INITIAL
    if len(token) >= MIN_PATRONYMIC and token.endswith(vocab.PATRONYMIC_SUFFIXES):
        flags |= PATRONYMIC
    return flags


# Two parts of a person's name joined by a hyphen: "Seo-ah", "Ji-an", "Ho-chin".
_HYPHENED = re.compile(r"\b([a-z]+)-([a-z]+)\b")
_HYPHEN_WORD = re.compile(r"\b[a-z]+(?:-[a-z]+)+\b")


def _join_syllables(match: re.Match[str]) -> str:
    """A hyphened given name of two short syllables is one name: "Seo-ah" is "Seoah", not "Ah".

    Korean and Chinese given names are often written so; a listed "AH HAN" shares a syllable
    with "Seo-ah Han", not a name. Articles ("Al-Ahmad") and longer parts ("Ali-Reza",
    "Jean-Pierre", each part a name of its own; "Ho-chin", whose syllables lists write apart
    and in other romanisations) stay apart; a list that writes short syllables apart ("Ji An")
    still meets the joined name through `compare`'s joined-word repair.
    """
    first, second = match.group(1), match.group(2)
    short = min(len(first), len(second)) <= 2 and len(first) + len(second) <= 5
    if not short or first in vocab.PARTICLES or second in vocab.PARTICLES:
        return match.group(0)
    return first + second


# A word's possessive: "Moscow's", "Moscow’s".
_POSSESSIVE = re.compile(r"\b([a-z]+)['’ʼ]s\b")


def _place_of_possessive(match: re.Match[str]) -> str:
    """A place's possessive is the place: "Moscow's Higher School" is Moscow's school.

    Only for places: "People's University" stays one word, as lists write it "Peoples".
    """
    place = match.group(1)
    return place if place in vocab.LOCATIONS else match.group(0)


def _raw_tokens(pieces: list[Piece], person: bool = False) -> list[_Tok]:
    out: list[_Tok] = []
    segment, bracket = 0, False
    for piece in pieces:
        if piece.han:
            out.extend(
                _Tok(w, segment, bracket, EXPANDED | TRANSLATED, w)
                for w in _pinyin_words(piece.text)
            )
            continue
        text = piece.text
        if "'" in text or "`" in text or not text.isascii():  # few names have apostrophes
            if not person:
                text = _POSSESSIVE.sub(_place_of_possessive, text)
            text = text.translate(_NO_APOSTROPHES)
        if "." in text:  # each rewrite only where its character occurs: most names have none
            text = _INITIALISM.sub(lambda m: m.group(0).replace(".", "") + " ", text)
        if "&" in text:
            text = _AMP_IN_WORD.sub("&", text)
        if not person and _AND_WORDS.search(text):  # most names have no such word: no scan
            text = _AND_IN_INITIALS.sub("&", text)
        compounds: list[tuple[int, int, str]] = []
        if person and "-" in text:
            text = _HYPHENED.sub(_join_syllables, text)
            # Each part of a hyphened name keeps the whole as its surface: "Min-jun" agrees
            # with a listed "Min" in part only (`features.hyphened_name_in_part`).
            compounds = [(*m.span(), m.group(0)) for m in _HYPHEN_WORD.finditer(text)]
        flag = ABJAD if piece.abjad else 0
        words = _TOKEN.findall(text)
        # Where each word starts, only for a hyphened compound's parts: most names need none.
        starts = [m.start() for m in _TOKEN.finditer(text)] if compounds else []
        for k, word in enumerate(words):
            if word[0].isalnum() and word[-1] != "&":  # a plain word: most tokens
                surface = word
                if compounds:  # only a person's name with a hyphen
                    start = starts[k]
                    surface = next((w for a, b, w in compounds if a <= start < b), word)
                out.append(_Tok(word, segment, bracket, flag, surface))
            elif word in "([{":
                bracket, segment = True, segment + 1
            elif word in ")]}":
                bracket, segment = False, segment + 1
            elif word in ",;" or word.strip() in "-–—":
                segment += 1
            else:
                word = word.strip("&")
                if word:
                    out.append(_Tok(word, segment, bracket, flag, word))
    return out


# Pinyin syllables that start with a vowel: inside a run of syllables written apart ("Xi An Dian
# Zi") they are syllables too, though alone they are read as words.
_VOWEL_SYLLABLES = vocab.words("a ai an ang ao e ei en eng er o ou")


def _is_syllable(word: str) -> bool:
    return word in vocab.PINYIN_SYLLABLES or word in _VOWEL_SYLLABLES


def _join_pinyin_runs(toks: list[_Tok]) -> list[_Tok]:
    """Pinyin written a syllable at a time ("Bei Jing Hang Kong Da Xue") read as its words.

    A run of two or more words of one segment that are each a pinyin syllable is grouped as
    Han text is (`_pinyin_words`): glossary words apart, the syllables between them joined, so
    "Da Lian Li Gong Da Xue" reads as "Dalian Ligong Daxue". Only a run that spells a word the
    glossary translates across its syllables is read so: that shows the syllables were written
    apart, where "Li Ning" alone may be two words and "Jiao Tong" keeps its letters for "SJTU".
    """
    texts = [t.text for t in toks]
    if _GLOSSARY_STARTS.isdisjoint(texts) or not any(
        a in _GLOSSARY_STARTS and _is_syllable(b) for a, b in pairwise(texts)
    ):
        return toks  # most names: no translated word written in syllables
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        end = k
        while (
            end < len(toks)
            and _is_syllable(toks[end].text)
            and toks[end].segment == toks[k].segment
        ):
            end += 1
        if end - k < 2:
            out.append(toks[k])
            k += 1
            continue
        run = toks[k:end]
        words = _pinyin_words(" ".join(t.text for t in run))
        if len(words) == len(run) or not any(_translated(w) for w in words):
            out.extend(run)
        else:
            start = 0
            for word in words:
                parts = run[start : start + _syllable_count(word, run, start)]
                start += len(parts)
                first = parts[0]
                surface = " ".join(t.surface for t in parts)
                flags = first.flags | EXPANDED  # read as Han text is: no initials of its own
                out.append(_Tok(word, first.segment, first.bracket, flags, surface))
        k = end
    return out


def _first_syllable(word: str) -> str:
    """The first of the fewest pinyin syllables that spell a word."""
    return (pinyin_syllables(word) or (word,))[0]


def _translated(word: str) -> bool:
    """A glossary word of two syllables or more read as English ("daxue" as University)."""
    return vocab.PINYIN_GLOSSARY.get(word, (word,)) != (word,) and not _is_syllable(word)


def _syllable_count(word: str, run: list[_Tok], start: int) -> int:
    """How many of the run's syllables, from `start`, spell `word`."""
    spelled, count = "", 0
    while spelled != word and start + count < len(run):
        spelled += run[start + count].text
        count += 1
    return count


def _pinyin_word(word: str) -> bool:
    """A word of its own in pinyin text: a glossary word or a known place ("Haerbin")."""
    return (
        word in vocab.PINYIN_GLOSSARY
        or word in vocab.PINYIN_PLACE_NAMES
        or (word in vocab.LOCATIONS)
    )


def _pinyin_words(syllables: str) -> list[str]:
    """Pinyin syllables grouped into words: glossary words and places apart, runs between joined."""
    parts = syllables.split()
    words: list[str] = []
    buffer = ""
    i = 0
    while i < len(parts):
        for size in (4, 3, 2):
            word = "".join(parts[i : i + size])
            if i + size <= len(parts) and _pinyin_word(word):
                if buffer:
                    words.append(buffer)
                words.append(word)
                buffer = ""
                i += size
                break
        else:
            buffer += parts[i]
            i += 1
    if buffer:
        words.append(buffer)
    return words


# Misspelt vocabulary. A word this long that is one typo away from exactly one word of the
# tables (a generic word, an abbreviation, a legal form) is read as that word, so that
# "Idustries" is expanded like "Industries" and "LIMITTD" is set aside like "LIMITED".
MIN_MISSPELT_LENGTH = 7
# Given names: the shortest word read as a misspelt given name. Shorter given names are often
# other names one letter away ("Karim" is not "Kasim"), and reading them as a misspelling
# chains a typo onto a spelling variant.
MIN_MISSPELT_NAME_LENGTH = 6
_SINGLE_LEGAL = frozenset(k for k in vocab.LEGAL_FORMS if " " not in k)
_KNOWN = vocab.GENERIC_WORDS | frozenset(vocab.ABBREVIATIONS) | _SINGLE_LEGAL


def _one_deletes(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _typo_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {}
    for word in _KNOWN:
        if len(word) >= MIN_MISSPELT_LENGTH and word.isalpha():
            for key in _one_deletes(word):
                table.setdefault(key, set()).add(word)
    return {key: tuple(sorted(words)) for key, words in table.items()}


_TYPOS = _typo_table()
# First and last letters of the table words: a misspelling keeps both, so other words are out.
_TYPO_ENDS = frozenset((w[0], w[-1]) for w in _KNOWN if len(w) >= MIN_MISSPELT_LENGTH)


@lru_cache(maxsize=1 << 16)
def misspelt_vocabulary(word: str) -> str:
    """The table word a long word misspells by one typo, or '' when none or several fit.

    One letter added, dropped, changed, or two swapped inside the word: the first and last
    letters must be kept, since a changed ending is more often another word ("Advance" is not
    "Advanced") than a slip. The word itself must be in no table.
    """
    if len(word) < MIN_MISSPELT_LENGTH - 1 or (word[0], word[-1]) not in _TYPO_ENDS:
        return ""
    if word in _KNOWN or not word.isalpha() or russian_gloss(word):  # "Universitet" is Russian
        return ""
    found = {w for key in _one_deletes(word) for w in _TYPOS.get(key, ())}
    # The only line here that crosses into the rapidfuzz primitive.
    fits = [
        w
        for w in found
        if w[0] == word[0] and w[-1] == word[-1] and OSA.distance(word, w, score_cutoff=1) <= 1
    ]
    return fits[0] if len(fits) == 1 else ""


_NAME_TYPOS: dict[str, frozenset[str]] = {}
for _variant in vocab.NAME_VARIANTS:
    if len(_variant) >= MIN_MISSPELT_NAME_LENGTH - 1:
        for _key in _one_deletes(_variant):
            _NAME_TYPOS[_key] = _NAME_TYPOS.get(_key, frozenset()) | {_variant}


@lru_cache(maxsize=1 << 16)
def misspelt_given_name(word: str) -> str:
    """The usual spelling of the given name a word misspells by one typo, or '' when unsure.

    As for table words: one letter added, dropped, changed, or two swapped inside the word, its
    first and last letters kept, and the misspelt names must all be spellings of one name
    ("Ahemt" is Ahmet, so Ahmad; "Hseyin" is Huseyin, so Hussein).
    """
    if len(word) < MIN_MISSPELT_NAME_LENGTH or word in vocab.NAME_VARIANTS or not word.isalpha():
        return ""
    found = {v for key in _one_deletes(word) for v in _NAME_TYPOS.get(key, ())}
    # The only line here that crosses into the rapidfuzz primitive for given names.
    names = {
        vocab.NAME_VARIANTS[v]
        for v in found
        if v[0] == word[0] and v[-1] == word[-1] and OSA.distance(word, v, score_cutoff=1) <= 1
    }
    return names.pop() if len(names) == 1 else ""


def _correct_misspelt(toks: list[_Tok]) -> None:
    """Read misspelt table words as the words they misspell; a legal form only at a segment's end.

    Legal forms are only recognised where they stand, at the end, because a distinctive name one
    letter away from "Limited" in front of a name would otherwise be dropped as a legal form.
    """
    for k, tok in enumerate(toks):
        if len(tok.text) < MIN_MISSPELT_LENGTH - 1:  # most words: too short to be corrected
            continue
        target = misspelt_vocabulary(tok.text)
        if not target:
            continue
        at_end = k == len(toks) - 1 or toks[k + 1].segment != tok.segment
        if target in _SINGLE_LEGAL and not (at_end and k > 0):
            continue
        tok.text = target


def _at_edge(toks: list[_Tok], start: int, end: int, *, last_only: bool = False) -> bool:
    """Whether toks[start:end] begins or ends its segment (only ends, `last_only`), stopwords aside.

    A legal form moved or cut with its connective ("Grupo Zait S.A. de", from "S.A. de C.V.")
    still stands at the name's edge: a dangling "de" or "and" names nothing, nor does a legal
    form after it.
    """
    before = start - 1
    while before >= 0 and toks[before].text in vocab.STOPWORDS:
        before -= 1
    after = end
    # Another form after it ends the name as well: "Intrust PLC EAD".
    while after < len(toks) and (
        toks[after].text in vocab.STOPWORDS or toks[after].text in vocab.LEGAL_FORMS
    ):
        after += 1
    segment_start, segment_end = toks[start].segment, toks[end - 1].segment
    ends = after == len(toks) or toks[after].segment != segment_end
    return ends or (not last_only and (before < 0 or toks[before].segment != segment_start))


# At most this many words after a company's legal form are its seat or branch: "VECTURA TRANS DOO
# NOVI BEOGRAD", "… TANKER COMPANY LLC SHARJAH BRANCH".
MAX_SEAT_WORDS = 3


def _seat_after(
    toks: list[_Tok], kept: list[_Tok], i: int, size: int, canonical: str
) -> list[_Tok]:
    """The few words after a legal form's abbreviation, ending the name: its seat or branch.

    A register writes the form where the name ends and the seat or branch after it; the other
    spelling leaves the seat out, so the seat qualifies the name. Two-letter forms ("AS", "AG")
    are too often other words, and "Co" is left alone: "Tarlo Co Research Institute" is a part.
    """
    end = i + size
    rest = toks[end:]
    if (
        size != 1
        or canonical == "co"
        or not 3 <= len(toks[i].text) <= 5
        or not rest
        or len(rest) > MAX_SEAT_WORDS
        or not kept
        or kept[-1].segment != toks[i].segment
        or any(t.text in _LEGAL_FIRST_WORDS or t.bracket for t in rest)
    ):
        return []
    return rest


def _strip_legal(toks: list[_Tok]) -> tuple[list[_Tok], list[str]]:
    """Legal-form phrases out of an organisation name; short ones only at a segment's edge."""
    kept: list[_Tok] = []
    legal: list[str] = []
    i = 0
    while i < len(toks):
        if toks[i].text not in _LEGAL_FIRST_WORDS:  # most words start no legal phrase
            kept.append(toks[i])
            i += 1
            continue
        for size in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
            span = toks[i : i + size]
            phrase = " ".join(t.text for t in span)
            canonical = vocab.LEGAL_FORMS.get(phrase)
            if canonical is None:
                continue
            last_only = phrase in vocab.TRAILING_LEGAL_FORMS
            at_edge = _at_edge(toks, i, i + size, last_only=last_only)
            seat = _seat_after(toks, kept, i, size, canonical)
            if size > 1 or len(phrase) >= 4 or at_edge or seat:
                legal.append(canonical)
                for tok in seat:
                    tok.flags |= QUALIFIER
                i += size
                break
        else:
            kept.append(toks[i])
            i += 1
    if not kept:  # a name made only of legal words ("Company Limited") keeps them as words
        return toks, []
    return kept, legal


_PLACE_FIRST_WORDS = frozenset(phrase.split()[0] for phrase in vocab.PLACE_PHRASES)
_MAX_PLACE_WORDS = max(len(phrase.split()) for phrase in vocab.PLACE_PHRASES)


def _mark_place_phrases(toks: list[_Tok]) -> None:
    """The words of a place named in several words ("Buenos Aires") are places, there only."""
    i = 0
    while i < len(toks):
        if toks[i].text in _PLACE_FIRST_WORDS:  # most words start no place name
            for size in range(min(_MAX_PLACE_WORDS, len(toks) - i), 1, -1):
                span = toks[i : i + size]
                phrase = " ".join(t.text for t in span)
                if span[-1].segment == span[0].segment and phrase in vocab.PLACE_PHRASES:
                    for tok in span:
                        tok.flags |= LOCATION
                    i += size - 1
                    break
        i += 1


def _mark_qualifiers(toks: list[_Tok]) -> None:
    """Brackets, a short final comma segment and trailing place names qualify the name."""
    last_segment = toks[-1].segment
    tail = [t for t in toks if t.segment == last_segment]
    tail_is_qualifier = last_segment > toks[0].segment and len(tail) <= 2 and not tail[0].bracket
    for tok in toks:
        if tok.bracket or (tail_is_qualifier and tok.segment == last_segment):
            tok.flags |= QUALIFIER
    # The words once, for the rules below (none changes a word): most names meet none of them.
    texts = [t.text for t in toks]
    _mark_units(toks, texts)
    _mark_dedication(toks, texts)
    _mark_owner(toks, texts)
    # "Xidian University Xi'an": places after the last non-place word, when the name has one.
    for tok in reversed(toks):
        if not (tok.flags & LOCATION or tok.text in vocab.LOCATIONS) or tok is toks[0]:
            break
        tok.flags |= QUALIFIER


def _mark_owner(toks: list[_Tok], texts: list[str]) -> None:
    """The armed force or body an institution belongs to qualifies its name.

    Lists write "PLA Army Infantry Academy", "Army Infantry Academy of PLA" and "Army Infantry
    Academy" for one body, and so do people: the owner counts as little as a bracketed
    qualifier, given or left out, when the name says more than the owner.
    """
    if (
        vocab.OWNER_WORDS.isdisjoint(texts)
        and _OWNER_FIRST_WORDS.isdisjoint(texts)
        and not (
            _OWNER_GLOSS_START.search(" ".join(texts))
            and any(_in_english(text) in _OWNER_FIRST_WORDS for text in texts)
        )
    ):
        return  # most names: no owner, and no word an owner's phrase starts with
    owned = [k for k, text in enumerate(texts) if text in vocab.OWNER_WORDS]
    # The phrases match the words that are not stopwords: "Ministry of Defence of the …".
    places = [k for k, text in enumerate(texts) if text not in vocab.STOPWORDS]
    words = [_in_english(texts[k]) for k in places]
    for phrase in vocab.OWNER_PHRASES:
        size = len(phrase)
        for k in range(len(words) - size + 1):
            if tuple(words[k : k + size]) == phrase:
                first, last = places[k], places[k + size - 1]
                # "Chinese People's …"
                start = places[k - 1] if k and words[k - 1] == "china" else first
                owned.extend(range(start, last + 1))
    if owned and len(set(owned)) < len(toks):
        for k in owned:
            toks[k].flags |= QUALIFIER


_OWNER_FIRST_WORDS = frozenset(phrase[0] for phrase in vocab.OWNER_PHRASES)
# How the Russian words read as those begin (`russian_gloss` reads a stem and an ending).
_OWNER_GLOSS_START = re.compile(
    r"\b(?:"
    + "|".join(
        sorted(
            {
                re.escape(stem[:3])
                for stem, english in vocab.RUSSIAN_GLOSSARY.items()
                if not _OWNER_FIRST_WORDS.isdisjoint(english)
                or any(
                    not _OWNER_FIRST_WORDS.isdisjoint(vocab.ABBREVIATIONS.get(e, ()))
                    for e in english
                )
            }
        )
    )
    + ")"
)


def _in_english(word: str) -> str:
    """A Russian word as the English phrases spell it ("Ministerstva" as "ministry")."""
    gloss = russian_gloss(word)
    return gloss[0] if gloss and len(gloss) == 1 else word


def _mark_dedication(toks: list[_Tok], texts: list[str]) -> None:
    """Whom an institution is named after qualifies its name, to the name's end.

    "Ural Federal University named after B.N. Yeltsin, the First President of Russia" is Ural
    Federal University, as people write it: the dedication ("named after …", "imeni …") counts
    as little as a bracketed qualifier, whether given or left out. Its words still agree when
    both names give them ("Bauman").
    """
    if "imeni" not in texts and "named" not in texts:
        return  # most names
    for k in range(2, len(toks)):
        text = texts[k]
        if text == "imeni" or (
            text == "named" and k + 1 < len(toks) and toks[k + 1].text == "after"
        ):
            for tok in toks[k:]:
                tok.flags |= QUALIFIER
            return


def _mark_units(toks: list[_Tok], texts: list[str]) -> None:
    """A school, campus or department named beside its institution qualifies the name.

    "School of Computer Science, Beihang University" and "Beihang University, Shahe Campus" are
    parts of Beihang University: the part's own segment (set off by a comma, dash or brackets)
    counts as little as a bracketed qualifier, and so do a campus and the word naming it.
    """
    segments: dict[int, list[_Tok]] = {}
    if toks[0].segment != toks[-1].segment:  # most names are one segment: no part set off
        for tok in toks:
            segments.setdefault(tok.segment, []).append(tok)
    if len(segments) > 1:
        heads = {
            seg
            for seg, words in segments.items()
            if any(t.text in vocab.INSTITUTION_HEADS for t in words)
        }
        for seg, words in segments.items():
            if any(t.text in vocab.UNIT_WORDS for t in words) and heads - {seg}:
                for tok in words:
                    tok.flags |= QUALIFIER
    for k in range(1, len(toks)) if not vocab.CAMPUS_WORDS.isdisjoint(texts) else ():
        if toks[k].text in vocab.CAMPUS_WORDS and toks[k - 1].segment == toks[k].segment:
            toks[k].flags |= QUALIFIER
            if k >= 2:  # "Shahe Campus": the word naming the campus, not the institution's
                toks[k - 1].flags |= QUALIFIER
    _mark_units_in_line(toks, texts)


def _mark_units_in_line(toks: list[_Tok], texts: list[str]) -> None:
    """A part of an institution named in one run with it, no comma between, qualifies it too.

    "Shenzhen Campus of Tarvo University" (a part, "of", then the institution), "Tarvo
    University College of Automation" and "Tarvo University at Weihai" (the institution, then
    a part or a place) are Tarvo University's. The institution's part of the name must hold a
    word heading an institution ("University") and one saying which ("Tarvo"): "University
    College London" names no other institution it would be a part of.
    """
    if toks[0].segment != toks[-1].segment:
        return  # parts already set off by commas or brackets
    if vocab.INSTITUTION_HEADS.isdisjoint(texts):
        return  # most names: no word heading an institution
    heads = [k for k, text in enumerate(texts) if text in vocab.INSTITUTION_HEADS]
    first, last = heads[0], heads[-1]
    # A part, then "of" and the institution: "Shenzhen Campus of Tarvo University", "School of
    # Medicine of Tarvo University".
    of = max((k for k in range(first) if toks[k].text == "of"), default=-1)
    if of > 0 and any(t.text in vocab.UNIT_WORDS for t in toks[:of]) and _names_which(toks[of:]):
        for tok in toks[:of]:
            tok.flags |= QUALIFIER
    # The institution, then a part ("… College of Automation") or "at" a place. A city the
    # part is in comes first: "Tarvo Institute of Technology Shenzhen Graduate School".
    for k in range(last + 1, len(toks)):
        if toks[k].text in vocab.UNIT_WORDS or toks[k].text == "at":
            start = next((p for p in range(last + 1, k) if _starts_a_part(texts, p)), k)
            if _names_which(toks[:start]):
                for tok in toks[start:]:
                    tok.flags |= QUALIFIER
            return
    # The institution, then a city and a body there that a kind word heads: "Tarvo University
    # Hangzhou Innovation Institute". A place that ends the name is read in `_mark_qualifiers`.
    for k in range(first + 1, len(toks) - 1):
        if _starts_a_part(texts, k):
            if not vocab.INSTITUTION_HEADS.isdisjoint(texts[k + 1 :]) and _names_which(toks[:k]):
                for tok in toks[k:]:
                    tok.flags |= QUALIFIER
            return


def _starts_a_part(texts: list[str], k: int) -> bool:
    """A city after an institution's last word ("… University Hangzhou"), not "… of Hangzhou"."""
    return (
        texts[k] in vocab.LOCATIONS
        and texts[k] not in vocab.NOT_CITIES
        and texts[k - 1] not in vocab.STOPWORDS
    )


def _names_which(toks: list[_Tok]) -> bool:
    """Whether words name a particular institution: a head word and a word saying which.

    A place counts as saying which ("Harbin Institute of Technology"); generic words do not.
    """
    return any(t.text in vocab.INSTITUTION_HEADS for t in toks) and any(
        t.text not in vocab.STOPWORDS and t.text not in vocab.GENERIC_WORDS for t in toks
    )


# What an organisation's word is read as, one lookup a word: an abbreviation first, then a
# pinyin word, a Chinese place as spelt in English, an ordinal in digits.
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    **vocab.ORDINALS,
    **vocab.PINYIN_PLACE_NAMES,
    **vocab.PINYIN_GLOSSARY,
    **vocab.ABBREVIATIONS,
    **vocab.PERSIAN_GLOSSARY,
}


def _expand(toks: list[_Tok], person: bool) -> list[_Tok]:
    out: list[_Tok] = []
    for k, tok in enumerate(toks):
        word = tok.text
        if person and len(word) == 1:  # "E." is an initial, not the conjunction "e"
            out.append(tok)
            continue
        if word in vocab.STOPWORDS or (word in vocab.PARTICLES and _precedes_a_word(toks, k)):
            continue
        if person:
            if word in _HONORIFICS:
                continue
            tok.flags &= ~TRANSLATED  # a name in pinyin, not translated
            usual = vocab.NAME_VARIANTS.get(word)
            misspelt = "" if usual else misspelt_given_name(word)
            tok.text = usual or misspelt or word
            if misspelt:
                tok.flags |= EXPANDED
            out.append(tok)
            continue
        if word == "ye" and k and toks[k - 1].text in vocab.PERSIAN_GLOSSARY:
            continue  # the ezafe after a hyphen: "Sanaye-ye Defa" is "Sanaye Defa"
        # The cheap tests of the Russian and ordinal readings first: most words are neither.
        expansion = (
            _EXPANSIONS.get(word)
            or (word[:3] in _RUSSIAN_STARTS and russian_gloss(word))
            or (word[0].isdigit() and _ordinal_number(word))
            or None
        )
        if expansion == ("science",) and _research_follows(toks, k):
            continue  # "scientific research": the usual English of научно-исследовательский
        if expansion is None or expansion == (word,):
            tok.flags &= ~TRANSLATED  # a Chinese word kept in pinyin ("Zhongshan")
        if expansion is None:
            out.append(tok)
            continue
        extra = EXPANDED if expansion != (word,) else 0
        if word in vocab.PERSIAN_GLOSSARY:
            extra |= TRANSLATED  # a guess word by word, as a Chinese name's reading is
        out.extend(
            _Tok(part, tok.segment, tok.bracket, tok.flags | extra, tok.surface)
            for part in expansion
        )
    return out


_ORDINAL_NUMBER = re.compile(r"(\d+)(?:st|nd|rd|th)")


def _ordinal_number(word: str) -> tuple[str, ...] | None:
    """An ordinal in digits as its number ("46th" as 46): lists and people write it either way."""
    if not word[0].isdigit():  # most words
        return None
    found = _ORDINAL_NUMBER.fullmatch(word)
    return (found.group(1),) if found else None


def _research_follows(toks: list[_Tok], k: int) -> bool:
    """Whether "research" follows toks[k], stopwords aside ("Scientific and Research")."""
    for tok in toks[k + 1 :]:
        if tok.text not in vocab.STOPWORDS:
            return tok.text == "research" or russian_gloss(tok.text) == ("research",)
    return False


_RUSSIAN_STARTS = frozenset(stem[:3] for stem in vocab.RUSSIAN_GLOSSARY)


def russian_gloss(word: str) -> tuple[str, ...] | None:
    """A transliterated Russian organisation word in English, whatever its case and gender.

    "Gosudarstvennyy", "gosudarstvennaya", "gosudarstvennogo": "state" (`vocab.RUSSIAN_GLOSSARY`).
    """
    if len(word) < 4 or word[:3] not in _RUSSIAN_STARTS:  # most words: no cache entry
        return None
    return _russian_gloss(word)


@lru_cache(maxsize=1 << 12)
def _russian_gloss(word: str) -> tuple[str, ...] | None:
    if not word.isascii():
        return None
    found = vocab.RUSSIAN_GLOSSARY.get(word)
    for ending in () if found else vocab.RUSSIAN_ENDINGS:
        if word.endswith(ending):
            found = vocab.RUSSIAN_GLOSSARY.get(word[: -len(ending)])
            if found:
                break
    if not found:
        return None
    # The English word as English names are read ("chemical" as "chemistry").
    return tuple(part for english in found for part in vocab.ABBREVIATIONS.get(english, (english,)))


def _precedes_a_word(toks: list[_Tok], k: int) -> bool:
    """Whether a word has another after it in its segment: an article stands before a name.

    "Al-Ahmad" drops its article; the "Az" of "Terra-Az" ends the name and is part of it.
    """
    return k + 1 < len(toks) and toks[k + 1].segment == toks[k].segment


def _dedupe_places(toks: list[_Tok]) -> list[_Tok]:
    seen: set[str] = set()
    out: list[_Tok] = []
    for tok in toks:
        if tok.flags & LOCATION:
            if tok.text in seen:
                continue
            seen.add(tok.text)
        out.append(tok)
    return out


_BRACKETED_CAPS = re.compile(r"[(\[]\s*([A-Z][A-Z0-9&.-]{1,11})\s*[)\]]")


def _acronyms(
    text: str, toks: list[_Tok], person: bool, with_legal: list[_Tok]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if person or any(t.flags & EXPANDED for t in toks):
        return (), ()
    # An acronym the list gives: capitals in brackets, "(VNIITF)", not a place "(Wuhan)".
    bracketed: set[str] = set()
    if "(" in text or "[" in text:
        bracketed = {re.sub(r"[^a-z0-9&]", "", m.casefold()) for m in _BRACKETED_CAPS.findall(text)}
    listed = tuple(
        t.text
        for t in (toks if bracketed else ())  # most names have no capitals in brackets
        if t.bracket
        and t.text in bracketed
        and t.text not in vocab.LOCATIONS
        and t.text not in vocab.GENERIC_WORDS
    )
    words = [t.text for t in toks if not t.bracket and t.text not in vocab.STOPWORDS]
    derived = _initials(words)
    if words and words[0] in vocab.PARTICLES:
        # The article before a name often has no letter: "Al-Mustafa International University"
        # is MIU.
        derived = (*derived, *(a for a in _initials(words[1:]) if a not in derived))
    if toks and with_legal and with_legal[-1] is not toks[-1]:
        # "Company" or "Corporation" written in full after the name is often in the acronym:
        # "China Shipbuilding Industry Corporation" is CSIC, "… Commercial Company FZE" PCC.
        # Abbreviated forms ("Co", "LLC"), "Limited", and forms before the name ("Joint Stock
        # Company …") are not.
        tail: list[str] = []
        for t in reversed(with_legal):
            if t is toks[-1]:
                break
            if t.text in _ACRONYM_LEGAL and not t.bracket:
                tail.insert(0, t.text)
        if tail:
            derived = (*derived, *(a for a in _initials([*words, *tail]) if a not in derived))
    return listed, derived


def _initials(words: list[str]) -> tuple[str, ...]:
    """The plain initials of 3 to 10 words, and their reading by syllables when it differs."""
    if not 3 <= len(words) <= 10:
        return ()
    plain = "".join([w[0] for w in words])
    if not plain.isalpha():  # a word that starts with a digit: no acronym
        return ()
    if len(plain) <= MAX_SYLLABLE_BASE and not _SEVERAL_INITIALS.keys().isdisjoint(words):
        syllabic = "".join(_SEVERAL_INITIALS.get(w, w[0]) for w in words)
        if len(syllabic) >= MIN_SYLLABLE_ACRONYM:
            return plain, syllabic
    return (plain,)


# The legal forms, written in full, that acronyms keep a letter for.
_ACRONYM_LEGAL = frozenset({"company", "corporation"})
# Acronyms read from syllables are longer than the plain initials by construction; shorter ones
# would collide with too many other names. Only short names are read so (HFUT, NJUST): the
# acronyms people use for long ones keep one letter a word.
MIN_SYLLABLE_ACRONYM = 4
MAX_SYLLABLE_BASE = 4


@lru_cache(maxsize=1 << 14)
def word_initials(word: str) -> str:
    """The letters a word gives an acronym: one, or one per part of a compound.

    A Chinese place name written in pinyin gives one letter per syllable, as its universities'
    acronyms do ("Hangzhou" gives HZ in HZNU, "Chongqing" CQ in CQUT); a compass compound gives
    both its parts ("Southwest" gives SW in SWUST). Other words give their first letter, though
    their letters spell syllables ("China", "Kazan").
    """
    compound = vocab.COMPOUND_INITIALS.get(word)
    if compound is not None:
        return compound
    if word not in vocab.CHINESE_PLACES:
        return word[:1]
    return "".join(s[0] for s in pinyin_syllables(word)) or word[:1]


def pinyin_syllables(word: str) -> tuple[str, ...]:
    """The fewest pinyin syllables (two or more) that spell the word, or () when none do."""
    n = len(word)
    best: list[tuple[str, ...] | None] = [()] + [None] * n
    for i in range(1, n + 1):
        for size in range(2, min(6, i) + 1):  # every syllable in the table has 2 to 6 letters
            before = best[i - size]
            piece = word[i - size : i]
            if before is not None and piece in vocab.PINYIN_SYLLABLES:
                found = (*before, piece)
                held = best[i]
                if held is None or len(found) < len(held):
                    best[i] = found
    spelled = best[n]
    return spelled if spelled is not None and len(spelled) >= 2 else ()


# The words that give an acronym more than one letter, with their letters: read once here.
_SEVERAL_INITIALS: dict[str, str] = {
    w: initials
    for w in sorted(vocab.CHINESE_PLACES | frozenset(vocab.COMPOUND_INITIALS))
    if len(initials := word_initials(w)) > 1
}
# The first syllables of the glossary words read as English: a run of syllables written apart
# that spells one of those words starts with one of these.
_GLOSSARY_STARTS = frozenset(_first_syllable(w) for w in vocab.PINYIN_GLOSSARY if _translated(w))


def name_form(text: str, *, person: bool) -> NameForm:
    """The comparable form of one name; a name with no letters or digits gives no tokens."""
    toks = _raw_tokens(to_latin(text, read_words=True, person=person), person)
    legal: list[str] = []
    with_legal = toks
    if toks and not person:
        toks = _join_pinyin_runs(toks)
        _correct_misspelt(toks)
        with_legal = toks
        toks, legal = _strip_legal(toks)
        _mark_place_phrases(toks)
        _mark_qualifiers(toks)
    listed, derived = _acronyms(strip_format(text), toks, person, with_legal)
    core = [
        t
        for k, t in enumerate(toks)
        if t.text not in vocab.STOPWORDS
        and not (t.text in vocab.PARTICLES and _precedes_a_word(toks, k))
    ]
    joined = "".join(t.text for t in core)
    toks = _expand(toks, person)
    toks = _with_flags(toks) if person else _dedupe_places(_with_flags(toks))
    return NameForm(
        text=text,
        person=person,
        tokens=tuple(t.text for t in toks),
        flags=tuple(t.flags for t in toks),
        surfaces=tuple(t.surface for t in toks),
        legal=tuple(dict.fromkeys(legal)),
        acronyms=listed,
        derived_acronyms=derived,
        joined=joined if len(joined) >= 4 else "",
    )


def _with_flags(toks: list[_Tok]) -> list[_Tok]:
    for tok in toks:
        tok.flags |= token_flags(tok.text)
    return toks


def phonetic(token: str) -> str:
    """A spelling-tolerant key: transliteration variants (Dmitriy/Dmitrii, Yusuf/Jusuf) share it."""
    key = token
    for old, new in _PHONETIC_RULES:
        if old in key:
            key = key.replace(old, new)
    return _DOUBLED.sub(r"\1", key)


def skeleton(token: str, phonetic_key: str | None = None) -> str:
    """The consonants of a word, as Arabic, Persian and Hebrew script write it ("mhmd").

    `phonetic_key` is the word's `phonetic` key when the caller already has it.
    """
    key = phonetic(token) if phonetic_key is None else phonetic_key
    consonants = _SKELETON_VOWELS.sub("", key)
    if not consonants:
        return key[:1]
    # An initial alef is no letter in the Latin rendering ("اشتر" is "shtr" for Ashtar), and a
    # doubled letter is written once ("شهید" is "shhyd" for Shahid, whose key reads "shid").
    return _REPEATED.sub(r"\1", consonants)


_SKELETON_VOWELS = re.compile("[aeiouy]")
_REPEATED = re.compile(r"(.)\1+")


_PHONETIC_RULES: tuple[tuple[str, str], ...] = (
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("sch", "sh"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("iy", "i"),
    ("yi", "i"),
    ("ii", "i"),
    ("ie", "i"),
    ("ey", "ei"),
    ("y", "i"),
    ("j", "i"),
    ("'", ""),
)
