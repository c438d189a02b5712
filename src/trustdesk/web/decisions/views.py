"""The decision section's POSTs (recommend, decide, vote) and the committee seats page.

The section itself is drawn on the engagement page (`selectors.case_context`); each POST runs
one service and comes back to the engagement, a refusal by rule as a message, a refusal by role
or conflict as a 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from trustdesk.web.accounts.permissions import require
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import forms, selectors, services
from trustdesk.web.triage import selectors as triage_selectors

SECTION = "#decision-heading"


def _get(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Engagement:
    try:
        return case_selectors.engagement_get_for_user(user=request.user, public_id=public_id)
    except Engagement.DoesNotExist:
        raise Http404("no such engagement") from None


def _back(engagement: Engagement) -> HttpResponse:
    return redirect(engagement.get_absolute_url() + SECTION)


def _run(
    request: AuthenticatedHttpRequest, engagement: Engagement, run: Callable[[], object], done: str
) -> HttpResponse:
    try:
        run()
    except services.DecisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return _back(engagement)


def _invalid(
    request: AuthenticatedHttpRequest, engagement: Engagement, form: django_forms.Form
) -> HttpResponse:
    for field, errors in form.errors.items():
        name = form.fields[field].label or field.replace("_", " ") if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{str(name).capitalize()}: {error}" if name else str(error))
    return _back(engagement)


@require_POST
@login_required
def recommendation_make(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    require(request.user, "engagement.recommend")
    form = forms.ProposalForm(request.POST)
    if not form.is_valid():
        return _invalid(request, engagement, form)
    proposal = form.to_proposal()
    return _run(
        request,
        engagement,
        lambda: services.recommendation_make(
            actor=request.user, engagement=engagement, proposal=proposal
        ),
        "Recommendation recorded.",
    )


@require_POST
@login_required
def decision_make(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    require(request.user, "engagement.decide")
    form = forms.ProposalForm(request.POST)
    if not form.is_valid():
        return _invalid(request, engagement, form)
    proposal = form.to_proposal()
    return _run(
        request,
        engagement,
        lambda: services.decision_make(
            actor=request.user, engagement=engagement, proposal=proposal
        ),
        "Decision recorded.",
    )


@require_POST
@login_required
def vote_cast(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    require(request.user, "engagement.decide")
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, engagement, form)
    outcome, reason = form.cleaned_data["outcome"], form.cleaned_data["reason"]
    return _run(
        request,
        engagement,
        lambda: services.vote_cast(
            actor=request.user, engagement=engagement, outcome=outcome, reason=reason
        ),
        "Vote recorded.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def committee_seats(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "committee.manage")
    pack = triage_selectors.pack()
    if request.method == "POST":
        form = forms.SeatForm(request.POST)
        if form.is_valid():
            _assign(request, pack.id, form)
        else:
            messages.error(request, "Choose a seat.")
        return redirect("decisions:committee-seats")
    committees = [
        (route, seats, selectors.seat_candidates(route))
        for route, seats in selectors.committee_seats(pack)
    ]
    context = {"pack": pack, "committees": committees}
    return render(request, "decisions/committee_seats.html", context)


def _assign(request: AuthenticatedHttpRequest, pack_id: str, form: forms.SeatForm) -> None:
    data = form.cleaned_data
    pack = triage_selectors.pack()
    route = next((r for r in pack.routing if r.tier == data["tier"]), None)
    holder = None
    if data["holder"]:
        holder = selectors.active_user(data["holder"])
        if holder is None:
            messages.error(request, f"No active account {data['holder']!r}.")
            return
    if route is None:
        messages.error(request, f"The pack routes no tier {data['tier']!r}.")
        return
    try:
        services.committee_seat_assign(
            actor=request.user, route=route, seat=data["seat"], holder=holder, pack_id=pack_id
        )
    except services.DecisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Seat updated.")
