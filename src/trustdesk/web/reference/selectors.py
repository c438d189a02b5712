"""Reads of reference data: the current snapshot, its overlay on the pack, and what it says.

``active_pack()`` is what every triage in the web application uses: the pack in use (an
installed version made current, else the configured one) with the current travel advice laid
over its shipped values. Until a refresh has stored a snapshot, the
pack's own values (its offline seed) apply unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.conf import settings
from django.db.models import QuerySet

from trustdesk.policy import registry
from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.models import CountryProfile, Pack, Source
from trustdesk.policy.reference import IndicatorOverlay
from trustdesk.policy.travel_advice import (
    ALL_TRAVEL,
    INDICATOR,
    PARTS_INDICATOR,
    WHOLE_COUNTRY_INDICATOR,
    AdviceStatus,
    public_page,
)
from trustdesk.web.core.context import forget, remember
from trustdesk.web.reference.models import (
    PackChange,
    PackVersion,
    ReferenceSnapshot,
    ReferenceValue,
    RefreshRun,
)

FCDO = ReferenceSnapshot.Kind.FCDO_TRAVEL_ADVICE
OVERLAY_TITLE = "FCDO travel advice (GOV.UK Content API)"
PUBLISHER = "Foreign, Commonwealth & Development Office"


@dataclass(frozen=True)
class CountryLevel:
    """A country's level in the values in use, and where it came from."""

    code: str
    name: str
    level: int
    url: str = ""
    updated_at: dt.datetime | None = None  # when the FCDO last changed the advice
    carried_from: dt.datetime | None = None  # set when not read in the last refresh
    #: The FCDO's own statuses (whole country, parts), which the level alone cannot tell apart.
    status: AdviceStatus = field(default_factory=AdviceStatus)


@dataclass(frozen=True)
class LevelChange:
    code: str
    name: str
    old: int | None  # None: the country was not covered before
    new: int | None  # None: the country is no longer covered


@dataclass(frozen=True)
class TravelAdviceStatus:
    """What ``trustdesk policy travel-advice`` and the reference page show."""

    #: "snapshot" (a stored refresh), "pack" (the pack's shipped values) or "none".
    origin: str
    snapshot: ReferenceSnapshot | None
    #: The date the values in use were last checked against the FCDO.
    checked: dt.date | None
    countries: tuple[CountryLevel, ...]
    #: Level changes of the current snapshot against the one before it (or the shipped values).
    changes: tuple[LevelChange, ...]
    changes_since: str
    #: A refresh that failed after the values in use were last confirmed.
    last_failure: RefreshRun | None
    #: Why the configured pack gives no shipped values, when it cannot be loaded.
    pack_problem: str = ""

    def per_level(self) -> dict[int, int]:
        counts = dict.fromkeys(range(4, -1, -1), 0)
        for country in self.countries:
            counts[country.level] = counts.get(country.level, 0) + 1
        return counts

    def no_go_parts(self) -> list[CountryLevel]:
        """Countries with advice against all travel to parts, whatever the rest of the country's."""
        return sorted(
            (c for c in self.countries if c.status.parts == ALL_TRAVEL), key=lambda c: c.name
        )

    def at_level(self, level: int) -> list[CountryLevel]:
        return sorted((c for c in self.countries if c.level == level), key=lambda c: c.name)


def current_snapshot(kind: str = FCDO) -> ReferenceSnapshot | None:
    return ReferenceSnapshot.objects.filter(kind=kind, is_current=True).first()


def snapshot_levels(snapshot: ReferenceSnapshot) -> dict[str, CountryLevel]:
    """Every country of a snapshot by ISO code."""
    return {
        v.country: CountryLevel(
            code=v.country,
            name=v.name,
            level=int(v.value),
            status=AdviceStatus.of(v.codes) if v.codes else AdviceStatus.from_level(int(v.value)),
            url=v.source_url,
            updated_at=v.source_updated_at,
            carried_from=v.carried_from,
        )
        for v in ReferenceValue.objects.filter(snapshot=snapshot)
    }


def overlay_of(snapshot: ReferenceSnapshot) -> IndicatorOverlay:
    """A snapshot as fresher values of the pack's ``fcdo_advice_level``, checked when confirmed."""
    levels = snapshot_levels(snapshot)
    confirmed = snapshot.confirmed_at.astimezone(dt.UTC)
    return IndicatorOverlay(
        indicator=INDICATOR,
        values={code: c.level for code, c in levels.items()},
        names={code: c.name for code, c in levels.items()},
        source=Source(
            title=OVERLAY_TITLE,
            url=public_page(snapshot.source_url),
            publisher=PUBLISHER,
            checked=confirmed.date(),
            note=(
                f"{len(levels)} countries, fetched {snapshot.fetched_at:%Y-%m-%d %H:%M} UTC and "
                f"last confirmed {confirmed:%Y-%m-%d %H:%M} UTC (snapshot {snapshot.short_id})"
            ),
        ),
    )


def overlays_of(snapshot: ReferenceSnapshot) -> list[IndicatorOverlay]:
    """A snapshot as fresher values of the level and of the FCDO's two statuses.

    The statuses come from the alert codes each value stored; a value stored without codes (by
    a version that kept only the level) gets the statuses its level implies.
    """
    level = overlay_of(snapshot)
    statuses = {
        v.country: AdviceStatus.of(v.codes) if v.codes else AdviceStatus.from_level(int(v.value))
        for v in ReferenceValue.objects.filter(snapshot=snapshot)
    }
    return [
        level,
        replace(
            level,
            indicator=WHOLE_COUNTRY_INDICATOR,
            values={c: s.whole_country for c, s in statuses.items()},
        ),
        replace(level, indicator=PARTS_INDICATOR, values={c: s.parts for c, s in statuses.items()}),
    ]


def current_overlays() -> list[IndicatorOverlay]:
    """The overlays the current reference snapshots give (none before the first refresh)."""
    snapshot = current_snapshot()
    return [] if snapshot is None else overlays_of(snapshot)


def active_pack() -> Pack:
    """The pack in use with the current travel advice over it; raises PackInvalid.

    The pack in use is the current installed version (`PackVersion`) when an admin has made one
    current, else the one TRUSTDESK_POLICY_PACK names. Cached per pack and snapshot (and its
    confirmation time), so a page costs two small queries here instead of parsing and checking
    the pack's YAML again; and remembered for the rest of the request (`core.context.remember`),
    so a page whose sections each read the pack costs those queries once.
    """
    return remember(ACTIVE_PACK, _active_pack)


#: The request memo's key of the active pack.
ACTIVE_PACK = "reference.active_pack"


def forget_active_pack() -> None:
    """After a refresh or a switch of version: the request reads the pack anew."""
    forget(ACTIVE_PACK)


def _active_pack() -> Pack:
    key = _snapshot_key()
    version = current_pack_version_id()
    if version is not None:
        return _stored_pack(version, key)
    return _pack(settings.TRUSTDESK_POLICY_PACK, key)


def _snapshot_key() -> str:
    snapshot = current_snapshot()
    return "" if snapshot is None else f"{snapshot.public_id}@{snapshot.confirmed_at.isoformat()}"


def _overlays(snapshot_key: str) -> list[IndicatorOverlay]:
    if not snapshot_key:
        return []
    public_id = snapshot_key.partition("@")[0]
    return overlays_of(ReferenceSnapshot.objects.get(public_id=public_id))


@lru_cache(maxsize=8)
def _pack(ref: str, snapshot_key: str) -> Pack:
    return registry.load(ref, overlays=_overlays(snapshot_key))


@lru_cache(maxsize=8)
def _stored_pack(public_id: str, snapshot_key: str) -> Pack:
    version = PackVersion.objects.get(public_id=public_id)
    return registry.load_text(
        version.content.encode(), name=version.file_name, overlays=_overlays(snapshot_key)
    )


def current_pack_version_id() -> str | None:
    """The public id of the installed version in use, or None (the configured pack is)."""
    found = (
        PackVersion.objects.filter(status=PackVersion.Status.CURRENT)
        .values_list("public_id", flat=True)
        .first()
    )
    return None if found is None else str(found)


def pack_version_load(version: PackVersion) -> Pack:
    """An installed version as triage would use it now (today's travel advice laid over it)."""
    return _stored_pack(str(version.public_id), _snapshot_key())


def pack_version_with_content(content: bytes) -> PackVersion | None:
    """The installed version of exactly this file, if any (by the sha256 of its bytes)."""
    return PackVersion.objects.filter(digest=hashlib.sha256(content).hexdigest()).first()


def configured_pack() -> str:
    """What TRUSTDESK_POLICY_PACK names: in use whenever no installed version is current."""
    return str(settings.TRUSTDESK_POLICY_PACK)


def pack_version_list() -> QuerySet[PackVersion]:
    """Installed versions, newest first, without their YAML (a list needs none of it)."""
    return PackVersion.objects.defer("content", "preview")


def pack_change_list() -> QuerySet[PackChange]:
    """Every time a version was made current, newest first, without the stored impact."""
    return PackChange.objects.select_related("version").defer("impact", "version__content")


def shipped_levels(pack: Pack) -> tuple[dict[str, CountryLevel], dt.date | None]:
    """The pack's own travel-advice values (its offline seed) and their check date."""
    declared = next((i for i in pack.indicators if i.id == INDICATOR), None)
    if declared is None:
        return {}, None
    levels = {
        p.country: CountryLevel(
            code=p.country, name=p.name or p.country, level=int(value), status=_shipped_status(p)
        )
        for p in pack.country_profiles
        if isinstance(value := p.indicators.get(INDICATOR), int) and not isinstance(value, bool)
    }
    return levels, declared.source.checked


def _shipped_status(profile: CountryProfile) -> AdviceStatus:
    whole = profile.indicators.get(WHOLE_COUNTRY_INDICATOR)
    parts = profile.indicators.get(PARTS_INDICATOR)
    if isinstance(whole, str) and isinstance(parts, str):
        return AdviceStatus(whole_country=whole, parts=parts)
    level = profile.indicators.get(INDICATOR)
    return AdviceStatus.from_level(level if isinstance(level, int) else 0)


def shipped_pack_levels() -> tuple[dict[str, CountryLevel], dt.date | None, str]:
    """The shipped values of the pack in use (before any overlay), or why there are none."""
    version = current_pack_version_id()
    ref = settings.TRUSTDESK_POLICY_PACK if version is None else f"installed version {version}"
    try:
        pack = (
            _pack(settings.TRUSTDESK_POLICY_PACK, "")
            if version is None
            else _stored_pack(version, "")
        )
    except PackInvalid as exc:
        problems = "; ".join(str(e) for e in exc.errors[:3])
        return {}, None, f"pack {ref!r} cannot be loaded: {problems}"
    levels, checked = shipped_levels(pack)
    if not levels:
        return {}, None, f"pack {pack.id!r} has no {INDICATOR} values"
    return levels, checked, ""


def level_changes(
    old: Mapping[str, CountryLevel], new: Mapping[str, CountryLevel]
) -> list[LevelChange]:
    """Countries whose level differs, appeared or disappeared, by name."""
    changes = [
        LevelChange(
            code=code,
            name=(new.get(code) or old[code]).name,
            old=old[code].level if code in old else None,
            new=new[code].level if code in new else None,
        )
        for code in old.keys() | new.keys()
        if (old[code].level if code in old else None) != (new[code].level if code in new else None)
    ]
    return sorted(changes, key=lambda c: c.name)


def travel_advice_status() -> TravelAdviceStatus:
    """The travel-advice values in use, how fresh they are, and what the last refresh changed."""
    snapshot = current_snapshot()
    failure = RefreshRun.objects.filter(kind=FCDO, status=RefreshRun.Status.FAILED).first()
    if snapshot is None:
        levels, checked, problem = shipped_pack_levels()
        return TravelAdviceStatus(
            origin="pack" if levels else "none",
            snapshot=None,
            checked=checked,
            countries=tuple(levels.values()),
            changes=(),
            changes_since="",
            last_failure=failure,
            pack_problem=problem,
        )
    if failure is not None and failure.started_at < snapshot.confirmed_at:
        failure = None
    levels = snapshot_levels(snapshot)
    if snapshot.previous is not None:
        before = snapshot_levels(snapshot.previous)
        since = f"the snapshot of {snapshot.previous.fetched_at:%Y-%m-%d}"
    else:
        before, checked, _ = shipped_pack_levels()
        since = f"the pack's shipped values (checked {checked})" if before else ""
    return TravelAdviceStatus(
        origin="snapshot",
        snapshot=snapshot,
        checked=snapshot.confirmed_at.astimezone(dt.UTC).date(),
        countries=tuple(levels.values()),
        changes=tuple(level_changes(before, levels)) if since else (),
        changes_since=since,
        last_failure=failure,
    )


def refresh_run_list(*, kind: str = FCDO, limit: int = 20) -> list[RefreshRun]:
    """The latest refresh attempts, newest first, failures with their reasons among them."""
    return list(RefreshRun.objects.filter(kind=kind).select_related("snapshot")[:limit])
