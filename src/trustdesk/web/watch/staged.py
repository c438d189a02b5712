"""The impact preview of a staged list snapshot as one typed value, stored as JSON and read back.

What `preview` works out and the page, the task and the tests read: partners gaining and losing
hits (with the remembered verdicts that would hold), and the engagements whose triage changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = 1


@dataclass(frozen=True, slots=True)
class Remembered:
    """A verdict an officer gave on this entry for this partner, and whether it would hold."""

    verdict: str
    reason: str
    carried: bool  # True: the hit would arrive with the verdict, not awaiting one
    why: tuple[str, ...] = ()  # what changed since, when it would be raised again


@dataclass(frozen=True, slots=True)
class HitChange:
    key: str  # "source:entry_id"
    name: str  # the entry's primary name
    how: str  # "new", "changed" (listed before, entry changed), "removed", "no longer matches"
    score: float = 0.0
    matched_name: str = ""
    remembered: Remembered | None = None


@dataclass(frozen=True, slots=True)
class PartnerImpact:
    subject: str  # "o12" / "p7"
    public_id: str
    name: str
    kind: str  # "organisation" or "person"
    gained: tuple[HitChange, ...] = ()
    lost: tuple[HitChange, ...] = ()


@dataclass(frozen=True, slots=True)
class EngagementImpact:
    public_id: str
    title: str
    status: str
    partners: tuple[str, ...]  # names of its partners affected
    tier_before: str = ""
    tier_after: str = ""
    gained: tuple[str, ...] = ()  # process ids the hits would add
    lost: tuple[str, ...] = ()  # process ids they would drop
    review_due: bool = False  # a decided or active case whose review would be brought forward
    replayed: bool = True  # False: no completed triage (or one the pack refuses) to replay

    @property
    def tier_changed(self) -> bool:
        return self.replayed and self.tier_before != self.tier_after


@dataclass(frozen=True, slots=True)
class ImpactData:
    source: str
    staged: str  # snapshot public id
    base: str | None  # the current snapshot compared with (None: the source's first)
    added: int
    changed: int
    removed: int
    examined: int  # partners screened forward
    partners: tuple[PartnerImpact, ...] = ()
    engagements: tuple[EngagementImpact, ...] = ()
    tiers: Mapping[str, str] = field(default_factory=dict)
    processes: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, **asdict(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImpactData:
        """Read back what `to_dict` stored; another schema is a ValueError."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"impact schema {data.get('schema')!r} is not {SCHEMA}")

        def hit(h: Mapping[str, Any]) -> HitChange:
            r = h.get("remembered")
            remembered = (
                Remembered(r["verdict"], r["reason"], bool(r["carried"]), tuple(r["why"]))
                if r
                else None
            )
            return HitChange(
                h["key"], h["name"], h["how"], h["score"], h["matched_name"], remembered
            )

        return cls(
            source=data["source"],
            staged=data["staged"],
            base=data["base"],
            added=data["added"],
            changed=data["changed"],
            removed=data["removed"],
            examined=data["examined"],
            partners=tuple(
                PartnerImpact(
                    p["subject"],
                    p["public_id"],
                    p["name"],
                    p["kind"],
                    tuple(hit(h) for h in p["gained"]),
                    tuple(hit(h) for h in p["lost"]),
                )
                for p in data["partners"]
            ),
            engagements=tuple(
                EngagementImpact(
                    **{
                        **e,
                        "partners": tuple(e["partners"]),
                        "gained": tuple(e["gained"]),
                        "lost": tuple(e["lost"]),
                    }
                )
                for e in data["engagements"]
            ),
            tiers=dict(data["tiers"]),
            processes=dict(data["processes"]),
        )
