"""Keys and guesses for lists that publish neither ids nor entity types (BIS DPL, parts of the CSL).

`stable_keys` gives each row a key from its most stable facts; `entry_type` reads person versus
organisation from a name; `embedded_aliases` finds the names a published name hides. The BIS
parser's docstring explains the tiers and the trade-offs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from trustdesk.screening.entries import EntityType, unique

# Words that only a company, agency or airline carries in its name on this list.
_ORG_WORDS_TEXT = """
    AB ACADEMY AEROSPACE AG AIR AIRLINES AIRWAYS ANSTALT ASSOCIATES AVIATION BANK BV CARGO
    CENTER CENTRE CHEMICAL CHEMICALS CO COLLEGE COMPANY COMPUTERS CONSULTING CONTRACTING CORP
    CORPORATION ELECTRONIC ELECTRONICS ENERGY ENGINEERING ENTERPRISE ENTERPRISES EQUIPMENT
    EXPORT FIBERS FOUNDATION FREIGHT FZC FZCO FZE GMBH GROUP HOLDING HOLDINGS IMPORT INC
    INCORPORATED INDUSTRIAL INDUSTRIES INSTITUTE INTERNATIONAL INVEST JSC LABORATORIES
    LABORATORY LIMITED LLC LLP LOGISTICS LTD MACHINERY MANAGEMENT MANUFACTURING MARITIME
    METALS MICROWAVE NONWOVENS OAO OJSC OOO PETROLEUM PJSC PLC PRODUCTS PROTOTYPE PTE PTY PVT
    REFINING RESULTS SA SARL SERVICE SERVICES SHIPPING SL SOLUTIONS SPA SRL SUPPLY SYSTEMS
    TECHNIK TECHNOLOGIES TECHNOLOGY TRADE TRADING TRANSPORT TRANSPORTATION UNIVERSITY
    VERTRIEBS ZAO"""
_ORG_WORDS = frozenset(_ORG_WORDS_TEXT.split())
_DOMAIN = re.compile(r"\.(?:NET|COM|ORG)\b", re.IGNORECASE)
_EMBEDDED_ALIAS = re.compile(r"\s+(?:A/K/A|F/K/A|D/B/A)\s+", re.IGNORECASE)
_PAREN_ALIAS = re.compile(r"\s*\((?:A\.K\.A\.|AKA|A/K/A)\s+([^)]+)\)\s*", re.IGNORECASE)


def entry_type(name: str) -> EntityType:
    """Organisation when the name carries a company word, a domain or is one word; else person."""
    upper = name.upper()
    if _DOMAIN.search(upper) or " - " in upper:
        return EntityType.ORGANIZATION
    words = re.findall(r"[A-Z0-9]+", upper.replace(".", ""))
    if len(words) < 2 or _ORG_WORDS.intersection(words):
        return EntityType.ORGANIZATION
    return EntityType.PERSON


def embedded_aliases(name: str) -> tuple[str, ...]:
    """Names hidden in one published name: `X A/K/A Y`, `X D/B/A Y`, `X (A.K.A. Y) Z`."""
    found: list[str] = []
    paren = _PAREN_ALIAS.search(name)
    if paren:
        found.append(paren[1])
        found.append(_PAREN_ALIAS.sub(" ", name))
    parts = _EMBEDDED_ALIAS.split(name)
    if len(parts) > 1:
        found.extend(parts)
    return tuple(n for n in unique(found) if n != " ".join(name.split()))


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _digest(parts: Sequence[str]) -> str:
    payload = "\x1f".join(_fold(p) for p in parts)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def stable_keys(rows: Iterable[tuple[int, Sequence[Sequence[str]]]]) -> dict[int, str]:
    """Map each row's line to a key unique in the file, from the fewest tiers that tell it apart.

    Each row gives its line and its tiers of fields, most stable first. A row's key hashes
    tiers 1..k for the smallest k that no other row shares; rows alike in every tier get
    `-2`, `-3` … in line order.
    """
    rows = list(rows)
    depth = max((len(tiers) for _, tiers in rows), default=0)
    prefixes = [
        Counter(_digest(_flat(tiers[:level])) for _, tiers in rows) for level in range(1, depth + 1)
    ]
    keys: dict[int, str] = {}
    for line, tiers in rows:
        key = _digest(_flat(tiers))
        for level in range(1, len(tiers) + 1):
            candidate = _digest(_flat(tiers[:level]))
            if prefixes[level - 1][candidate] == 1:
                key = candidate
                break
        keys[line] = key
    seen: Counter[str] = Counter()
    for line in sorted(keys):
        seen[keys[line]] += 1
        if seen[keys[line]] > 1:
            keys[line] = f"{keys[line]}-{seen[keys[line]]}"
    return keys


def _flat(tiers: Sequence[Sequence[str]]) -> list[str]:
    return [field for tier in tiers for field in tier]
