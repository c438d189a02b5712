"""The order of hits that score the same: the copy a reviewer should read first.

One entity is often listed by its publisher and copied by aggregators (the US Consolidated
Screening List, OpenSanctions), and two publishers often list the same person under slightly
different spellings. Names that differ only in ways the score forgives (a spelling variant, word
order, an alias) then tie, and the order among them is decided here, never by dropping a hit.
"""

from __future__ import annotations

import re
from functools import lru_cache

from trustdesk.screening.matching.translit import strip_format

# Sources that republish other publishers' entries; their copy ranks after the publisher's own.
AGGREGATORS: frozenset[str] = frozenset({"us-csl", "opensanctions"})

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def literal_words(text: str) -> frozenset[str]:
    """The words of a name exactly as written, ignoring only case, punctuation and invisibles."""
    return frozenset(_WORD.findall(strip_format(text).casefold()))


def literal_agreement(query: str, listed: str) -> float:
    """Share of the two names' written words that are identical (Jaccard), 0..1.

    A listed name the query copies letter for letter ('Tatyana', not 'Tatiana') is the likelier
    source of the query than one that agrees only after spelling variants are folded.
    """
    q, c = literal_words(query), literal_words(listed)
    if not q or not c:
        return 0.0
    return len(q & c) / len(q | c)


def tie_break(query: str, listed: str, source: str, primary: bool) -> tuple[float, bool, bool]:
    """Sort key among equal scores: written agreement, publisher first, primary name first."""
    return (-literal_agreement(query, listed), source in AGGREGATORS, not primary)
