"""Reads of the audit trail: the auditor's filtered list and its CSV export rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from trustdesk.web.core.audit import describe
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.core.spreadsheet import neutralise_cell

if TYPE_CHECKING:
    from trustdesk.web.accounts.models import User

# Roles that may read the whole trail (DESIGN: the auditor reads everything, the admin runs the
# install). Belongs in the role -> permission map once core/permissions.py exists.
AUDIT_READER_ROLES = frozenset({"auditor", "admin"})

EXPORT_HEADER = (
    "time",
    "sequence",
    "actor",
    "action",
    "summary",
    "target",
    "request id",
    "hash",
)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What an auditor narrows the trail to; every field left None matches everything."""

    actor: str | None = None  # an actor label ("cli:root@host") or a username
    action_prefix: str | None = None  # "trustdesk.list" matches trustdesk.list.*, not .lists.*
    target_type: str | None = None  # "lists.snapshot"
    target_id: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive, so consecutive ranges never count an event twice
    request_id: uuid.UUID | None = None


def audit_event_list_for_user(
    *, user: User, filters: AuditFilter | None = None
) -> QuerySet[AuditEvent]:
    """The events the user may read, newest first; nothing at all for other roles."""
    events = AuditEvent.objects.select_related("actor")
    if not (user.is_active and user.role in AUDIT_READER_ROLES):
        return events.none()
    return _filtered(events, filters or AuditFilter())


def _filtered(events: QuerySet[AuditEvent], f: AuditFilter) -> QuerySet[AuditEvent]:
    if f.actor:
        events = events.filter(Q(actor_label=f.actor) | Q(actor__username=f.actor))
    if f.action_prefix:
        prefix = f.action_prefix.rstrip(".")
        events = events.filter(Q(action=prefix) | Q(action__startswith=f"{prefix}."))
    if f.target_type:
        events = events.filter(target_type=f.target_type)
    if f.target_id:
        events = events.filter(target_id=f.target_id)
    if f.since is not None:
        events = events.filter(created_at__gte=f.since)
    if f.until is not None:
        events = events.filter(created_at__lt=f.until)
    if f.request_id is not None:
        events = events.filter(request_id=f.request_id)
    return events


def audit_export_rows(events: QuerySet[AuditEvent]) -> Iterator[tuple[str, ...]]:
    """The header, then one row per event, for `csv.writer`; streamed, so any size exports."""
    yield EXPORT_HEADER
    for event in events.iterator(chunk_size=2000):
        yield tuple(neutralise_cell(cell) for cell in _export_cells(event))


def _export_cells(event: AuditEvent) -> Iterable[str]:
    target = f"{event.target_type}:{event.target_id}" if event.target_type else ""
    if event.target_label:
        target = f"{target} {event.target_label}".strip()
    return (
        event.created_at.astimezone(UTC).isoformat(timespec="seconds"),
        str(event.sequence),
        event.actor_label,
        event.action,
        describe(event),
        target,
        str(event.request_id),
        event.hash,
    )
