"""Country and currency codes as the standards define them (ISO 3166-1 alpha-2, ISO 4217).

Typed input is read leniently ("germany", "de", "Korea, Republic of") and stored strictly
(`DE`, `KR`), because the policy pack's country profiles and every export key on the codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pycountry


class UnknownCode(ValueError):
    """A country or currency that the ISO tables do not have; the message names it."""


UNKNOWN_COUNTRY = "{value!r} is not a country in ISO 3166-1 (use a name or a two-letter code)."
UNKNOWN_CURRENCY = "{value!r} is not an ISO 4217 currency code (e.g. GBP, EUR, USD)."

_SEPARATORS = re.compile(r"[;\n]+|,(?!\s*(?:Republic|Democratic|Islamic|Federated|Plurinational))")


def country_code(value: str) -> str:
    """The alpha-2 code of a country given by code or name; UnknownCode otherwise."""
    text = value.strip()
    try:
        # The only line that crosses into pycountry's lookup (codes, names, official names).
        country = pycountry.countries.lookup(text)
    except LookupError:
        raise UnknownCode(UNKNOWN_COUNTRY.format(value=text)) from None
    return str(country.alpha_2)


def country_codes(values: Iterable[str]) -> list[str]:
    """Alpha-2 codes in the order given, each once."""
    codes: list[str] = []
    for value in values:
        if value.strip():
            code = country_code(value)
            if code not in codes:
                codes.append(code)
    return codes


def split_countries(text: str) -> list[str]:
    """Countries typed in one box, separated by commas, semicolons or new lines.

    A comma inside an ISO name ("Korea, Republic of") does not split it.
    """
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code


def currency_code(value: str) -> str:
    """The ISO 4217 alphabetic code, upper case; UnknownCode otherwise."""
    text = value.strip().upper()
    if len(text) != 3 or pycountry.currencies.get(alpha_3=text) is None:
        raise UnknownCode(UNKNOWN_CURRENCY.format(value=value.strip()))
    return text
