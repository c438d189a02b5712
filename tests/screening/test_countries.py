import pytest

from trustdesk.screening.countries import countries_of, to_iso2

# (spelling as a list writes it, ISO code, where it comes from)
CASES = [
    ("Cote d Ivoire", "CI", "OFAC, without the apostrophe"),
    ("Côte d’Ivoire", "CI", "diacritics and a typographic apostrophe"),
    ("Bahamas, The", "BS", "OFAC"),
    ("St. Kitts & Nevis", "KN", "OFAC"),
    ("Region: Northern Mali", "ML", "OFAC"),
    ("North Macedonia, The Republic of", "MK", "OFAC"),
    ("Man, Isle of", "IM", "OFAC"),
    ("Bosnia-Herzegovina", "BA", "OFAC and OFSI"),
    ("Gaza Strip", "PS", "OFAC"),
    ("the Philippines", "PH", "OFAC"),
    ("Iran (Islamic Republic of)", "IR", "UN"),
    ("State of Palestine", "PS", "UN"),
    ("China, Hong Kong Special Administrative Region", "HK", "UN"),
    ("XK", "XK", "FollowTheMoney's Kosovo, which pycountry lacks"),
    ("xk", "XK", "FollowTheMoney writes codes in lower case"),
    ("Kosovo", "XK", "name"),
    ("Guinea Bissau", "GW", "OFSI, without the hyphen"),
    ("Palestinian Territories", "PS", "OFSI"),
    ("Russian", "RU", "OFSI demonym under Nationality"),
    ("Moldovan", "MD", "OFSI demonym"),
    ("German", "DE", "OFSI demonym"),
    ("UK", "GB", "common abbreviation"),
    ("gb", "GB", "ISO alpha-2, lower case"),
    ("IRN", "IR", "ISO alpha-3"),
    ("Korea, North", "KP", "OFAC"),
    ("  Russia. ", "RU", "padding and a trailing full stop"),
]


@pytest.mark.parametrize(("text", "code", "why"), CASES, ids=[c[0] for c in CASES])
def test_list_spellings_map_to_iso(text: str, code: str, why: str) -> None:
    assert to_iso2(text) == code, why


@pytest.mark.parametrize(
    "text", ["Region: Kafia Kingi", "Undetermined", "None Identified", "Moscow", "", None]
)
def test_places_that_are_no_country_give_none(text: str | None) -> None:
    assert to_iso2(text) is None


def test_countries_of_keeps_order_and_drops_repeats_and_unknowns() -> None:
    assert countries_of(["Burma", "xk", "Atlantis", "MM", "Russian"]) == ("MM", "XK", "RU")
