"""Hits grouped by listed institution: joined on evidence, never on a similar name alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import EntityType, Entry, Identifier
from trustdesk.screening.lists import SHIPPED
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.grouping import GroupMember, group_hits
from trustdesk.screening.parsers import ParseLimits, ParseReport, detect

ORG = EntityType.ORGANIZATION


def _parse(paths: list[Path]) -> list[Entry]:
    return [
        entry
        for fs in detect(paths)
        for entry in fs.format().parse(
            fs.files, source=fs.source, report=ParseReport(), limits=ParseLimits()
        )
    ]


def _shipped() -> list[Entry]:
    found: list[Entry] = []
    for shipped in SHIPPED:
        with shipped.as_path() as path:
            found.extend(_parse([path]))
    return found


@pytest.fixture(scope="module")
def shipped_entries() -> dict[str, Entry]:
    return {e.key: e for e in _shipped()}


@pytest.fixture(scope="module")
def shipped_index(shipped_entries: dict[str, Entry]) -> MatchIndex:
    return MatchIndex.build(shipped_entries.values())


def _groups(index: MatchIndex, entries: dict[str, Entry], name: str) -> list[tuple[str, ...]]:
    hits = index.search(Query(name), limit=20)
    members = [
        GroupMember.of(
            key=h.key, source=h.source, query=h.query_name, name=h.name, entry=entries.get(h.key)
        )
        for h in hits
    ]
    return [g.members for g in group_hits(members)]


def _member(key: str, name: str, *, query: str = "Q Institute", **kw: object) -> GroupMember:
    source = key.split(":", 1)[0]
    entry = Entry(source, key.split(":", 1)[1], ORG, name, **kw)  # type: ignore[arg-type]
    return GroupMember.of(key=key, source=source, query=query, name=name, entry=entry)


# --- the shipped research lists --------------------------------------------------------------


def test_beihang_on_three_lists_is_one_group(
    shipped_index: MatchIndex, shipped_entries: dict[str, Entry]
) -> None:
    groups = _groups(shipped_index, shipped_entries, "Beihang University")

    assert groups == [
        (
            "aspi-unitracker:beihang-university",
            "ca-nro:beihang-university",
            "us-dod-1286:beihang-university",
        )
    ]


def test_two_universities_matching_one_query_stay_two_groups(
    shipped_index: MatchIndex, shipped_entries: dict[str, Entry]
) -> None:
    """Beihang and the Navy Aviation University both match this name; they are two institutions."""
    groups = _groups(shipped_index, shipped_entries, "University of Aeronautics and Astronautics")

    beihang = next(g for g in groups if "ca-nro:beihang-university" in g)
    navy = next(g for g in groups if "ca-nro:navy-aviation-university" in g)
    assert beihang == (
        "aspi-unitracker:beihang-university",
        "ca-nro:beihang-university",
        "us-dod-1286:beihang-university",
    )
    assert navy == ("aspi-unitracker:navy-aviation-university", "ca-nro:navy-aviation-university")
    assert all(len({k.split(":")[0] for k in g}) == len(g) for g in groups)  # one entry per list


def test_spelling_of_a_listed_name_does_not_split_a_group(
    shipped_index: MatchIndex, shipped_entries: dict[str, Entry]
) -> None:
    """Canada writes "Airforce", ASPI and the DoD "Air Force": the matcher reads them alike."""
    groups = _groups(shipped_index, shipped_entries, "Air Force Harbin Flight Academy")

    assert groups[0] == (
        "aspi-unitracker:air-force-harbin-flight-academy",
        "us-dod-1286:air-force-harbin-flight-academy",
        "ca-nro:airforce-harbin-flight-academy",
    )


def test_every_harbin_institute_found_for_one_name_is_its_own_group(
    shipped_entries: dict[str, Entry],
) -> None:
    """Every listed Harbin institution, as if one query had found them all: one group each."""
    harbin = [e for e in shipped_entries.values() if e.name.lower().startswith("harbin")]
    members = [
        GroupMember.of(key=e.key, source=e.source, query="Harbin", name=e.name, entry=e)
        for e in harbin
    ]

    groups = group_hits(members)

    by_id = {tuple(sorted({k.split(":", 1)[1] for k in g.members})) for g in groups}
    assert by_id == {
        ("harbin-engineering-university",),
        ("harbin-institute-of-technology",),
        ("harbin-university-of-science-and-technology",),
    }
    assert sorted(len(g.members) for g in groups) == [1, 3, 3]


# --- the rules, one each ------------------------------------------------------------------


def test_a_shared_identifier_joins_entries_whose_names_differ() -> None:
    a = _member("ofac-sdn:1", "Alpha Works", identifiers=(Identifier("reg", "AB 123-456"),))
    b = _member("un-sc:X1", "Beta Plant", identifiers=(Identifier("reg", "ab123456"),))

    (group,) = group_hits([a, b])

    assert group.members == ("ofac-sdn:1", "un-sc:X1")
    assert group.evidence == ("ofac-sdn:1 and un-sc:X1 share the identifier 'AB123456'",)


def test_a_short_identifier_is_no_evidence() -> None:
    a = _member("ofac-sdn:1", "Alpha Works", identifiers=(Identifier("reg", "12"),))
    b = _member("un-sc:X1", "Beta Plant", identifiers=(Identifier("reg", "12"),))

    assert len(group_hits([a, b])) == 2


def test_a_shared_acronym_is_no_evidence() -> None:
    a = _member("ca-nro:hit", "Harbin Institute of Technology", aliases=("HIT",))
    b = _member("ofac-sdn:9", "Hanoi Industrial Trading", aliases=("HIT",))

    assert [g.members for g in group_hits([a, b])] == [("ca-nro:hit",), ("ofac-sdn:9",)]


def test_the_same_name_found_for_different_screened_names_is_not_joined() -> None:
    a = _member("ca-nro:x", "Example Institute", query="Example Institute")
    b = _member("un-sc:x", "Example Institute", query="EI Group")

    assert len(group_hits([a, b])) == 2


def test_countries_that_disagree_keep_two_entries_apart() -> None:
    a = _member("ca-nro:x", "National Research Institute", countries=("IR",))
    b = _member("un-sc:x", "National Research Institute", countries=("KP",))
    c = _member("ofac-sdn:x", "National Research Institute")  # no country: no disagreement

    assert [g.members for g in group_hits([a, b, c])] == [
        ("ca-nro:x", "ofac-sdn:x"),
        ("un-sc:x",),
    ]


def test_two_entries_of_one_list_are_not_joined_by_name() -> None:
    """A publisher lists an institution once; even a chain through a third list cannot join them."""
    a = _member("ofac-sdn:1", "Example Institute")
    b = _member("ofac-sdn:2", "Example Institute", aliases=("Sample Institute",))
    c = _member("un-sc:1", "Sample Institute", aliases=("Example Institute",))

    groups = group_hits([a, b, c])

    assert [g.members for g in groups] == [("ofac-sdn:1", "un-sc:1"), ("ofac-sdn:2",)]


def test_a_person_and_an_organisation_of_one_name_are_not_joined() -> None:
    a = _member("ofac-sdn:1", "Sino Star")
    person = Entry("un-sc", "P1", EntityType.PERSON, "Sino Star")
    b = GroupMember.of(key="un-sc:P1", source="un-sc", query="Q Institute", name="x", entry=person)

    assert len(group_hits([a, b])) == 2


def test_a_hit_whose_entry_is_gone_groups_on_its_name() -> None:
    a = GroupMember.of(key="ca-nro:x", source="ca-nro", query="q", name="Example Inst", entry=None)
    b = _member("un-sc:x", "Example Inst", query="q")

    (group,) = group_hits([b, a])

    assert group.key == "ca-nro:x"  # the least member key, whatever the hits' order
    assert group.members == ("un-sc:x", "ca-nro:x")


# --- published sanctions lists, where present ------------------------------------------------


def test_one_entity_on_ofac_and_the_un_is_one_group() -> None:
    un = _parse([shared_path("data/un-sc/UN_consolidated.xml")])
    sdn_dir = shared_path("data/ofac-sdn-csv/2024-05-03")
    entries = {e.key: e for e in (*un, *_parse(sorted(sdn_dir.iterdir())))}
    index = MatchIndex.build(entries.values())

    groups = _groups(index, entries, "Korea Mining Development Trading Corporation")

    assert groups[0] == ("ofac-sdn:9345", "un-sc:KPe.001")
