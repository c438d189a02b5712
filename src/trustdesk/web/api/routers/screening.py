"""Screening: runs with their hits, re-screening, adjudication, and ad-hoc screening of a name.

Each run says which list snapshots and matcher version it used, so a result read here can be
replayed later; each hit carries its explanation and the features that made its score.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from trustdesk.screening.matching import DEFAULT_THRESHOLD
from trustdesk.screening.matching import Query as NameQuery
from trustdesk.web.accounts.permissions import has_permission, require
from trustdesk.web.api import services as api_services
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor, page
from trustdesk.web.api.routers.organisations import organisation_get
from trustdesk.web.api.routers.people import person_get
from trustdesk.web.api.schemas import (
    ConsultedOut,
    CoverageOut,
    FeatureOut,
    HitAdjudicateIn,
    HitGroupAdjudicateIn,
    HitGroupAdjudicateOut,
    HitGroupOut,
    MatchOut,
    MissingOut,
    NameScreenIn,
    NameScreenOut,
    PageIn,
    PageOut,
    ScreeningHitOut,
    ScreeningRunOut,
    StaleOut,
)
from trustdesk.web.lists import screenfile
from trustdesk.web.lists.coverage import Coverage
from trustdesk.web.partners import grouping, selectors, services
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun

router = Router(tags=["screening"])


class ScreeningRunPageOut(PageOut[ScreeningRunOut]):
    pass


def hit_out(hit: ScreeningHit) -> ScreeningHitOut:
    return ScreeningHitOut(
        id=hit.public_id,
        source=hit.source,
        entry_id=hit.entry_id,
        entry_name=hit.entry_name,
        matched_name=hit.matched_name,
        query_name=hit.query_name,
        score=hit.score,
        explanation=hit.explanation,
        features=[FeatureOut(**f) for f in hit.features],
        verdict=hit.verdict,
        verdict_reason=hit.verdict_reason,
        adjudicated_by=hit.adjudicated_by.get_username() if hit.adjudicated_by else None,
        adjudicated_at=hit.adjudicated_at,
    )


def coverage_out(coverage: Coverage) -> CoverageOut:
    return CoverageOut(
        complete=coverage.complete,
        sanctions_checked=coverage.sanctions_checked,
        summary=coverage.summary(),
        consulted=[
            ConsultedOut(
                source=c.source,
                snapshot_id=c.snapshot_id,
                published=c.published or None,
                imported_at=c.imported_at,
                kind=c.kind,
            )
            for c in coverage.consulted
        ],
        missing=[MissingOut(source=m.source, kind=m.kind) for m in coverage.missing],
        stale=[
            StaleOut(
                source=s.source,
                snapshot_id=s.snapshot_id,
                age_days=s.age_days,
                max_age_days=s.max_age_days,
                kind=s.kind,
            )
            for s in coverage.stale
        ],
    )


def run_out(run: ScreeningRun, *, details: bool) -> ScreeningRunOut:
    """The run as the reader may see it: listed entries only for roles that read the lists.

    Researchers and champions see how many possible matches there are, as on the partner's page,
    never which entries: the list entries are the research-security office's to judge.
    """
    hits = list(run.hits.all())
    return ScreeningRunOut(
        id=run.public_id,
        status=run.status,
        trigger=run.trigger,
        names=list(run.names),
        snapshots=dict(run.snapshots),
        coverage=coverage_out(Coverage.from_dict(run.coverage)) if run.coverage else None,
        matcher_version=run.matcher_version,
        threshold=run.threshold,
        error=run.error,
        created_at=run.created_at,
        completed_at=run.completed_at,
        possible_matches=len(hits),
        hits=[hit_out(h) for h in hits] if details else [],
        groups=[group_out(g) for g in grouping.screening_groups(run)] if details else [],
    )


def group_out(group: grouping.HitGroupView) -> HitGroupOut:
    return HitGroupOut(
        key=group.key,
        entries=[h.key for h in group.hits],
        hits=[h.public_id for h in group.hits],
        evidence=list(group.evidence),
        verdict=group.status.value if group.status else None,
    )


def _runs(
    request: HttpRequest, subject: Organisation | Person, paging: PageIn
) -> ScreeningRunPageOut:
    user = actor(request)
    require(user, "partner.view")
    details = has_permission(user, "lists.view")
    count, rows = page(selectors.screening_runs(subject), paging)
    return ScreeningRunPageOut(
        count=count,
        limit=paging.limit,
        offset=paging.offset,
        items=[run_out(r, details=details) for r in rows],
    )


def _rescreen(request: HttpRequest, subject: Organisation | Person) -> Status[ScreeningRunOut]:
    run = services.screening_request(actor=actor(request), subject=subject)
    # Runs on the task queue after the commit: 202, and the run is read back as it is now.
    return Status(202, run_out(run, details=has_permission(actor(request), "lists.view")))


@router.get(
    "/organisations/{uuid:public_id}/screenings",
    response={200: ScreeningRunPageOut, **READ_ERRORS},
)
def organisation_screenings(
    request: HttpRequest, public_id: uuid.UUID, paging: Query[PageIn]
) -> ScreeningRunPageOut:
    """The organisation's screenings, newest first, with hits, verdicts and snapshots used."""
    return _runs(request, organisation_get(request, public_id), paging)


@router.post(
    "/organisations/{uuid:public_id}/screenings",
    response={202: ScreeningRunOut, **WRITE_ERRORS},
)
def organisation_rescreen(request: HttpRequest, public_id: uuid.UUID) -> Status[ScreeningRunOut]:
    """Screen the organisation again against the current lists (queued; poll its screenings)."""
    return _rescreen(request, organisation_get(request, public_id))


@router.get(
    "/people/{uuid:public_id}/screenings", response={200: ScreeningRunPageOut, **READ_ERRORS}
)
def person_screenings(
    request: HttpRequest, public_id: uuid.UUID, paging: Query[PageIn]
) -> ScreeningRunPageOut:
    """The person's screenings still within retention, newest first, with their hits."""
    return _runs(request, person_get(request, public_id), paging)


@router.post("/people/{uuid:public_id}/screenings", response={202: ScreeningRunOut, **WRITE_ERRORS})
def person_rescreen(request: HttpRequest, public_id: uuid.UUID) -> Status[ScreeningRunOut]:
    """Screen the person again, on their names only (queued; poll their screenings)."""
    return _rescreen(request, person_get(request, public_id))


def _group_adjudicate(
    request: HttpRequest,
    subject: Organisation | Person,
    run_id: uuid.UUID,
    payload: HitGroupAdjudicateIn,
) -> HitGroupAdjudicateOut:
    run = get_object_or_404(selectors.screening_runs(subject), public_id=run_id)
    rows = services.hit_group_adjudicate(
        actor=actor(request),
        run=run,
        group=payload.group,
        verdict=payload.verdict,
        reason=payload.reason,
    )
    return HitGroupAdjudicateOut(group=payload.group, hits=[hit_out(h) for h in rows])


@router.post(
    "/organisations/{uuid:public_id}/screenings/{uuid:run_id}/group-adjudication",
    response={200: HitGroupAdjudicateOut, **WRITE_ERRORS},
)
def organisation_group_adjudicate(
    request: HttpRequest, public_id: uuid.UUID, run_id: uuid.UUID, payload: HitGroupAdjudicateIn
) -> HitGroupAdjudicateOut:
    """One verdict, with its reason, on every hit of one listed institution (see `groups`).

    Each hit is recorded and audited as a single verdict would be, in one transaction; a group
    key the screening does not have is refused with 422 `unknown_group`.
    """
    return _group_adjudicate(request, organisation_get(request, public_id), run_id, payload)


@router.post(
    "/people/{uuid:public_id}/screenings/{uuid:run_id}/group-adjudication",
    response={200: HitGroupAdjudicateOut, **WRITE_ERRORS},
)
def person_group_adjudicate(
    request: HttpRequest, public_id: uuid.UUID, run_id: uuid.UUID, payload: HitGroupAdjudicateIn
) -> HitGroupAdjudicateOut:
    """One verdict, with its reason, on every hit of one listed entity found for the person."""
    return _group_adjudicate(request, person_get(request, public_id), run_id, payload)


@router.post("/hits/{uuid:public_id}/adjudication", response={200: ScreeningHitOut, **WRITE_ERRORS})
def hit_adjudicate(
    request: HttpRequest, public_id: uuid.UUID, payload: HitAdjudicateIn
) -> ScreeningHitOut:
    """Record a verdict on a hit, with the reason, on the hit and on the audit trail."""
    hit = selectors.hit_get_for_user(user=actor(request), public_id=public_id)
    row = services.hit_adjudicate(
        actor=actor(request), hit=hit, verdict=payload.verdict, reason=payload.reason
    )
    return hit_out(row)


@router.post("/screen", response={200: NameScreenOut, **WRITE_ERRORS})
def name_screen(request: HttpRequest, payload: NameScreenIn) -> NameScreenOut:
    """Screen one name against every current list; each hit says why it matched.

    `coverage` names the lists consulted and the expected ones missing or out of date; a name
    with nothing to compare (empty, punctuation only) is refused with 422 `name_not_screenable`.
    """
    query = NameQuery(
        name=payload.name,
        type=screenfile.parse_type(payload.type, "type"),
        country=screenfile.parse_country(payload.country, "country"),
    )
    threshold = payload.threshold if payload.threshold is not None else DEFAULT_THRESHOLD
    result = api_services.name_screen(
        actor=actor(request), query=query, threshold=threshold, limit=payload.limit
    )
    return NameScreenOut(
        query=payload.name,
        type=query.type,
        country=query.country,
        threshold=result.threshold,
        matcher_version=result.matcher_version,
        snapshots=result.snapshots,
        coverage=coverage_out(result.coverage),
        hits=[MatchOut(**h.to_dict()) for h in result.hits],
    )
