"""Audit-trail pages for auditors and admins: browse and filter, one event, CSV export, verify.

Reads go through `audit_event_list_for_user`, which returns nothing to other roles, behind the
`audit.view` check; verifying the chain needs `audit.verify`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.core.anchors import audit_verify
from trustdesk.web.core.audit import describe
from trustdesk.web.core.forms import AuditFilterForm, VerifyForm
from trustdesk.web.core.selectors import audit_event_list_for_user, audit_export_rows

PAGE_SIZE = 50


@require_GET
@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "audit.view")
    form = AuditFilterForm(request.GET)
    valid = form.is_valid()
    filters = form.to_filter() if valid else None
    events = audit_event_list_for_user(user=request.user, filters=filters)
    if not valid:
        events = events.none()  # a bad filter shows its errors, not the unfiltered trail
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(event, describe(event)) for event in page],
        "query": query.urlencode(),
        "can_verify": permissions.has_permission(request.user, "audit.verify"),
        "verify_form": VerifyForm(),
    }
    return render(request, "core/event_list.html", context, status=200 if valid else 400)


@require_GET
@login_required
def event_detail(request: AuthenticatedHttpRequest, sequence: int) -> HttpResponse:
    permissions.require(request.user, "audit.view")
    event = get_object_or_404(audit_event_list_for_user(user=request.user), sequence=sequence)
    context = {
        "event": event,
        "summary": describe(event),
        "data": json.dumps(event.data, indent=2, ensure_ascii=False, sort_keys=True),
    }
    return render(request, "core/event_detail.html", context)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered trail as CSV, streamed row by row (any size); formula cells are neutralised."""
    permissions.require(request.user, "audit.view")
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "The filter is not valid; correct it on the audit trail page.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    events = audit_event_list_for_user(user=request.user, filters=form.to_filter())
    writer = csv.writer(_Echo())
    lines: Iterator[str] = (writer.writerow(row) for row in audit_export_rows(events))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Recompute the hash chain on a POST only: it reads the whole trail, so no prefetch may."""
    permissions.require(request.user, "audit.verify")
    form = VerifyForm(request.POST if request.method == "POST" else None)
    result, stored = None, None
    if form.is_bound and form.is_valid():
        # Without a head given, the newest anchor kept outside the database is the check.
        result, stored = audit_verify(anchor=form.cleaned_data["anchor"])
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "result": result, "stored": stored}
    return render(request, "core/verify.html", context, status=status)
