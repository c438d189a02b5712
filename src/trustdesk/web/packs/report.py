"""A pack change's impact as the `trustdesk policy preview` and `activate` commands print it."""

from __future__ import annotations

from trustdesk.policy.impact import CaseChange, Impact


def _case_line(change: CaseChange, impact: Impact) -> list[str]:
    tiers, processes = impact.tiers, impact.processes
    head = f"- {change.label} [{change.key}]"
    if change.problems:
        return [
            f"{head}: answers no longer fit; triage again",
            *(f"    {p}" for p in change.problems),
        ]
    lines = [head]
    if change.tier_changed:
        before = tiers.get(change.tier_before, change.tier_before)
        lines.append(f"    tier: {before} -> {tiers.get(change.tier_after, change.tier_after)}")
    lines += [f"    adds: {processes.get(p, p)}" for p in change.gained]
    lines += [f"    drops: {processes.get(p, p)}" for p in change.lost]
    if change.unanswered:
        asked = ", ".join(impact.questions.get(q, q) for q in change.unanswered)
        lines.append(f"    new questions to answer: {asked}")
    return lines


def impact_text(impact: Impact) -> str:
    """The figures, then every changed case with what changes for it."""
    lines = [
        f"{impact.candidate} against {impact.current} (in use): {impact.examined} open case(s) "
        f"replayed; {impact.tier_changes} change tier, {impact.process_changes} change "
        f"processes, {impact.needs_triage} need a new triage"
        + (f", {impact.skipped} not compared" if impact.skipped else "")
        + "."
    ]
    for change in impact.changes:
        lines += _case_line(change, impact)
    if not impact.changes:
        lines.append("No open case would come out differently.")
    return "\n".join(lines)
