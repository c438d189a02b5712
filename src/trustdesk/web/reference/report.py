"""Travel-advice status and refresh outcomes as text for a terminal and as JSON for scripts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from trustdesk.policy.travel_advice import LEVEL_TEXT
from trustdesk.web.reference.selectors import CountryLevel, LevelChange, TravelAdviceStatus
from trustdesk.web.reference.services import RefreshOutcome

_SHOWN = 40  # countries listed per section in text; --json has them all


def _when(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def _change(c: LevelChange) -> str:
    old = "-" if c.old is None else str(c.old)
    new = "-" if c.new is None else str(c.new)
    return f"{c.name} ({c.code}) {old} -> {new}"


def _change_json(c: LevelChange) -> dict[str, Any]:
    return {"country": c.code, "name": c.name, "old": c.old, "new": c.new}


def _country_json(c: CountryLevel) -> dict[str, Any]:
    return {
        "country": c.code,
        "name": c.name,
        "level": c.level,
        "url": c.url or None,
        "fcdo_updated_at": _when(c.updated_at),
        "carried_from": _when(c.carried_from),
    }


def refresh_json(outcome: RefreshOutcome) -> dict[str, Any]:
    snap = outcome.snapshot
    return {
        "snapshot": str(snap.public_id),
        "created": outcome.created,
        "current": snap.is_current,
        "fetched_at": _when(snap.fetched_at),
        "confirmed_at": _when(snap.confirmed_at),
        "countries": snap.countries,
        "entries": snap.entries,
        "content_hash": snap.content_hash,
        "source_url": snap.source_url,
        "changes_since": outcome.changes_since or None,
        "changes": [_change_json(c) for c in outcome.changes],
        "failed": [
            {
                "country": c.code,
                "name": c.name,
                "slug": c.slug,
                "reason": c.reason,
                "kept_from": _when(c.since),
            }
            for c in outcome.carried
        ],
        "unmapped": [{"slug": s, "name": n} for s, n in outcome.unmapped],
    }


def refresh_text(outcome: RefreshOutcome) -> str:
    snap = outcome.snapshot
    if outcome.created:
        head = (
            f"FCDO travel advice: {snap.countries} countries from {snap.entries} FCDO pages; "
            f"snapshot {snap.short_id} is now current."
        )
    else:
        head = (
            f"FCDO travel advice: {snap.countries} countries, unchanged since "
            f"{snap.fetched_at:%Y-%m-%d %H:%M} UTC; snapshot {snap.short_id} confirmed."
        )
    lines = [head]
    if outcome.created and outcome.changes_since:
        if outcome.changes:
            lines.append(f"Changed level since {outcome.changes_since}:")
            lines += [f"  {_change(c)}" for c in outcome.changes[:_SHOWN]]
            if len(outcome.changes) > _SHOWN:
                lines.append(f"  … and {len(outcome.changes) - _SHOWN} more (--json lists all)")
        else:
            lines.append(f"No country changed level since {outcome.changes_since}.")
    for c in outcome.carried:
        kept = (
            f"kept its level from {c.since:%Y-%m-%d}" if c.since else "has no level (none before)"
        )
        lines.append(f"Not read: {c.name} ({c.code}): {c.reason}; {kept}.")
    for slug, name in outcome.unmapped:
        lines.append(f"No ISO country code for FCDO page {name!r} ({slug}): its level is not used.")
    return "\n".join(lines)


def status_json(status: TravelAdviceStatus) -> dict[str, Any]:
    snap = status.snapshot
    failure = status.last_failure
    return {
        "origin": status.origin,
        "snapshot": str(snap.public_id) if snap else None,
        "fetched_at": _when(snap.fetched_at) if snap else None,
        "confirmed_at": _when(snap.confirmed_at) if snap else None,
        "checked": status.checked.isoformat() if status.checked else None,
        "source_url": snap.source_url if snap else None,
        "countries": len(status.countries),
        "per_level": {str(level): n for level, n in status.per_level().items()},
        "level_4": [_country_json(c) for c in status.at_level(4)],
        "level_3": [_country_json(c) for c in status.at_level(3)],
        "changes_since": status.changes_since or None,
        "changes": [_change_json(c) for c in status.changes],
        "carried": [_country_json(c) for c in status.countries if c.carried_from],
        "last_failure": (
            {"at": _when(failure.started_at), "error": failure.error} if failure else None
        ),
        "pack_problem": status.pack_problem or None,
    }


def status_text(status: TravelAdviceStatus) -> str:
    snap = status.snapshot
    if snap is not None:
        lines = [
            f"FCDO travel advice: snapshot {snap.short_id}, fetched "
            f"{snap.fetched_at:%Y-%m-%d %H:%M} UTC, last confirmed "
            f"{snap.confirmed_at:%Y-%m-%d %H:%M} UTC; {len(status.countries)} countries."
        ]
    elif status.origin == "pack":
        lines = [
            f"FCDO travel advice: no refresh stored yet; the pack's shipped values "
            f"(checked {status.checked}) are in use; {len(status.countries)} countries.",
            "Run `trustdesk policy travel-advice update` to fetch the current advice.",
        ]
    else:
        why = f" ({status.pack_problem})" if status.pack_problem else ""
        lines = [
            f"FCDO travel advice: no refresh stored and no shipped values{why}.",
            "Run `trustdesk policy travel-advice update` to fetch the current advice.",
        ]
    if status.countries:
        lines.append("Countries per level:")
        lines += [
            f"  {level}  {count:>4}  FCDO {LEVEL_TEXT[level]}"
            for level, count in status.per_level().items()
        ]
        for level in (4, 3):
            names = ", ".join(c.name for c in status.at_level(level))
            lines.append(f"Level {level}: {names or 'none'}")
    carried = [c for c in status.countries if c.carried_from]
    if carried:
        lines.append(
            "Not read in the last refresh (earlier level kept): "
            + ", ".join(
                f"{c.name} (since {c.carried_from:%Y-%m-%d})" for c in carried if c.carried_from
            )
        )
    if status.changes_since and status.changes:
        lines.append(f"Changed level since {status.changes_since}:")
        lines += [f"  {_change(c)}" for c in status.changes[:_SHOWN]]
        if len(status.changes) > _SHOWN:
            lines.append(f"  … and {len(status.changes) - _SHOWN} more (--json lists all)")
    if status.last_failure is not None:
        f = status.last_failure
        lines.append(f"Last refresh failed {f.started_at:%Y-%m-%d %H:%M} UTC: {f.error}")
    return "\n".join(lines)
