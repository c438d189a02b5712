"""Organisations: a shared register, so everyone with `partner.view` reads every live one.

Writes go through the partners services, which check `partner.propose` (and that a researcher
corrects only what they added) or `partner.merge`.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.api.errors import InvalidInput
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor, page
from trustdesk.web.api.schemas import (
    OrganisationCreateIn,
    OrganisationMergeIn,
    OrganisationOut,
    OrganisationUpdateIn,
    PageIn,
    PageOut,
)
from trustdesk.web.partners import selectors, services
from trustdesk.web.partners.models import Organisation

router = Router(tags=["organisations"])


class OrganisationPageOut(PageOut[OrganisationOut]):
    pass


def organisation_out(org: Organisation, user: User) -> OrganisationOut:
    return OrganisationOut(
        id=org.public_id,
        name=org.name,
        aliases=list(org.aliases),
        kind=org.kind,
        country=org.country,
        ror_id=org.ror_id,
        website=org.website,
        parent=org.parent.public_id if org.parent else None,
        merged=org.merged_into_id is not None,
        merged_into=_merged_into(org, user),
        created_at=org.created_at,
        updated_at=org.updated_at,
    )


def _merged_into(org: Organisation, user: User) -> uuid.UUID | None:
    """The kept record's id, only for a caller who may see that record (never a hidden one's)."""
    if org.merged_into_id is None:
        return None
    kept = selectors.merged_record_kept_for_user(user=user, record=org)
    return kept.public_id if kept is not None else None


def organisation_get(request: HttpRequest, public_id: uuid.UUID) -> Organisation:
    """One organisation the caller sees, merged ones included (they say where they went)."""
    records = selectors.organisation_list_for_user(user=actor(request), include_merged=True)
    return records.select_related("merged_into").get(public_id=public_id)


def _parent(request: HttpRequest, public_id: uuid.UUID | None, field: str) -> Organisation | None:
    if public_id is None:
        return None
    records = selectors.organisation_list_for_user(user=actor(request))
    found = records.filter(public_id=public_id).first()
    if found is None:
        raise InvalidInput(field, f"No organisation {public_id}.")
    return found


@router.get("", response={200: OrganisationPageOut, **READ_ERRORS})
def organisation_list(
    request: HttpRequest, paging: Query[PageIn], q: str = ""
) -> OrganisationPageOut:
    """Live organisations by name or alias in any script, or exactly by ROR id."""
    require(actor(request), "partner.view")
    records = selectors.organisation_list_for_user(user=actor(request))
    count, rows = page(selectors.organisation_search(records, q[:200]), paging)
    return OrganisationPageOut(
        count=count,
        limit=paging.limit,
        offset=paging.offset,
        items=[organisation_out(o, actor(request)) for o in rows],
    )


@router.get("/{uuid:public_id}", response={200: OrganisationOut, **READ_ERRORS})
def organisation_detail(request: HttpRequest, public_id: uuid.UUID) -> OrganisationOut:
    return organisation_out(organisation_get(request, public_id), actor(request))


@router.post("", response={201: OrganisationOut, **WRITE_ERRORS})
def organisation_create(
    request: HttpRequest, payload: OrganisationCreateIn
) -> Status[OrganisationOut]:
    """Add an organisation; its screening is queued at once (see its screenings)."""
    data = services.OrganisationInput(
        name=payload.name,
        kind=payload.kind,
        aliases=payload.aliases,
        country=payload.country,
        ror_id=payload.ror_id,
        website=payload.website,
        parent=_parent(request, payload.parent, "parent"),
    )
    org = services.organisation_create(actor=actor(request), data=data)
    return Status(201, organisation_out(org, actor(request)))


@router.patch("/{uuid:public_id}", response={200: OrganisationOut, **WRITE_ERRORS})
def organisation_update(
    request: HttpRequest, public_id: uuid.UUID, payload: OrganisationUpdateIn
) -> OrganisationOut:
    """Correct an organisation; a change of name or aliases screens it again."""
    org = organisation_get(request, public_id)
    sent = payload.model_fields_set
    parent = _parent(request, payload.parent, "parent") if "parent" in sent else org.parent
    data = services.OrganisationInput(
        name=payload.name if payload.name is not None else org.name,
        kind=payload.kind if payload.kind is not None else org.kind,
        aliases=payload.aliases if payload.aliases is not None else org.aliases,
        country=payload.country if payload.country is not None else org.country,
        ror_id=payload.ror_id if payload.ror_id is not None else org.ror_id,
        website=payload.website if payload.website is not None else org.website,
        parent=parent,
    )
    org = services.organisation_update(actor=actor(request), organisation=org, data=data)
    return organisation_out(org, actor(request))


@router.post("/{uuid:public_id}/merge", response={200: OrganisationOut, **WRITE_ERRORS})
def organisation_merge(
    request: HttpRequest, public_id: uuid.UUID, payload: OrganisationMergeIn
) -> OrganisationOut:
    """Fold this duplicate into `into`; returns the record kept."""
    # Asked before `into` is looked up, so a refused role learns nothing from a 422 about it.
    require(actor(request), "partner.merge")
    duplicate = organisation_get(request, public_id)
    into = _parent(request, payload.into, "into")
    assert into is not None  # noqa: S101  # `into` is a required UUID
    kept = services.organisation_merge(
        actor=actor(request), duplicate=duplicate, into=into, reason=payload.reason
    )
    return organisation_out(kept, actor(request))
