"""People: personal data, so each caller sees only those in their role's scope.

A person outside the scope is the same 404 as one that does not exist; writes go through the
partners services, which check `partner.propose` and the scope again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.http import HttpRequest
from ninja import Query, Router, Status

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.api.errors import InvalidInput
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor, page
from trustdesk.web.api.schemas import PageIn, PageOut, PersonCreateIn, PersonOut, PersonUpdateIn
from trustdesk.web.partners import selectors, services
from trustdesk.web.partners.models import Organisation, Person

router = Router(tags=["people"])


class PersonPageOut(PageOut[PersonOut]):
    pass


def person_out(person: Person, user: User) -> PersonOut:
    return PersonOut(
        id=person.public_id,
        name=person.name,
        aliases=list(person.aliases),
        orcid=person.orcid,
        nationality=person.nationality,
        nationality_reason=person.nationality_reason,
        affiliations=[o.public_id for o in person.affiliations.all()],
        merged=person.merged_into_id is not None,
        merged_into=_merged_into(person, user),
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


def _merged_into(person: Person, user: User) -> uuid.UUID | None:
    """The kept record's id, only for a caller who may see that record (never a hidden one's)."""
    if person.merged_into_id is None:
        return None
    kept = selectors.merged_record_kept_for_user(user=user, record=person)
    return kept.public_id if kept is not None else None


def person_get(request: HttpRequest, public_id: uuid.UUID) -> Person:
    """One person in the caller's scope, merged ones included (they say where they went)."""
    records = selectors.person_list_for_user(user=actor(request), include_merged=True)
    return records.select_related("merged_into").get(public_id=public_id)


def _organisations(request: HttpRequest, ids: Sequence[uuid.UUID]) -> list[Organisation]:
    records = selectors.organisation_list_for_user(user=actor(request))
    found = {o.public_id: o for o in records.filter(public_id__in=ids)}
    for public_id in ids:
        if public_id not in found:
            raise InvalidInput("affiliations", f"No organisation {public_id}.")
    return [found[i] for i in dict.fromkeys(ids)]


@router.get("", response={200: PersonPageOut, **READ_ERRORS})
def person_list(request: HttpRequest, paging: Query[PageIn], q: str = "") -> PersonPageOut:
    """Live people in your scope, by name or alias in any script, or exactly by ORCID iD."""
    require(actor(request), "partner.view")
    records = selectors.person_list_for_user(user=actor(request)).prefetch_related("affiliations")
    count, rows = page(selectors.person_search(records, q[:200]), paging)
    return PersonPageOut(
        count=count,
        limit=paging.limit,
        offset=paging.offset,
        items=[person_out(p, actor(request)) for p in rows],
    )


@router.get("/{uuid:public_id}", response={200: PersonOut, **READ_ERRORS})
def person_detail(request: HttpRequest, public_id: uuid.UUID) -> PersonOut:
    return person_out(person_get(request, public_id), actor(request))


@router.post("", response={201: PersonOut, **WRITE_ERRORS})
def person_create(request: HttpRequest, payload: PersonCreateIn) -> Status[PersonOut]:
    """Add a person (screened on their names only); nationality only with the reason for it."""
    data = services.PersonInput(
        name=payload.name,
        aliases=payload.aliases,
        orcid=payload.orcid,
        nationality=payload.nationality,
        nationality_reason=payload.nationality_reason,
        affiliations=_organisations(request, payload.affiliations),
    )
    person = services.person_create(actor=actor(request), data=data)
    return Status(201, person_out(person, actor(request)))


@router.patch("/{uuid:public_id}", response={200: PersonOut, **WRITE_ERRORS})
def person_update(request: HttpRequest, public_id: uuid.UUID, payload: PersonUpdateIn) -> PersonOut:
    """Correct a person; a change of name or aliases screens them again."""
    person = person_get(request, public_id)
    affiliations = (
        _organisations(request, payload.affiliations)
        if payload.affiliations is not None
        else list(person.affiliations.all())
    )
    data = services.PersonInput(
        name=payload.name if payload.name is not None else person.name,
        aliases=payload.aliases if payload.aliases is not None else person.aliases,
        orcid=payload.orcid if payload.orcid is not None else person.orcid,
        nationality=payload.nationality if payload.nationality is not None else person.nationality,
        nationality_reason=payload.nationality_reason
        if payload.nationality_reason is not None
        else person.nationality_reason,
        affiliations=affiliations,
    )
    person = services.person_update(actor=actor(request), person=person, data=data)
    return person_out(person, actor(request))
