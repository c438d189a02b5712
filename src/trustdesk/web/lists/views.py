"""Watch-list pages: sources and snapshots, failed imports, diffs, uploads and updates.

Reading needs `lists.view`; uploading a file or starting an update needs `lists.manage`. Both kinds
of write only queue a task run and send the browser to that run's progress page.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.jobs.actors import actor_for, actor_labels
from trustdesk.web.lists import uploads, web_selectors
from trustdesk.web.lists.coverage import current_coverage_for
from trustdesk.web.lists.forms import DiffForm, ListSizeLimitHandler, UpdateForm, UploadForm
from trustdesk.web.lists.models import Snapshot
from trustdesk.web.lists.selectors import (
    EntryChange,
    SnapshotDiff,
    snapshot_diff,
    snapshot_list,
    source_status_list,
    staging_awaiting_list,
)
from trustdesk.web.lists.services import list_source_update_enqueue

DIFF_PAGE_SIZE = 100
DIFF_SECTIONS = ("added", "removed", "changed")


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "lists.view")
    return render(request, "lists/index.html", _index_context(request))


def _index_context(
    request: AuthenticatedHttpRequest, upload_form: UploadForm | None = None
) -> dict[str, Any]:
    statuses = source_status_list()
    failures = list(web_selectors.import_failure_list())
    labels = actor_labels(
        [s.current.imported_by for s in statuses if s.current] + [f.actor for f in failures]
    )
    coverage = current_coverage_for(request)  # the banner's read, not a second query
    return {
        "coverage": coverage,
        "missing": {m.source for m in coverage.missing},
        "stale": {s.source: s for s in coverage.stale},
        "statuses": [
            (s, web_selectors.source_title(s.key), labels.get(s.current.imported_by, ""))
            if s.current
            else (s, web_selectors.source_title(s.key), "")
            for s in statuses
        ],
        "failures": [(f, labels[f.actor]) for f in failures],
        "can_manage": permissions.has_permission(request.user, "lists.manage"),
        "upload_form": upload_form or UploadForm(max_bytes=_max_bytes()),
        "update_form": UpdateForm(),
        "staged": list(staging_awaiting_list()),
        "can_watch": permissions.has_permission(request.user, "watch.view"),
    }


@require_GET
@login_required
def source_detail(request: AuthenticatedHttpRequest, source: str) -> HttpResponse:
    permissions.require(request.user, "lists.view")
    try:
        status = web_selectors.source_status_get(source)
    except web_selectors.SourceNotFound:
        raise Http404("no such list source") from None
    snapshots = list(snapshot_list(source))
    failures = list(web_selectors.import_failure_list(source=source))
    labels = actor_labels([s.imported_by for s in snapshots] + [f.actor for f in failures])
    awaiting = staging_awaiting_list().filter(snapshot__source__key=source)
    staged = {s.snapshot_id: s for s in awaiting}
    context = {
        "status": status,
        "title": web_selectors.source_title(source),
        "snapshots": [(s, labels[s.imported_by], staged.get(s.pk)) for s in snapshots],
        "failures": [(f, labels[f.actor]) for f in failures],
        "diff_form": _diff_form(None, snapshots) if len(snapshots) >= 2 else None,
        "can_watch": permissions.has_permission(request.user, "watch.view"),
    }
    return render(request, "lists/source.html", context)


def _diff_form(data: Any, snapshots: list[Snapshot]) -> DiffForm:
    """The picker, preset to the two newest snapshots (older first) when nothing was chosen."""
    initial = {}
    if len(snapshots) >= 2:
        initial = {"old": str(snapshots[1].public_id), "new": str(snapshots[0].public_id)}
    return DiffForm(data, initial=initial, snapshots=snapshots)


@require_GET
@login_required
def diff(request: AuthenticatedHttpRequest, source: str) -> HttpResponse:
    permissions.require(request.user, "lists.view")
    snapshots = list(snapshot_list(source))
    if not snapshots:
        raise Http404("no such list source")
    form = _diff_form(request.GET if "old" in request.GET else None, snapshots)
    if form.is_bound and not form.is_valid():
        return render(request, "lists/diff.html", {"source": source, "form": form}, status=400)
    chosen = form.cleaned_data if form.is_bound else form.initial
    if not chosen:
        return render(request, "lists/diff.html", {"source": source, "form": form})
    old, new = (_snapshot(source, chosen[k]) for k in ("old", "new"))
    return render(request, "lists/diff.html", _diff_context(request, form, snapshot_diff(old, new)))


def _snapshot(source: str, public_id: str) -> Snapshot:
    try:
        return web_selectors.snapshot_get_by_id(source=source, public_id=uuid.UUID(public_id))
    except (Snapshot.DoesNotExist, ValueError):
        raise Http404("no such snapshot") from None


def _diff_context(
    request: AuthenticatedHttpRequest, form: DiffForm, result: SnapshotDiff
) -> dict[str, Any]:
    counts = {name: len(getattr(result, name)) for name in DIFF_SECTIONS}
    show = request.GET.get("show")
    if show not in DIFF_SECTIONS:
        show = next((name for name in DIFF_SECTIONS if counts[name]), "added")
    page = Paginator(getattr(result, show), DIFF_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_change_row(item) for item in page] if show == "changed" else list(page)
    pair = {"old": str(result.old.public_id), "new": str(result.new.public_id)}
    return {
        "source": result.new.source.key,
        "form": form,
        "diff": result,
        "counts": counts,
        "show": show,
        "page": page,
        "rows": rows,
        "pair": pair,
        "query": f"old={pair['old']}&new={pair['new']}&show={show}",
    }


def _change_row(change: EntryChange) -> dict[str, Any]:
    fields = [(name, _text(old), _text(new)) for name, (old, new) in change.fields.items()]
    return {"entry_id": change.entry_id, "name": change.name, "fields": fields}


def _text(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _max_bytes() -> int:
    return int(settings.TRUSTDESK_MAX_LIST_BYTES)


@csrf_exempt  # only until the size limit is in place: _upload checks the token (Django docs)
@require_POST
@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Check the role, then put the size limit before Django's upload handlers read the body."""
    permissions.require(request.user, "lists.manage")
    limit = ListSizeLimitHandler(_max_bytes())
    request.upload_handlers.insert(0, limit)
    return _upload(request, limit)


@csrf_protect
def _upload(request: AuthenticatedHttpRequest, limit: ListSizeLimitHandler) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, max_bytes=_max_bytes())
    if limit.refused:
        form.refuse_too_large()
    if not form.is_valid():
        context = _index_context(request, upload_form=form)
        return render(request, "lists/index.html", context, status=400)
    try:
        run = uploads.list_file_upload_enqueue(
            upload=form.cleaned_data["file"],
            source=form.source_key(),
            actor=request.user,
            max_bytes=_max_bytes(),
            stage=form.stage(),
        )
    except uploads.UploadTooLarge:
        form.refuse_too_large()
        return render(request, "lists/index.html", _index_context(request, form), status=400)
    then = "held for review" if form.stage() else "made current"
    messages.success(
        request, f"{form.file_name()} was received; its import is queued (then {then})."
    )
    return redirect("jobs:run_detail", public_id=run.public_id)


@require_POST
@login_required
def update(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "lists.manage")
    form = UpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a list source to update.")
        return redirect("lists:index")
    run = list_source_update_enqueue(sources=form.sources(), actor=actor_for(request.user))
    messages.success(request, "The update is queued.")
    return redirect("jobs:run_detail", public_id=run.public_id)
