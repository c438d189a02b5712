"""FCDO travel advice, read from the GOV.UK Content API, as the FCDO's statuses per ISO code.

The Foreign, Commonwealth & Development Office publishes its advice as GOV.UK content items: the
index ``/api/content/foreign-travel-advice`` links every country's item, and each item states
``details.alert_status``, the codes of the advice against travel in force. A level is the most
serious code's, so a rule can say "at least 3" without knowing the codes:

- 4: against all travel to the whole country
- 3: against all but essential travel to the whole country
- 2: against all travel to parts of the country
- 1: against all but essential travel to parts of the country
- 0: none of these

The level loses what a single number cannot hold: a country with advice against all but essential
travel to the whole country *and* against all travel to parts of it (Ukraine, say) is a 3, like a
country with the first alone. So the statuses are kept apart as well (:class:`AdviceStatus`): what
the FCDO advises for the whole country and what it advises for parts, each "all travel", "all but
essential travel" or none, and rules read those (indicators ``fcdo_whole_country`` and
``fcdo_parts``). The level stays for pages and callers that show one number.

This is the engine's one network client. Its hardening is trustdesk.net's, shared with the list
downloads (no Django there either): each wait is bounded, bodies are size-capped and must not be a
web page (a captive portal's HTML page is named as such), redirects are followed by hand and never
from https down to http. Here bodies must also be JSON, and busy or failing servers are retried
with backoff. A refresh either yields a complete, plausible set of values or raises
:class:`TravelAdviceError`; a few countries that fail are listed, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import httpx

from trustdesk import __version__, net
from trustdesk.screening.countries import to_iso2

#: The indicator id a pack declares to receive these values.
INDICATOR = "fcdo_advice_level"
#: The indicators that keep the FCDO's statuses apart: advice for the whole country, for parts.
WHOLE_COUNTRY_INDICATOR = "fcdo_whole_country"
PARTS_INDICATOR = "fcdo_parts"
#: The values of those two indicators, most serious first.
ALL_TRAVEL = "all-travel"
ALL_BUT_ESSENTIAL = "all-but-essential"
NO_ADVICE = "none"
DEFAULT_BASE_URL = "https://www.gov.uk/api/content"
INDEX_PATH = "/foreign-travel-advice"
USER_AGENT = f"trustdesk/{__version__} (FCDO travel advice refresh)"

#: Each alert code's level; the codes are the Content API's own.
LEVELS: Mapping[str, int] = {
    "avoid_all_travel_to_whole_country": 4,
    "avoid_all_but_essential_travel_to_whole_country": 3,
    "avoid_all_travel_to_parts": 2,
    "avoid_all_but_essential_travel_to_parts": 1,
}
LEVEL_TEXT: Mapping[int, str] = {
    4: "advises against all travel to the whole country",
    3: "advises against all but essential travel to the whole country",
    2: "advises against all travel to parts of the country",
    1: "advises against all but essential travel to parts of the country",
    0: "gives no advice against travel",
}

#: Each alert code as (scope, advice): which of the two statuses it sets, and to what.
_STATUS_OF_CODE: Mapping[str, tuple[str, str]] = {
    "avoid_all_travel_to_whole_country": ("whole", ALL_TRAVEL),
    "avoid_all_but_essential_travel_to_whole_country": ("whole", ALL_BUT_ESSENTIAL),
    "avoid_all_travel_to_parts": ("parts", ALL_TRAVEL),
    "avoid_all_but_essential_travel_to_parts": ("parts", ALL_BUT_ESSENTIAL),
}
_SEVERITY = {NO_ADVICE: 0, ALL_BUT_ESSENTIAL: 1, ALL_TRAVEL: 2}
STATUS_TEXT: Mapping[str, str] = {
    ALL_TRAVEL: "all travel",
    ALL_BUT_ESSENTIAL: "all but essential travel",
    NO_ADVICE: "no advice against travel",
}


@dataclass(frozen=True)
class AdviceStatus:
    """The FCDO's advice for a country as the FCDO states it: for the whole country and for parts.

    Each is ``all-travel``, ``all-but-essential`` or ``none``; both can hold at once.
    """

    whole_country: str = NO_ADVICE
    parts: str = NO_ADVICE

    @classmethod
    def of(cls, alert_status: tuple[str, ...] | list[str]) -> AdviceStatus:
        """The statuses a set of alert codes states; an unknown code raises ValueError."""
        level_of(alert_status)  # refuses unknown codes with the same message
        found = {"whole": NO_ADVICE, "parts": NO_ADVICE}
        for code in alert_status:
            scope, advice = _STATUS_OF_CODE[code]
            if _SEVERITY[advice] > _SEVERITY[found[scope]]:
                found[scope] = advice
        return cls(whole_country=found["whole"], parts=found["parts"])

    @classmethod
    def from_level(cls, level: int) -> AdviceStatus:
        """The statuses a bare 0-4 level implies, for values stored before the codes were kept.

        Lossy by nature: a level keeps only the most serious status, so the other is ``none``.
        """
        code = next((c for c, lvl in LEVELS.items() if lvl == level), None)
        return cls.of([code] if code else [])

    def merged(self, other: AdviceStatus) -> AdviceStatus:
        """The more serious of each status, for two FCDO pages covering one code."""

        def worse(a: str, b: str) -> str:
            return a if _SEVERITY[a] >= _SEVERITY[b] else b

        return AdviceStatus(
            worse(self.whole_country, other.whole_country), worse(self.parts, other.parts)
        )

    def describe(self) -> str:
        """The advice in the FCDO's words, both statuses where both hold."""
        said = [
            f"advises against {STATUS_TEXT[self.whole_country]} to the whole country"
            if self.whole_country != NO_ADVICE
            else "",
            f"advises against {STATUS_TEXT[self.parts]} to parts of the country"
            if self.parts != NO_ADVICE
            else "",
        ]
        return " and ".join(x for x in said if x) or "gives no advice against travel"


# FCDO entries whose names no general country table resolves: territories named together, and
# the FCDO's own spellings. Keyed by slug, which the FCDO keeps stable when it renames a page.
_SLUG_CODES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "antarctica-british-antarctic-territory": (("AQ", "Antarctica"),),
    "bonaire-st-eustatius-saba": (("BQ", "Bonaire, Sint Eustatius and Saba"),),
    "cook-islands-tokelau-and-niue": (("CK", "Cook Islands"), ("TK", "Tokelau"), ("NU", "Niue")),
    "falkland-islands": (("FK", "Falkland Islands"),),
    "pitcairn-island": (("PN", "Pitcairn Islands"),),
    "st-helena-ascension-and-tristan-da-cunha": (
        ("SH", "St Helena, Ascension and Tristan da Cunha"),
    ),
    "st-maarten": (("SX", "St Maarten"),),
    "st-martin-and-st-barthelemy": (("MF", "St Martin"), ("BL", "St Barthélemy")),
    "st-pierre-and-miquelon": (("PM", "St Pierre and Miquelon"),),
    "south-georgia-and-south-sandwich-islands": (
        ("GS", "South Georgia and the South Sandwich Islands"),
    ),
    "occupied-palestinian-territories": (("PS", "Occupied Palestinian Territories"),),
    "palestine": (("PS", "Palestine"),),
    "kosovo": (("XK", "Kosovo"),),
    "congo": (("CG", "Congo"),),
    "democratic-republic-of-the-congo": (("CD", "Democratic Republic of the Congo"),),
    "cote-d-ivoire": (("CI", "Côte d'Ivoire"),),
    "turkey": (("TR", "Turkey"),),
    "north-korea": (("KP", "North Korea"),),
    "south-korea": (("KR", "South Korea"),),
    "usa": (("US", "USA"),),
    "the-gambia": (("GM", "The Gambia"),),
    "myanmar": (("MM", "Myanmar (Burma)"),),
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class TravelAdviceError(Exception):
    """A refresh that yielded nothing usable; the message says what happened and where.

    ``failures`` lists the countries that could not be read when that is why it failed.
    """

    def __init__(self, reason: str, failures: tuple[Failure, ...] = ()) -> None:
        self.reason = reason
        self.failures = failures
        super().__init__(reason)


@dataclass(frozen=True)
class FetchConfig:
    """How a refresh reaches the API; the defaults are polite to GOV.UK and patient with it."""

    base_url: str = DEFAULT_BASE_URL
    #: Seconds for each wait (connecting, each read), not for the whole refresh.
    timeout: float = 30.0
    #: Largest JSON body accepted; country items with every part of their advice are ~300 KB.
    max_bytes: int = 8 << 20
    max_redirects: int = 5
    #: Country items requested at once over one client's connections (at most 4).
    concurrency: int = 4
    #: Further tries after a 429, a 5xx, a timeout or a dropped connection (not after a refused
    #: or unresolvable connection: that is being offline).
    retries: int = 3
    #: First wait before a retry, doubled each time; a server's Retry-After is honoured up to
    #: ``backoff_max``.
    backoff: float = 1.0
    backoff_max: float = 30.0
    #: The share of countries that may fail before the whole refresh is refused.
    max_failed_fraction: float = 0.05
    #: Entries the previous refresh saw; an index listing under 90 % of that is refused as cut
    #: short rather than taken as dozens of countries losing their advice at once.
    expected_entries: int | None = None
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= 4:
            raise ValueError(f"concurrency must be 1 to 4, not {self.concurrency}")
        if not 0 <= self.max_failed_fraction < 1:
            raise ValueError("max_failed_fraction must be at least 0 and below 1")


@dataclass(frozen=True)
class CountryAdvice:
    """One FCDO entry: its page, the ISO codes it covers, its alert codes and their level."""

    slug: str
    name: str
    codes: tuple[str, ...]
    names: tuple[str, ...]  # a name per code: a territory named together with others gets its own
    alert_status: tuple[str, ...]
    level: int
    updated_at: dt.datetime | None
    url: str


@dataclass(frozen=True)
class Failure:
    """An entry that could not be read this time, with the codes it would have covered."""

    slug: str
    name: str
    codes: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class TravelAdvice:
    """A complete refresh: the entries read, those that failed (few) and names left unmapped."""

    source_url: str
    fetched_at: dt.datetime
    entries: tuple[CountryAdvice, ...]
    failures: tuple[Failure, ...]
    #: Entries read whose name maps to no ISO code: reported, so the table can be extended.
    unmapped: tuple[CountryAdvice, ...]

    def values(self) -> dict[str, int]:
        """Level by ISO code; two entries covering one code give the higher level."""
        out: dict[str, int] = {}
        for entry in self.entries:
            for code in entry.codes:
                out[code] = max(out.get(code, 0), entry.level)
        return out

    def statuses(self) -> dict[str, AdviceStatus]:
        """The FCDO's statuses by ISO code; two entries covering one code give the worse of each."""
        out: dict[str, AdviceStatus] = {}
        for entry in self.entries:
            status = AdviceStatus.of(entry.alert_status)
            for code in entry.codes:
                out[code] = out[code].merged(status) if code in out else status
        return out


Progress = Callable[[int, int], None]  # (country items done, country items in all)


def level_of(alert_status: tuple[str, ...] | list[str]) -> int:
    """The level of a set of alert codes: the most serious one's, 0 for none.

    An unknown code raises ValueError: reading a new kind of advice as "no advice" would be
    the one wrong answer.
    """
    unknown = sorted(set(alert_status) - LEVELS.keys())
    if unknown:
        raise ValueError(
            f"unknown alert status {', '.join(unknown)}: trustdesk does not know its level"
        )
    return max((LEVELS[c] for c in alert_status), default=0)


def country_codes(slug: str, name: str) -> tuple[tuple[str, str], ...]:
    """ISO codes (with a name for each) an FCDO entry covers; empty when none is known."""
    known = _SLUG_CODES.get(slug)
    if known is not None:
        return known
    for candidate in (name, name.removesuffix(" travel advice"), slug.replace("-", " ")):
        code = to_iso2(candidate)
        if code is not None:
            return ((code, name),)
    return ()


def public_page(api_url: str) -> str:
    """The GOV.UK page a Content API address serves as JSON: what a person can open and read."""
    head, sep, tail = api_url.partition("/api/content")
    return head + tail if sep else api_url


def fetch_travel_advice(config: FetchConfig, *, progress: Progress | None = None) -> TravelAdvice:
    """Read the index and every country item; raise TravelAdviceError if too little was read."""
    index_url = config.base_url.rstrip("/") + INDEX_PATH
    fetched_at = dt.datetime.now(dt.UTC)
    with net.new_client(
        USER_AGENT,
        accept="application/json",
        timeout=config.timeout,
        connections=config.concurrency,
    ) as client:
        listed, failures = _read_index(client, config, index_url)
        in_all = len(listed) + len(failures)
        allowed = math.floor(in_all * config.max_failed_fraction)
        if len(failures) > allowed:
            raise _too_many(failures, in_all, allowed)
        entries = _read_countries(client, config, listed, failures, (in_all, allowed), progress)
    mapped = tuple(e for e in entries if e.codes)
    unmapped = tuple(e for e in entries if not e.codes)
    return TravelAdvice(
        source_url=index_url,
        fetched_at=fetched_at,
        entries=tuple(sorted(mapped, key=lambda e: e.slug)),
        failures=tuple(sorted(failures, key=lambda f: f.slug)),
        unmapped=tuple(sorted(unmapped, key=lambda e: e.slug)),
    )


@dataclass(frozen=True)
class _Listed:
    slug: str
    name: str
    base_path: str


def _read_index(
    client: httpx.Client, config: FetchConfig, url: str
) -> tuple[list[_Listed], list[Failure]]:
    data = _get_json(client, config, url)
    children = _dig(data, "links", "children")
    if not isinstance(children, list):
        raise TravelAdviceError(
            f"{net.host(url)} sent an index without links.children: not the travel-advice index"
        )
    listed: list[_Listed] = []
    failures: list[Failure] = []
    seen: set[str] = set()
    for child in children:
        base_path = _dig(child, "base_path")
        name = _text(_dig(child, "details", "country", "name")) or _text(_dig(child, "title"))
        slug = str(base_path or "").removeprefix(INDEX_PATH + "/")
        if not isinstance(base_path, str) or not base_path.startswith(INDEX_PATH + "/"):
            failures.append(Failure(str(base_path), name or "?", (), "not a travel-advice page"))
            continue
        if not _SLUG.match(slug):
            failures.append(Failure(slug, name or "?", (), "its address is not a plain slug"))
            continue
        if slug in seen:
            continue
        seen.add(slug)
        listed.append(_Listed(slug, name or slug, base_path))
    if not listed:
        raise TravelAdviceError(f"the index at {url} lists no countries")
    expected = config.expected_entries
    if expected and len(listed) < 0.9 * expected:
        raise TravelAdviceError(
            f"the index lists {len(listed)} countries where the previous refresh read {expected}:"
            " it looks cut short, so nothing was changed"
        )
    return listed, failures


def _read_countries(
    client: httpx.Client,
    config: FetchConfig,
    listed: list[_Listed],
    failures: list[Failure],
    limit: tuple[int, int],
    progress: Progress | None,
) -> list[CountryAdvice]:
    """Every country item, a few at a time; stops as soon as too many have failed."""
    in_all, allowed = limit
    base = config.base_url.rstrip("/")
    web = public_page(base)
    entries: list[CountryAdvice] = []
    total = len(listed)
    if progress is not None:
        progress(0, total)
    pool = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="fcdo")
    try:
        pending: dict[Future[CountryAdvice], _Listed] = {
            pool.submit(_read_country, client, config, base + item.base_path, item, web): item
            for item in listed
        }
        done_count = 0
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                done_count += 1
                try:
                    entries.append(future.result())
                except TravelAdviceError as exc:
                    codes = tuple(c for c, _ in country_codes(item.slug, item.name))
                    failures.append(Failure(item.slug, item.name, codes, exc.reason))
                if progress is not None:
                    progress(done_count, total)
            if len(failures) > allowed:
                raise _too_many(failures, in_all, allowed)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return entries


def _too_many(failures: list[Failure], total: int, allowed: int) -> TravelAdviceError:
    shown = "; ".join(f"{f.name}: {f.reason}" for f in sorted(failures, key=lambda f: f.slug)[:5])
    more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
    return TravelAdviceError(
        f"{len(failures)} of {total} countries could not be read (at most {allowed} may fail): "
        f"{shown}{more}",
        tuple(sorted(failures, key=lambda f: f.slug)),
    )


def _read_country(
    client: httpx.Client, config: FetchConfig, url: str, item: _Listed, web: str
) -> CountryAdvice:
    data = _get_json(client, config, url)
    alerts = _dig(data, "details", "alert_status")
    if not isinstance(alerts, list) or not all(isinstance(a, str) for a in alerts):
        raise TravelAdviceError("the item has no details.alert_status list")
    try:
        level = level_of(alerts)
    except ValueError as exc:
        raise TravelAdviceError(str(exc)) from None
    name = _text(_dig(data, "details", "country", "name")) or item.name
    mapped = country_codes(item.slug, name)
    return CountryAdvice(
        slug=item.slug,
        name=name,
        codes=tuple(c for c, _ in mapped),
        names=tuple(n for _, n in mapped),
        alert_status=tuple(sorted(set(alerts), key=lambda a: -LEVELS[a])),
        level=level,
        updated_at=_when(_dig(data, "public_updated_at")) or _when(_dig(data, "updated_at")),
        url=web + item.base_path,
    )


def _dig(data: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


# --- HTTP: one client, bounded waits and sizes, JSON only, retries with backoff ---------------


def _get_json(client: httpx.Client, config: FetchConfig, url: str) -> object:
    """The decoded JSON at ``url``, retrying what a busy server or network may fix.

    A transient :class:`net.FetchError` is retried; any other is final. Being unable to connect
    is not transient: offline stays offline for the seconds a backoff lasts, and the next
    scheduled refresh tries again anyway.
    """
    attempt = 0
    while True:
        try:
            return _get_json_once(client, config, url)
        except net.FetchError as exc:
            if not exc.transient:
                raise TravelAdviceError(exc.reason) from None
            if attempt >= config.retries:
                raise TravelAdviceError(f"{exc.reason} (after {attempt + 1} tries)") from None
            delay = min(config.backoff_max, config.backoff * 2**attempt)
            if exc.retry_after is not None:
                delay = min(config.backoff_max, max(delay, exc.retry_after))
            config.sleep(delay)
            attempt += 1


def _get_json_once(client: httpx.Client, config: FetchConfig, url: str) -> object:
    response = _open(client, config, url)
    try:
        host = net.host(response.url)
        if response.status_code in _RETRY_STATUSES:
            raise net.FetchError(
                f"{host} answered {net.status(response)}",
                transient=True,
                retry_after=net.retry_after(response.headers.get("Retry-After")),
            )
        if not response.is_success:
            raise TravelAdviceError(f"{host} answered {net.status(response)} for {url}")
        raw = _read_body(response, config, url)
    finally:
        response.close()
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TravelAdviceError(f"{net.host(url)} sent malformed JSON for {url}: {exc}") from None


def _open(client: httpx.Client, config: FetchConfig, url: str) -> httpx.Response:
    """The final response to ``url``, any status, body unread; refusals name the country's URL."""
    try:
        return net.open_stream(
            client, url, timeout=config.timeout, max_redirects=config.max_redirects
        )
    except net.AddressError as exc:
        if exc.invalid:
            raise TravelAdviceError(f"not a valid web address: {exc.url}: {exc.detail}") from None
        raise TravelAdviceError(f"not an http or https address: {exc.url}") from None
    except net.RedirectLoop as exc:
        raise TravelAdviceError(
            f"redirect loop: {exc.host} sends {url} back to {exc.target}"
        ) from None
    except net.TooManyRedirects as exc:
        raise TravelAdviceError(f"more than {exc.limit} redirects, starting at {url}") from None


def _read_body(response: httpx.Response, config: FetchConfig, url: str) -> bytes:
    host = net.host(response.url)
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > config.max_bytes:
        raise TravelAdviceError(
            f"{host} sent {int(declared):,} bytes for {url}, more than the limit of "
            f"{config.max_bytes:,}"
        )
    chunks: list[bytes] = []
    received = 0
    try:
        for chunk in net.capped_chunks(response, config.max_bytes):
            received += len(chunk)
            chunks.append(chunk)
    except net.BodyTooLarge:
        raise TravelAdviceError(
            f"{host} sent more than the limit of {config.max_bytes:,} bytes for {url}"
        ) from None
    except net.HTMLInsteadOfData:
        raise TravelAdviceError(
            f"{host} sent a web page (HTML) where JSON was expected for {url} — a captive "
            "portal, a login page or an error page; open the address in a browser to see it"
        ) from None
    except httpx.TimeoutException:
        reason = f"{host} stopped sending within {config.timeout:g} s"
        raise net.FetchError(reason, transient=True) from None
    except (httpx.RemoteProtocolError, httpx.ReadError):
        raise net.FetchError(f"{host} broke off after {received:,} bytes", transient=True) from None
    except httpx.DecodingError as exc:
        raise TravelAdviceError(
            f"{host} sent a body that cannot be decompressed for {url} ({exc})"
        ) from None
    if received == 0:
        raise TravelAdviceError(f"{host} sent an empty answer for {url}")
    return b"".join(chunks)
