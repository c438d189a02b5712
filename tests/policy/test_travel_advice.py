"""FCDO travel advice from a local GOV.UK Content API: levels, mapping, and every way it fails."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator

import pytest

from tests.support import shared_path
from tests.web.lists.httpserver import (
    LocalHTTPServer,
    body,
    html_page,
    huge,
    redirect,
    slow,
    status,
)
from tests.web.reference.fcdo_api import (
    PARTS_ALL,
    PARTS_ESSENTIAL,
    WHOLE_ALL,
    WHOLE_ESSENTIAL,
    FakeFCDO,
)
from trustdesk.policy.registry import installed_ids, load
from trustdesk.policy.travel_advice import (
    INDICATOR,
    FetchConfig,
    TravelAdviceError,
    country_codes,
    fetch_travel_advice,
    level_of,
)


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


@pytest.fixture
def fcdo(server: LocalHTTPServer) -> FakeFCDO:
    return FakeFCDO(server)


def config(fcdo: FakeFCDO, **changes: object) -> FetchConfig:
    values: dict[str, object] = {
        "base_url": fcdo.base_url,
        "timeout": 1.0,
        "retries": 1,
        "backoff": 0.01,
        "max_failed_fraction": 0.2,
    }
    return FetchConfig(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("codes", "level"),
    [
        ([], 0),
        ([PARTS_ESSENTIAL], 1),
        ([PARTS_ALL], 2),
        ([WHOLE_ESSENTIAL], 3),
        ([WHOLE_ALL], 4),
        ([PARTS_ALL, PARTS_ESSENTIAL], 2),
        ([WHOLE_ESSENTIAL, PARTS_ALL], 3),
        ([PARTS_ESSENTIAL, WHOLE_ALL, PARTS_ALL], 4),
    ],
)
def test_level_is_the_most_serious_code(codes: list[str], level: int) -> None:
    assert level_of(codes) == level


def test_an_unknown_code_has_no_level() -> None:
    with pytest.raises(ValueError, match="unknown alert status see_our_advice"):
        level_of([PARTS_ALL, "see_our_advice"])


@pytest.mark.parametrize(
    ("slug", "name", "codes"),
    [
        ("occupied-palestinian-territories", "Occupied Palestinian Territories", ("PS",)),
        ("congo", "Congo", ("CG",)),
        ("democratic-republic-of-the-congo", "Democratic Republic of the Congo", ("CD",)),
        ("kosovo", "Kosovo", ("XK",)),
        ("cote-d-ivoire", "Côte d'Ivoire", ("CI",)),
        ("turkey", "Turkey", ("TR",)),
        ("myanmar", "Myanmar (Burma)", ("MM",)),
        ("cook-islands-tokelau-and-niue", "Cook Islands, Tokelau and Niue", ("CK", "TK", "NU")),
        ("st-martin-and-st-barthelemy", "St Martin and St Barthélemy", ("MF", "BL")),
        ("usa", "USA", ("US",)),
        ("georgia", "Georgia", ("GE",)),
        ("atlantis", "Atlantis", ()),
    ],
)
def test_fcdo_names_map_to_iso_codes(slug: str, name: str, codes: tuple[str, ...]) -> None:
    assert tuple(c for c, _ in country_codes(slug, name)) == codes


def test_refresh_reads_every_country_with_its_codes_and_dates(fcdo: FakeFCDO) -> None:
    seen: list[tuple[int, int]] = []

    advice = fetch_travel_advice(config(fcdo), progress=lambda d, t: seen.append((d, t)))

    assert advice.values() == {"RU": 4, "CU": 3, "IL": 2, "TH": 1, "FR": 0, "XK": 0}
    israel = next(e for e in advice.entries if e.slug == "israel")
    assert israel.alert_status == (PARTS_ALL, PARTS_ESSENTIAL)
    assert israel.updated_at == dt.datetime(2026, 11, 18, 11, 15, 43, tzinfo=dt.UTC)
    assert israel.url == f"{fcdo.server.base_url}/foreign-travel-advice/israel"
    assert advice.source_url == f"{fcdo.base_url}/foreign-travel-advice"
    assert (advice.failures, advice.unmapped) == ((), ())
    assert seen[0] == (0, 6)
    assert seen[-1] == (6, 6)


def test_a_territory_group_gives_each_territory_the_level(fcdo: FakeFCDO) -> None:
    fcdo.countries["cook-islands-tokelau-and-niue"] = (
        "Cook Islands, Tokelau and Niue", [PARTS_ESSENTIAL], "2026-05-01T10:00:00.000+01:00"
    )  # fmt: skip
    fcdo.publish()

    values = fetch_travel_advice(config(fcdo)).values()

    assert (values["CK"], values["TK"], values["NU"]) == (1, 1, 1)


def test_an_unknown_country_name_is_reported_not_dropped(fcdo: FakeFCDO) -> None:
    fcdo.set("atlantis", [WHOLE_ALL])

    advice = fetch_travel_advice(config(fcdo))

    assert [(e.slug, e.name, e.level) for e in advice.unmapped] == [("atlantis", "Atlantis", 4)]
    assert "atlantis" not in {e.slug for e in advice.entries}


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (status(404, b"Not found"), "answered 404 Not Found for "),
        (status(500), "answered 500 Internal Server Error (after 2 tries)"),
        (slow(3.0), "no response from 127.0.0.1:"),
        (html_page(), "sent a web page (HTML) where JSON was expected"),
        (huge(3 << 20), "sent more than the limit of 2,097,152 bytes"),
        (body(b'{"links": {"children": [', content_type="application/json"), "malformed JSON"),
        (body(b'{"results": []}', content_type="application/json"), "without links.children"),
        (body(b'{"links": {"children": []}}'), "lists no countries"),
        (
            body(b"not gzip at all", headers={"Content-Encoding": "gzip"}),
            "sent a body that cannot be decompressed",
        ),
    ],
    ids=[
        "404",
        "500",
        "timeout",
        "html",
        "oversized",
        "malformed",
        "wrong-shape",
        "empty",
        "corrupt-gzip",
    ],
)
def test_a_bad_index_fails_the_refresh_clearly(
    fcdo: FakeFCDO, server: LocalHTTPServer, route: object, expected: str
) -> None:
    server.route("/api/content/foreign-travel-advice", route)  # type: ignore[arg-type]

    with pytest.raises(TravelAdviceError) as caught:
        fetch_travel_advice(config(fcdo, max_bytes=2 << 20))

    assert expected in caught.value.reason


def test_a_busy_server_is_retried_after_backing_off(
    fcdo: FakeFCDO, server: LocalHTTPServer
) -> None:
    path = "/api/content/foreign-travel-advice"
    index = body(fcdo._index(), content_type="application/json")
    busy = status(429)
    calls: list[str] = []

    def first_busy(handler: object) -> None:
        # Counted before answering: the retry (no real sleep here) can reach the server's next
        # thread before this one would have counted the first call after sending its answer.
        calls.append("x")
        (busy if len(calls) == 1 else index)(handler)  # type: ignore[arg-type]

    server.route(path, first_busy)  # type: ignore[arg-type]
    waits: list[float] = []

    advice = fetch_travel_advice(config(fcdo, sleep=waits.append, backoff=0.5))

    assert len(advice.entries) == 6
    assert waits == [0.5]
    assert server.hits(path) == 2


def test_offline_says_so(fcdo: FakeFCDO) -> None:
    with pytest.raises(TravelAdviceError) as caught:
        fetch_travel_advice(config(fcdo, base_url="http://127.0.0.1:9/api/content"))

    assert "could not connect to 127.0.0.1:9" in caught.value.reason
    assert "are you offline?" in caught.value.reason


def test_a_redirect_loop_is_refused(fcdo: FakeFCDO, server: LocalHTTPServer) -> None:
    server.route("/api/content/foreign-travel-advice", redirect(server.url("/elsewhere")))
    server.route("/elsewhere", redirect(server.url("/api/content/foreign-travel-advice")))

    with pytest.raises(TravelAdviceError, match="redirect loop"):
        fetch_travel_advice(config(fcdo))


def test_a_few_failed_countries_are_listed_and_the_rest_read(
    fcdo: FakeFCDO, server: LocalHTTPServer
) -> None:
    server.route(fcdo.path("cuba"), status(404))

    advice = fetch_travel_advice(config(fcdo, max_failed_fraction=0.2))

    assert [(f.slug, f.codes) for f in advice.failures] == [("cuba", ("CU",))]
    assert "answered 404 Not Found" in advice.failures[0].reason
    assert set(advice.values()) == {"RU", "IL", "TH", "FR", "XK"}


def test_too_many_failed_countries_fail_the_whole_refresh(
    fcdo: FakeFCDO, server: LocalHTTPServer
) -> None:
    server.route(fcdo.path("cuba"), status(404))
    server.route(fcdo.path("israel"), html_page())

    with pytest.raises(TravelAdviceError) as caught:
        fetch_travel_advice(config(fcdo, max_failed_fraction=0.2))

    assert caught.value.reason.startswith("2 of 6 countries could not be read (at most 1 may fail)")
    assert [f.slug for f in caught.value.failures] == ["cuba", "israel"]


def test_an_item_without_alert_status_or_with_a_new_code_is_a_failure(
    fcdo: FakeFCDO, server: LocalHTTPServer
) -> None:
    fcdo.countries["cuba"] = ("Cuba", ["avoid_some_new_thing"], "2026-11-01T00:00:00Z")
    fcdo.publish()
    server.route(fcdo.path("france"), body(json.dumps({"details": {}}).encode()))

    advice = fetch_travel_advice(config(fcdo, max_failed_fraction=0.4))

    reasons = {f.slug: f.reason for f in advice.failures}
    assert reasons == {
        "cuba": "unknown alert status avoid_some_new_thing: trustdesk does not know its level",
        "france": "the item has no details.alert_status list",
    }


def test_an_index_much_shorter_than_last_time_is_refused(fcdo: FakeFCDO) -> None:
    with pytest.raises(
        TravelAdviceError, match="lists 6 countries where the previous refresh read 226"
    ):
        fetch_travel_advice(config(fcdo, expected_entries=226))


def test_concurrency_is_capped_at_four() -> None:
    with pytest.raises(ValueError, match="concurrency must be 1 to 4, not 8"):
        FetchConfig(concurrency=8)


SNAPSHOT = "policy-data/fcdo_travel_advice_status_2026-08-22.csv"


def _snapshot_rows() -> list[dict[str, str]]:
    with shared_path(SNAPSHOT).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_levels_agree_with_the_published_snapshot_for_every_country() -> None:
    rows = _snapshot_rows()

    disagree = [
        (row["fcdo_slug"], row["max_level_0to4"])
        for row in rows
        if level_of([c for c in row["alert_status"].split(";") if c])
        != int(row["max_level_0to4"] or 0)
    ]

    assert len(rows) == 226
    assert disagree == []


def test_every_snapshot_country_maps_to_an_iso_code() -> None:
    unmapped = [
        r["fcdo_slug"] for r in _snapshot_rows() if not country_codes(r["fcdo_slug"], r["country"])
    ]

    assert unmapped == []


def test_gb_base_seed_agrees_with_the_snapshot_for_every_country() -> None:
    if "gb-base" not in installed_ids():
        pytest.skip("the gb-base pack is not installed yet")
    expected: dict[str, int] = {}
    for row in _snapshot_rows():
        for code, _ in country_codes(row["fcdo_slug"], row["country"]):
            expected[code] = max(expected.get(code, 0), int(row["max_level_0to4"] or 0))

    pack = load("gb-base")

    shipped = {
        p.country: p.indicators[INDICATOR]
        for p in pack.country_profiles
        if INDICATOR in p.indicators
    }
    declared = next(i for i in pack.indicators if i.id == INDICATOR)
    assert declared.source.checked == dt.date(2026, 8, 22)
    assert {c: v for c, v in shipped.items() if expected.get(c) != v} == {}
    assert sorted(expected.keys() - shipped.keys()) == []
