"""The monitoring pages: what the lists did to the partners on file, today and lately.

Reading needs `watch.view` (officers, administrators, auditors). A staged list snapshot's
impact preview is read the same way; working it out again, making the snapshot current or
discarding it needs `lists.review` (officers and administrators).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.jobs.actors import actor_labels
from trustdesk.web.lists import staging as staging_services
from trustdesk.web.lists.models import Snapshot, Staging
from trustdesk.web.lists.staging import is_newer
from trustdesk.web.watch import selectors
from trustdesk.web.watch.models import Rescreen, StagedImpact
from trustdesk.web.watch.staged import ImpactData


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "watch.view")
    rescreens = list(selectors.rescreen_list())
    return render(
        request,
        "watch/index.html",
        {
            "running": [r for r in rescreens if r.status == Rescreen.Status.RUNNING],
            "failed": [r for r in rescreens if r.status == Rescreen.Status.FAILED],
            "changes": [r for r in rescreens if r.status == Rescreen.Status.COMPLETED],
            "staged": list(selectors.staging_awaiting_list()),
        },
    )


@require_GET
@login_required
def detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(request.user, "watch.view")
    try:
        rescreen = selectors.rescreen_get(public_id=public_id)
    except Rescreen.DoesNotExist:
        raise Http404("No such re-screen.") from None
    impact = selectors.rescreen_impact(user=request.user, rescreen=rescreen)
    return render(request, "watch/detail.html", {"rescreen": rescreen, "impact": impact})


def _staging(public_id: uuid.UUID) -> Staging:
    try:
        return selectors.staging_get(public_id=public_id)
    except Staging.DoesNotExist:
        raise Http404("No such staged snapshot.") from None


def _impact_context(request: AuthenticatedHttpRequest, staging: Staging) -> dict[str, Any]:
    impact = selectors.staged_impact_get(staging)
    view = None
    if impact is not None and impact.status == StagedImpact.Status.COMPLETED:
        try:
            view = selectors.staged_impact_view(
                user=request.user, data=ImpactData.from_dict(impact.data)
            )
        except (ValueError, KeyError, TypeError):
            view = None  # stored by another version: worked out again on request
    current = selectors.source_current(staging)
    return {
        "staging": staging,
        "snapshot": staging.snapshot,
        "current": current,
        "impact": impact,
        "view": view,
        "stale": view is not None and view.data.base != _public_id(current),
        "older": not is_newer(staging.snapshot, current),
        "awaiting": staging.status == Staging.Status.AWAITING,
        "can_review": permissions.has_permission(request.user, "lists.review"),
        "rescreen": selectors.rescreen_after(staging),
        **_people(staging),
    }


def _people(staging: Staging) -> dict[str, str]:
    labels = actor_labels([staging.staged_by, staging.decided_by])
    return {"staged_by": labels[staging.staged_by], "decided_by": labels[staging.decided_by]}


def _public_id(snapshot: Snapshot | None) -> str | None:
    return str(snapshot.public_id) if snapshot else None


@require_GET
@login_required
def staged(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The impact preview of a staged snapshot; while it is worked out the page asks again."""
    permissions.require(request.user, "watch.view")
    staging = _staging(public_id)
    return render(request, "watch/staged.html", _impact_context(request, staging))


@require_POST
@login_required
def staged_preview(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(request.user, "lists.review")
    staging = _staging(public_id)
    try:
        staging_services.staged_preview_enqueue(staging=staging, actor=request.user)
    except staging_services.StagingConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The impact is being worked out again.")
    return redirect("watch:staged", public_id=staging.public_id)


@require_POST
@login_required
def staged_make_current(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(request.user, "lists.review")
    staging = _staging(public_id)
    try:
        staging_services.staged_snapshot_make_current(
            staging=staging,
            actor=request.user,
            confirm_older=request.POST.get("confirm_older") == "yes",
        )
    except (staging_services.StagingConflict, staging_services.OlderThanCurrent) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Snapshot {staging.snapshot.short_id} is current: the partners are being screened "
            "against what it changed.",
        )
    return redirect("watch:staged", public_id=staging.public_id)


@require_POST
@login_required
def staged_discard(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(request.user, "lists.review")
    staging = _staging(public_id)
    try:
        staging_services.staged_snapshot_discard(staging=staging, actor=request.user)
    except staging_services.StagingConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Snapshot {staging.snapshot.short_id} was discarded.")
    return redirect("watch:staged", public_id=staging.public_id)
