"""Triage pages: the list, starting, the questionnaire (htmx or plain POST), the result, actions.

Every session is fetched through the reader's scope, so one they cannot see is the same 404 as
one that does not exist; the services then check the action (a 403 says why). The questionnaire
works without JavaScript: "Continue" posts the answers and the page comes back with the questions
that now apply; with htmx, each change does the same for the form alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from trustdesk.policy.models import Pack
from trustdesk.screening.matching.model import ScreeningHit
from trustdesk.web.accounts.permissions import require
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.requests import is_htmx
from trustdesk.web.hub import selectors as hub_selectors
from trustdesk.web.lists.coverage import Coverage
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import forms, permissions, presentation, selectors, services
from trustdesk.web.triage.models import TriageSession

PAGE_SIZE = 25


def _get(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> TriageSession:
    try:
        return selectors.triage_get_for_user(user=request.user, public_id=public_id)
    except TriageSession.DoesNotExist:
        raise Http404("no such triage") from None


def _unavailable(request: HttpRequest, exc: selectors.PackUnavailable) -> HttpResponse:
    return render(request, "triage/unavailable.html", {"problem": str(exc)}, status=503)


def _hit_views(
    current: Pack, hits: Sequence[ScreeningHit], *, details: bool
) -> list[forms.HitView]:
    """Hits as a page shows them; without `details`, only that there is a possible match."""
    titles = {ls.id: ls.title for ls in current.list_sources}
    views = []
    for h in hits:
        programme = f" ({h.programme})" if h.programme else ""
        views.append(
            forms.HitView(
                subject=h.subject,
                list_title=f"{titles.get(h.source, h.source)}{programme}" if details else "",
                entry=f"{h.name} ({h.key})" if details else "",
                score=h.score,
                status=h.status,
                role=h.role,
            )
        )
    return views


def _context_views(
    current: Pack, matches: Sequence[answer_glue.ContextMatch]
) -> list[tuple[forms.HitView, str]]:
    """Person and PEP records as officers see them: one row per name and entry, with why."""
    rows: dict[tuple[str, str], tuple[forms.HitView, str]] = {}
    for match, view in zip(
        matches, _hit_views(current, [m.hit for m in matches], details=True), strict=True
    ):
        rows.setdefault((view.subject, view.entry), (view, match.why_text))
    return list(rows.values())


@login_required
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "engagement.view")
    sessions = selectors.triage_list_for_user(user=request.user)
    others = Paginator(sessions.exclude(owner=request.user), PAGE_SIZE)
    context = {
        "mine": sessions.filter(owner=request.user),
        "others": others.get_page(request.GET.get("page")),
        "can_start": permissions.can_start_triage(request.user),
    }
    return render(request, "triage/session_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "engagement.propose")
    engagements = selectors.attachable_engagements(user=request.user)
    if request.method == "POST":
        chosen = request.POST.get("engagement", "")
        engagement = next((e for e in engagements if str(e.public_id) == chosen), None)
        if chosen and engagement is None:
            messages.error(request, "Choose one of your engagements, or none.")
        else:
            return _start(request, engagement)
    return render(request, "triage/session_create.html", {"engagements": engagements})


def _start(request: AuthenticatedHttpRequest, engagement: Engagement | None) -> HttpResponse:
    try:
        session = services.triage_start(actor=request.user, engagement=engagement)
    except selectors.PackUnavailable as exc:
        return _unavailable(request, exc)
    return redirect(session)


@require_POST
@login_required
def session_start(request: AuthenticatedHttpRequest, engagement_id: uuid.UUID) -> HttpResponse:
    try:
        engagement = case_selectors.engagement_get_for_user(
            user=request.user, public_id=engagement_id
        )
    except Engagement.DoesNotExist:
        raise Http404("no such engagement") from None
    return _start(request, engagement)


def _questionnaire(
    request: AuthenticatedHttpRequest,
    session: TriageSession,
    current: Pack,
    *,
    errors: Mapping[str, str] | None = None,
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    evaluation = answer_glue.evaluate(current, session.answers)
    details = permissions.can_see_hit_details(request.user)
    screened = answer_glue.answer_screening(session)
    hits = {
        qid: _hit_views(current, answer.hits, details=details) for qid, answer in screened.items()
    }
    all_errors = {**evaluation.errors, **(errors or {})}
    fields = forms.build_fields(
        current,
        asked=evaluation.asked,
        answers=session.answers,
        errors=all_errors,
        hits=hits,
        screened={qid for qid, answer in screened.items() if answer.screened},
        unchecked={qid for qid, answer in screened.items() if not answer.screened},
    )
    context = {
        "session": session,
        "pack": current,
        "fields": fields,
        "error_count": sum(1 for f in fields if f.error),
        "can_answer": permissions.can_answer_triage(request.user, session),
        # Shown beside amount fields; the question's own text names the currency too.
        "currency": selectors.JURISDICTION_CURRENCY.get(current.jurisdiction, ""),
        "saved_at": timezone.localtime() if saved else None,
    }
    template = "triage/partials/questionnaire.html" if is_htmx(request) else "triage/session.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def session_questionnaire(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _get(request, public_id)
    if session.is_completed and request.method == "GET":
        return redirect(session)
    try:
        current = selectors.pack()
    except selectors.PackUnavailable as exc:
        return _unavailable(request, exc)
    if request.method == "GET":
        return _questionnaire(request, session, current)
    # Before reading the form, so a person who may not answer gets a 403, never form errors.
    permissions.require_owner(request.user, session, "answer")
    posted = forms.read_post(current, request.POST)
    try:
        session = services.triage_answers_save(
            actor=request.user, session=session, answers=posted.answers, questions=posted.questions
        )
    except services.TriageError as exc:
        messages.error(request, str(exc))
        return redirect(session)
    action = request.POST.get("action", "continue")
    # The engine's view of what was just posted: its words go next to each question.
    problems = {
        qid: problem
        for qid, problem in answer_glue.evaluate(current, session.answers).errors.items()
        if qid in posted.questions
    }
    if action == "save" and not problems:
        messages.success(request, "Answers saved. You can finish this triage later from here.")
        return redirect("triage:session-list")
    if action == "complete" and not problems:
        return _complete(request, session, current)
    if not problems and not is_htmx(request):
        # Post/redirect/get: reloading the page shows the answers, it does not post them again.
        messages.success(request, "Answers saved.")
        return redirect(f"{session.get_absolute_url()}#questionnaire")
    return _questionnaire(request, session, current, saved=True)


def _complete(
    request: AuthenticatedHttpRequest, session: TriageSession, current: Pack
) -> HttpResponse:
    try:
        session = services.triage_complete(actor=request.user, session=session)
    except services.AnswersIncomplete as exc:
        messages.error(request, str(exc))
        return _questionnaire(request, session, current, errors=exc.errors, status=400)
    return redirect(session)


def _answer_coverage(session: TriageSession) -> Coverage | None:
    """The lists the answers were screened against (the newest screening's), if any was."""
    stored = [a.coverage for a in answer_glue.answer_screening(session).values() if a.coverage]
    return stored[-1] if stored else None


@login_required
def session_result(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _get(request, public_id)
    if not session.is_completed:
        return redirect(session)
    try:
        current = selectors.pack()
    except selectors.PackUnavailable as exc:
        return _unavailable(request, exc)
    details = permissions.can_see_hit_details(request.user)
    outcome = selectors.outcome_for_user(session=session, user=request.user)
    if outcome is None:  # a completed session always has one (a database constraint)
        raise Http404("no outcome")
    questions = {q.id: q for q in current.questions}
    answered = [
        (questions[qid].text, forms.answer_text(current, questions[qid], session.answers.get(qid)))
        for qid in outcome.asked
        if qid in questions
    ]
    is_owner = permissions.is_owner(request.user, session)
    view = presentation.result_view(outcome)
    summary = selectors.process_people(current, outcome)
    people = {p.id: person for p, person in summary}
    context = {
        "session": session,
        "outcome": outcome,
        "view": view,
        # Each process's explanation with the hub's record of its contact (None: the pack's).
        "process_views": [(pv, people.get(pv.process.id)) for pv in view.processes],
        "summary": summary,
        "training": hub_selectors.training_required(
            pack=current,
            user=session.owner,
            kind=session.engagement.kind if session.engagement else None,
            tier=outcome.tier.id,
            now=timezone.now(),
        ),
        "answered": answered,
        "hits": presentation.merged_hits(
            _hit_views(current, answer_glue.used_hits(session), details=details)
        ),
        # Each organisation named, with its role (partner, funder, intermediary …).
        "organisations": selectors.named_organisations(current, session.answers, outcome.asked),
        # Person and PEP records found for the answers: context for officers, never hits, and
        # never shown to a role that may not read the lists.
        "context": _context_views(current, answer_glue.context_matches(session)) if details else [],
        "can_propose": is_owner
        and session.engagement_id is None
        and permissions.can_start_triage(request.user),
        "unchecked": answer_glue.unchecked_names(session),
        "coverage": _answer_coverage(session),
        "stale": selectors.staleness(session=session, current=current),
        "can_reopen": permissions.can_answer_triage(request.user, session),
        "can_rerun": permissions.can_rerun_triage(request.user, session),
        "engagements": selectors.attachable_engagements(user=request.user)
        if is_owner and session.engagement_id is None
        else [],
    }
    return render(request, "triage/result.html", context)


def _act(
    request: AuthenticatedHttpRequest, session: TriageSession, run: Any, done: str
) -> HttpResponse:
    try:
        session = run()
    except services.TriageError as exc:
        messages.error(request, str(exc))
        return redirect(session)
    except selectors.PackUnavailable as exc:
        return _unavailable(request, exc)
    messages.success(request, done)
    return redirect(session)


@require_POST
@login_required
def session_reopen(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _get(request, public_id)
    return _act(
        request,
        session,
        lambda: services.triage_reopen(actor=request.user, session=session),
        "Reopened: change your answers and see the result again.",
    )


@require_POST
@login_required
def session_attach(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _get(request, public_id)
    permissions.require_owner(request.user, session, "attach")
    chosen = request.POST.get("engagement", "")
    engagement = next(
        (
            e
            for e in selectors.attachable_engagements(user=request.user)
            if str(e.public_id) == chosen
        ),
        None,
    )
    if engagement is None:
        messages.error(request, "Choose one of your draft engagements to attach this triage to.")
        return redirect(session)
    return _act(
        request,
        session,
        lambda: services.triage_attach(actor=request.user, session=session, engagement=engagement),
        f"Attached to {engagement.title}.",
    )


@require_POST
@login_required
def session_rerun(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _get(request, public_id)
    permissions.require_rerun(request.user)
    return _act(
        request,
        session,
        lambda: services.triage_rerun(actor=request.user, session=session),
        "Re-run with the current watch lists, adjudications and policy pack.",
    )
