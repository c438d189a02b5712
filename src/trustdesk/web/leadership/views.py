"""The leadership dashboard, its figures as CSV, and the governing body's reports.

Every page counts; none opens a case. The dashboard's filters live in the address (GET), so a
filtered view can be bookmarked and each chart's CSV link carries the same filters.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.conf.tasks import task_settings
from trustdesk.web.desk.charts import bar_chart
from trustdesk.web.jobs.selectors import task_run_progress
from trustdesk.web.leadership import exports, permissions, selectors, services
from trustdesk.web.leadership.forms import DashboardFilterForm, PeriodForm
from trustdesk.web.leadership.heat import heat_drawing
from trustdesk.web.leadership.models import BoardReport


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _filters(request: AuthenticatedHttpRequest) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET or None, today=timezone.localdate())


@require_GET
@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_view_leadership(request.user))
    form = _filters(request)
    board = selectors.dashboard(user=request.user, filters=form.filters())
    charts = [bar_chart(f.key, f.title, f.unit, f.rows) for f in board.figures]
    context = {
        "form": form,
        "board": board,
        "charts": zip(charts, board.figures, strict=True),
        "heat": heat_drawing(board.heat),
        "query": request.GET.urlencode(),
        "can_report": permissions.can_generate_board_report(request.user),
    }
    return render(request, "leadership/dashboard.html", context)


@require_GET
@login_required
def figure_csv(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    _require(permissions.can_view_leadership(request.user))
    board = selectors.dashboard(user=request.user, filters=_filters(request).filters())
    table = board.tables().get(key)
    if table is None:
        raise Http404("no such figure")
    response = HttpResponse(exports.table_csv(table), content_type="text/csv; charset=utf-8")
    period = board.filters.period
    name = f"{key}-{period.start}-to-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_read_board_reports(request.user))
    can_generate = permissions.can_generate_board_report(request.user)
    # An empty POST is a request too: no dates means the past year.
    data = request.POST if request.method == "POST" else None
    form = PeriodForm(data, today=timezone.localdate())
    if request.method == "POST":
        _require(can_generate)
        if form.is_valid():
            try:
                row = services.board_report_request(actor=request.user, period=form.period())
            except services.ReportError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect(row)
    context = {
        "form": form,
        "reports": BoardReport.objects.select_related("run", "requested_by")[:50],
        "can_generate": can_generate,
    }
    return render(
        request, "leadership/report_list.html", context, status=400 if form.errors else 200
    )


def _report(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> dict[str, object]:
    _require(permissions.can_read_board_reports(request.user))
    try:
        row = BoardReport.objects.select_related("run").get(public_id=public_id)
    except BoardReport.DoesNotExist:
        raise Http404("no such report") from None
    progress = task_run_progress(row.run, lease=task_settings().lease) if row.run else None
    return {"report": row, "progress": progress}


@require_GET
@login_required
def report_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render(request, "leadership/report_detail.html", _report(request, public_id))


@require_GET
@login_required
def report_progress(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The progress fragment alone, which the page's HTMX poll swaps in."""
    return render(request, "leadership/partials/report_progress.html", _report(request, public_id))


@require_GET
@login_required
def report_download(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, kind: str
) -> HttpResponse:
    context = _report(request, public_id)
    row = context["report"]
    assert isinstance(row, BoardReport)  # noqa: S101  # _report returns the row it found
    if kind not in ("pdf", "csv"):
        raise Http404("no such file")
    try:
        file = services.board_report_download(actor=request.user, report_row=row, kind=kind)
    except services.ReportError as exc:
        messages.info(request, str(exc))
        return redirect(row)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
