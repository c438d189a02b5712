"""Ongoing monitoring on the task queue: start, split, chunk, and the daily matcher check.

A re-screen fans out as one `watch.split` run, which queues one `watch.chunk` run per 5,000
entries or partners: in production the Redis-backed workers share them; on the embedded
default each runs in-process as it is queued. Every task is idempotent (see the services).
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
from trustdesk.web.lists.models import Staging
from trustdesk.web.watch import preview, services
from trustdesk.web.watch.staged import ImpactData


@task("watch.rescreen_lists")
def rescreen_lists(ctx: TaskContext, *, changes: list[dict[str, Any]]) -> dict[str, Any]:
    """Start a delta re-screen per source whose current snapshot changed."""
    started = services.rescreen_for_list_changes(changes=changes, actor=ctx.actor)
    return {"rescreens": [str(r.public_id) for r in started]}


@task("watch.split")
def split(ctx: TaskContext, *, rescreen: str) -> dict[str, Any]:
    """Work out what a re-screen covers and queue its chunks."""
    ctx.progress(done=0, message="comparing snapshots")
    try:
        found = services.rescreen_split(public_id=rescreen)
    except Exception as exc:
        services.rescreen_fail(public_id=rescreen, error=f"{type(exc).__name__}: {exc}")
        raise
    return {"chunks": found.chunks_total, "added": found.added, "changed": found.changed}


@task("watch.chunk")
def chunk(ctx: TaskContext, *, rescreen: str, number: int) -> dict[str, Any]:
    """Screen one chunk of a re-screen's partners, showing how many are done."""

    def progress(done: int, total: int) -> None:
        ctx.progress(done=done, total=total, message=f"chunk {number + 1}: {done:,} of {total:,}")

    written = services.rescreen_chunk(public_id=rescreen, number=number, progress=progress)
    return {"screenings": written}


@task("watch.preview_staged")
def preview_staged(ctx: TaskContext, *, staging: str) -> dict[str, Any]:
    """Work out what making a staged list snapshot current would change; writes no hit."""

    def progress(what: str, done: int, total: int) -> None:
        ctx.progress(done=done, total=total or None, message=what)

    impact = preview.staged_impact_run(staging_id=staging, task_run=ctx.run_id, progress=progress)
    data = ImpactData.from_dict(impact.data)
    return {
        "staging": staging,
        "partners": len(data.partners),
        "engagements": len(data.engagements),
    }


@task("watch.matcher_check")
def matcher_check(ctx: TaskContext) -> dict[str, Any]:
    """Start a full re-screen when the matcher version or threshold changed (daily)."""
    started = services.rescreen_if_matcher_changed(actor=ctx.actor)
    return {"rescreen": str(started.public_id) if started else None}


def _link(viewer: User) -> str:
    return reverse("watch:index") if has_permission(viewer, "watch.view") else ""


@describes("watch.rescreen_lists", title="Re-screen partners after a list change")
def _lists(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    targets = {}
    for run in runs:
        sources = sorted({str(c.get("source")) for c in run.arguments.get("changes") or []})
        targets[run.pk] = RunTarget(f"Partners against {', '.join(sources)}", _link(viewer))
    return targets


@describes("watch.split", title="Prepare a re-screen of partners")
def _split(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("A re-screen of partners", _link(viewer)) for run in runs}


@describes("watch.chunk", title="Re-screen a chunk of partners")
def _chunk(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {
        run.pk: RunTarget(f"Chunk {int(run.arguments.get('number', 0)) + 1}", _link(viewer))
        for run in runs
    }


@describes("watch.matcher_check", title="Check whether the matcher changed")
def _check(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("The matcher version and threshold", _link(viewer)) for run in runs}


@describes("watch.preview_staged", title="Preview a staged list snapshot's impact")
def _preview(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    ids = {str(run.arguments.get("staging", "")) for run in runs}
    found = {
        str(s.public_id): s
        for s in Staging.objects.filter(public_id__in=ids - {""}).select_related("snapshot__source")
    }
    sees = has_permission(viewer, "watch.view")
    targets = {}
    for run in runs:
        staging = found.get(str(run.arguments.get("staging", "")))
        if staging is None:
            targets[run.pk] = RunTarget("A staged list snapshot", "")
            continue
        label = f"{staging.snapshot.source.key} snapshot {staging.snapshot.short_id}"
        url = reverse("watch:staged", args=[staging.public_id]) if sees else ""
        targets[run.pk] = RunTarget(label, url)
    return targets
