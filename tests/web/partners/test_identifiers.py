from __future__ import annotations

import pytest

from trustdesk.web.partners.identifiers import (
    ORCID_CHECKSUM,
    ORCID_INVALID,
    ROR_CHECKSUM,
    ROR_INVALID,
    IdentifierError,
    normalise_orcid,
    normalise_ror,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("052gg0110", "052gg0110"),  # University of Oxford
        ("https://ror.org/00wk2mp56", "00wk2mp56"),  # Beihang University
        (" 013MEH722 ", "013meh722"),  # University of Cambridge
    ],
)
def test_ror_ids_are_stored_bare_and_lower_case(value: str, expected: str) -> None:
    assert normalise_ror(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("052gg0111", ROR_CHECKSUM),
        ("00wk2mp65", ROR_CHECKSUM),
        ("152gg0110", ROR_INVALID),  # must start with 0
        ("052ggo110", ROR_INVALID),  # o is not in Crockford base32
        ("052gg011", ROR_INVALID),
        ("https://example.org/052gg0110", ROR_INVALID),
    ],
)
def test_bad_ror_ids_are_refused_saying_why(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message.split(":")[0]):
        normalise_ror(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("000000021694233x", "0000-0002-1694-233X"),  # check character X
    ],
)
def test_orcid_ids_are_stored_hyphenated(value: str, expected: str) -> None:
    assert normalise_orcid(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0000-0002-1825-0098", ORCID_CHECKSUM),
        ("0000-0002-1694-2330", ORCID_CHECKSUM),
        ("0000-0002-1825", ORCID_INVALID),
        ("0000-0002-1825-009", ORCID_INVALID),
    ],
)
def test_bad_orcid_ids_are_refused_saying_why(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message.split(":")[0]):
        normalise_orcid(value)
