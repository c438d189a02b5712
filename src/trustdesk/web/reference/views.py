"""The "Policy and sources" page and the travel-advice status page with its refresh.

Every signed-in user may read what the rules rest on (researchers included: the triage result
names the pack, so the pack must be open to them). Travel-advice detail is for those who read
the watch lists (`lists.view`); starting a refresh is for those who update them
(`lists.manage`), and it only queues a task run, as a list update does, whose page shows the
progress and the outcome.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.travel_advice import LEVEL_TEXT
from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.jobs.actors import actor_for, actor_labels
from trustdesk.web.reference import pack_selectors, selectors, services
from trustdesk.web.reference.models import RefreshRun


@require_GET
@login_required
def pack_detail(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        pack = selectors.active_pack()
    except PackInvalid as exc:
        problems = "; ".join(str(e) for e in exc.errors[:5])
        return render(request, "reference/unavailable.html", {"problem": problems}, status=503)
    today = timezone.localdate()
    sources = pack_selectors.cited_sources(pack, today=today)
    context = {
        "pack": pack,
        "sources": sources,
        "stale_count": sum(1 for s in sources if s.stale),
        "stale_before": pack_selectors.stale_before(today),
        "taxonomies": pack_selectors.taxonomy_views(pack),
        "country_lists": pack_selectors.country_list_views(pack),
        "can_see_travel_advice": permissions.has_permission(request.user, "lists.view"),
        "can_see_versions": permissions.has_permission(request.user, "policy.preview"),
    }
    return render(request, "reference/pack_detail.html", context)


@require_GET
@login_required
def travel_advice_detail(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "lists.view")
    status = selectors.travel_advice_status()
    runs = selectors.refresh_run_list()
    snapshot = status.snapshot
    labels = actor_labels([r.actor for r in runs] + ([snapshot.fetched_by] if snapshot else []))
    return render(
        request, "reference/travel_advice.html", _status_context(request, status, runs, labels)
    )


def _status_context(
    request: AuthenticatedHttpRequest,
    status: selectors.TravelAdviceStatus,
    runs: list[RefreshRun],
    labels: dict[str, str],
) -> dict[str, Any]:
    snapshot = status.snapshot
    # Why each carried country was not read in the last refresh, as the service stored it.
    reasons = (
        {str(f.get("country")): str(f.get("reason", "")) for f in snapshot.failures}
        if snapshot
        else {}
    )
    return {
        "status": status,
        "snapshot": snapshot,
        "fetched_by": labels.get(snapshot.fetched_by, "") if snapshot else "",
        "per_level": [(level, n, LEVEL_TEXT[level]) for level, n in status.per_level().items()],
        "level_4": status.at_level(4),
        "level_3": status.at_level(3),
        "no_go_parts": status.no_go_parts(),
        "carried": [(c, reasons.get(c.code, "")) for c in status.countries if c.carried_from],
        "runs": [(run, labels.get(run.actor, run.actor)) for run in runs],
        "can_update": permissions.has_permission(request.user, "lists.manage"),
    }


@require_POST
@login_required
def travel_advice_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue a refresh; the service records and audits its outcome, success or failure."""
    permissions.require(request.user, "lists.manage")
    run = services.travel_advice_refresh_enqueue(actor=actor_for(request.user))
    messages.success(request, "The travel-advice refresh is queued.")
    return redirect("jobs:run_detail", public_id=run.public_id)
