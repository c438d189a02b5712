"""Stored JSON to and from the review engine's typed `Change`; nothing else reads it raw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trustdesk.policy.review import Change, Trigger
from trustdesk.screening.matching.model import ScreeningHit


def change_json(change: Change) -> dict[str, Any]:
    return {
        "trigger": change.trigger.value,
        "subject": change.subject,
        "before": list(change.before),
        "after": list(change.after),
        "part": change.part,
        "hit": change.hit.to_dict() if change.hit is not None else None,
    }


def change_from_json(data: Mapping[str, Any]) -> Change:
    hit = data.get("hit")
    return Change(
        trigger=Trigger(str(data["trigger"])),
        subject=str(data.get("subject", "")),
        before=tuple(str(v) for v in data.get("before") or ()),
        after=tuple(str(v) for v in data.get("after") or ()),
        part=str(data.get("part", "")),
        hit=ScreeningHit.from_dict(hit) if isinstance(hit, Mapping) else None,
    )


def changes_from_json(rows: Sequence[object]) -> tuple[Change, ...]:
    return tuple(change_from_json(row) for row in rows if isinstance(row, Mapping))
