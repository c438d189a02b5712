"""An engagement's documents as PDF downloads: the decision letter and the due-diligence report.

The same services as the pages, so the same rules: the engagement through the caller's scope
(404 otherwise), the letter for whoever sees it (entry details only with `lists.view`), the
report for `engagement.report`; each download is on the audit trail with the file's hash.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Router

from trustdesk.web.api.routers.common import READ_ERRORS, actor
from trustdesk.web.cases import selectors
from trustdesk.web.documents import services
from trustdesk.web.documents.views import pdf_response

router = Router(tags=["documents"])

PDF = {
    200: {
        "description": "The PDF file, as a download",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/{uuid:public_id}/letter.pdf",
    response=READ_ERRORS,
    openapi_extra={"responses": PDF},
)
def letter_pdf_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The decision letter as a PDF, as you may read it."""
    user = actor(request)
    engagement = selectors.engagement_get_for_user(user=user, public_id=public_id)
    return pdf_response(services.letter_pdf_generate(engagement=engagement, actor=user))


@router.get(
    "/{uuid:public_id}/report.pdf",
    response=READ_ERRORS,
    openapi_extra={"responses": PDF},
)
def report_pdf_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The due-diligence report as a PDF (officers, approvers and auditors)."""
    user = actor(request)
    engagement = selectors.engagement_get_for_user(user=user, public_id=public_id)
    return pdf_response(services.report_pdf_generate(engagement=engagement, actor=user))
