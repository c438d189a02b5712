"""Staged snapshots: imported and checked, held back from screening until someone reviews them.

A new list file can change the hits of many partners at once. Staging lets the research-security
team see that first (the impact preview, worked out by the ongoing monitoring above this app and
queued here by name, `watch.preview_staged`), then make the snapshot current or discard it.
Making it current is the same switch an ordinary import makes, in one transaction, so that
`changes.current_changed()` then rebuilds the index and re-screens the partners as always.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.models import User
from trustdesk.web.core import audit, tasks
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists import changes
from trustdesk.web.lists.models import ListSource, Snapshot, Staging

PREVIEW_TASK = "watch.preview_staged"  # the monitoring app's task, named rather than imported

audit.register_action(
    "trustdesk.list.staged",
    label="List snapshot staged for review",
    summary=lambda e: (
        f"{e.data.get('source')}: snapshot {e.target_label} stored, awaiting review before it "
        f"is made current ({e.data.get('kind')})"
    ),
)
audit.register_action(
    "trustdesk.list.staged_made_current",
    label="Staged list snapshot made current",
    summary=lambda e: (
        f"{e.data.get('source')}: snapshot {e.target_label} made current after review"
        + (" (older than the one it replaced)" if e.data.get("older") else "")
    ),
)
audit.register_action(
    "trustdesk.list.staged_discarded",
    label="Staged list snapshot discarded",
    summary=lambda e: f"{e.data.get('source')}: snapshot {e.target_label} discarded, never current",
)

NOT_AWAITING = "This snapshot is no longer awaiting review: it was {status}."
OLDER = (
    "This snapshot states an earlier publication date ({staged}) than the current one "
    "({current}). Confirm that the older list should serve."
)


class StagingConflict(Exception):
    """The staged snapshot was already made current or discarded (by someone else, perhaps)."""


class OlderThanCurrent(Exception):
    """Making this snapshot current would put an older publication in place of a newer one."""


def is_newer(snapshot: Snapshot, current: Snapshot | None) -> bool:
    """A snapshot replaces the current one unless both state dates and it is the older."""
    if current is None or not snapshot.published or not current.published:
        return True
    return snapshot.published[:10] >= current.published[:10]


def snapshot_stage(*, snapshot: Snapshot, src: ListSource, kind: str, actor: str) -> Staging:
    """Hold `snapshot` back for review (the import's transaction, source row locked); audited.

    Its impact preview is queued for after the commit: a worker must not look for a staging a
    rollback takes back.
    """
    staging = Staging.objects.create(
        snapshot=snapshot, base=src.current, kind=kind, staged_by=actor
    )
    audit.record(
        actor=actor,
        action="trustdesk.list.staged",
        target=audit.AuditTarget("snapshot", str(snapshot.public_id), snapshot.short_id),
        data={
            "source": src.key,
            "kind": kind,
            "staging": str(staging.public_id),
            "total": snapshot.total,
            "published": snapshot.published,
            "current": str(src.current.public_id) if src.current else None,
        },
    )
    tasks.enqueue(PREVIEW_TASK, actor, staging=str(staging.public_id))
    return staging


def awaiting_for(snapshot: Snapshot) -> Staging | None:
    return Staging.objects.filter(snapshot=snapshot, status=Staging.Status.AWAITING).first()


def _locked(staging: Staging) -> tuple[Staging, ListSource]:
    locked = Staging.objects.select_for_update().select_related("snapshot").get(pk=staging.pk)
    if locked.status != Staging.Status.AWAITING:
        raise StagingConflict(NOT_AWAITING.format(status=locked.get_status_display().lower()))
    src = (
        ListSource.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=locked.snapshot.source_id)
    )
    return locked, src


@dataclass(frozen=True, slots=True)
class MadeCurrent:
    staging: Staging
    replaced: Snapshot | None


@transaction.atomic
def staged_snapshot_make_current(
    *, staging: Staging, actor: User, confirm_older: bool = False
) -> MadeCurrent:
    """Switch the source's current snapshot to the staged one, as an import would have.

    Raises StagingConflict when it is no longer awaiting review, and OlderThanCurrent unless
    `confirm_older` when it states an earlier publication than the snapshot serving now (a
    later import may have overtaken it while it waited).
    """
    permissions.require(actor, "lists.review")
    staging, src = _locked(staging)
    snapshot, replaced = staging.snapshot, src.current
    older = not is_newer(snapshot, replaced)
    if older and not confirm_older:
        assert replaced is not None  # noqa: S101  # is_newer is True without a current one
        raise OlderThanCurrent(
            OLDER.format(staged=snapshot.published[:10], current=replaced.published[:10])
        )
    if snapshot.previous_id is None and replaced is not None:
        snapshot.previous = replaced  # set once, the first time it becomes current
        snapshot.save(update_fields=["previous"])
    src.previous, src.current = replaced, snapshot
    src.save(update_fields=["previous", "current", "updated_at"])
    staging.status, staging.decided_at = Staging.Status.MADE_CURRENT, timezone.now()
    staging.decided_by = actor_for(actor)
    staging.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="trustdesk.list.staged_made_current",
        target=audit.AuditTarget("snapshot", str(snapshot.public_id), snapshot.short_id),
        data={
            "source": src.key,
            "staging": str(staging.public_id),
            "replaced": str(replaced.public_id) if replaced else None,
            "older": older,
        },
    )
    changes.current_changed(src.key, actor=actor_for(actor))  # index, re-screen: after commit
    return MadeCurrent(staging, replaced)


@transaction.atomic
def staged_snapshot_discard(*, staging: Staging, actor: User) -> Staging:
    """Decide that the staged snapshot will not serve; it is kept, as every snapshot is.

    Kept rather than deleted: the audit trail and any export of the preview name it, and a
    later file with the same content finds it stored (and is staged or imported as usual).
    """
    permissions.require(actor, "lists.review")
    staging, src = _locked(staging)
    staging.status, staging.decided_at = Staging.Status.DISCARDED, timezone.now()
    staging.decided_by = actor_for(actor)
    staging.save(update_fields=["status", "decided_by", "decided_at"])
    snapshot = staging.snapshot
    audit.record(
        actor=actor,
        action="trustdesk.list.staged_discarded",
        target=audit.AuditTarget("snapshot", str(snapshot.public_id), snapshot.short_id),
        data={"source": src.key, "staging": str(staging.public_id)},
    )
    return staging


def staged_preview_enqueue(*, staging: Staging, actor: User) -> TaskRun:
    """Work the impact out again (the partners or the current snapshot may have moved on)."""
    permissions.require(actor, "lists.review")
    if staging.status != Staging.Status.AWAITING:
        raise StagingConflict(NOT_AWAITING.format(status=staging.get_status_display().lower()))
    return tasks.enqueue(PREVIEW_TASK, actor_for(actor), staging=str(staging.public_id))
