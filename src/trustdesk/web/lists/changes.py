"""What follows a change of what screening uses, whichever way the list arrived.

`list_snapshot_import` (the one ingest service) reports each source whose current snapshot it
changed; `lists_current_changed()` then runs once the change has committed. It rebuilds the match
index now; the ongoing-monitoring issue starts the re-screen of partners there too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from trustdesk.web.core import tasks
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists.models import ListSource

log = logging.getLogger(__name__)

# The sources whose current snapshot changed inside the innermost `lists_changes_batched()`.
_batch: ContextVar[list[str] | None] = ContextVar("trustdesk_lists_changed", default=None)


@contextmanager
def lists_changes_batched(*, actor: str) -> Iterator[None]:
    """Imports inside report their changes once, at the end, to `lists_current_changed()`.

    An update of six sources rebuilds the index once, not six times: each rebuild reads every
    current list. Batches nest; the outermost reports.
    """
    batch: list[str] = []
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if batch:
            current_changed(*batch, actor=actor)


def current_changed(*sources: str, actor: str) -> None:
    """Report sources whose current snapshot changed: to the open batch, else after commit."""
    outer = _batch.get()
    if outer is not None:
        outer.extend(sources)
        return
    changed = list(dict.fromkeys(sources))
    # After commit: a hook must never act on a snapshot that a rollback takes back.
    transaction.on_commit(lambda: lists_current_changed(sources=changed, actor=actor))


def lists_current_changed(*, sources: Sequence[str], actor: str) -> TaskRun:
    """What follows a change of what screening uses: the index rebuilt, the partners re-screened.

    Every way a list arrives (`trustdesk lists import`, the upload page, `lists update`, the
    lists shipped with trustdesk) ends here, once its new current snapshot has committed. The
    match index is rebuilt first, then the ongoing monitoring (`watch.rescreen_lists`, a task
    of an app above this one, so named rather than imported) re-screens the partners on file
    against what each source's new snapshot added, changed or removed.
    """
    log.info("current snapshot changed: %s", ", ".join(sources))
    rows = ListSource.objects.filter(key__in=list(sources)).select_related("current", "previous")
    changes = [
        {
            "source": row.key,
            "old": str(row.previous.public_id) if row.previous else None,
            "new": str(row.current.public_id),
        }
        for row in rows.order_by("key")
        if row.current is not None
    ]
    rebuild = tasks.enqueue("lists.rebuild_index", actor)
    if changes:
        tasks.enqueue("watch.rescreen_lists", actor, changes=changes)
    return rebuild
