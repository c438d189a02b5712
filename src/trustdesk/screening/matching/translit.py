"""Any script to lower-case Latin words, keeping Han syllables apart so that pinyin can be read.

Two primitives do the work. `anyascii` (ISC licence, pure data tables, no C dependency) covers
every script with one table per code point: Cyrillic comes out close to the BGN spellings the
sanctions lists use (Дмитрий → Dmitriy), Greek, Hebrew, Arabic and Persian come out as the
letters written, which for the abjads means the consonant skeleton ("mhmd"). `pypinyin` is used
for Han because anyascii reads each character on its own and gets polyphones wrong (重庆 is
Chongqing, not Zhongqing); it is imported only when a name contains Han, since its dictionaries
take a sixth of a second to load and most queries never need them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii

from trustdesk.screening.matching import vocab

MAX_NAME_CHARS = 300  # no published name is longer; the rest of a longer input is not compared

# Unicode categories that are never part of a name and stand between words when they occur:
# controls, private use, surrogates, unassigned, and symbols (emoji, arrows, ©).
_DROP_CATEGORIES = frozenset({"Cc", "Co", "Cs", "Cn", "So", "Sk", "Sm"})
# Format characters (Cf) are removed outright: a soft hyphen, zero-width space or joiner, word
# joiner, LRM/RLM or BOM sits inside a word ("Har\u00adbin" as pasted from Word or a PDF), so a
# space in its place would split the word and the name would match nothing.
_FORMAT = "Cf"
# How much of a text is read before format characters are removed: a name padded with more
# invisible characters than this is not a name anyone typed.
_READ_CHARS = MAX_NAME_CHARS * 8


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the transliterated text; `han` runs are lists of pinyin syllables."""

    text: str
    han: bool = False
    abjad: bool = False


# Runs of Han characters (group 1) and of Arabic, Persian or Hebrew letters (group 2).
_RUNS = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]+)"
)
_ASCII_CONTROLS = dict.fromkeys((*range(32), 127), " ")


@cache
def _pinyin() -> Callable[[str], list[str]]:
    # The only place that crosses into the pypinyin primitive.
    from pypinyin import lazy_pinyin
    from pypinyin.constants import PINYIN_DICT

    # 长 alone reads "zhang" (to grow, a chief), but in the names of places and bodies it is
    # "chang", long: 长春, 长沙, 长城, 长光. Words that say "zhang" (校长, 部长) are in pypinyin's
    # phrase table, which is read before a character's own. Set in the character table that
    # `load_single_dict` updates, without its retraining of the phrase segmenter on the whole
    # phrase table (0.1 s of every index build), which a character's reading does not change.
    PINYIN_DICT[ord("长")] = "cháng,zhǎng"

    def convert(text: str) -> list[str]:
        return [syllable for syllable in lazy_pinyin(text) if syllable.isascii()]

    return convert


def strip_format(text: str) -> str:
    """The text without Unicode format (Cf) characters, which are invisible and inside words."""
    if text.isascii():  # ASCII has no format characters
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != _FORMAT)


def clean_unicode(text: str) -> str:
    """NFKC-normalised text, format characters removed, controls and symbols made spaces."""
    if text[: MAX_NAME_CHARS * 2].isascii():  # most names: no normalisation or category lookups
        text = text[:MAX_NAME_CHARS]
        return text if text.isprintable() else text.translate(_ASCII_CONTROLS)
    # Removed before normalising: a joiner between a letter and its accent blocks composition.
    text = unicodedata.normalize("NFKC", strip_format(text[:_READ_CHARS]))[:MAX_NAME_CHARS]
    return "".join(" " if unicodedata.category(ch) in _DROP_CATEGORIES else ch for ch in text)


def _fold_latin(text: str) -> str:
    # anyascii drops accents itself (é → e, Ḥ → H); decomposing first would also split letters
    # such as Cyrillic й into и + breve and lose the BGN "y" the lists spell.
    return anyascii(text).casefold()


# Arabic and Persian spell some letters apart that names use alike; folded before a word is
# looked up or written in Latin letters, and short vowel marks and the tatweel removed.
_ABJAD_FOLD = str.maketrans(
    {
        "ك": "ک",
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ـ": None,
        **dict.fromkeys(map(chr, range(0x064B, 0x0660)), None),
        "\u0670": None,
    }
)
# The Arabic article written into its word, with "and", "with" or "for" before it: set aside as
# the Latin "al-" is, when a word of three letters or more is left.
_ARTICLES = ("وال", "بال", "لل", "ال")


def _abjad_words(run: str, *, person: bool) -> list[Piece]:
    """An Arabic, Persian or Hebrew run, a piece a word: organisation words read in English."""
    pieces: list[Piece] = []
    for word in run.split():
        folded = word.translate(_ABJAD_FOLD)
        for article in _ARTICLES:
            if folded.startswith(article) and len(folded) - len(article) >= 3:
                folded = folded[len(article) :]
                break
        english = None if person else vocab.ABJAD_GLOSSARY.get(folded)
        if english:
            pieces.append(Piece(" ".join(english)))
        else:
            pieces.append(Piece(_fold_latin(folded), abjad=True))
    return pieces


def to_latin(text: str, *, read_words: bool = False, person: bool = False) -> list[Piece]:
    """The text as lower-case ASCII pieces; Han runs become space-separated pinyin syllables.

    With `read_words`, as the matcher compares names: an Arabic or Persian word's article is set
    aside and, unless the name is a `person`'s, an organisation word it knows is read in English
    (`vocab.ABJAD_GLOSSARY`). Read here, where the script is still known, rather than with the
    other glossaries in `normalize._expand`: the Latin letters of a word written without vowels
    are ambiguous, and the steps before that expansion (legal forms, institution and place
    words, acronyms) must see "company" and "university" to do their work.
    """
    text = clean_unicode(text)
    if text.isascii():
        return [Piece(text.casefold())]
    pieces: list[Piece] = []
    position = 0
    for match in _RUNS.finditer(text):
        if match.start() > position:
            pieces.append(Piece(_fold_latin(text[position : match.start()])))
        if match.group(1):
            pieces.append(Piece(" ".join(_pinyin()(match.group(1))), han=True))
        elif read_words:
            pieces.extend(_abjad_words(match.group(2), person=person))
        else:
            pieces.append(Piece(_fold_latin(match.group(2)), abjad=True))
        position = match.end()
    if position < len(text):
        pieces.append(Piece(_fold_latin(text[position:])))
    return pieces


def scripts_of(text: str) -> frozenset[str]:
    """The writing systems a name uses (from each letter's Unicode name), for explanations."""
    found: set[str] = set()
    for ch in text[:MAX_NAME_CHARS]:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if name:
                found.add(name.split(" ", 1)[0].lower())
    return frozenset(found)
