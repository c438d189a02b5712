"""The one place the documents read the assessment, the mitigation plan and the decision.

Until the assessments, mitigations and decisions apps are wired in, the decision comes from the
engagement's own decision fields (the conditions one a line each) and there is no assessment or
plan; each app then fills its part of `Casework` here, and nothing else in this app changes.
"""

from __future__ import annotations

from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import selectors as decision_selectors
from trustdesk.web.documents.content import Casework, DecisionSummary, MitigationLine


def _person(user: object) -> str:
    return str(user) if user is not None else ""


def _route(engagement: Engagement) -> str:
    """Who decided: the route the latest decision record went by (empty before the first)."""
    latest = decision_selectors.decision_list(engagement).first()
    return latest.route if latest is not None else ""


def casework(*, engagement: Engagement) -> Casework:
    """The case's assessment, plan and decision as the documents show them."""
    if not engagement.decision:
        return Casework()
    conditions = tuple(line.strip() for line in engagement.conditions.splitlines() if line.strip())
    decision = DecisionSummary(
        outcome=engagement.decision,
        outcome_label=str(Engagement.Decision(engagement.decision).label),
        reason=engagement.decision_reason,
        decided_by=_person(engagement.decided_by),
        decided_at=engagement.decided_at,
        conditions=conditions,
        review_date=engagement.review_date,
        route=_route(engagement),
    )
    # Conditions of an approval are what the researcher must do: tracked as items until the
    # mitigations app gives them owners and due dates of their own.
    items = tuple(
        MitigationLine(title=text, owner=_person(engagement.owner), status="Open", condition=True)
        for text in conditions
    )
    return Casework(mitigations=items, decision=decision)
