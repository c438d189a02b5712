"""Policy pack versions: install one, see what it would change, make it current, and after.

Who may do what: reading the versions, the previews and the "what changed" records takes
`policy.preview` (the research-security team, admins, auditors); installing, re-running a
preview and making a version current take `policy.manage` (admins). The long work (a preview,
a switch) is queued as a task run; the run's page shows its progress and links back here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.policy.impact import Impact
from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.jobs.actors import actor_labels
from trustdesk.web.packs import forms, selectors, services
from trustdesk.web.reference import selectors as reference
from trustdesk.web.reference import services as reference_services
from trustdesk.web.triage.selectors import PackUnavailable
from trustdesk.web.triage.selectors import pack as pack_in_use

PER_PAGE = 100


def _list_context(request: AuthenticatedHttpRequest, form: forms.PackUploadForm) -> dict[str, Any]:
    versions = list(reference.pack_version_list())
    changes = list(reference.pack_change_list()[:20])
    labels = actor_labels([v.uploaded_by for v in versions] + [c.activated_by for c in changes])
    try:
        in_use = pack_in_use()
        in_use_label, problem = f"{in_use.id} {in_use.version}", ""
    except PackUnavailable as exc:
        in_use_label, problem = "", str(exc)
    return {
        "versions": [(v, labels.get(v.uploaded_by, v.uploaded_by)) for v in versions],
        "changes": [(c, labels.get(c.activated_by, c.activated_by)) for c in changes],
        "in_use": in_use_label,
        "in_use_problem": problem,
        "from_setting": reference.current_pack_version_id() is None,
        "configured": reference.configured_pack(),
        "can_manage": permissions.has_permission(request.user, "policy.manage"),
        "form": form,
    }


@require_GET
@login_required
def version_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "policy.preview")
    context = _list_context(request, forms.PackUploadForm())
    return render(request, "packs/version_list.html", context)


@require_POST
@login_required
def version_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Install the file (checked completely), then queue its preview and show it."""
    permissions.require(request.user, "policy.manage")
    form = forms.PackUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = reference_services.pack_version_upload(
                actor=request.user, file_name=upload.name or "pack.yaml", content=upload.read()
            )
        except reference_services.PackRefused as exc:
            for problem in exc.problems[:20]:
                form.add_error("file", problem)
        else:
            services.pack_version_preview_enqueue(actor=request.user, version=version)
            messages.success(request, f"{version.label} is installed, not yet in use.")
            return redirect("packs:version-detail", public_id=version.public_id)
    context = _list_context(request, form)
    return render(request, "packs/version_list.html", context, status=400)


def _impact_page(request: AuthenticatedHttpRequest, impact: Impact | None) -> dict[str, Any]:
    if impact is None:
        return {"impact": None}
    page = Paginator(impact.changes, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.change_rows(user=request.user, impact=impact, changes=list(page))
    return {"impact": impact, "page": page, "rows": rows}


@require_GET
@login_required
def version_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(request.user, "policy.preview")
    version = selectors.pack_version_get(public_id=public_id)
    impact = selectors.stored_impact(version.preview)
    changes = list(version.changes.order_by("-activated_at", "-id"))
    labels = actor_labels([version.uploaded_by, *(c.activated_by for c in changes)])
    context = {
        "version": version,
        "uploaded_by": labels.get(version.uploaded_by, version.uploaded_by),
        "changes": [(c, labels.get(c.activated_by, c.activated_by)) for c in changes],
        "can_manage": permissions.has_permission(request.user, "policy.manage"),
        **_impact_page(request, impact),
    }
    return render(request, "packs/version_detail.html", context)


@require_POST
@login_required
def version_preview(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(request.user, "policy.manage")
    version = selectors.pack_version_get(public_id=public_id)
    run = services.pack_version_preview_enqueue(actor=request.user, version=version)
    messages.success(request, f"The preview of {version.label} is queued.")
    return redirect("jobs:run_detail", public_id=run.public_id)


@require_POST
@login_required
def version_activate(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(request.user, "policy.manage")
    version = selectors.pack_version_get(public_id=public_id)
    try:
        run = services.pack_version_make_current_enqueue(actor=request.user, version=version)
    except reference_services.PackConflict as exc:
        messages.error(request, str(exc))
        return redirect("packs:version-detail", public_id=version.public_id)
    messages.success(request, f"{version.label} is being made current.")
    return redirect("jobs:run_detail", public_id=run.public_id)


@require_GET
@login_required
def change_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """What a pack change changed, as worked out when it was made."""
    permissions.require(request.user, "policy.preview")
    change = selectors.pack_change_get(public_id=public_id)
    labels = actor_labels([change.activated_by])
    context = {
        "change": change,
        "activated_by": labels.get(change.activated_by, change.activated_by),
        **_impact_page(request, selectors.stored_impact(change.impact)),
    }
    return render(request, "packs/change_detail.html", context)
