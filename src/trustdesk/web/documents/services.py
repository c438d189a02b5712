"""The documents as each reader gets them: built, rendered and, when handed out, audited.

Reading the letter page is a read of the case file like the engagement page, and is not
audited; every copy of a document that leaves trustdesk (a PDF downloaded) and every reading
of the report, which carries the listed entries and the audit excerpt, is on the audit trail
with the document's SHA-256, so the file in someone's hands can be matched to the event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core import audit
from trustdesk.web.documents import builders, pdf, permissions, sources
from trustdesk.web.documents.content import Casework, DueDiligenceReport, Letter

audit.register_action("trustdesk.document.report_viewed", label="Due-diligence report viewed")
audit.register_action(
    "trustdesk.document.report_downloaded", label="Due-diligence report downloaded (PDF)"
)
audit.register_action(
    "trustdesk.document.letter_downloaded", label="Decision letter downloaded (PDF)"
)


@dataclass(frozen=True, slots=True)
class PdfFile:
    filename: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _casework(engagement: Engagement, reader: User, casework: Casework | None) -> Casework:
    """The casework given (a test's), else the apps' records as `reader` may read them."""
    if casework is not None:
        return casework
    return sources.casework(engagement=engagement, user=reader)


def letter_build(
    *, engagement: Engagement, reader: User, casework: Casework | None = None
) -> Letter:
    """The decision letter as `reader` may read it (not audited: a read of the case file)."""
    permissions.require_letter(reader, engagement)
    return builders.build_letter(
        engagement=engagement,
        reader=reader,
        casework=_casework(engagement, reader, casework),
        today=timezone.localdate(),
    )


def _record(actor: User, action: str, engagement: Engagement, data: dict[str, object]) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action=action, target=engagement, data=data)


def letter_pdf_generate(
    *, engagement: Engagement, actor: User, casework: Casework | None = None
) -> PdfFile:
    """The letter as a PDF, audited with its hash and whether entry details were in it."""
    letter = letter_build(engagement=engagement, reader=actor, casework=casework)
    file = PdfFile(f"{letter.header.reference}-decision-letter.pdf", pdf.letter_pdf(letter))
    _record(
        actor,
        "trustdesk.document.letter_downloaded",
        engagement,
        {"sha256": file.sha256, "bytes": len(file.content), "entries": letter.entries_shown},
    )
    return file


def _report(engagement: Engagement, actor: User, casework: Casework | None) -> DueDiligenceReport:
    permissions.require_report(actor, engagement)
    return builders.build_report(
        engagement=engagement,
        reader=actor,
        casework=_casework(engagement, actor, casework),
        now=timezone.now(),
    )


def report_generate(
    *, engagement: Engagement, actor: User, casework: Casework | None = None
) -> DueDiligenceReport:
    """The due-diligence report for the page; its reading is audited."""
    report = _report(engagement, actor, casework)
    _record(actor, "trustdesk.document.report_viewed", engagement, {"format": "html"})
    return report


def report_pdf_generate(
    *, engagement: Engagement, actor: User, casework: Casework | None = None
) -> PdfFile:
    """The report as a PDF, made on request (well under a second for a 20-hit case)."""
    report = _report(engagement, actor, casework)
    file = PdfFile(f"{report.header.reference}-due-diligence-report.pdf", pdf.report_pdf(report))
    _record(
        actor,
        "trustdesk.document.report_downloaded",
        engagement,
        {"sha256": file.sha256, "bytes": len(file.content)},
    )
    return file
