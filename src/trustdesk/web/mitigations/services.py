"""Every write to a mitigation plan, one service per action, each audited in its transaction.

The audit events target the engagement, so the case's timeline lists the plan's changes beside
its other events; each event names the item (id and title) it concerns. The owner of an item is
told when it is given to them, once the change commits.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core import audit
from trustdesk.web.mitigations import files, permissions, selectors
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem
from trustdesk.web.notify import services as notify_services
from trustdesk.web.notify.models import Notification
from trustdesk.web.triage import selectors as triage_selectors

Status = MitigationItem.Status
Source = MitigationItem.Source

for _action, _label, _reason in (
    ("proposed", "Mitigations proposed from the policy pack's checklist", False),
    ("added", "Mitigation added", False),
    ("edited", "Mitigation changed", False),
    ("removed", "Mitigation removed", True),
    ("started", "Mitigation started", False),
    ("completed", "Mitigation completed", False),
    ("waived", "Mitigation waived", True),
    ("reopened", "Mitigation reopened", False),
    ("evidence_added", "Evidence added to a mitigation", False),
    ("conditions_recorded", "Conditions of the decision tracked as mitigations", False),
):
    audit.register_action(f"trustdesk.mitigation.{_action}", label=_label, reason_required=_reason)


class MitigationError(Exception):
    """A refused change to a mitigation plan; the message is shown to whoever asked for it."""


class ItemInvalid(MitigationError):
    """Values an item cannot hold; `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


class NotChangeable(MitigationError):
    """The plan or the item is in a state that refuses this change."""


class InvalidStatusChange(MitigationError):
    MESSAGE = 'Cannot {verb} a mitigation whose status is "{status}".'

    def __init__(self, verb: str, status: str) -> None:
        super().__init__(self.MESSAGE.format(verb=verb, status=Status(status).label))


ENGAGEMENT_CLOSED = "The engagement is closed: its mitigation plan can no longer change."
NO_TRIAGE = "The engagement has no completed triage, so the policy pack has nothing to propose yet."
NEEDS_TITLE = "Say what must be done."
NEEDS_REASON = "Give a reason: it is kept on the audit trail."
NEEDS_WAIVER_REASON = "Give the reason for waiving it: the risk it leaves is accepted by it."
OWNER_NOT_ON_CASE = "The owner must be on the engagement (its owner or team) or an officer."
UNKNOWN_AREA = "{area!r} is not a risk area of the policy pack."
NO_CONDITIONS = "There are no conditions to track."
WAIVED_NO_EVIDENCE = "A waived mitigation takes no evidence; reopen it first."


class StatusAction(enum.StrEnum):
    START = "start"
    COMPLETE = "complete"
    WAIVE = "waive"
    REOPEN = "reopen"


@dataclass(frozen=True, slots=True)
class _Move:
    verb: str
    sources: frozenset[str]
    target: Status
    event: str
    officer_only: bool


_MOVES = {
    StatusAction.START: _Move(
        "start", frozenset({Status.OPEN}), Status.IN_PROGRESS, "started", False
    ),
    StatusAction.COMPLETE: _Move(
        "complete", frozenset({Status.OPEN, Status.IN_PROGRESS}), Status.DONE, "completed", False
    ),
    # Waiving accepts the risk the item was to reduce: an officer's call, with the reason.
    StatusAction.WAIVE: _Move(
        "waive", frozenset({Status.OPEN, Status.IN_PROGRESS}), Status.WAIVED, "waived", True
    ),
    StatusAction.REOPEN: _Move(
        "reopen", frozenset({Status.DONE, Status.WAIVED}), Status.OPEN, "reopened", True
    ),
}


def status_actions(item: MitigationItem) -> list[StatusAction]:
    """The moves the item's status allows (by status alone: who may is the permissions')."""
    return [action for action, move in _MOVES.items() if item.status in move.sources]


@dataclass(frozen=True, slots=True)
class ItemFields:
    """What an officer writes on an item; the owner defaults to the engagement's researcher."""

    title: str
    description: str = ""
    area: str = ""
    owner: User | None = None
    due_date: date | None = None


def _locked(engagement: Engagement) -> Engagement:
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.status == Engagement.Status.CLOSED:
        raise NotChangeable(ENGAGEMENT_CLOSED)
    return engagement


def _locked_item(item: MitigationItem) -> MitigationItem:
    """The item re-read under its engagement's lock; removed items cannot change."""
    engagement = _locked(item.engagement)
    locked = MitigationItem.objects.select_for_update().select_related("owner").get(pk=item.pk)
    locked.engagement = engagement
    if locked.removed_at is not None:
        raise NotChangeable("This mitigation was removed from the plan.")
    return locked


def _item_data(item: MitigationItem) -> dict[str, object]:
    return {"id": str(item.public_id), "title": item.title}


def _snapshot(item: MitigationItem) -> dict[str, object]:
    return {
        "title": item.title,
        "description": item.description,
        "area": item.area,
        "owner": item.owner.get_username(),
        "due_date": item.due_date.isoformat() if item.due_date else None,
    }


def _checked(engagement: Engagement, fields: ItemFields) -> ItemFields:
    errors: dict[str, list[str]] = {}
    title = " ".join(fields.title.split())
    if not title:
        errors["title"] = [NEEDS_TITLE]
    elif len(title) > 300:
        errors["title"] = ["Keep it to 300 characters; put the detail in the description."]
    owner = fields.owner or engagement.owner
    candidates = {u.pk for u in selectors.owner_candidates(engagement=engagement)}
    if owner.pk not in candidates:
        errors["owner"] = [OWNER_NOT_ON_CASE]
    area = fields.area.strip()
    labels = selectors.area_labels()
    if area and labels and area not in labels:
        errors["area"] = [UNKNOWN_AREA.format(area=area)]
    if errors:
        raise ItemInvalid(errors)
    return ItemFields(title, fields.description.strip(), area, owner, fields.due_date)


def _tell_owners(items: Sequence[MitigationItem], engagement: Engagement, actor: User) -> None:
    """After commit, each owner (but the actor) hears of the items just given to them."""
    by_owner: dict[int, list[MitigationItem]] = {}
    for item in items:
        if item.owner_id != actor.pk:
            by_owner.setdefault(item.owner_id, []).append(item)
    for owned in by_owner.values():
        owner = owned[0].owner
        said = f"“{owned[0].title}”" if len(owned) == 1 else f"{len(owned)} mitigations"
        transaction.on_commit(
            lambda owner=owner, said=said: notify_services.notify(  # type: ignore[misc]
                recipients=[owner],
                kind=Notification.Kind.MITIGATION_ASSIGNED,
                engagement=engagement,
                actor=actor,
                data={"items": said},
            )
        )


def _create(
    engagement: Engagement, actor: User, fields: ItemFields, source: str, checklist_item: str = ""
) -> MitigationItem:
    item = MitigationItem(
        engagement=engagement,
        title=fields.title[:300],
        description=fields.description,
        area=fields.area,
        source=source,
        checklist_item=checklist_item,
        owner=fields.owner or engagement.owner,
        due_date=fields.due_date,
        created_by=actor,
        updated_by=actor,
    )
    item.save(force_insert=True)
    return item


@transaction.atomic
def mitigation_propose(*, actor: User, engagement: Engagement) -> list[MitigationItem]:
    """Add the checklist items the latest triage outcome applies and the plan lacks; the new ones.

    Idempotent: an item the pack proposed before (even one since removed) is never added again,
    so running it after every triage only brings what is new. Each goes to the researcher.
    """
    permissions.require_manage(actor, engagement)
    engagement = _locked(engagement)
    if triage_selectors.latest_triage(engagement=engagement) is None:
        raise NotChangeable(NO_TRIAGE)
    made = [
        _create(
            engagement,
            actor,
            ItemFields(p.text, "\n".join(p.why), p.area),
            Source.PACK,
            p.checklist_item,
        )
        for p in selectors.new_proposals(engagement=engagement)
    ]
    if made:
        audit.record(
            actor=actor,
            action="trustdesk.mitigation.proposed",
            target=engagement,
            data={"items": [{**_item_data(i), "checklist_item": i.checklist_item} for i in made]},
        )
        _tell_owners(made, engagement, actor)
    return made


@transaction.atomic
def mitigation_add(*, actor: User, engagement: Engagement, fields: ItemFields) -> MitigationItem:
    """An officer adds an item of their own to the plan."""
    permissions.require_manage(actor, engagement)
    engagement = _locked(engagement)
    item = _create(engagement, actor, _checked(engagement, fields), Source.OFFICER)
    audit.record(
        actor=actor,
        action="trustdesk.mitigation.added",
        target=engagement,
        data={"item": _item_data(item), "new": _snapshot(item)},
    )
    _tell_owners([item], engagement, actor)
    return item


@transaction.atomic
def mitigation_edit(*, actor: User, item: MitigationItem, fields: ItemFields) -> MitigationItem:
    """An officer changes an item's words, area, owner or due date; a new owner is told."""
    permissions.require_manage(actor, item.engagement)
    item = _locked_item(item)
    checked = _checked(item.engagement, fields)
    old = _snapshot(item)
    old_owner = item.owner_id
    item.title, item.description, item.area = checked.title, checked.description, checked.area
    item.owner = checked.owner or item.engagement.owner
    item.due_date = checked.due_date
    new = _snapshot(item)
    changed = [k for k in new if new[k] != old[k]]
    if not changed:
        return item
    item.updated_by = actor
    item.save(
        update_fields=[
            "title",
            "description",
            "area",
            "owner",
            "due_date",
            "updated_by",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        action="trustdesk.mitigation.edited",
        target=item.engagement,
        data={
            "item": _item_data(item),
            "old": {k: old[k] for k in changed},
            "new": {k: new[k] for k in changed},
        },
    )
    if item.owner_id != old_owner:
        _tell_owners([item], item.engagement, actor)
    return item


@transaction.atomic
def mitigation_remove(*, actor: User, item: MitigationItem, reason: str) -> MitigationItem:
    """An officer takes an item off the plan, saying why; its row and evidence stay on file."""
    permissions.require_manage(actor, item.engagement)
    item = _locked_item(item)
    reason = reason.strip()
    if not reason:
        raise ItemInvalid({"reason": [NEEDS_REASON]})
    item.removed_at = timezone.now()
    item.updated_by = actor
    item.save(update_fields=["removed_at", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.mitigation.removed",
        target=item.engagement,
        data={"item": _item_data(item), "status": item.status},
        reason=reason,
    )
    return item


@transaction.atomic
def mitigation_status(
    *, actor: User, item: MitigationItem, action: StatusAction, note: str = ""
) -> MitigationItem:
    """Move an item's status: start, complete, waive (with a reason) or reopen.

    Start and complete: the item's owner or an officer; waive and reopen: an officer. The note
    says what was done, or why the item is waived.
    """
    move = _MOVES[StatusAction(action)]
    if move.officer_only:
        permissions.require_manage(actor, item.engagement)
    else:
        permissions.require_progress(actor, item)
    item = _locked_item(item)
    if item.status not in move.sources:
        raise InvalidStatusChange(move.verb, item.status)
    note = note.strip()
    if move.target == Status.WAIVED and not note:
        raise ItemInvalid({"note": [NEEDS_WAIVER_REASON]})
    old = item.status
    item.status = move.target
    if note or move.target in (Status.OPEN, Status.WAIVED):
        item.status_note = note
    item.updated_by = actor
    item.save(update_fields=["status", "status_note", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action=f"trustdesk.mitigation.{move.event}",
        target=item.engagement,
        data={
            "item": _item_data(item),
            "from": old,
            "to": item.status,
            **({"note": note} if note and move.target != Status.WAIVED else {}),
        },
        # A waiver's reason is the decision the trail must hold; other notes are what was done.
        reason=note if move.target == Status.WAIVED else None,
    )
    return item


@transaction.atomic
def evidence_add(
    *, actor: User, item: MitigationItem, name: str, content: Iterable[bytes]
) -> EvidenceFile:
    """Keep an uploaded file as evidence for the item, once its name, size and kind pass.

    Refused (files.EvidenceRefused, nothing kept) when the name is a path or empty, the file is
    empty or over TRUSTDESK_EVIDENCE_MAX_BYTES, or its bytes are not an allowed kind or not the
    kind its extension says.
    """
    permissions.require_evidence(actor, item)
    if item.status == Status.WAIVED:
        raise NotChangeable(WAIVED_NO_EVIDENCE)
    original = files.check_name(name)
    # Written and checked before the engagement's row is locked: a slow upload holds no lock.
    stored = files.store(content, folder=str(item.engagement.public_id), limit=files.max_bytes())
    try:
        kind = files.sniff(stored.path, name=original)
        item = _locked_item(item)
        if item.status == Status.WAIVED:  # waived while the file was arriving
            raise NotChangeable(WAIVED_NO_EVIDENCE)
        evidence = EvidenceFile(
            item=item,
            stored_path=stored.relative,
            original_name=files.named(original, kind),
            content_type=kind.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
        )
        evidence.save(force_insert=True)
        audit.record(
            actor=actor,
            action="trustdesk.mitigation.evidence_added",
            target=item.engagement,
            data={
                "item": _item_data(item),
                "file": {
                    "id": str(evidence.public_id),
                    "name": evidence.original_name,
                    "content_type": evidence.content_type,
                    "size": evidence.size,
                    "sha256": evidence.sha256,
                },
            },
        )
    except BaseException:
        files.discard(stored.relative)
        raise
    # An outer transaction rolled back after this returns leaves the file without a row: an
    # orphan under the evidence directory, never a row without its file.
    return evidence


@transaction.atomic
def mitigations_from_conditions(
    *, actor: User, engagement: Engagement, conditions: Sequence[tuple[str, date | None]]
) -> list[MitigationItem]:
    """Track each condition of an approval as an item owned by the researcher; the new ones.

    For the decision service to call in its own transaction. A condition already tracked (same
    words, not removed) is not added twice, so recording a decision again does not duplicate.
    """
    permissions.require_conditions(actor, engagement)
    engagement = _locked(engagement)
    wanted = [(" ".join(text.split()), due) for text, due in conditions if text.strip()]
    if not wanted:
        raise ItemInvalid({"conditions": [NO_CONDITIONS]})
    existing = set(
        MitigationItem.objects.filter(
            engagement=engagement, source=Source.CONDITION, removed_at__isnull=True
        ).values_list("title", flat=True)
    )
    made = []
    for text, due in wanted:
        title = text if len(text) <= 300 else text[:299] + "…"
        if title in existing:
            continue
        existing.add(title)
        fields = ItemFields(title, text if title != text else "", "", engagement.owner, due)
        made.append(_create(engagement, actor, fields, Source.CONDITION))
    if made:
        audit.record(
            actor=actor,
            action="trustdesk.mitigation.conditions_recorded",
            target=engagement,
            data={
                "items": [
                    {**_item_data(i), "due_date": i.due_date.isoformat() if i.due_date else None}
                    for i in made
                ]
            },
        )
        _tell_owners(made, engagement, actor)
    return made
