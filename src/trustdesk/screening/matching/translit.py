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

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii

MAX_NAME_CHARS = 300  # no published name is longer; the rest of a longer input is not compared

# Unicode categories that are never part of a name: controls, format characters (RTL and
# zero-width marks), private use, surrogates, unassigned, and symbols (emoji, arrows, ©).
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "So", "Sk", "Sm"})

_ABJAD_BLOCKS = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the transliterated text; `han` runs are lists of pinyin syllables."""

    text: str
    han: bool = False
    abjad: bool = False


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _is_abjad(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ABJAD_BLOCKS)


@cache
def _pinyin() -> Callable[[str], list[str]]:
    # The only place that crosses into the pypinyin primitive.
    from pypinyin import lazy_pinyin

    def convert(text: str) -> list[str]:
        return [syllable for syllable in lazy_pinyin(text) if syllable.isascii()]

    return convert


def clean_unicode(text: str) -> str:
    """NFKC-normalised text with invisible, control and symbol characters replaced by spaces."""
    text = unicodedata.normalize("NFKC", text[: MAX_NAME_CHARS * 2])[:MAX_NAME_CHARS]
    return "".join(" " if unicodedata.category(ch) in _DROP_CATEGORIES else ch for ch in text)


def _fold_latin(text: str) -> str:
    # anyascii drops accents itself (é → e, Ḥ → H); decomposing first would also split letters
    # such as Cyrillic й into и + breve and lose the BGN "y" the lists spell.
    return anyascii(text).casefold()


def to_latin(text: str) -> list[Piece]:
    """The text as lower-case ASCII pieces; Han runs become space-separated pinyin syllables."""
    pieces: list[Piece] = []
    run: list[str] = []
    run_kind = ""
    for ch in clean_unicode(text):
        kind = "han" if _is_han(ch) else "abjad" if _is_abjad(ch) else "other"
        if kind != run_kind and run:
            pieces.append(_convert("".join(run), run_kind))
            run = []
        run_kind = kind
        run.append(ch)
    if run:
        pieces.append(_convert("".join(run), run_kind))
    return pieces


def _convert(run: str, kind: str) -> Piece:
    if kind == "han":
        return Piece(" ".join(_pinyin()(run)), han=True)
    return Piece(_fold_latin(run), abjad=kind == "abjad")


def scripts_of(text: str) -> frozenset[str]:
    """The writing systems a name uses (from each letter's Unicode name), for explanations."""
    found: set[str] = set()
    for ch in text[:MAX_NAME_CHARS]:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if name:
                found.add(name.split(" ", 1)[0].lower())
    return frozenset(found)
