"""Which lists a screening consulted, and which expected lists were missing or too old.

"No match" means nothing unless the answer also says against what: a result read without its
coverage hides "not checked" behind "clear". Coverage is built here once, as one typed value,
and every interface shows it: the `trustdesk screen` and `screen-file` commands, the pages of
organisations and people, the API, triage, and the banner officers see.

A source's age is the time since trustdesk last confirmed its current snapshot: the later of the
snapshot's import and the latest successful import or update of that source (an update that
finds the file unchanged confirms it too). Publication dates are not used, since a list that
has not changed for weeks (the UN's, often) is still current when its publisher says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from trustdesk.web.lists.models import ImportRun, ListSource
from trustdesk.web.lists.sources import SOURCES, source_info

# Expected by default: the governments' sanctions lists that `trustdesk lists update` fetches
# (OFSI's ConList is left out: it stopped updating when the UK Sanctions List replaced it, so
# it would be stale for ever) and the research-security lists that ship with trustdesk.
DEFAULT_EXPECTED: tuple[str, ...] = (
    "uk-sanctions",
    "un-sc",
    "ofac-sdn",
    "ofac-cons",
    "eu-fsf",
    "us-csl",
    "ca-nro",
    "us-dod-1286",
    "aspi-unitracker",
)
# Days a list may go unconfirmed before it counts as stale, by kind: sanctions designations
# take effect on publication, so a week-old copy already misses some; the research-security
# lists are revised once or twice a year.
DEFAULT_MAX_AGE_DAYS: dict[str, int] = {
    "sanctions": 7,
    "aggregator": 7,
    "export-control": 7,
    "research-security": 400,
    "custom": 400,
}
# Kinds whose absence or age means sanctions were not (fully) checked: the banner's concern.
SANCTIONS_KINDS = frozenset({"sanctions", "aggregator", "export-control"})
_CONFIRMED = (ImportRun.Status.IMPORTED, ImportRun.Status.UNCHANGED, ImportRun.Status.REINSTATED)


@dataclass(frozen=True, slots=True)
class Consulted:
    """A list a screening used: its snapshot, and the dates a reader judges it by."""

    source: str
    snapshot_id: str
    published: str  # as the file states it (ISO date or date-time), "" when it states none
    imported_at: datetime
    kind: str


@dataclass(frozen=True, slots=True)
class Missing:
    """An expected list with no snapshot at all: nothing was checked against it."""

    source: str
    kind: str


@dataclass(frozen=True, slots=True)
class Stale:
    """An expected list whose snapshot was last confirmed longer ago than its maximum age."""

    source: str
    snapshot_id: str
    age_days: int
    max_age_days: int
    kind: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """What one screening consulted and what it could not vouch for; `complete` when nothing."""

    consulted: tuple[Consulted, ...]
    missing: tuple[Missing, ...]
    stale: tuple[Stale, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.stale

    @property
    def sanctions_checked(self) -> bool:
        """Whether any sanctions list was consulted at all."""
        return any(c.kind in SANCTIONS_KINDS for c in self.consulted)

    @property
    def sanctions_missing(self) -> tuple[Missing, ...]:
        return tuple(m for m in self.missing if m.kind in SANCTIONS_KINDS)

    @property
    def sanctions_stale(self) -> tuple[Stale, ...]:
        return tuple(s for s in self.stale if s.kind in SANCTIONS_KINDS)

    @property
    def sanctions_gaps(self) -> tuple[str, ...]:
        """Sanctions sources missing or stale: what the officers' banner names."""
        return tuple(
            [m.source for m in self.sanctions_missing] + [s.source for s in self.sanctions_stale]
        )

    def summary(self) -> str:
        """The coverage in words, for a terminal, a page or a stored result."""
        parts = []
        if not self.consulted:
            parts.append("No list was consulted: nothing was checked.")
        elif not self.sanctions_checked:
            parts.append("Sanctions were not checked: no sanctions list is loaded.")
        if self.missing:
            names = ", ".join(m.source for m in self.missing)
            parts.append(f"Not checked against {names} (never loaded).")
        if self.stale:
            names = ", ".join(
                f"{s.source} ({s.age_days} days old; at most {s.max_age_days})" for s in self.stale
            )
            parts.append(f"Out of date: {names}.")
        consulted = ", ".join(f"{c.source} ({_date(c)})" for c in self.consulted)
        if consulted:
            parts.append(f"Consulted: {consulted}.")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (`--json`, the API, stored runs); `from_dict` reads it back."""
        return {
            "complete": self.complete,
            "sanctions_checked": self.sanctions_checked,
            "consulted": [
                {
                    "source": c.source,
                    "snapshot_id": c.snapshot_id,
                    "published": c.published or None,
                    "imported_at": c.imported_at.isoformat(),
                    "kind": c.kind,
                }
                for c in self.consulted
            ],
            "missing": [{"source": m.source, "kind": m.kind} for m in self.missing],
            "stale": [
                {
                    "source": s.source,
                    "snapshot_id": s.snapshot_id,
                    "age_days": s.age_days,
                    "max_age_days": s.max_age_days,
                    "kind": s.kind,
                }
                for s in self.stale
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coverage:
        return cls(
            consulted=tuple(
                Consulted(
                    source=c["source"],
                    snapshot_id=c["snapshot_id"],
                    published=c.get("published") or "",
                    imported_at=datetime.fromisoformat(c["imported_at"]),
                    kind=c["kind"],
                )
                for c in data.get("consulted", [])
            ),
            missing=tuple(Missing(m["source"], m["kind"]) for m in data.get("missing", [])),
            stale=tuple(
                Stale(s["source"], s["snapshot_id"], s["age_days"], s["max_age_days"], s["kind"])
                for s in data.get("stale", [])
            ),
        )


def _date(consulted: Consulted) -> str:
    if consulted.published:
        return f"published {consulted.published[:10]}"
    return f"imported {consulted.imported_at:%Y-%m-%d}"


def kind_of(key: str) -> str:
    """The source's kind from the catalogue; a custom list is 'custom'."""
    info = SOURCES.get(key)
    return info.kind if info is not None else "custom"


def expected_sources() -> tuple[str, ...]:
    """The sources every screening should consult (TRUSTDESK_LISTS_EXPECTED, else the default)."""
    configured: list[str] | None = settings.TRUSTDESK_LISTS_EXPECTED
    return tuple(configured) if configured is not None else DEFAULT_EXPECTED


def max_age_days(key: str) -> int:
    """Days `key` may go unconfirmed (TRUSTDESK_LIST_MAX_AGE_<SOURCE>, else by its kind)."""
    overrides: dict[str, int] = settings.TRUSTDESK_LIST_MAX_AGE_DAYS
    if key in overrides:
        return overrides[key]
    return DEFAULT_MAX_AGE_DAYS[source_info(key).kind]


def current_coverage(*, now: datetime | None = None) -> Coverage:
    """Coverage of a screening against the current snapshots: one query.

    Each current snapshot is consulted (the index covers every current snapshot, expected or
    not); each expected source without one is missing, and each expected source not confirmed
    within its maximum age is stale.
    """
    consulted, checked_at = _current_snapshots()
    return _judge(consulted, checked_at, now or timezone.now())


@dataclass(frozen=True, slots=True)
class Freshness:
    """How long ago an expected source was last confirmed, against its maximum age.

    `age_seconds` is None for a source never loaded. Monitoring reads this (list ages as
    metrics, readiness); screenings read `Coverage`, which rounds the same ages to days.
    """

    source: str
    kind: str
    age_seconds: float | None
    max_age_seconds: int

    @property
    def missing(self) -> bool:
        return self.age_seconds is None

    @property
    def stale(self) -> bool:
        return self.age_seconds is not None and self.age_seconds > self.max_age_seconds


def expected_freshness(*, now: datetime | None = None) -> tuple[Freshness, ...]:
    """Each expected source's age since it was last confirmed: the same query as coverage.

    Stale here (older than the maximum age, to the second) is a little stricter than in
    `Coverage`, which counts whole days as the pages show them.
    """
    now = now or timezone.now()
    _consulted, checked_at = _current_snapshots()
    return tuple(
        Freshness(
            source=key,
            kind=kind_of(key),
            age_seconds=(now - checked_at[key][1]).total_seconds() if key in checked_at else None,
            max_age_seconds=max_age_days(key) * 86400,
        )
        for key in expected_sources()
    )


def _current_snapshots() -> tuple[tuple[Consulted, ...], dict[str, tuple[str, datetime]]]:
    """Every current snapshot, and when each source was last confirmed (snapshot id, time)."""
    confirmed = (
        ImportRun.objects.filter(source_key=OuterRef("key"), status__in=_CONFIRMED)
        .values("source_key")
        .annotate(last=Max("finished_at"))
        .values("last")
    )
    rows = (
        ListSource.objects.filter(current__isnull=False)
        .select_related("current")
        .annotate(confirmed_at=Subquery(confirmed))
        .order_by("key")
    )
    consulted: list[Consulted] = []
    checked_at: dict[str, tuple[str, datetime]] = {}
    for src in rows:
        snap = src.current
        assert snap is not None  # noqa: S101  # filtered on current above
        consulted.append(
            Consulted(
                src.key, str(snap.public_id), snap.published, snap.imported_at, kind_of(src.key)
            )
        )
        last = max(filter(None, (snap.imported_at, src.confirmed_at)))
        checked_at[src.key] = (str(snap.public_id), last)
    return tuple(consulted), checked_at


_REQUEST_ATTRIBUTE = "_trustdesk_list_coverage"


def current_coverage_for(request: object) -> Coverage:
    """`current_coverage`, read once per request however many places ask (banner and page)."""
    cached: Coverage | None = getattr(request, _REQUEST_ATTRIBUTE, None)
    if cached is None:
        cached = current_coverage()
        setattr(request, _REQUEST_ATTRIBUTE, cached)
    return cached


def _judge(
    consulted: tuple[Consulted, ...], checked_at: dict[str, tuple[str, datetime]], now: datetime
) -> Coverage:
    missing: list[Missing] = []
    stale: list[Stale] = []
    for key in expected_sources():
        if key not in checked_at:
            missing.append(Missing(key, kind_of(key)))
            continue
        snapshot_id, last = checked_at[key]
        age = (now - last).days
        limit = max_age_days(key)
        if age > limit:
            stale.append(Stale(key, snapshot_id, age, limit, kind_of(key)))
    return Coverage(consulted, tuple(missing), tuple(stale))
