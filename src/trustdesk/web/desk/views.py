"""The desk: each role's home page is its work, read-only; every action happens on the case.

One view, one template, sections by role: what a reader may see is decided by the role's
permissions and the scoped selectors, never by hiding parts of one page built for everyone.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.desk import charts, providers, selectors
from trustdesk.web.lists.coverage import current_coverage_for

Role = User.Role
QUEUE_SHOWN = 8  # work items in view; the rest of the queue is one click away


@require_GET
@login_required
def desk(request: AuthenticatedHttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    items = providers.work_items(user=user, today=today)
    context: dict[str, object] = {
        "role": user.role,
        "items": items,
        # The first few in view, the rest folded: on a phone a long queue pushed all else away.
        "first_items": items[:QUEUE_SHOWN],
        "more_items": items[QUEUE_SHOWN:],
        "today": today,
    }
    if has_permission(user, "engagement.view"):
        scope = case_selectors.engagement_list_for_user(user=user)
        if has_permission(user, "report.view"):
            context.update(_figures(scope, today))
        if user.role == Role.CHAMPION:
            context["department_cases"] = selectors.recent_cases(user=user)
        if user.role == Role.APPROVER:
            context["decided"] = selectors.decided_by(user=user)
    if user.role == Role.OFFICER or has_permission(user, "lists.manage"):
        context["coverage"] = current_coverage_for(request)
    if has_permission(user, "audit.view"):
        context["decisions"] = selectors.recent_decisions(user=user)
        context["chain"] = selectors.chain_state()
        context["can_verify"] = has_permission(user, "audit.verify")
    return render(request, "desk/desk.html", context)


def _figures(scope: QuerySet[Engagement], today: date) -> dict[str, object]:
    """Counts and charts over the reader's scope, for the roles that see reports."""
    counts = selectors.status_tier_counts(engagements=scope)
    times = selectors.decision_times(engagements=scope, today=today)
    return {
        "counts": counts,
        "times": times,
        "charts": [
            charts.bar_chart("status", "Cases by status", "Cases", counts.by_status),
            charts.bar_chart("tier", "Cases by due-diligence tier", "Cases", counts.by_tier),
            charts.bar_chart(
                "decision-time",
                "Time from submission to decision (past year)",
                "Decisions",
                times.bands,
            ),
        ],
    }
