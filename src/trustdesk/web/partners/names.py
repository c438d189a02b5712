"""Search keys for names: one lower-case form per name, plus a Latin transliteration.

Storing these keys once per record lets a plain `contains` lookup find 北京航空航天大学 from
"beijing" and "Müller" from "muller" on SQLite and PostgreSQL alike, without a search engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

_NOT_WORD = re.compile(r"[\W_]+")


def search_key(text: str) -> str:
    """Case-folded, accents dropped, punctuation and spacing collapsed to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", stripped)).strip()


def search_keys(text: str) -> list[str]:
    """The name's key and, when it differs, the key of its Latin transliteration."""
    keys = [search_key(text)]
    latin = search_key(anyascii(text))
    if latin and latin not in keys:
        keys.append(latin)
    return [k for k in keys if k]


def search_text(names: Iterable[str]) -> str:
    """Every name's keys on one line each, stored on the record for `contains` lookups."""
    lines: list[str] = []
    for name in names:
        lines.extend(k for k in search_keys(name) if k not in lines)
    return "\n".join(lines)


def distinct_names(names: Iterable[str], *, besides: Iterable[str] = ()) -> list[str]:
    """Names stripped, without blanks and without repeats by search key, in first-seen order."""
    seen = {search_key(n) for n in besides}
    kept: list[str] = []
    for name in names:
        cleaned = " ".join(name.split())
        key = search_key(cleaned)
        if key and key not in seen:
            seen.add(key)
            kept.append(cleaned)
    return kept
