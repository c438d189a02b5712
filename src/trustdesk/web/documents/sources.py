"""The one place the documents read the assessment, the mitigation plan and the decision.

Each part is read through the app that keeps it, as the reader may see it: the assessment's
reasons through `assessments.selectors.assessment_for_user` (redacted without `lists.view`) and
an officer's justification only for the roles the assessments app shows it to; the plan's
current items (removed ones left out); the round's recommendation, and the latest decision with
the votes of the round it closed. The builders never query these apps themselves, so a letter,
a report and their PDFs say the same thing as the engagement page.
"""

from __future__ import annotations

from datetime import date

from trustdesk.policy import routing
from trustdesk.policy.models import Pack, Route
from trustdesk.policy.reasons import Reason
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments import permissions as assessment_permissions
from trustdesk.web.assessments import selectors as assessment_selectors
from trustdesk.web.assessments.models import RiskAssessment
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import selectors as decision_selectors
from trustdesk.web.decisions.models import Decision
from trustdesk.web.decisions.models import Recommendation as RecommendationRow
from trustdesk.web.documents.content import (
    AreaRating,
    Casework,
    Contact,
    DecisionSummary,
    MitigationLine,
    Recommendation,
    VoteLine,
)
from trustdesk.web.mitigations import selectors as mitigation_selectors
from trustdesk.web.mitigations.models import MitigationItem
from trustdesk.web.triage import selectors as triage_selectors

LOWER = "Also found, rated lower: {text}"
COMMITTEE = "The committee"


def casework(*, engagement: Engagement, user: User) -> Casework:
    """The case's assessment, plan and decision as `user` may read them in a document.

    The engagement was fetched through the user's scope by the caller.
    """
    pack = _pack()
    latest = decision_selectors.decision_list(engagement).first()
    # The round open now, else the one the latest decision closed.
    round_ = decision_selectors.current_round(engagement) or (
        latest.recommendation if latest is not None else None
    )
    return Casework(
        ratings=_ratings(engagement, user, pack),
        mitigations=_mitigations(engagement),
        recommendation=_recommendation(round_) if round_ is not None else None,
        decision=_decision(latest, pack) if latest is not None else None,
        contacts=_contacts(engagement, round_, latest),
    )


def _pack() -> Pack | None:
    try:
        return triage_selectors.pack()
    except triage_selectors.PackUnavailable:
        return None


def _person(user: User | None) -> str:
    return str(user) if user is not None else ""


def _day(iso: str) -> str:
    """A condition's due date (ISO, as stored) as the documents write dates: 1 September 2027."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


# --- the risk assessment -------------------------------------------------------------------


def reason_sentence(reason: Reason) -> str:
    """A reason as the assessment section words it: the rule's sentence, then "Because …"."""
    because = "; ".join(reason.because)
    return f"{reason.text} Because {because}." if because else reason.text


def _scale(record: RiskAssessment, pack: Pack | None) -> dict[str, str]:
    """Rating id → label: the assessment's own labels, and the pack's scale if the same pack."""
    labels = {a.rating: a.rating_label for a in record.typed.areas}
    if pack is not None and pack.id == record.pack_id:
        labels.update({r.id: r.label for r in pack.risk_scale})
    return labels


def _ratings(engagement: Engagement, user: User, pack: Pack | None) -> tuple[AreaRating, ...]:
    record = assessment_selectors.latest_assessment(engagement=engagement)
    if record is None:
        return ()
    typed = assessment_selectors.assessment_for_user(user=user, assessment=record)
    by_area = {a.area: a for a in typed.areas}
    labels = _scale(record, pack)
    # A justification may quote the lists, so it goes only where the entries do.
    sees = assessment_permissions.can_see_entries(user)
    rows = []
    for row in record.areas.all():
        computed = by_area.get(row.area)
        reasons = [reason_sentence(r) for r in computed.reasons] if computed else []
        if computed is not None:
            reasons += [LOWER.format(text=reason_sentence(r)) for r in computed.lower]
        rows.append(
            AreaRating(
                area_id=row.area,
                area=row.label,
                computed=row.computed,
                computed_label=labels.get(row.computed, row.computed),
                chosen=row.chosen,
                chosen_label=labels.get(row.chosen, row.chosen),
                reasons=tuple(reasons),
                justification=row.justification if sees else "",
                rated_by=_person(row.chosen_by if row.overridden else record.run_by),
                rated_at=row.chosen_at if row.overridden else record.created_at,
            )
        )
    return tuple(rows)


# --- the mitigation plan -------------------------------------------------------------------


def _mitigations(engagement: Engagement) -> tuple[MitigationLine, ...]:
    labels = mitigation_selectors.area_labels()
    return tuple(
        MitigationLine(
            title=item.title,
            owner=_person(item.owner),
            status=str(item.get_status_display()),
            due=item.due_date,
            area=labels.get(item.area, item.area.replace("-", " ").capitalize()),
            detail=item.description,
            evidence=tuple(e.original_name for e in item.evidence.all()),
            condition=item.source == MitigationItem.Source.CONDITION,
            # Done or waived: nothing more is asked of anyone (a waiver accepts the risk).
            done=item.is_closed,
        )
        for item in mitigation_selectors.item_list(engagement=engagement)
    )


# --- the recommendation and the decision ---------------------------------------------------


def _recommendation(row: RecommendationRow) -> Recommendation:
    return Recommendation(
        outcome=row.outcome,
        outcome_label=str(row.get_outcome_display()),
        reason=row.reasoning,
        by=_person(row.made_by),
        at=row.made_at,
    )


def _route(decision: Decision, pack: Pack | None) -> Route | None:
    """The route the decision went by, under its pack while that is still the active one's id."""
    if pack is None or pack.id != decision.pack_id or not decision.tier:
        return None
    try:
        return routing.route_for(pack, decision.tier)
    except routing.RouteMissing:
        return None


def _decision(decision: Decision, pack: Pack | None) -> DecisionSummary:
    route = _route(decision, pack)
    committee = route.committee if route is not None else None
    votes: tuple[VoteLine, ...] = ()
    decided_by = _person(decision.decided_by)
    if decision.route == Decision.Route.COMMITTEE:
        # A committee decides together: the member whose vote completed the quorum is on the
        # vote lines, not named as the decider.
        decided_by = committee.title if committee is not None else COMMITTEE
        seats = {s.id: s.label for s in committee.seats} if committee is not None else {}
        votes = tuple(
            VoteLine(
                voter=_person(v.voter) + (f" ({seats[v.seat]})" if v.seat in seats else ""),
                vote=v.outcome,
                vote_label=str(v.get_outcome_display()),
                reason=v.reason,
                at=v.cast_at,
            )
            for v in decision_selectors.vote_list(decision.recommendation)
        )
    return DecisionSummary(
        outcome=decision.outcome,
        outcome_label=str(decision.get_outcome_display()),
        reason=decision.reason,
        decided_by=decided_by,
        decided_at=decision.decided_at,
        conditions=tuple(
            f"{c['text']} (due {_day(c['due'])})" if c.get("due") else c["text"]
            for c in decision.conditions
        ),
        review_date=decision.review_date,
        route=decision.route,
        votes=votes,
        quorum=committee.quorum if committee is not None else None,
    )


def _contact(user: User) -> Contact:
    return Contact(name=str(user), role=str(User.Role(user.role).label), email=user.email)


def _contacts(
    engagement: Engagement, round_: RecommendationRow | None, latest: Decision | None
) -> tuple[Contact, ...]:
    """Whom the researcher asks about the case: its officer, then whoever decided alone.

    The officer is the one assigned to the case, else the one who made the latest
    recommendation; a committee member is not a contact for a decision the committee made.
    """
    people: list[User] = []
    if engagement.assignee is not None:
        people.append(engagement.assignee)
    if round_ is not None:
        people.append(round_.made_by)
    if latest is not None and latest.route != Decision.Route.COMMITTEE:
        people.append(latest.decided_by)
    unique = {p.pk: p for p in people if p.is_active}
    return tuple(_contact(p) for p in unique.values())
