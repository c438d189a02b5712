"""Mitigation plans: items, checklist proposals, status moves and evidence files.

List an engagement's items, propose from the checklist, add, change, remove, move their status,
upload evidence (multipart) and download it.

The engagement is fetched through the caller's scope and the item through the engagement, so an
item of a case they cannot see is the same 404 as a missing one. Evidence downloads are always
attachments with `nosniff`, as on the pages.
"""

from __future__ import annotations

import uuid

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Router, Status, UploadedFile

from trustdesk.web.accounts.models import User
from trustdesk.web.api.errors import InvalidInput
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor
from trustdesk.web.api.schemas import (
    EvidenceFileOut,
    MitigationCreateIn,
    MitigationItemOut,
    MitigationRemoveIn,
    MitigationStatusIn,
    MitigationUpdateIn,
)
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.mitigations import files, permissions, selectors, services
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem

router = Router(tags=["mitigations"])

NO_FILE = "Send the file as the multipart field `file`."

_BASE = "/engagements/{uuid:public_id}/mitigations"
_ITEM = _BASE + "/{uuid:item_id}"


def _engagement(request: HttpRequest, public_id: uuid.UUID) -> Engagement:
    return case_selectors.engagement_get_for_user(user=actor(request), public_id=public_id)


def _item(request: HttpRequest, public_id: uuid.UUID, item_id: uuid.UUID) -> MitigationItem:
    return selectors.item_get(engagement=_engagement(request, public_id), public_id=item_id)


def evidence_out(evidence: EvidenceFile, item: MitigationItem) -> EvidenceFileOut:
    return EvidenceFileOut(
        id=evidence.public_id,
        name=evidence.original_name,
        content_type=evidence.content_type,
        size=evidence.size,
        sha256=evidence.sha256,
        uploaded_by=evidence.uploaded_by.get_username(),
        uploaded_at=evidence.uploaded_at,
        download=reverse(
            "api:evidence_download",
            kwargs={
                "public_id": item.engagement.public_id,
                "item_id": item.public_id,
                "evidence_id": evidence.public_id,
            },
        ),
    )


def item_out(item: MitigationItem) -> MitigationItemOut:
    return MitigationItemOut(
        id=item.public_id,
        title=item.title,
        description=item.description,
        area=item.area,
        source=MitigationItem.Source(item.source),
        checklist_item=item.checklist_item,
        owner=item.owner.get_username(),
        due_date=item.due_date,
        status=MitigationItem.Status(item.status),
        status_note=item.status_note,
        overdue=item.is_overdue(timezone.localdate()),
        evidence=[evidence_out(e, item) for e in item.evidence.all()],
        created_by=item.created_by.get_username(),
        updated_by=item.updated_by.get_username(),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _owner(engagement: Engagement, username: str | None) -> User | None:
    if username is None:
        return None
    for user in selectors.owner_candidates(engagement=engagement):
        if user.get_username() == username:
            return user
    raise InvalidInput("owner", services.OWNER_NOT_ON_CASE)


@router.get(_BASE, response={200: list[MitigationItemOut], **READ_ERRORS})
def mitigation_list(request: HttpRequest, public_id: uuid.UUID) -> list[MitigationItemOut]:
    """The engagement's mitigation plan (removed items left out), soonest due first."""
    engagement = _engagement(request, public_id)
    return [item_out(i) for i in selectors.item_list(engagement=engagement)]


@router.post(_BASE + "/propose", response={200: list[MitigationItemOut], **WRITE_ERRORS})
def mitigation_propose(request: HttpRequest, public_id: uuid.UUID) -> list[MitigationItemOut]:
    """Add the checklist items the latest triage applies and the plan lacks; the new ones."""
    made = services.mitigation_propose(
        actor=actor(request), engagement=_engagement(request, public_id)
    )
    return [item_out(i) for i in made]


@router.post(_BASE, response={201: MitigationItemOut, **WRITE_ERRORS})
def mitigation_create(
    request: HttpRequest, public_id: uuid.UUID, payload: MitigationCreateIn
) -> Status[MitigationItemOut]:
    """An officer adds an item; its owner is the engagement's researcher unless named."""
    engagement = _engagement(request, public_id)
    fields = services.ItemFields(
        title=payload.title,
        description=payload.description,
        area=payload.area,
        owner=_owner(engagement, payload.owner),
        due_date=payload.due_date,
    )
    item = services.mitigation_add(actor=actor(request), engagement=engagement, fields=fields)
    return Status(201, item_out(item))


@router.patch(_ITEM, response={200: MitigationItemOut, **WRITE_ERRORS})
def mitigation_update(
    request: HttpRequest, public_id: uuid.UUID, item_id: uuid.UUID, payload: MitigationUpdateIn
) -> MitigationItemOut:
    """Change an item's words, area, owner or due date; only the fields sent change."""
    item = _item(request, public_id, item_id)
    sent = payload.model_fields_set
    fields = services.ItemFields(
        title=payload.title if payload.title is not None else item.title,
        description=payload.description if payload.description is not None else item.description,
        area=payload.area if payload.area is not None else item.area,
        owner=_owner(item.engagement, payload.owner) if payload.owner is not None else item.owner,
        due_date=payload.due_date if "due_date" in sent else item.due_date,
    )
    return item_out(services.mitigation_edit(actor=actor(request), item=item, fields=fields))


@router.post(_ITEM + "/remove", response={200: MitigationItemOut, **WRITE_ERRORS})
def mitigation_remove(
    request: HttpRequest, public_id: uuid.UUID, item_id: uuid.UUID, payload: MitigationRemoveIn
) -> MitigationItemOut:
    """Take an item off the plan, with the reason; it stays on file, never proposed again."""
    item = _item(request, public_id, item_id)
    removed = services.mitigation_remove(actor=actor(request), item=item, reason=payload.reason)
    return item_out(removed)


@router.post(_ITEM + "/status", response={200: MitigationItemOut, **WRITE_ERRORS})
def mitigation_status(
    request: HttpRequest, public_id: uuid.UUID, item_id: uuid.UUID, payload: MitigationStatusIn
) -> MitigationItemOut:
    """Start or complete (the owner or an officer); waive with a reason or reopen (an officer)."""
    item = _item(request, public_id, item_id)
    moved = services.mitigation_status(
        actor=actor(request),
        item=item,
        action=services.StatusAction(payload.action),
        note=payload.note,
    )
    return item_out(moved)


@router.post(_ITEM + "/evidence", response={201: EvidenceFileOut, **WRITE_ERRORS})
def evidence_upload(
    request: HttpRequest,
    public_id: uuid.UUID,
    item_id: uuid.UUID,
    file: File[UploadedFile | None] = None,
) -> Status[EvidenceFileOut]:
    """Upload one evidence file (multipart field `file`).

    Refused with `evidence_refused` when its name, size or kind do not pass.
    """
    item = _item(request, public_id, item_id)
    if file is None:
        # Access first: a caller who may not add evidence hears so, not that the file is missing.
        permissions.require_evidence(actor(request), item)
        raise InvalidInput("file", NO_FILE)
    evidence = services.evidence_add(
        actor=actor(request), item=item, name=str(file.name or ""), content=file.chunks()
    )
    return Status(201, evidence_out(evidence, item))


@router.get(
    _ITEM + "/evidence/{uuid:evidence_id}",
    # The 200 is only in openapi_extra: declared in both, the document repeats the key "200".
    response=READ_ERRORS,
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def evidence_download(
    request: HttpRequest, public_id: uuid.UUID, item_id: uuid.UUID, evidence_id: uuid.UUID
) -> FileResponse:
    """Download one evidence file: always an attachment, never shown inline."""
    item = _item(request, public_id, item_id)
    evidence = selectors.evidence_get(item=item, public_id=evidence_id)
    try:
        return files.attachment(
            relative=evidence.stored_path,
            name=evidence.original_name,
            content_type=evidence.content_type,
        )
    except (OSError, files.EvidenceRefused):
        raise Http404("the stored file is missing") from None
