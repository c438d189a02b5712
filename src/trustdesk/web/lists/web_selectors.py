"""Reads the list pages need beyond `selectors`: one source's state, failures, snapshots by id.

Watch lists are not scoped per user: whoever holds `lists.view` sees every source, so these take
no user and the views check the permission before calling them.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from trustdesk.web.lists.models import ImportRun, Snapshot
from trustdesk.web.lists.selectors import SourceStatus, source_status_list
from trustdesk.web.lists.sources import UnknownSource, source_info

FAILURES_SHOWN = 20  # the latest failed attempts a page lists; older ones stay in the trail


class SourceNotFound(LookupError):
    """No snapshot and no import attempt of this source: a page for it would be empty."""


def source_status_get(key: str) -> SourceStatus:
    """One source's current snapshot and unresolved failure, as the overview table shows it."""
    for status in source_status_list():
        if status.key == key:
            return status
    raise SourceNotFound(key)


def source_title(key: str) -> str:
    """The catalogue title; a key trustdesk no longer knows still shows, by its key."""
    try:
        return source_info(key).title
    except UnknownSource:
        return key


def import_failure_list(*, source: str | None = None) -> QuerySet[ImportRun]:
    """The latest failed imports and updates, newest first, with the error each stopped on."""
    runs = ImportRun.objects.filter(status=ImportRun.Status.FAILED)
    if source is not None:
        runs = runs.filter(source_key=source)
    return runs[:FAILURES_SHOWN]


def snapshot_get_by_id(*, source: str, public_id: uuid.UUID) -> Snapshot:
    """A snapshot of this source; DoesNotExist alike for a missing id and another source's."""
    return Snapshot.objects.select_related("source").get(source__key=source, public_id=public_id)
