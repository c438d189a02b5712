"""Long list work on the task queue: updates, file imports, and warming the match index.

Each task is idempotent because the services are: an import of content already stored stores
nothing, and the index is keyed by the current snapshots. A redelivered run after a worker died
therefore repeats at most a download.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.urls import reverse

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes
from trustdesk.web.lists import changes, report, screening, services
from trustdesk.web.lists.sources import source_info
from trustdesk.web.lists.upload_store import upload_file_discard


@task("lists.update")
def update(ctx: TaskContext, *, sources: list[str]) -> list[dict[str, Any]]:
    """Update the named sources (none: the default set) one by one, showing progress per source.

    One service call per source, so that an admin sees which source is being read; unknown keys
    still fail the whole run before any download, as the service would.
    """
    keys = list(sources) or services.update_sources_default()
    for key in keys:
        source_info(key)  # raises UnknownSource
    results = []
    with changes.lists_changes_batched(actor=ctx.actor):  # one index rebuild at the end
        for number, key in enumerate(keys):
            ctx.progress(done=number, total=len(keys), message=f"{key}: downloading")

            def entries_read(source: str, count: int, number: int = number) -> None:
                message = f"{source}: {count:,} entries read"
                ctx.progress(done=number, total=len(keys), message=message)

            (result,) = services.list_source_update(
                sources=[key], actor=ctx.actor, progress=entries_read
            )
            results.append(report.update_json(result))
    failed = sum(1 for r in results if not r["ok"])
    ctx.progress(done=len(keys), total=len(keys), message=f"{len(keys)} done, {failed} failed")
    return results


@task("lists.import_file")
def import_file(
    ctx: TaskContext, *, path: str, source: str = "", stage: bool = False
) -> list[dict[str, Any]]:
    """Import a file the worker can read (shared storage in production) as a snapshot.

    An uploaded file is removed once the import has ended, imported or failed (an import that
    failed fails the same way again); any other error, such as the database going away before
    the import began, raises past the removal, so a retry still finds the file.
    """

    def entries_read(key: str, count: int) -> None:
        ctx.progress(done=count, message=f"{key}: {count:,} entries read")

    try:
        outcomes = services.list_snapshot_import(
            paths=[Path(path)],
            source=source or None,
            actor=ctx.actor,
            progress=entries_read,
            stage=stage,
        )
    except services.ImportFailed:
        upload_file_discard(path)
        raise
    upload_file_discard(path)
    return [report.outcome_json(o) for o in outcomes]


@task("lists.rebuild_index")
def rebuild_index(ctx: TaskContext) -> dict[str, Any]:
    """Build (or load) the match index of the current snapshots, so no screening waits for it."""

    def entries_indexed(count: int) -> None:
        ctx.progress(done=count, message=f"match index: {count:,} entries")

    loaded = screening.current_index(progress=entries_indexed)
    return {"index": loaded.key, "snapshots": loaded.snapshots}


def _lists_link(viewer: User, source: str = "") -> str:
    """The watch-list page of `source` (or all of them), for a viewer who may read the lists."""
    if not has_permission(viewer, "lists.view"):
        return ""
    return reverse("lists:source", args=[source]) if source else reverse("lists:index")


@describes("lists.update", title="Update watch lists from their publishers")
def _updated(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    """The sources asked for; an empty list meant the default set."""
    targets = {}
    for run in runs:
        sources = [str(key) for key in run.arguments.get("sources") or []]
        if not sources:
            targets[run.pk] = RunTarget("The default sources", _lists_link(viewer))
        elif len(sources) == 1:
            targets[run.pk] = RunTarget(f"Source {sources[0]}", _lists_link(viewer, sources[0]))
        else:
            targets[run.pk] = RunTarget(f"Sources {', '.join(sources)}", _lists_link(viewer))
    return targets


@describes("lists.import_file", title="Import an uploaded list file")
def _imported(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    """The uploaded file, by the safe name it was stored under, and the source it was for.

    A staged import links to its impact preview once it has one: the next step is there.
    """
    targets = {}
    for run in runs:
        name = Path(str(run.arguments.get("path", ""))).name or "a file"
        source = str(run.arguments.get("source") or "")
        label = f"File {name}" + (f" as {source}" if source else "")
        staged = _staged_in(run.result)
        if staged and has_permission(viewer, "watch.view"):
            label += ", awaiting review"
            targets[run.pk] = RunTarget(label, reverse("watch:staged", args=[staged]))
        else:
            targets[run.pk] = RunTarget(label, _lists_link(viewer, source))
    return targets


def _staged_in(result: object) -> str:
    """The staging a finished import run's result names (its first), or ""."""
    if not isinstance(result, list):
        return ""
    for item in result:
        if isinstance(item, dict) and item.get("staged"):
            return str(item["staged"])
    return ""


@describes("lists.rebuild_index", title="Build the match index")
def _indexed(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("The current snapshots", _lists_link(viewer)) for run in runs}
