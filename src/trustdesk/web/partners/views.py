"""Organisation and person pages: lists with search, details with screening hits, the forms.

Records are fetched through the reader's scope, so a person they cannot see is the same 404 as
one that does not exist; the services then check the action itself (a 403 says why). A merged
record's address redirects to the record it was merged into.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission, require
from trustdesk.web.core.requests import AuthenticatedHttpRequest
from trustdesk.web.partners import forms, permissions, selectors, services
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit

PAGE_SIZE = 25
Subject = Organisation | Person


def _kind(subject: Subject) -> str:
    return "organisation" if isinstance(subject, Organisation) else "person"


def _url(name: str, subject: Subject) -> str:
    return reverse(f"partners:{_kind(subject)}-{name}", args=[subject.public_id])


def _records(request: AuthenticatedHttpRequest, kind: str) -> QuerySet[Any]:
    if kind == "organisation":
        return selectors.organisation_list_for_user(user=request.user, include_merged=True)
    return selectors.person_list_for_user(user=request.user, include_merged=True)


def _get(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> Any:
    """A live record in the reader's scope; 404 for missing, out-of-scope and merged ones."""
    record = _records(request, kind).filter(public_id=public_id).first()
    if record is None or record.merged_into_id is not None:
        raise Http404(f"no such {kind}")
    return record


# --- lists ---------------------------------------------------------------------------------


def _list(request: AuthenticatedHttpRequest, kind: str, records: QuerySet[Any]) -> HttpResponse:
    require(request.user, "partner.view")
    form = forms.SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = (
        selectors.organisation_search(records, query)
        if kind == "organisation"
        else selectors.person_search(records, query)
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "kind": kind,
        "form": form,
        "q": query,
        "page": page,
        "can_propose": has_permission(request.user, "partner.propose"),
    }
    return render(request, f"partners/{kind}_list.html", context)


@require_GET
@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = selectors.organisation_list_for_user(user=request.user)
    return _list(request, "organisation", records)


@require_GET
@login_required
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = selectors.person_list_for_user(user=request.user).prefetch_related("affiliations")
    return _list(request, "person", records)


# --- detail and screening ------------------------------------------------------------------


def _screening_context(request: AuthenticatedHttpRequest, subject: Subject) -> dict[str, Any]:
    runs = list(selectors.screening_runs(subject)[:20])
    latest = runs[0] if runs else None
    return {
        "subject": subject,
        "kind": _kind(subject),
        "run": latest,
        "runs": runs,
        "pending": latest is not None and latest.status == latest.Status.PENDING,
        "poll_url": _url("screening", subject),
        "detail_url": _url("detail", subject),
        "screen_url": _url("screen", subject),
        "can_screen": has_permission(request.user, "partner.screen"),
        "can_adjudicate": has_permission(request.user, "partner.adjudicate"),
        "verdicts": forms.AdjudicationForm.base_fields["verdict"].choices,  # type: ignore[attr-defined]
    }


def _detail(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    require(request.user, "partner.view")
    record = _records(request, kind).filter(public_id=public_id).first()
    if record is None:
        raise Http404(f"no such {kind}")
    if record.merged_into_id is not None:
        kept = selectors.merged_record_kept_for_user(user=request.user, record=record)
        if kept is None:  # outside the reader's scope: neither its name nor its address
            messages.info(request, f"{record} was merged into a record you cannot see.")
            return redirect(f"partners:{kind}-list")
        messages.info(request, f"{record} was merged into {kept}.")
        return redirect(_url("detail", kept))
    context = {
        **_screening_context(request, record),
        "record": record,
        "can_edit": permissions.can_edit(request.user, record),
        "can_merge": has_permission(request.user, "partner.merge"),
    }
    if isinstance(record, Organisation):
        context["people"] = selectors.person_list_for_user(user=request.user).filter(
            affiliations=record
        )
        context["children"] = selectors.organisation_list_for_user(user=request.user).filter(
            parent=record
        )
    else:
        context["affiliations"] = record.affiliations.filter(merged_into__isnull=True)
    return render(request, f"partners/{kind}_detail.html", context)


@require_GET
@login_required
def organisation_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, "organisation", public_id)


@require_GET
@login_required
def person_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, "person", public_id)


def _screening(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    """The screening section alone: what a page polls while a screening is pending."""
    require(request.user, "partner.view")
    subject = _get(request, kind, public_id)
    return render(request, "partners/partials/screening.html", _screening_context(request, subject))


@require_GET
@login_required
def organisation_screening(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _screening(request, "organisation", public_id)


@require_GET
@login_required
def person_screening(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _screening(request, "person", public_id)


def _screen(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    subject = _get(request, kind, public_id)
    try:
        services.screening_request(actor=request.user, subject=subject)
    except services.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{subject} is being screened against the current lists.")
    return redirect(_url("detail", subject))


@require_POST
@login_required
def organisation_screen(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _screen(request, "organisation", public_id)


@require_POST
@login_required
def person_screen(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _screen(request, "person", public_id)


@require_POST
@login_required
def hit_adjudicate(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        hit = selectors.hit_get_for_user(user=request.user, public_id=public_id)
    except ScreeningHit.DoesNotExist:
        raise Http404("no such hit") from None
    # Authorise before reading the form: a refused role gets 403, not a form error.
    require(request.user, "partner.adjudicate")
    form = forms.AdjudicationForm(request.POST)
    target = f"{_url('detail', hit.run.subject)}#hit-{hit.public_id}"
    if not form.is_valid():
        messages.error(request, "Choose a verdict and give the reason for it.")
        return redirect(target)
    try:
        services.hit_adjudicate(
            actor=request.user,
            hit=hit,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
        )
    except services.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Verdict recorded on {hit.entry_name} ({hit.key}).")
    return redirect(target)


# --- create and edit -----------------------------------------------------------------------


def _organisation_form(
    request: AuthenticatedHttpRequest, org: Organisation | None
) -> forms.OrganisationForm:
    parents = selectors.organisation_list_for_user(user=request.user)
    if org is not None:
        parents = parents.exclude(pk=org.pk)
    initial = forms.OrganisationForm.initial_for(org) if org else None
    data = request.POST if request.method == "POST" else None
    return forms.OrganisationForm(data, initial=initial, parents=parents)


def _person_form(request: AuthenticatedHttpRequest, person: Person | None) -> forms.PersonForm:
    organisations = selectors.organisation_list_for_user(user=request.user)
    initial = forms.PersonForm.initial_for(person) if person else None
    data = request.POST if request.method == "POST" else None
    return forms.PersonForm(data, initial=initial, organisations=organisations)


def _save(request: AuthenticatedHttpRequest, kind: str, record: Subject | None) -> HttpResponse:
    form: forms.OrganisationForm | forms.PersonForm
    if kind == "organisation":
        assert record is None or isinstance(record, Organisation)  # noqa: S101
        form = _organisation_form(request, record)
    else:
        assert record is None or isinstance(record, Person)  # noqa: S101
        form = _person_form(request, record)
    if form.is_valid():
        try:
            saved = _call_save(request.user, kind, record, form)
        except services.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{saved} saved; screening against the lists has started.")
            return redirect(_url("detail", saved))
    context = {"form": form, "record": record, "kind": kind}
    return render(request, f"partners/{kind}_form.html", context)


def _call_save(
    actor: User, kind: str, record: Subject | None, form: forms.OrganisationForm | forms.PersonForm
) -> Subject:
    if isinstance(form, forms.OrganisationForm):
        data = form.to_input()
        if isinstance(record, Organisation):
            return services.organisation_update(actor=actor, organisation=record, data=data)
        return services.organisation_create(actor=actor, data=data)
    pdata = form.to_input()
    if isinstance(record, Person):
        return services.person_update(actor=actor, person=record, data=pdata)
    return services.person_create(actor=actor, data=pdata)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "partner.propose")
    return _save(request, "organisation", None)


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "partner.propose")
    return _save(request, "person", None)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_update(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    org = _get(request, "organisation", public_id)
    require(request.user, "partner.propose", org)
    return _save(request, "organisation", org)


@require_http_methods(["GET", "POST"])
@login_required
def person_update(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = _get(request, "person", public_id)
    require(request.user, "partner.propose", person)
    return _save(request, "person", person)


# --- merge ---------------------------------------------------------------------------------


def _merge(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    duplicate = _get(request, kind, public_id)
    require(request.user, "partner.merge")
    form = forms.MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        merge = services.organisation_merge if kind == "organisation" else services.person_merge
        try:
            into = _get(request, kind, form.cleaned_data["into"])
            kept = merge(
                actor=request.user,
                duplicate=duplicate,
                into=into,
                reason=form.cleaned_data["reason"],
            )
        except Http404:
            form.add_error("into", f"Choose the {kind} to keep from the search results.")
        except services.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{duplicate} was merged into {kept}.")
            return redirect(_url("detail", kept))
    search = forms.SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    records = _records(request, kind).filter(merged_into__isnull=True).exclude(pk=duplicate.pk)
    search_fn = selectors.organisation_search if kind == "organisation" else selectors.person_search
    candidates: list[Any] = list(search_fn(records, query)[:PAGE_SIZE]) if query else []
    context = {
        "kind": kind,
        "record": duplicate,
        "form": form,
        "search": search,
        "q": query,
        "candidates": candidates,
    }
    return render(request, "partners/merge.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_merge(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _merge(request, "organisation", public_id)


@require_http_methods(["GET", "POST"])
@login_required
def person_merge(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _merge(request, "person", public_id)
