"""Fresher reference data laid over a pack's shipped country indicators.

A pack ships the indicator values that were true when it was written (FCDO travel advice, say),
each with its source and check date. Some indicators change weekly; the application fetches them
again and lays the fresh values over the pack's, with the fetch date as the new check date, so a
rule reads the newest values while the pack file stays a reproducible, versioned document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trustdesk.policy.models import CountryProfile, Pack, Scalar, Source


@dataclass(frozen=True)
class IndicatorOverlay:
    """New values for one declared indicator, by ISO 3166-1 alpha-2 code, and where they came from.

    ``names`` optionally supplies country names for countries the pack has no profile for yet.
    """

    indicator: str
    values: Mapping[str, Scalar]
    source: Source
    names: Mapping[str, str] | None = None


def apply_overlays(pack: Pack, overlays: Sequence[IndicatorOverlay]) -> Pack:
    """The pack with each overlay's values and source replacing the shipped ones.

    An overlay for an indicator the pack does not declare is ignored: a pack that does not use
    travel advice must not start carrying it. A country missing from the overlay keeps no value
    for that indicator (the publisher no longer gives one), rather than a stale shipped value.
    """
    declared = {i.id: i for i in pack.indicators}
    usable = [o for o in overlays if o.indicator in declared]
    if not usable:
        return pack
    profiles: dict[str, dict[str, Scalar]] = {
        p.country: dict(p.indicators) for p in pack.country_profiles
    }
    names = {p.country: p.name for p in pack.country_profiles}
    for overlay in usable:
        for values in profiles.values():
            values.pop(overlay.indicator, None)
        for code, value in overlay.values.items():
            profiles.setdefault(code, {})[overlay.indicator] = value
            if names.get(code) is None and overlay.names is not None:
                names[code] = overlay.names.get(code)
    indicators = [
        i.model_copy(update={"source": o.source})
        if (o := next((x for x in usable if x.indicator == i.id), None)) is not None
        else i
        for i in pack.indicators
    ]
    return pack.model_copy(
        update={
            "indicators": indicators,
            "country_profiles": [
                CountryProfile(country=code, name=names.get(code), indicators=profiles[code])
                for code in sorted(profiles)
            ],
        }
    )
