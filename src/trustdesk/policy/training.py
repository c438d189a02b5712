"""Which of a pack's training requirements apply to an engagement, from its kind and tier.

Framework-free, like the rest of the policy engine: the guidance hub asks it for the modules to
check against a person's completions, and triage for what to tell the researcher.
"""

from __future__ import annotations

from trustdesk.policy.models import Pack, TrainingRequirement


def tier_rank(pack: Pack, tier: str | None) -> int | None:
    """The tier's position in the pack's order (lowest first), None when unknown."""
    ids = [t.id for t in pack.tiers]
    return ids.index(tier) if tier in ids else None


def applicable_training(
    pack: Pack, *, kind: str | None, tier: str | None
) -> list[TrainingRequirement]:
    """The requirements that hold for an engagement of ``kind`` triaged at ``tier``.

    An unknown kind meets only the requirements for every kind; an unknown tier (no triage
    yet) only those without a tier, since a tier-bound one cannot be judged before triage.
    """
    rank = tier_rank(pack, tier)
    chosen = []
    for req in pack.training:
        if req.kinds and kind not in req.kinds:
            continue
        if req.tier_at_least is not None:
            floor = tier_rank(pack, req.tier_at_least)
            if rank is None or floor is None or rank < floor:
                continue
        chosen.append(req)
    return chosen
