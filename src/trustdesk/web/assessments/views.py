"""The assessment's POSTs from the engagement page; the section itself is the page's partial."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.assessments import forms, permissions, selectors, services
from trustdesk.web.assessments.models import RiskAssessment
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.triage import selectors as triage_selectors


def _engagement(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Engagement:
    try:
        return case_selectors.engagement_get_for_user(user=request.user, public_id=public_id)
    except Engagement.DoesNotExist:
        raise Http404("no such engagement") from None


def _back(engagement: Engagement) -> HttpResponse:
    return redirect(f"{engagement.get_absolute_url()}#assessment-heading")


@require_POST
@login_required
def assessment_run(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _engagement(request, public_id)
    permissions.require_assess(request.user)
    form = forms.AssessmentRunForm(request.POST, pack=triage_selectors.pack())
    form.is_valid()  # every field is an optional yes/no: nothing to refuse
    try:
        services.assessment_run(actor=request.user, engagement=engagement, facts=form.facts())
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Risk assessed.")
    return _back(engagement)


@require_POST
@login_required
def assessment_override(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _engagement(request, public_id)
    permissions.require_assess(request.user)
    form = forms.OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an area and a rating.")
        return _back(engagement)
    data = form.cleaned_data
    try:
        # The assessment the officer looked at: a newer one is refused (NotLatest), not changed.
        assessment = selectors.assessment_list_for_user(user=request.user).get(
            public_id=data.pop("assessment"), engagement=engagement
        )
    except RiskAssessment.DoesNotExist:
        raise Http404("no such assessment") from None
    try:
        services.assessment_override(actor=request.user, assessment=assessment, **data)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Rating changed; the computed rating is kept beside it.")
    return _back(engagement)
