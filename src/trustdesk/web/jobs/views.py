"""Task-run pages: the runs a user may watch, and one run's progress, error and result.

The progress fragment is served on its own too, so a page polls it with HTMX every second while
the run is unfinished; without JavaScript the page offers a plain refresh link instead.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.conf.tasks import task_settings
from trustdesk.web.jobs.actors import actor_labels
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.selectors import RunProgress, task_run_list_for_user, task_run_progress
from trustdesk.web.jobs.targets import RunTarget, run_targets, task_title

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class RunRow:
    """One line of the run list: the task as people name it, what it ran on, who started it."""

    run: TaskRun
    title: str
    target: RunTarget
    started_by: str
    progress: RunProgress


@require_GET
@login_required
def run_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "task.view")
    runs = task_run_list_for_user(user=request.user)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    lease = task_settings().lease
    labels = actor_labels(run.actor for run in page)
    targets = run_targets(page, viewer=request.user)
    rows = [
        RunRow(
            run,
            task_title(run.task),
            targets[run.pk],
            labels[run.actor],
            task_run_progress(run, lease=lease),
        )
        for run in page
    ]
    return render(request, "jobs/run_list.html", {"page": page, "rows": rows})


@require_GET
@login_required
def run_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render(request, "jobs/run_detail.html", _run_context(request, public_id))


@require_GET
@login_required
def run_progress(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The progress fragment alone: what the detail page's HTMX poll swaps in."""
    return render(request, "jobs/partials/progress.html", _run_context(request, public_id))


def _run_context(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    permissions.require(request.user, "task.view")
    try:
        run = task_run_list_for_user(user=request.user).get(public_id=public_id)
    except TaskRun.DoesNotExist:
        raise Http404("no such task run") from None
    progress = task_run_progress(run, lease=task_settings().lease)
    return {
        "run": run,
        "title": task_title(run.task),
        "target": run_targets([run], viewer=request.user)[run.pk],
        "progress": progress,
        "actor": actor_labels([run.actor])[run.actor],
        "summary": result_lines(progress.result),
        "result_json": json.dumps(progress.result, indent=2, ensure_ascii=False),
    }


def result_lines(result: Any) -> list[str]:
    """One sentence per source for the list tasks' results; other results show only as JSON."""
    items = result if isinstance(result, list) else []
    lines: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        source = item.get("source") or "?"
        if item.get("error") and item.get("never_loaded"):
            lines.append(
                f"{source}: failed, never loaded, so not screened against: {item['error']}"
            )
        elif item.get("error"):
            lines.append(f"{source}: failed, the current snapshot still serves: {item['error']}")
        elif item.get("note"):
            lines.append(f"{source}: {item['note']}")
        elif item.get("message"):
            lines.append(f"{source}: {item['message']}")
        lines.extend(
            f"{outcome.get('source', source)}: {outcome.get('message', '')}"
            for outcome in item.get("imported") or []
        )
    return lines
