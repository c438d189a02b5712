"""Self-assessment pages: the list, a draft answered section by section, the result, actions.

Reading needs `selfassessment.view` (a 403 says so); answering, proposing and completing need
`selfassessment.manage`, checked here and again by the services. Actions are fetched through
the reader's scope, so an owner without the view permission reaches their own action and any
other is the same 404 as a missing one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustdesk.policy.loader import PackInvalid
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.reference.selectors import active_pack
from trustdesk.web.selfassess import charts, forms, permissions, selectors, services
from trustdesk.web.selfassess.models import Action, Assessment


def _assessment(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Assessment:
    permissions.require_view(request.user)
    try:
        return selectors.assessment_get(public_id=public_id)
    except Assessment.DoesNotExist:
        raise Http404("no such self-assessment") from None


def _action(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Action:
    try:
        return selectors.action_get_for_user(user=request.user, public_id=public_id)
    except Action.DoesNotExist:
        raise Http404("no such action") from None


def _run(request: AuthenticatedHttpRequest, run: Callable[[], object], done: str) -> bool:
    try:
        run()
    except services.SelfAssessmentError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


@require_GET
@login_required
def assessment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_view(request.user)
    context = {
        "assessments": selectors.assessment_list(),
        "draft": selectors.current_draft(),
        "can_manage": permissions.can_manage(request.user),
        "form": forms.StartForm(initial={"as_of": timezone.localdate()}),
    }
    return render(request, "selfassess/assessment_list.html", context)


@require_POST
@login_required
def assessment_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_manage(request.user)
    form = forms.StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date the assessment describes.")
        return redirect("selfassess:assessment-list")
    try:
        started = services.assessment_start(
            actor=request.user,
            pack=active_pack(),
            as_of=form.cleaned_data["as_of"],
            title=form.cleaned_data["title"],
        )
    except (services.SelfAssessmentError, PackInvalid) as exc:
        messages.error(request, str(exc))
        return redirect("selfassess:assessment-list")
    return redirect(started.get_absolute_url())


@require_GET
@login_required
def assessment_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    assessment = _assessment(request, public_id)
    result = selectors.assessment_result(assessment)
    chart = charts.maturity_chart(
        "maturity",
        "Maturity by section",
        [(s.section.title, s.average) for s in result.sections],
        top=result.max_level,
    )
    context = {
        "assessment": assessment,
        "result": result,
        "chart": chart,
        "actions": selectors.actions_of(assessment),
        "can_manage": permissions.can_manage(request.user),
        "drop_form": forms.ReasonForm(),
    }
    return render(request, "selfassess/assessment_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def assessment_section(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, section: str
) -> HttpResponse:
    assessment = _assessment(request, public_id)
    permissions.require_manage(request.user)
    result = selectors.assessment_result(assessment)
    current = result.section(section)
    if current is None or not assessment.is_draft:
        raise Http404("no such section in a draft")
    answers = {q.question.id: q.answer for q in current.questions if q.answer is not None}
    form = forms.SectionForm(
        request.POST or None,
        section=current.section,
        scale=result.questionnaire.scale,
        answers=answers,
        targets={q.question.id: q.target_label for q in current.questions},
    )
    if request.method == "POST" and form.is_valid():
        saved = _run(
            request,
            lambda: services.answers_save(
                actor=request.user,
                assessment=assessment,
                section_id=section,
                answers=form.to_answers(),
            ),
            f"Answers to “{current.section.title}” saved.",
        )
        if saved:
            return redirect(_next(assessment, result, section))
    context = {"assessment": assessment, "result": result, "current": current, "form": form}
    return render(request, "selfassess/section_form.html", context)


def _next(assessment: Assessment, result: selectors.AssessmentResult, section: str) -> str:
    """The next section's page, or the overview after the last."""
    ids = [s.section.id for s in result.sections]
    at = ids.index(section)
    if at + 1 < len(ids):
        return reverse(
            "selfassess:assessment-section",
            kwargs={"public_id": assessment.public_id, "section": ids[at + 1]},
        )
    return assessment.get_absolute_url()


@require_POST
@login_required
def actions_propose(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    assessment = _assessment(request, public_id)
    permissions.require_manage(request.user)
    try:
        made = services.actions_propose(
            actor=request.user, assessment=assessment, today=timezone.localdate()
        )
    except services.SelfAssessmentError as exc:
        messages.error(request, str(exc))
    else:
        if made:
            said = "1 action" if len(made) == 1 else f"{len(made)} actions"
            messages.success(request, f"{said} proposed. Check each owner and due date.")
        else:
            messages.info(request, "No new gap: every answer below its target has an action.")
    return redirect(assessment.get_absolute_url() + "#actions-heading")


@require_POST
@login_required
def assessment_complete(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    assessment = _assessment(request, public_id)
    permissions.require_manage(request.user)
    _run(
        request,
        lambda: services.assessment_complete(actor=request.user, assessment=assessment),
        "Self-assessment completed; its actions are on their owners' desks.",
    )
    return redirect(assessment.get_absolute_url())


@require_GET
@login_required
def assessment_compare(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    assessment = _assessment(request, public_id)
    context = {"assessment": assessment, "result": selectors.assessment_result(assessment)}
    return render(request, "selfassess/compare.html", context)


@require_GET
@login_required
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rows = selectors.action_list_for_user(user=request.user).exclude(
        assessment__status=Assessment.Status.DRAFT
    )
    if status in Action.Status.values:
        rows = rows.filter(status=status)
    context = {
        "actions": rows.order_by("due_date", "pk"),
        "status": status,
        "statuses": [(s.value, s.label) for s in Action.Status if s != Action.Status.PROPOSED],
        "today": timezone.localdate(),
    }
    return render(request, "selfassess/action_list.html", context)


@require_GET
@login_required
def action_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    action = _action(request, public_id)
    context = {
        "action": action,
        "about": selectors.action_context(action),
        "today": timezone.localdate(),
        "can_manage": permissions.can_manage(request.user),
        "can_view": permissions.can_view(request.user),
        "can_complete": permissions.can_complete_action(request.user, action),
        "done_form": forms.DoneForm(),
    }
    return render(request, "selfassess/action_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    action = _action(request, public_id)
    permissions.require_manage(request.user)
    form = forms.ActionForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            lambda: services.action_update(
                actor=request.user, action=action, fields=form.to_fields()
            ),
            "Action saved.",
        )
        if done:
            return redirect(_back(action))
    return render(request, "selfassess/action_form.html", {"action": action, "form": form})


def _back(action: Action) -> str:
    if action.assessment.is_draft:
        return action.assessment.get_absolute_url() + "#actions-heading"
    return action.get_absolute_url()


@require_POST
@login_required
def action_drop(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    action = _action(request, public_id)
    permissions.require_manage(request.user)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: services.action_drop(actor=request.user, action=action, reason=reason),
        "Proposal dropped.",
    )
    return redirect(_back(action))


@require_POST
@login_required
def action_done(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    action = _action(request, public_id)
    permissions.require_complete_action(request.user, action)
    form = forms.DoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _run(
        request,
        lambda: services.action_complete(actor=request.user, action=action, note=note),
        "Action marked done.",
    )
    return redirect(action.get_absolute_url())
