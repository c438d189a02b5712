"""Policy and triage: the active pack's questionnaire, stateless triage, and triage sessions.

An integrating system (a grants system, say) reads the pack to render or prefill the questions,
asks `POST /triage` what applies to a set of answers, and runs an engagement's triage for the
record. Sessions are read through the triage app's scope, so one outside it is the same 404 as
one that does not exist, and are written only by the triage app's services.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from trustdesk.policy.models import Pack, TaxonomyNode
from trustdesk.policy.triage import Outcome
from trustdesk.screening.matching.model import ScreeningHit
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor, page
from trustdesk.web.api.routers.screening import coverage_out
from trustdesk.web.api.schemas import (
    AnswerScreeningOut,
    ErrorOut,
    OptionOut,
    PageIn,
    PageOut,
    PolicyPackOut,
    QuestionOut,
    TaxonomyNodeOut,
    TaxonomyOut,
    TriageAnswersIn,
    TriageFilterIn,
    TriageHitOut,
    TriageOutcomeOut,
    TriageRunIn,
    TriageSessionDetailOut,
    TriageSessionOut,
)
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import permissions, selectors, services
from trustdesk.web.triage.models import TriageSession

router = Router(tags=["triage"])

# Every triage operation needs the configured pack; a pack that cannot be loaded is a 503.
UNAVAILABLE: dict[int, Any] = {503: ErrorOut}


class TriageSessionPageOut(PageOut[TriageSessionOut]):
    pass


def _node_out(node: TaxonomyNode) -> TaxonomyNodeOut:
    return TaxonomyNodeOut(
        id=node.id,
        label=node.label,
        code=node.code,
        note=node.note,
        children=[_node_out(child) for child in node.children],
    )


def pack_out(current: Pack) -> PolicyPackOut:
    return PolicyPackOut(
        id=current.id,
        version=current.version,
        title=current.title,
        publisher=current.publisher,
        jurisdiction=current.jurisdiction,
        publication_date=current.publication_date,
        lineage=list(current.lineage),
        currency=selectors.JURISDICTION_CURRENCY.get(current.jurisdiction),
        questions=[
            QuestionOut(
                id=q.id,
                kind=q.kind,
                label=q.label,
                text=q.text,
                help=q.help,
                uncertainty=q.uncertainty,
                options=[OptionOut(id=o.id, label=o.label) for o in q.options],
                taxonomy=q.taxonomy,
                # The pack's own spelling (`not`, `in`), without the unused keys.
                ask_when=q.ask_when.model_dump(by_alias=True, exclude_none=True)
                if q.ask_when is not None
                else None,
            )
            for q in current.questions
        ],
        taxonomies=[
            TaxonomyOut(
                id=t.id,
                title=t.title,
                node_prefix=t.node_prefix,
                nodes=[_node_out(n) for n in t.nodes],
                uncertainty=t.uncertainty,
            )
            for t in current.taxonomies
        ],
    )


def _hit_out(hit: ScreeningHit, *, details: bool) -> TriageHitOut:
    """A hit the outcome used; without `details`, only that there is a possible match."""
    return TriageHitOut(
        subject=hit.subject,
        origin=hit.origin,
        role=hit.role,
        score=hit.score,
        status=hit.status,
        source=hit.source if details else None,
        entry_id=hit.entry_id if details else None,
        name=hit.name if details else None,
        programme=hit.programme if details else None,
    )


def outcome_out(outcome: Outcome) -> TriageOutcomeOut:
    """The typed outcome as the API shows it (redact it first for roles that may not see hits)."""
    return TriageOutcomeOut.model_validate(outcome, from_attributes=True)


def session_out(session: TriageSession, user: User) -> dict[str, Any]:
    """The session as the reader may see it: listed entries only for those who read the lists."""
    details = permissions.can_see_hit_details(user)
    outcome = selectors.outcome_for_user(session=session, user=user)
    return {
        "id": session.public_id,
        "status": session.status,
        "owner": session.owner.get_username(),
        "engagement": session.engagement.public_id if session.engagement else None,
        "pack_id": session.pack_id,
        "pack_version": session.pack_version,
        "pack_lineage": list(session.pack_lineage),
        "answers": dict(session.answers),
        "outcome": outcome_out(outcome) if outcome is not None else None,
        "hits": [_hit_out(h, details=details) for h in answer_glue.used_hits(session)],
        "unchecked": answer_glue.unchecked_names(session),
        "screening": [
            AnswerScreeningOut(
                question=question,
                name=screened.name,
                screened=screened.screened,
                coverage=coverage_out(screened.coverage) if screened.coverage else None,
            )
            for question, screened in answer_glue.answer_screening(session).items()
        ],
        "created_at": session.created_at,
        "updated_at": session.updated_at,
        "completed_at": session.completed_at,
        "completed_by": session.completed_by.get_username() if session.completed_by else None,
    }


def _detail(session: TriageSession, user: User) -> TriageSessionDetailOut:
    stale = selectors.staleness(session=session, current=selectors.pack())
    return TriageSessionDetailOut(**session_out(session, user), stale=stale)


@router.get("/policy/pack", response={200: PolicyPackOut, **READ_ERRORS, **UNAVAILABLE})
def policy_pack(request: HttpRequest) -> PolicyPackOut:
    """The pack triage runs under: its questions (with when each is asked) and taxonomies."""
    require(actor(request), "engagement.view")
    return pack_out(selectors.pack())


@router.post("/triage", response={200: TriageOutcomeOut, **READ_ERRORS, **UNAVAILABLE})
def triage_evaluate(request: HttpRequest, payload: TriageRunIn) -> TriageOutcomeOut:
    """What applies to these answers (and screening hits), worked out now and not stored.

    Nothing is kept and nothing is audited: the outcome depends only on what the caller sent
    and the published pack, like reading the pack's rules, and it decides nothing on any record.
    An engagement's triage of record is `POST /engagements/{id}/triage`, which is stored and
    audited. Names in the answers are not screened here; send the hits of your own screening.
    """
    require(actor(request), "engagement.view")
    hits = [
        ScreeningHit(
            source=h.source,
            entry_id=h.entry_id,
            name=h.name,
            status=h.status,
            programme=h.programme,
        )
        for h in payload.screening
    ]
    outcome = selectors.triage_evaluate(answers=payload.answers, screening=hits)
    return outcome_out(outcome)


@router.get("/triage/sessions", response={200: TriageSessionPageOut, **READ_ERRORS})
def triage_session_list(
    request: HttpRequest, paging: Query[PageIn], filters: Query[TriageFilterIn]
) -> TriageSessionPageOut:
    """Triage sessions in your scope (as on the triage page), most recently changed first."""
    user = actor(request)
    require(user, "engagement.view")
    rows = selectors.triage_list_for_user(user=user).select_related("completed_by")
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.engagement is not None:
        rows = rows.filter(engagement__public_id=filters.engagement)
    count, items = page(rows, paging)
    return TriageSessionPageOut(
        count=count,
        limit=paging.limit,
        offset=paging.offset,
        items=[TriageSessionOut(**session_out(s, user)) for s in items],
    )


@router.get(
    "/triage/sessions/{uuid:public_id}",
    response={200: TriageSessionDetailOut, **READ_ERRORS, **UNAVAILABLE},
)
def triage_session_detail(request: HttpRequest, public_id: uuid.UUID) -> TriageSessionDetailOut:
    """One session, with why its outcome may be stale (the pack or the screening moved on)."""
    user = actor(request)
    return _detail(selectors.triage_get_for_user(user=user, public_id=public_id), user)


@router.post(
    "/engagements/{uuid:public_id}/triage",
    response={201: TriageSessionDetailOut, **WRITE_ERRORS, **UNAVAILABLE},
)
def engagement_triage(
    request: HttpRequest, public_id: uuid.UUID, payload: TriageAnswersIn
) -> Status[TriageSessionDetailOut]:
    """Triage a draft engagement you own or are on the team of, and store it on its record.

    The engagement's record prefills what it can and its partners' screening hits, with the
    officers' adjudications, count; the completion is audited on the engagement's timeline.
    """
    user = actor(request)
    engagement = case_selectors.engagement_get_for_user(user=user, public_id=public_id)
    session = services.triage_run(actor=user, engagement=engagement, answers=payload.answers)
    return Status(201, _detail(session, user))
