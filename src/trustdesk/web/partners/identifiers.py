"""ROR ids for organisations and ORCID iDs for people: parsed, checked and kept in one form.

Both carry check digits, so a mistyped identifier is refused at entry instead of silently linking
a record to someone else's. Each is stored bare (`052gg0110`, `0000-0002-1825-0097`); the
resolver URL that people often paste is accepted and stripped.
"""

from __future__ import annotations

import re

# Crockford base32 without i, l, o and u, as ROR writes its ids (lower case).
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ROR = re.compile(r"0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}")
_ROR_PREFIX = re.compile(r"^(https?://)?(www\.)?ror\.org/", re.IGNORECASE)
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_ORCID_PREFIX = re.compile(r"^(https?://)?(www\.)?orcid\.org/", re.IGNORECASE)

ROR_INVALID = "A ROR id is 0, six letters or digits and two check digits, e.g. 052gg0110."
ROR_CHECKSUM = "That ROR id's check digits do not match: check it for a typing mistake."
ORCID_INVALID = "An ORCID iD is four groups of four digits, e.g. 0000-0002-1825-0097."
ORCID_CHECKSUM = "That ORCID iD's last character does not match: check it for a typing mistake."


class IdentifierError(ValueError):
    """An identifier that is malformed or fails its check digits; the message says which."""


def ror_checksum(body: str) -> str:
    """The two check digits of a ROR id's first seven characters (ISO 7064 MOD 97-10)."""
    number = 0
    for char in body:
        number = number * 32 + _CROCKFORD.index(char)
    return f"{98 - (number * 100) % 97:02d}"


def normalise_ror(value: str) -> str:
    """The bare, lower-case ROR id; raises IdentifierError for a bad format or checksum."""
    text = _ROR_PREFIX.sub("", value.strip()).lower()
    if not _ROR.fullmatch(text):
        raise IdentifierError(ROR_INVALID)
    if ror_checksum(text[:7]) != text[7:]:
        raise IdentifierError(ROR_CHECKSUM)
    return text


def orcid_check_digit(digits: str) -> str:
    """The check character of an ORCID iD's first 15 digits (ISO 7064 MOD 11-2)."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """The ORCID iD as `0000-0002-1825-0097`; raises IdentifierError for a bad format or check."""
    text = _ORCID_PREFIX.sub("", value.strip()).upper()
    if re.fullmatch(r"[\dX]{16}", text):
        text = "-".join(text[i : i + 4] for i in range(0, 16, 4))
    if not _ORCID.fullmatch(text):
        raise IdentifierError(ORCID_INVALID)
    digits = text.replace("-", "")
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise IdentifierError(ORCID_CHECKSUM)
    return text
