"""Mitigation pages: the plan lives in the engagement page's section; these take its forms.

The engagement is fetched through the reader's scope and the item through the engagement, so a
case or item they cannot see is the same 404 as a missing one; the services then check the action
(a 403 says why). Refusals by rule come back to the case page as messages, except the item form,
which is shown again with its errors on a page of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.mitigations import files, forms, permissions, selectors, services
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem

STATUS_DONE = {
    services.StatusAction.START: "Marked as in progress.",
    services.StatusAction.COMPLETE: "Marked as done.",
    services.StatusAction.WAIVE: "Waived.",
    services.StatusAction.REOPEN: "Reopened.",
}


def _engagement(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Engagement:
    try:
        return case_selectors.engagement_get_for_user(user=request.user, public_id=public_id)
    except Engagement.DoesNotExist:
        raise Http404("no such engagement") from None


def _item(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, item_id: uuid.UUID
) -> MitigationItem:
    engagement = _engagement(request, public_id)
    try:
        return selectors.item_get(engagement=engagement, public_id=item_id)
    except MitigationItem.DoesNotExist:
        raise Http404("no such mitigation on this engagement") from None


def _back(engagement: Engagement, item: MitigationItem | None = None) -> HttpResponse:
    anchor = f"#mitigation-{item.public_id}" if item is not None else "#mitigations-heading"
    return redirect(engagement.get_absolute_url() + anchor)


def _run(
    request: AuthenticatedHttpRequest,
    engagement: Engagement,
    item: MitigationItem | None,
    run: Callable[[], object],
    done: str,
) -> HttpResponse:
    try:
        run()
    except (services.MitigationError, files.EvidenceRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return _back(engagement, item)


@require_POST
@login_required
def propose(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _engagement(request, public_id)
    try:
        made = services.mitigation_propose(actor=request.user, engagement=engagement)
    except services.MitigationError as exc:
        messages.error(request, str(exc))
    else:
        said = "1 mitigation" if len(made) == 1 else f"{len(made)} mitigations"
        messages.success(
            request,
            f"{said} added from the policy pack's checklist."
            if made
            else "The plan already has every checklist item the triage calls for.",
        )
    return _back(engagement)


def _item_form_page(
    request: AuthenticatedHttpRequest,
    engagement: Engagement,
    item: MitigationItem | None,
    save: Callable[[services.ItemFields], MitigationItem],
) -> HttpResponse:
    initial = forms.ItemForm.initial_for(item) if item is not None else None
    form = forms.ItemForm(request.POST or None, initial=initial, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.to_fields())
        except services.ItemInvalid as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except services.MitigationError as exc:
            messages.error(request, str(exc))
            return _back(engagement, item)
        else:
            messages.success(request, "Mitigation saved.")
            return _back(engagement, saved)
    context = {"form": form, "engagement": engagement, "item": item}
    return render(request, "mitigations/item_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def item_add(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _engagement(request, public_id)
    permissions.require_manage(request.user, engagement)
    return _item_form_page(
        request,
        engagement,
        None,
        lambda f: services.mitigation_add(actor=request.user, engagement=engagement, fields=f),
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    item = _item(request, public_id, item_id)
    permissions.require_manage(request.user, item.engagement)
    return _item_form_page(
        request,
        item.engagement,
        item,
        lambda f: services.mitigation_edit(actor=request.user, item=item, fields=f),
    )


@require_POST
@login_required
def item_remove(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    item = _item(request, public_id, item_id)
    permissions.require_manage(request.user, item.engagement)
    form = forms.RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        item.engagement,
        None,
        lambda: services.mitigation_remove(actor=request.user, item=item, reason=reason),
        f"“{item.title}” removed from the plan.",
    )


@require_POST
@login_required
def item_status(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    item = _item(request, public_id, item_id)
    # Before reading the form: someone who may not move the item gets a 403, never form errors.
    if not permissions.can_manage_plan(request.user, item.engagement):
        permissions.require_progress(request.user, item)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the mitigation.")
        return _back(item.engagement, item)
    action = services.StatusAction(form.cleaned_data["action"])
    note = form.cleaned_data["note"]
    return _run(
        request,
        item.engagement,
        item,
        lambda: services.mitigation_status(actor=request.user, item=item, action=action, note=note),
        STATUS_DONE[action],
    )


@csrf_exempt  # only until the size limit is in place: _evidence_add checks the token
@require_POST
@login_required
def evidence_add(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    """Check access first, then put the size limit before Django's handlers read the body."""
    item = _item(request, public_id, item_id)
    permissions.require_evidence(request.user, item)
    limit = forms.EvidenceSizeLimitHandler(files.max_bytes())
    request.upload_handlers.insert(0, limit)
    return _evidence_add(request, item, limit)


@csrf_protect
def _evidence_add(
    request: AuthenticatedHttpRequest,
    item: MitigationItem,
    limit: forms.EvidenceSizeLimitHandler,
) -> HttpResponse:
    form = forms.EvidenceForm(request.POST, request.FILES)
    if limit.refused:
        form.is_valid()
        form.refuse_too_large()
    if limit.refused or not form.is_valid():
        for error in form.errors.get("file", ["Choose a file to upload."]):
            messages.error(request, str(error))
        return _back(item.engagement, item)
    upload = form.cleaned_data["file"]
    return _run(
        request,
        item.engagement,
        item,
        lambda: services.evidence_add(
            actor=request.user, item=item, name=str(upload.name or ""), content=upload.chunks()
        ),
        f"{upload.name} uploaded.",
    )


@require_GET
@login_required
def evidence_download(
    request: AuthenticatedHttpRequest,
    public_id: uuid.UUID,
    item_id: uuid.UUID,
    evidence_id: uuid.UUID,
) -> FileResponse:
    item = _item(request, public_id, item_id)
    try:
        evidence = selectors.evidence_get(item=item, public_id=evidence_id)
    except EvidenceFile.DoesNotExist:
        raise Http404("no such file on this mitigation") from None
    try:
        return files.attachment(
            relative=evidence.stored_path,
            name=evidence.original_name,
            content_type=evidence.content_type,
        )
    except (OSError, files.EvidenceRefused):
        raise Http404("the stored file is missing") from None
