"""The monitoring pages: what the lists did to the partners on file, today and lately.

Reading needs `watch.view` (officers, administrators, auditors); nothing here writes.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.watch import selectors
from trustdesk.web.watch.models import Rescreen


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
