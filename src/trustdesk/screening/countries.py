"""Country names as the lists spell them, mapped to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache

import pycountry

# Spellings used by OFAC, the UN, the UK, the EU and trade.gov that ISO's names do not cover.
_ALIASES: dict[str, str] = {
    "burma": "MM",
    "myanmar (burma)": "MM",
    "korea, north": "KP",
    "north korea": "KP",
    "democratic people's republic of korea": "KP",
    "dprk": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "taiwan": "TW",
    "chinese taipei": "TW",
    "macau": "MO",
    "macao": "MO",
    "hong kong": "HK",
    "kosovo": "XK",
    "turkey": "TR",
    "türkiye": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "the netherlands": "NL",
    "netherlands": "NL",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "u.s.": "US",
    "uae": "AE",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo (democratic republic)": "CD",
    "drc": "CD",
    "congo": "CG",
    "republic of the congo": "CG",
    "congo, republic of the": "CG",
    "cote d'ivoire": "CI",
    "ivory coast": "CI",
    "palestinian": "PS",
    "palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "region: gaza": "PS",
    "region: west bank": "PS",
    "occupied palestinian territories": "PS",
    "the gambia": "GM",
    "gambia": "GM",
    "the bahamas": "BS",
    "bahamas": "BS",
    "brunei": "BN",
    "cape verde": "CV",
    "swaziland": "SZ",
    "eswatini": "SZ",
    "macedonia": "MK",
    "north macedonia": "MK",
    "vatican": "VA",
    "holy see": "VA",
    "east timor": "TL",
    "micronesia": "FM",
    "st kitts and nevis": "KN",
    "st. kitts and nevis": "KN",
    "st lucia": "LC",
    "st. lucia": "LC",
    "st vincent and the grenadines": "VC",
    "st. vincent and the grenadines": "VC",
    "crimea": "UA",
    "crimea region of ukraine": "UA",
    "region: crimea": "UA",
    "reunion": "RE",
    "curacao": "CW",
    "sint maarten": "SX",
    "kyrgyz republic": "KG",
    "slovak republic": "SK",
    "yugoslavia": "RS",
    "serbia and montenegro": "RS",
    "soviet union": "RU",
    "ussr": "RU",
    "netherlands antilles": "CW",
    "britain": "GB",
    # OFAC
    "cote d ivoire": "CI",
    "bahamas, the": "BS",
    "st. kitts & nevis": "KN",
    "region: northern mali": "ML",
    "north macedonia, the republic of": "MK",
    "man, isle of": "IM",
    "bosnia-herzegovina": "BA",
    "gaza strip": "PS",
    "the philippines": "PH",
    # UN
    "iran (islamic republic of)": "IR",
    "state of palestine": "PS",
    "china, hong kong special administrative region": "HK",
    # FollowTheMoney (OpenSanctions) writes Kosovo as xk, a code ISO 3166 leaves unassigned.
    "xk": "XK",
    # OFSI ConList: hyphenations and the demonyms it writes under Nationality
    "guinea bissau": "GW",
    "palestinian territories": "PS",
    "russian": "RU",
    "moldovan": "MD",
    "german": "DE",
}
# Places the lists name that are deliberately no country (disputed, or saying there is none).
_NOT_COUNTRIES = frozenset({"region: kafia kingi", "undetermined", "none identified"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("’", "'").split()).strip(" .")


@cache
def _iso_names() -> dict[str, str]:
    """Every ISO code and name, folded, to its alpha-2: built once, so a miss is one look-up."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attr in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_fold(str(value)), code)
    return table


@lru_cache(maxsize=8192)
def to_iso2(text: str | None) -> str | None:
    """ISO alpha-2 for a code or a name as the lists write it; None when it is not a country."""
    if not text:
        return None
    folded = _fold(text)
    if not folded:
        return None
    if folded in _ALIASES:
        return _ALIASES[folded]
    if folded in _NOT_COUNTRIES:
        return None
    return _iso_names().get(folded)


def countries_of(values: Iterable[str | None] | str | None) -> tuple[str, ...]:
    """ISO codes for names or codes (one or many), order kept, unknowns and duplicates dropped."""
    seen: dict[str, None] = {}
    if values is None or isinstance(values, str):
        values = [values]
    for value in values:
        code = to_iso2(value if isinstance(value, str) else None)
        if code:
            seen.setdefault(code, None)
    return tuple(seen)


def country_codes(values: Iterable[str], unknown: Counter[str]) -> tuple[str, ...]:
    """ISO codes in order without repeats; names no code fits are counted in `unknown`."""
    codes: list[str] = []
    for value in values:
        if not value.strip():
            continue
        code = to_iso2(value)
        if code is None:
            unknown[" ".join(value.split())] += 1
        else:
            codes.append(code)
    return tuple(dict.fromkeys(codes))
