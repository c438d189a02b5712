"""Pack previews and switches on the task queue, so a page returns at once and shows progress.

Idempotent: a preview run twice stores the later result; a switch redelivered after its worker
died finds the version already current and reports the change it made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes
from trustdesk.web.packs import services
from trustdesk.web.packs.impact import Progress
from trustdesk.web.reference.models import PackVersion


def _progress(ctx: TaskContext) -> Progress:
    def show(done: int, total: int) -> None:
        ctx.progress(done=done, total=total, message=f"{done:,} of {total:,} cases replayed")

    return show


@task(services.PREVIEW_TASK)
def preview(ctx: TaskContext, version: str) -> dict[str, Any]:
    """Work out what the version would change for every open case, and keep it."""
    found = PackVersion.objects.get(public_id=version)
    stored = services.pack_version_preview(actor=ctx.actor, version=found, progress=_progress(ctx))
    changes = stored.preview.get("changes", []) if isinstance(stored.preview, dict) else []
    return {"version": version, "pack": stored.label, "changes": len(changes)}


@task(services.ACTIVATE_TASK)
def activate(ctx: TaskContext, version: str) -> dict[str, Any]:
    """Make the version current, keeping what it changed; a second delivery changes nothing."""
    found = PackVersion.objects.get(public_id=version)
    if found.status == PackVersion.Status.CURRENT:
        latest = found.changes.order_by("-activated_at", "-id").first()
        return {
            "version": version,
            "pack": found.label,
            "change": str(latest.public_id) if latest else "",
        }
    change = services.pack_version_make_current(
        actor=ctx.actor, version=found, progress=_progress(ctx)
    )
    return {"version": version, "pack": found.label, "change": str(change.public_id)}


def _targets(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    ids = {str(run.arguments.get("version", "")) for run in runs}
    labels = {
        str(v.public_id): v.label for v in PackVersion.objects.filter(public_id__in=ids - {""})
    }
    sees = has_permission(viewer, "policy.preview")
    out: dict[int, RunTarget] = {}
    for run in runs:
        version = str(run.arguments.get("version", ""))
        label = labels.get(version, "a policy pack version")
        url = reverse("packs:version-detail", args=[version]) if sees and version in labels else ""
        out[run.pk] = RunTarget(f"Policy pack {label}", url)
    return out


describes(services.PREVIEW_TASK, title="Preview a policy pack's impact")(_targets)
describes(services.ACTIVATE_TASK, title="Make a policy pack current")(_targets)
