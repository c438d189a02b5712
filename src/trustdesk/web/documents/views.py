"""The letter and report pages, and their PDFs as downloads.

The engagement is fetched through the reader's scope first, so one they cannot see is the same
404 as one that does not exist; the services then check the document itself (a 403 says why).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.documents import permissions, services


def _get(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Engagement:
    try:
        return case_selectors.engagement_get_for_user(user=request.user, public_id=public_id)
    except Engagement.DoesNotExist:
        raise Http404("no such engagement") from None


def pdf_response(file: services.PdfFile) -> HttpResponse:
    """A PDF as a download, never kept by a shared cache: it may name listed entries."""
    response = HttpResponse(file.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def letter(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    document = services.letter_build(engagement=engagement, reader=request.user)
    context = {
        "letter": document,
        "engagement": engagement,
        "today": timezone.localdate(),
        "can_report": permissions.can_view_report(request.user, engagement),
    }
    return render(request, "documents/letter.html", context)


@require_GET
@login_required
def letter_pdf(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    return pdf_response(services.letter_pdf_generate(engagement=engagement, actor=request.user))


@require_GET
@login_required
def report(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    document = services.report_generate(engagement=engagement, actor=request.user)
    context = {"report": document, "engagement": engagement, "work": document.casework}
    return render(request, "documents/report.html", context)


@require_GET
@login_required
def report_pdf(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    return pdf_response(services.report_pdf_generate(engagement=engagement, actor=request.user))
