"""Asking for the governing body's report, storing what the task produced, handing it out.

The request is audited when made, the files when stored (with their SHA-256) and each download,
so the copy a governing body read can be matched to the event that produced it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.core import audit, tasks
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.leadership import exports, pdf, report
from trustdesk.web.leadership.models import BoardReport
from trustdesk.web.leadership.selectors import Filters, Period

TASK = "leadership.board_report"
LONGEST = dt.timedelta(days=3 * 366)  # a report covers at most three years
PERIOD_BACKWARDS = "The period must end on or after the day it starts."
PERIOD_TOO_LONG = "A report covers at most three years; choose a shorter period."
PERIOD_IN_FUTURE = "The period cannot start in the future."
NOT_READY = "The report is still being generated."

audit.register_action("trustdesk.board_report.requested", label="Board report requested")
audit.register_action("trustdesk.board_report.generated", label="Board report generated")
audit.register_action("trustdesk.board_report.downloaded", label="Board report downloaded")


class ReportError(ValueError):
    """The report cannot be asked for or handed out as asked; the message says why."""


def check_period(period: Period, today: dt.date) -> None:
    if period.end < period.start:
        raise ReportError(PERIOD_BACKWARDS)
    if period.end - period.start > LONGEST:
        raise ReportError(PERIOD_TOO_LONG)
    if period.start > today:
        raise ReportError(PERIOD_IN_FUTURE)


def board_report_request(*, actor: User, period: Period) -> BoardReport:
    """Record the request and queue its generation; the task runs after the commit."""
    require(actor, "board_report.generate")
    check_period(period, timezone.localdate())
    with transaction.atomic():
        row = BoardReport.objects.create(
            period_start=period.start, period_end=period.end, requested_by=actor
        )
        run = tasks.enqueue(TASK, actor_for(actor), report_id=str(row.public_id))
        row.run = run
        row.save(update_fields=["run"])
        audit.record(
            actor=actor,
            action="trustdesk.board_report.requested",
            target=row,
            data={"start": period.start.isoformat(), "end": period.end.isoformat()},
        )
    return row


def board_report_generate(
    *, report_id: str, progress: report.Progress | None = None
) -> BoardReport:
    """Build the report as its requester may see it, render PDF and CSV, and store both.

    Idempotent: a run delivered twice finds the files stored and stops there.
    """
    row = BoardReport.objects.select_related("requested_by").get(public_id=report_id)
    if row.ready:
        return row
    content = report.build_report(
        user=row.requested_by,
        filters=Filters(Period(row.period_start, row.period_end)),
        today=timezone.localdate(),
        progress=progress,
    )
    document, table = pdf.board_report_pdf(content), exports.report_csv(content)
    if progress:
        steps = report.steps_of_report()
        progress(steps, steps, "the PDF and the CSV are written")
    return board_report_store(report_row=row, pdf=document, csv=table, figures=content.headline)


@transaction.atomic
def board_report_store(
    *, report_row: BoardReport, pdf: bytes, csv: str, figures: dict[str, object]
) -> BoardReport:
    row = BoardReport.objects.select_for_update().get(pk=report_row.pk)
    if row.ready:
        return row
    row.pdf, row.csv, row.figures = pdf, csv, figures
    row.generated_at = timezone.now()
    row.save(update_fields=["pdf", "csv", "figures", "generated_at"])
    audit.record(
        actor=row.requested_by,
        action="trustdesk.board_report.generated",
        target=row,
        data={"sha256": hashlib.sha256(pdf).hexdigest(), "bytes": len(pdf)},
    )
    return row


@dataclass(frozen=True, slots=True)
class ReportFile:
    filename: str
    content: bytes
    content_type: str


def board_report_download(*, actor: User, report_row: BoardReport, kind: str) -> ReportFile:
    """The stored PDF or CSV, its hand-out audited with the file's SHA-256."""
    if not report_row.ready or report_row.pdf is None:
        raise ReportError(NOT_READY)
    stem = f"board-report-{report_row.period_start}-to-{report_row.period_end}"
    if kind == "pdf":
        file = ReportFile(f"{stem}.pdf", bytes(report_row.pdf), "application/pdf")
    else:
        file = ReportFile(f"{stem}.csv", report_row.csv.encode("utf-8"), "text/csv; charset=utf-8")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="trustdesk.board_report.downloaded",
            target=report_row,
            data={"kind": kind, "sha256": hashlib.sha256(file.content).hexdigest()},
        )
    return file
