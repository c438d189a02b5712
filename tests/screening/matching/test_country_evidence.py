"""Countries that tell two organisations of one name apart (issue 15), on invented names."""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry, Identifier
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.grouping import GroupMember

ORG = EntityType.ORGANIZATION
PERSON = EntityType.PERSON

REGISTERED = Entry(
    "t",
    "brastova",
    ORG,
    "LIMITED LIABILITY COMPANY BRASTOVA",
    identifiers=(
        Identifier("Tax ID No.", "7701234567", "RU"),
        Identifier("Registration Number", "1157746000001", "RU"),
    ),
)
UNREGISTERED = Entry("t", "kelvaro", ORG, "LIMITED LIABILITY COMPANY KELVARO")


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build((REGISTERED, UNREGISTERED))


def keys(index: MatchIndex, query: Query) -> list[str]:
    return [h.key for h in index.search(query)]


def test_an_organisation_without_a_country_is_where_its_numbers_were_issued() -> None:
    assert REGISTERED.known_countries() == ("RU",)
    assert UNREGISTERED.known_countries() == ()


def test_a_given_country_is_not_replaced_by_its_numbers_countries() -> None:
    entry = Entry(
        "t", "x", ORG, "X", countries=("CY",), identifiers=(Identifier("Tax ID No.", "1", "RU"),)
    )
    assert entry.known_countries() == ("CY",)


def test_a_persons_documents_say_no_country_of_the_person() -> None:
    entry = Entry("t", "p", PERSON, "Velmar ORSK", identifiers=(Identifier("Passport", "1", "RU"),))
    assert entry.known_countries() == ()


def test_a_company_registered_in_another_country_is_another_body(index: MatchIndex) -> None:
    assert keys(index, Query("The Brastova", type=ORG, country="RU")) == ["t:brastova"]
    assert keys(index, Query("The Brastova", type=ORG, country="US")) == []
    hits = index.search(Query("The Brastova", type=ORG, country="US"), threshold=0.0)
    assert "US against RU" in hits[0].explanation
    # Without any country to go on, the list's word is all there is.
    assert keys(index, Query("Kelvaro", type=ORG, country="US")) == ["t:kelvaro"]


def test_grouping_sees_the_registration_country() -> None:
    member = GroupMember.of(key="t:brastova", source="t", query="q", name="n", entry=REGISTERED)
    assert member.countries == ("RU",)
