"""Engagement pages: the list, one engagement and its timeline, the form, a POST per transition.

Every engagement is fetched through the reader's scope, so one they cannot see is the same 404
as one that does not exist; the services then check the action itself (a 403 says why).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.assessments import selectors as assessment_selectors
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases import brief, forms, permissions, selectors, services, workflow
from trustdesk.web.cases.models import Engagement, EngagementPartner, InformationRequest
from trustdesk.web.cases.workflow import Action
from trustdesk.web.core.requests import is_htmx
from trustdesk.web.decisions import selectors as decision_selectors
from trustdesk.web.mitigations import selectors as mitigation_selectors
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage import services as triage_services
from trustdesk.web.triage.models import TriageSession

PAGE_SIZE = 25


def _get(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Engagement:
    try:
        return selectors.engagement_get_for_user(user=request.user, public_id=public_id)
    except Engagement.DoesNotExist:
        raise Http404("no such engagement") from None


@login_required
def engagement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "engagement.view")
    tiers = triage_selectors.tier_labels()
    filters = forms.FilterForm(request.GET or None, tiers=tiers)
    engagements = triage_selectors.engagements_with_tier(
        selectors.engagement_list_for_user(user=request.user, filters=filters.to_filter()),
        tier=filters.tier_wanted,
    )
    page = Paginator(engagements, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.engagement_hit_counts(engagement_ids=[e.pk for e in page.object_list])
    none = selectors.HitCounts()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        # Each row with its tier's label and its partners' current hits, read for this page only.
        "rows": [
            (e, tiers.get(e.tier or "", e.tier or ""), counts.get(e.pk, none))  # type: ignore[attr-defined]
            for e in page.object_list
        ],
        "query": query.urlencode(),
        "can_propose": permissions.can_propose_engagement(request.user),
    }
    if is_htmx(request):
        return render(request, "cases/partials/engagement_results.html", context)
    return render(request, "cases/engagement_list.html", context)


def _detail(
    request: AuthenticatedHttpRequest, engagement: Engagement, **forms_: Any
) -> HttpResponse:
    user = request.user
    actions = {a.name: True for a in permissions.available_actions(user, engagement)}
    # Read once for the sections that share them: the partners, the latest triage, the partners'
    # screening and today's list snapshots.
    reads = triage_selectors.CaseReads(engagement)
    partners = reads.links
    triage = triage_selectors.engagement_triage(user=user, engagement=engagement, reads=reads)
    decisions = decision_selectors.case_context(user=user, engagement=engagement)
    information = _information(request, engagement, forms_)
    assessment = assessment_selectors.case_context(user, engagement, reads)
    mitigations = mitigation_selectors.case_context(user, engagement, reads=reads)
    section = assessment["assessment_section"]
    context = {
        "engagement": engagement,
        "brief": brief.build(
            user=user,
            engagement=engagement,
            links=partners,
            triage=triage,
            decisions=decisions,
            mitigations=mitigations["mitigations"],  # type: ignore[arg-type]
            assessed=section.latest is not None,  # type: ignore[attr-defined]
            assessment_can_run=section.can_run,  # type: ignore[attr-defined]
            open_questions=information["open_questions"],
            questions_to_answer=information["questions_to_answer"],
            actions=actions,
        ),
        "timeline": selectors.engagement_timeline(engagement=engagement),
        "team": engagement.team.order_by("username"),
        "actions": actions,
        "can_edit": permissions.can_edit_engagement(user, engagement)
        and engagement.status != Engagement.Status.CLOSED,
        "decisions": decisions,
        "close_form": forms_.get("close_form") or forms.CloseForm(),
        "assign_form": (
            forms.AssignForm(initial={"assignee": engagement.assignee})
            if permissions.can_assign_engagement(user, engagement)
            and engagement.status != Engagement.Status.CLOSED
            else None
        ),
        "withdraw_form": forms.WithdrawForm(),
        "partners": partners,
        "partner_form": forms_.get("partner_form") or forms.PartnerAddForm(user=user),
        "partner_search": forms.PartnerSearchForm(),
        "triage": triage,
        **information,
        **assessment,
        **mitigations,
    }
    return render(request, "cases/engagement_detail.html", context)


def _information(
    request: AuthenticatedHttpRequest, engagement: Engagement, forms_: dict[str, Any]
) -> dict[str, Any]:
    """The questions on the file, with an answer form for each open one the reader may answer."""
    can_answer = permissions.can_answer_information(
        request.user, engagement
    ) and workflow.leaves_from(Action.INFORMATION_RECEIVED, engagement.status)
    # A refused answer comes back as (question id, form with its errors) to show in its place.
    failed_id, failed = forms_.get("answer_form") or (None, None)
    items = []
    for item in selectors.information_request_list(engagement=engagement):
        form = None
        if can_answer and item.is_open:
            form = (
                failed
                if item.public_id == failed_id
                else forms.InformationAnswerForm(request_id=item.public_id)
            )
        items.append((item, form))
    return {
        "information_requests": items,
        # What this reader must do next, said at the top of the page rather than far below it.
        "questions_to_answer": sum(1 for _, form in items if form is not None),
        "open_questions": sum(1 for item, _ in items if item.is_open),
        "information_form": forms_.get("information_form") or forms.InformationRequestForm(),
    }


@login_required
def engagement_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, _get(request, public_id))


@require_http_methods(["GET", "POST"])
@login_required
def engagement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "engagement.propose")
    # From a stand-alone triage's result page: the answers fill the form, and the triage goes
    # onto the new engagement. Someone else's triage, or one already on a case, is not offered.
    session = _triage_to_attach(request)
    initial = (
        triage_selectors.engagement_initial(current=triage_selectors.pack(), session=session)
        if session is not None
        else None
    )
    form = forms.EngagementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if session is not None:
                engagement = triage_services.engagement_from_triage(
                    actor=request.user, session=session, fields=form.to_fields()
                )
            else:
                engagement = services.engagement_create(actor=request.user, fields=form.to_fields())
        except services.EngagementInvalid as exc:
            _add_errors(form, exc)
        except triage_services.TriageError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Engagement saved as a draft.")
            return redirect(engagement)
    return render(
        request,
        "cases/engagement_form.html",
        {"form": form, "engagement": None, "from_triage": session},
    )


def _triage_to_attach(request: AuthenticatedHttpRequest) -> TriageSession | None:
    try:
        public_id = uuid.UUID(request.GET.get("triage", ""))
        session = triage_selectors.triage_get_for_user(user=request.user, public_id=public_id)
    except (ValueError, TriageSession.DoesNotExist):
        return None
    mine = session.owner_id == request.user.pk
    return session if mine and session.is_completed and session.engagement_id is None else None


@require_http_methods(["GET", "POST"])
@login_required
def engagement_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    permissions.require_edit(request.user, engagement)
    if engagement.status not in workflow.EDITABLE:
        messages.error(request, services.NotEditable.MESSAGE)
        return redirect(engagement)
    initial = forms.EngagementForm.initial_for(engagement)
    form = forms.EngagementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_update(
                actor=request.user,
                engagement=engagement,
                fields=form.to_fields(),
                version=form.cleaned_data["version"],
            )
        except services.EngagementInvalid as exc:
            _add_errors(form, exc)
        except services.EditConflict as exc:
            # The form keeps what this person typed; the other person's save stands.
            form.add_error(None, str(exc))
        except services.EngagementError as exc:
            messages.error(request, str(exc))
            return redirect(engagement)
        else:
            messages.success(request, "Changes saved.")
            return redirect(engagement)
    context = {"form": form, "engagement": engagement}
    return render(request, "cases/engagement_form.html", context)


def _add_errors(form: forms.EngagementForm, exc: services.EngagementInvalid) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


Run = Callable[[User, Engagement], Engagement]


def _transition(
    request: AuthenticatedHttpRequest, engagement: Engagement, run: Run, done: str
) -> HttpResponse:
    """Run one transition service and say what happened; refusals by rule come back as messages."""
    try:
        run(request.user, engagement)
    except services.EngagementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(engagement)


@require_POST
@login_required
def engagement_submit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _transition(
        request,
        _get(request, public_id),
        lambda u, e: services.engagement_submit(actor=u, engagement=e),
        "Submitted to the research-security team.",
    )


@require_POST
@login_required
def engagement_withdraw(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    form = forms.WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _transition(
        request,
        _get(request, public_id),
        lambda u, e: services.engagement_withdraw(actor=u, engagement=e, reason=reason),
        "Withdrawn: the engagement is a draft again.",
    )


@require_POST
@login_required
def engagement_review_start(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID
) -> HttpResponse:
    return _transition(
        request,
        _get(request, public_id),
        lambda u, e: assessment_services.review_start(actor=u, engagement=e),
        "Review started.",
    )


@require_POST
@login_required
def engagement_activate(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _transition(
        request,
        _get(request, public_id),
        lambda u, e: services.engagement_activate(actor=u, engagement=e),
        "The engagement is active.",
    )


@require_POST
@login_required
def engagement_close(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    permissions.require_action(request.user, Action.CLOSE, engagement)
    form = forms.CloseForm(request.POST)
    if not form.is_valid():
        return _detail(request, engagement, close_form=form)
    reason = form.cleaned_data["reason"]
    return _transition(
        request,
        engagement,
        lambda u, e: services.engagement_close(actor=u, engagement=e, reason=reason),
        "Engagement closed.",
    )


@require_POST
@login_required
def engagement_assign(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    # Before reading the form, so a person who may not assign gets a 403, never form errors.
    permissions.require_assign(request.user, engagement)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an officer from the list.")
        return redirect(engagement)
    assignee = form.chosen(request.user)
    done = f"Assigned to {assignee}." if assignee is not None else "No longer assigned."
    return _transition(
        request,
        engagement,
        lambda u, e: services.engagement_assign(actor=u, engagement=e, assignee=assignee),
        done,
    )


@require_POST
@login_required
def engagement_partner_add(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    engagement = _get(request, public_id)
    permissions.require_edit(request.user, engagement)
    form = forms.PartnerAddForm(request.POST, user=request.user)
    if not form.is_valid():
        return _detail(request, engagement, partner_form=form)
    partner, role, note = form.partner(), form.cleaned_data["role"], form.cleaned_data["note"]
    return _transition(
        request,
        engagement,
        lambda u, e: (
            services.engagement_partner_add(
                actor=u, engagement=e, partner=partner, role=role, note=note
            ).engagement
        ),
        f"{partner.name} added.",
    )


#: Matches of each kind a partner search shows; more means the name should be typed further.
SEARCH_LIMIT = 15


@require_GET
@login_required
def engagement_partner_search(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID
) -> HttpResponse:
    """Organisations and people matching a name, to choose the partner to add from.

    With JavaScript the case page asks for the matches as the person types (htmx) and puts
    them into its add form; without it, the search form opens this page, which shows the
    matches with the add form around them.
    """
    engagement = _get(request, public_id)
    permissions.require_edit(request.user, engagement)
    search = forms.PartnerSearchForm(request.GET)
    query = search.query
    matches = (
        selectors.partner_matches(user=request.user, query=query, limit=SEARCH_LIMIT)
        if query
        else None
    )
    context = {
        "engagement": engagement,
        "query": query,
        "matches": matches,
        "partner_search": search,
        "partner_form": forms.PartnerAddForm(user=request.user),
    }
    if is_htmx(request):
        return render(request, "cases/partials/partner_matches.html", context)
    return render(request, "cases/partner_search.html", context)


@require_POST
@login_required
def engagement_partner_remove(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, link_id: uuid.UUID
) -> HttpResponse:
    engagement = _get(request, public_id)
    try:
        link = selectors.engagement_partner_get(engagement=engagement, public_id=link_id)
    except EngagementPartner.DoesNotExist:
        raise Http404("no such partner on this engagement") from None
    return _transition(
        request,
        engagement,
        lambda u, e: services.engagement_partner_remove(actor=u, link=link),
        f"{link.partner.name} removed.",
    )


@require_POST
@login_required
def engagement_information_request(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID
) -> HttpResponse:
    engagement = _get(request, public_id)
    permissions.require_action(request.user, Action.REQUEST_INFORMATION, engagement)
    form = forms.InformationRequestForm(request.POST)
    if not form.is_valid():
        return _detail(request, engagement, information_form=form)
    questions = form.cleaned_data["questions"]
    return _transition(
        request,
        engagement,
        lambda u, e: (
            services.information_request(actor=u, engagement=e, questions=questions)[0].engagement
        ),
        "Questions sent: the engagement waits for the answers.",
    )


@require_POST
@login_required
def engagement_information_answer(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    engagement = _get(request, public_id)
    try:
        item = selectors.information_request_get(engagement=engagement, public_id=request_id)
    except InformationRequest.DoesNotExist:
        raise Http404("no such question on this engagement") from None
    permissions.require_answer(request.user, engagement)
    form = forms.InformationAnswerForm(request.POST, request_id=item.public_id)
    if not form.is_valid():
        return _detail(request, engagement, answer_form=(item.public_id, form))
    answer = form.cleaned_data["answer"]
    return _transition(
        request,
        engagement,
        lambda u, e: services.information_answer(actor=u, request=item, answer=answer).engagement,
        "Answer sent.",
    )
