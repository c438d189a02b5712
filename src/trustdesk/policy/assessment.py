"""Risk assessment: a rating per risk area of the pack, with the reasons that produced it.

The assessment runs after triage, on the same answers, the screening hits as an officer has
adjudicated them, the case's own facts and the triage outcome. Each of the pack's ``risk_rules``
raises one area to at least its rating when its condition holds; an area no rule raises stays at
the lowest rating of the pack's ``risk_scale``. Like triage it is pure and deterministic (rules
only raise, hits are taken in a fixed order) and records the pack id and version it ran under,
so a case can replay it.

An officer may choose another rating than the computed one (`RatingOverride`), only with a
written justification; the case keeps both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from trustdesk.policy.conditions import Context, FactValue, evaluate
from trustdesk.policy.loader import PackError
from trustdesk.policy.models import Pack
from trustdesk.policy.reasons import Reason
from trustdesk.policy.triage import (
    AnswersInvalid,
    Outcome,
    hit_order,
    read_answers,
    reason_json,
)
from trustdesk.screening.matching.model import ScreeningHit

#: The version of `Assessment.to_dict`'s shape.
ASSESSMENT_SCHEMA = 1

#: The reason an area gets when no risk rule raised it.
NOTHING_RAISED = "No risk rule raised this area above the lowest rating."


class AssessmentMismatch(ValueError):
    """The triage outcome was worked out under another pack (or version) than the one given."""

    def __init__(self, outcome: Outcome, pack: Pack) -> None:
        super().__init__(
            f"the outcome was triaged under {outcome.pack_id}@{outcome.pack_version}, "
            f"not {pack.id}@{pack.version}; triage again under this pack first"
        )


@dataclass(frozen=True)
class AreaRating:
    """One risk area's rating on the pack's scale, with the reasons of the rules that set it.

    ``lower`` holds the rules that also held but rate the area lower (highest first, then pack
    order), so an officer sees everything that was found, not only what decided the rating.
    """

    area: str
    label: str
    rating: str
    rating_label: str
    reasons: tuple[Reason, ...]
    lower: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """Every risk area of the pack, in pack order, and the policy it was assessed under."""

    pack_id: str
    pack_version: str
    pack_lineage: tuple[str, ...]
    tier: str
    areas: tuple[AreaRating, ...]

    def rating(self, area: str) -> str:
        """The computed rating of ``area``; KeyError for an area the pack does not have."""
        for a in self.areas:
            if a.area == area:
                return a.rating
        raise KeyError(area)

    def ratings(self) -> dict[str, str]:
        """Area id to computed rating, in pack order."""
        return {a.area: a.rating for a in self.areas}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, marked with its schema, for storing on a case and for the API."""
        data = asdict(self)
        for area, out in zip(self.areas, data["areas"], strict=True):
            out["reasons"] = [reason_json(r) for r in area.reasons]
            out["lower"] = [reason_json(r) for r in area.lower]
        return {"schema": ASSESSMENT_SCHEMA, **data}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Assessment:
        """An assessment `to_dict` wrote, typed again; ValueError for another schema."""
        if data.get("schema") != ASSESSMENT_SCHEMA:
            raise ValueError(f"assessment schema {data.get('schema')!r} is not {ASSESSMENT_SCHEMA}")
        fields = {k: v for k, v in data.items() if k != "schema"}
        return _assessment_adapter().validate_python(fields)

    def redacted(self) -> Assessment:
        """The assessment for a role that may not read the watch lists: no hit names an entry."""
        areas = tuple(
            replace(
                a,
                reasons=tuple(r.redacted() for r in a.reasons),
                lower=tuple(r.redacted() for r in a.lower),
            )
            for a in self.areas
        )
        return replace(self, areas=areas)


@cache
def _assessment_adapter() -> TypeAdapter[Assessment]:
    return TypeAdapter(Assessment)


def _check_facts(pack: Pack, facts: Mapping[str, FactValue]) -> None:
    declared = {f.id for f in pack.facts}
    errors = [
        PackError("facts", key, "no such fact in this pack") for key in facts if key not in declared
    ]
    if errors:
        raise AnswersInvalid(errors)


def assess(
    pack: Pack,
    outcome: Outcome,
    answers: Mapping[str, object],
    *,
    screening: Sequence[ScreeningHit] = (),
    facts: Mapping[str, FactValue] | None = None,
) -> Assessment:
    """Rates every risk area of ``pack`` for one case.

    ``answers`` are the triage answers (checked as triage checks them), ``screening`` the hits
    with their adjudicated status (a dismissed hit never counts), ``facts`` the case's facts the
    pack declares. Raises `AssessmentMismatch` when ``outcome`` is of another pack or version,
    and `AnswersInvalid` for answers or facts that do not fit the pack.
    """
    if (outcome.pack_id, outcome.pack_version) != (pack.id, pack.version):
        raise AssessmentMismatch(outcome, pack)
    case_facts = dict(facts or {})
    _check_facts(pack, case_facts)
    counted, _, _ = read_answers(pack, answers)
    ctx = Context(
        pack,
        counted,
        tuple(sorted(screening, key=hit_order)),
        case_facts,
        tier=outcome.tier.id,
        processes=frozenset(p.id for p in outcome.processes),
    )
    rank = {r.id: i for i, r in enumerate(pack.risk_scale)}
    fired: dict[str, list[tuple[int, Reason]]] = {a.id: [] for a in pack.risk_areas}
    for rule in pack.risk_rules:
        m = evaluate(rule.when, ctx)
        if m.holds:
            reason = Reason(rule.id, rule.reason, tuple(dict.fromkeys(m.because)))
            fired[rule.area].append((rank[rule.rating], reason))
    areas = []
    for area in pack.risk_areas:
        top = max((r for r, _ in fired[area.id]), default=0)
        reasons = tuple(reason for r, reason in fired[area.id] if r == top) or (
            Reason("", NOTHING_RAISED, ()),
        )
        below = sorted((r for r in fired[area.id] if r[0] < top), key=lambda r: -r[0])
        lower = tuple(reason for _, reason in below)
        level = pack.risk_scale[top]
        areas.append(AreaRating(area.id, area.label, level.id, level.label, reasons, lower))
    return Assessment(
        pack_id=pack.id,
        pack_version=pack.version,
        pack_lineage=tuple(pack.lineage),
        tier=outcome.tier.id,
        areas=tuple(areas),
    )


@dataclass(frozen=True)
class RatingOverride:
    """An officer's rating for one area in place of the computed one, and why; both are kept."""

    area: str
    computed: str
    chosen: str
    justification: str


#: Why an override is refused; stable sentences that the case app shows and tests assert on.
OVERRIDE_UNKNOWN_AREA = "the pack has no risk area {area!r}"
OVERRIDE_UNKNOWN_RATING = "{rating!r} is not on the pack's risk scale"
OVERRIDE_STALE = "the computed rating is now {now!r}, not {computed!r}; look at it again"
OVERRIDE_UNCHANGED = "the chosen rating is the computed one; there is nothing to override"
OVERRIDE_NO_JUSTIFICATION = "a changed rating needs a written justification"


def override_problems(
    pack: Pack, assessment: Assessment, override: RatingOverride
) -> tuple[str, ...]:
    """Every reason ``override`` cannot be kept (empty when it can).

    The computed rating it names must be the assessment's, so an officer never overrides a
    rating they did not see; the justification must say something.
    """
    if override.area not in {a.id for a in pack.risk_areas}:
        return (OVERRIDE_UNKNOWN_AREA.format(area=override.area),)
    scale = {r.id for r in pack.risk_scale}
    problems = [
        OVERRIDE_UNKNOWN_RATING.format(rating=rating)
        for rating in dict.fromkeys((override.computed, override.chosen))
        if rating not in scale
    ]
    now = assessment.rating(override.area)
    if override.computed != now:
        problems.append(OVERRIDE_STALE.format(now=now, computed=override.computed))
    if override.chosen == override.computed:
        problems.append(OVERRIDE_UNCHANGED)
    if not override.justification.strip():
        problems.append(OVERRIDE_NO_JUSTIFICATION)
    return tuple(problems)


def effective_ratings(
    assessment: Assessment, overrides: Sequence[RatingOverride]
) -> dict[str, str]:
    """Area id to the rating that stands: the officer's where one was kept, else the computed."""
    computed = assessment.ratings()
    chosen = {o.area: o.chosen for o in overrides if computed.get(o.area) == o.computed}
    return {area: chosen.get(area, rating) for area, rating in computed.items()}
