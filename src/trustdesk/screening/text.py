"""Plain-text helpers shared by the parsers: white space, and which script a name is written in.

The script of a name is read from its characters, never from a publisher's language tag: the EU
tags a Cyrillic name "EN", and the UK puts Latin names under NameNonLatinScript.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letter categories that carry a script. Modifier letters (ʿ ʾ ʼ in transliterations, Lm) belong
# to no script and are ignored.
_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lo"})
# Latin letters whose Unicode names do not start with LATIN (the ordinal indicators of "Nº 5").
_LATIN_UNNAMED = frozenset("ªº")
_BRACKETS = " ()[]{},;:.\"'“”"


def clean(text: str | None) -> str:
    """The text with runs of white space (line breaks, trailing blanks) made single spaces."""
    return " ".join((text or "").split())


def _scripts(text: str) -> set[str]:
    found: set[str] = set()
    for ch in text:
        if unicodedata.category(ch) in _LETTERS:
            latin = ch in _LATIN_UNNAMED or unicodedata.name(ch, "").startswith("LATIN")
            found.add("latin" if latin else "other")
    return found


def is_latin(text: str) -> bool:
    """Whether every letter is Latin; one Arabic, Cyrillic or Han letter is enough to say no."""
    return text.isascii() or "other" not in _scripts(text)


def no_latin(text: str) -> bool:
    """Whether the text has letters and none of them is Latin (عبد المنان آغا, 金铁三)."""
    return _scripts(text) == {"other"}


def split_scripts(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """(Latin names, names with letters of another script), each in the order given."""
    latin: list[str] = []
    other: list[str] = []
    for name in names:
        (latin if is_latin(name) else other).append(name)
    return latin, other


def non_latin_runs(text: str) -> list[str]:
    """The stretches of non-Latin words in a mixed-script name, without their brackets."""
    runs: list[list[str]] = [[]]
    for word in text.split():
        if no_latin(word):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [cleaned for run in runs if (cleaned := " ".join(run).strip(_BRACKETS))]


# Between two names in one alias field: "Mortaza Rezaie; Morteza Rezai", "Mohammad Sabet b) M.
# Javad Sabet" (the publisher's own enumeration, its first marker left out).
_NAME_SEPARATOR = re.compile(r"\s*;\s*|\s+[b-h]\)\s+")
# A name with its other spellings in brackets: "أبو بكر البغدادي (Abu Bakr al-Baghdadi; Abu Bakr)".
_BRACKETED_NAMES = re.compile(r"(?P<name>[^()]*?)\s*\((?P<others>[^()]*;[^()]*)\)\s*")


def split_names(text: str) -> list[str]:
    """The names one alias field holds: lists sometimes put several spellings in one.

    Each is then matched on its own: written together, "Mortaza Rezaie; Mortaza Rezai; Morteza
    Rezai" reads as one long name that a query of any two of its words falls inside.
    """
    if ";" not in text and ")" not in text:  # nearly every alias
        return [text] if text else []
    whole = _BRACKETED_NAMES.fullmatch(text)
    parts = (
        [whole["name"], *_NAME_SEPARATOR.split(whole["others"])]
        if whole
        else _NAME_SEPARATOR.split(text)
    )
    return [p for part in parts if (p := part.strip()) and any(c.isalpha() for c in p)]
