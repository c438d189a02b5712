"""Organisation and person pages: lists with search, details with screening hits, the forms.

Records are fetched through the reader's scope, so a person they cannot see is the same 404 as
one that does not exist; the services then check the action itself (a 403 says why). A merged
record's address redirects to the record it was merged into.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, Protocol, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission, require
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.lists.coverage import Coverage
from trustdesk.web.partners import forms, grouping, permissions, selectors, services
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun
from trustdesk.web.partners.services.memory import change_sentences

PAGE_SIZE = 25
Subject = Organisation | Person
S = TypeVar("S", Organisation, Person)
F = TypeVar("F", forms.OrganisationForm, forms.PersonForm)
R = TypeVar("R", Organisation, Person)
R_co = TypeVar("R_co", Organisation, Person, covariant=True)


class _ScopedRecords(Protocol[R_co]):
    def __call__(self, *, user: User, include_merged: bool = False) -> QuerySet[R_co]: ...


class _Merge(Protocol[R]):
    def __call__(self, *, actor: User, duplicate: R, into: R, reason: str) -> R: ...


@dataclass(frozen=True, slots=True)
class SubjectPages(Generic[S, F]):
    """What the pages of one kind of partner record differ in, declared once per kind.

    The views take one of these instead of a "organisation"/"person" string, so each page is typed
    with its record's model and form, and a new kind of partner is one more entry, not another
    branch in every view.
    """

    model: type[S]
    list_for_user: _ScopedRecords[S]  # the selector that scopes the records
    search: Callable[[QuerySet[S], str], QuerySet[S]]
    form: Callable[[AuthenticatedHttpRequest, S | None], F]
    save: Callable[[User, S | None, F], S]  # create (no record yet) or update, via the services
    merge: _Merge[S]  # the merge service

    @property
    def noun(self) -> str:
        """The model's name ("organisation", "person"): URL and template names, messages."""
        return self.model._meta.model_name or ""

    def records(self, request: AuthenticatedHttpRequest) -> QuerySet[S]:
        """Every record the reader sees, merged ones (tombstones) included."""
        return self.list_for_user(user=request.user, include_merged=True)

    def get(self, request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> S:
        """A live record in the reader's scope; 404 for missing, out-of-scope and merged ones."""
        record = self.records(request).filter(public_id=public_id).first()
        if record is None or record.merged_into_id is not None:
            raise Http404(f"no such {self.noun}")
        return record


def _url(name: str, subject: Subject) -> str:
    return reverse(f"partners:{subject._meta.model_name}-{name}", args=[subject.public_id])


# --- lists ---------------------------------------------------------------------------------


def _list(
    request: AuthenticatedHttpRequest, pages: SubjectPages[S, F], records: QuerySet[S]
) -> HttpResponse:
    require(request.user, "partner.view")
    form = forms.SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(pages.search(records, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "kind": pages.noun,
        "form": form,
        "q": query,
        "page": page,
        "can_propose": has_permission(request.user, "partner.propose"),
    }
    return render(request, f"partners/{pages.noun}_list.html", context)


@require_GET
@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "partner.view")
    form = forms.OrganisationFilterForm(request.GET or None)
    text, screening, age = form.values()
    records = selectors.organisations_by_screening(
        selectors.organisation_search(
            selectors.organisation_list_for_user(user=request.user), text
        ),
        screening,
    )
    if age is not None:
        records = records.filter(created_at__lt=timezone.now() - timedelta(days=age))
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.organisation_hit_counts(organisation_ids=[o.pk for o in page.object_list])
    none = selectors.HitCounts()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "kind": ORGANISATIONS.noun,
        "form": form,
        "q": text,
        "query": query.urlencode(),
        "page": page,
        "rows": [(o, counts.get(o.pk, none)) for o in page.object_list],
        "can_propose": has_permission(request.user, "partner.propose"),
    }
    return render(request, "partners/organisation_list.html", context)


@require_GET
@login_required
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = selectors.person_list_for_user(user=request.user).prefetch_related("affiliations")
    return _list(request, PEOPLE, records)


# --- detail and screening ------------------------------------------------------------------


def _screening_context(request: AuthenticatedHttpRequest, subject: Subject) -> dict[str, object]:
    runs = list(selectors.screening_runs(subject)[:20])
    latest = runs[0] if runs else None
    # The listed entries themselves (names, ids, reasons for listing) are for those who may
    # read the lists; others see how many matches there are and where their review stands.
    sees_entries = has_permission(request.user, "lists.view")
    completed = latest is not None and latest.status == latest.Status.COMPLETED
    groups = grouping.screening_groups(latest) if latest and completed else []
    if latest and completed:
        _annotate_history(latest, groups)
    return {
        "sees_entries": sees_entries,
        "groups": groups if sees_entries else [],
        "group_count": len(groups),
        "verdict_counts": _verdict_counts(groups),
        "group_url": (
            reverse(
                f"partners:{subject._meta.model_name}-group-adjudicate",
                args=[subject.public_id, latest.public_id],
            )
            if latest
            else ""
        ),
        "subject": subject,
        "kind": subject._meta.model_name,
        "run": latest,
        "coverage": Coverage.from_dict(latest.coverage) if latest and latest.coverage else None,
        "runs": runs,
        "pending": latest is not None and latest.status == latest.Status.PENDING,
        "poll_url": _url("screening", subject),
        "detail_url": _url("detail", subject),
        "screen_url": _url("screen", subject),
        "can_screen": has_permission(request.user, "partner.screen"),
        "can_adjudicate": has_permission(request.user, "partner.adjudicate"),
        "verdicts": forms.AdjudicationForm.base_fields["verdict"].choices,  # type: ignore[attr-defined]
    }


def _annotate_history(run: ScreeningRun, groups: list[grouping.HitGroupView]) -> None:
    """Give each shown hit its verdict history and what changed since its remembered verdict."""
    history = selectors.verdict_history(run)
    for group in groups:
        for hit in group.hits:
            # Presentation attributes for the hit's template only; never saved.
            setattr(hit, "history", history.get(hit.key, []))  # noqa: B010
            setattr(hit, "change_text", change_sentences(hit.changes or []))  # noqa: B010


def _verdict_counts(groups: list[grouping.HitGroupView]) -> list[tuple[str, int]]:
    """How many listed institutions stand at each verdict ("mixed" while its hits differ)."""
    counts: dict[str, int] = {}
    for group in groups:
        label = group.status.label if group.status else "Verdicts differ between lists"
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items())


def _detail(
    request: AuthenticatedHttpRequest, pages: SubjectPages[S, F], public_id: uuid.UUID
) -> HttpResponse:
    require(request.user, "partner.view")
    record = pages.records(request).filter(public_id=public_id).first()
    if record is None:
        raise Http404(f"no such {pages.noun}")
    if record.merged_into_id is not None:
        kept = selectors.merged_record_kept_for_user(user=request.user, record=record)
        if kept is None:  # outside the reader's scope: neither its name nor its address
            messages.info(request, f"{record} was merged into a record you cannot see.")
            return redirect(f"partners:{pages.noun}-list")
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
    return render(request, f"partners/{pages.noun}_detail.html", context)


@require_GET
@login_required
def organisation_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, ORGANISATIONS, public_id)


@require_GET
@login_required
def person_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, PEOPLE, public_id)


def _screening(
    request: AuthenticatedHttpRequest, pages: SubjectPages[S, F], public_id: uuid.UUID
) -> HttpResponse:
    """The screening section alone: what a page polls while a screening is pending."""
    require(request.user, "partner.view")
    subject = pages.get(request, public_id)
    return render(request, "partners/partials/screening.html", _screening_context(request, subject))


@require_GET
@login_required
def organisation_screening(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _screening(request, ORGANISATIONS, public_id)


@require_GET
@login_required
def person_screening(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _screening(request, PEOPLE, public_id)


def _screen(
    request: AuthenticatedHttpRequest, pages: SubjectPages[S, F], public_id: uuid.UUID
) -> HttpResponse:
    subject = pages.get(request, public_id)
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
    return _screen(request, ORGANISATIONS, public_id)


@require_POST
@login_required
def person_screen(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _screen(request, PEOPLE, public_id)


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


def _group_adjudicate(
    request: AuthenticatedHttpRequest,
    pages: SubjectPages[S, F],
    public_id: uuid.UUID,
    run_id: uuid.UUID,
) -> HttpResponse:
    subject = pages.get(request, public_id)
    run = selectors.screening_runs(subject).filter(public_id=run_id).first()
    if run is None:
        raise Http404("no such screening")
    require(request.user, "partner.adjudicate")  # before the form: a refused role gets 403
    form = forms.GroupAdjudicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a verdict and give the reason for it.")
        return redirect(f"{_url('detail', subject)}#screening")
    group = form.cleaned_data["group"]
    try:
        rows = services.hit_group_adjudicate(
            actor=request.user,
            run=run,
            group=group,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
        )
    except services.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        sources = len(rows)
        messages.success(
            request,
            f"Verdict recorded on {rows[0].entry_name}: {sources} "
            f"list entr{'y' if sources == 1 else 'ies'}.",
        )
    return redirect(f"{_url('detail', subject)}#{grouping.group_anchor(group)}")


@require_POST
@login_required
def organisation_group_adjudicate(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, run_id: uuid.UUID
) -> HttpResponse:
    return _group_adjudicate(request, ORGANISATIONS, public_id, run_id)


@require_POST
@login_required
def person_group_adjudicate(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, run_id: uuid.UUID
) -> HttpResponse:
    return _group_adjudicate(request, PEOPLE, public_id, run_id)


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


def _save(
    request: AuthenticatedHttpRequest, pages: SubjectPages[S, F], record: S | None
) -> HttpResponse:
    form = pages.form(request, record)
    if form.is_valid():
        try:
            saved = pages.save(request.user, record, form)
        except services.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{saved} saved; screening against the lists has started.")
            return redirect(_url("detail", saved))
    context = {"form": form, "record": record, "kind": pages.noun}
    return render(request, f"partners/{pages.noun}_form.html", context)


def _organisation_save(
    actor: User, record: Organisation | None, form: forms.OrganisationForm
) -> Organisation:
    if record is None:
        return services.organisation_create(actor=actor, data=form.to_input())
    return services.organisation_update(actor=actor, organisation=record, data=form.to_input())


def _person_save(actor: User, record: Person | None, form: forms.PersonForm) -> Person:
    if record is None:
        return services.person_create(actor=actor, data=form.to_input())
    return services.person_update(actor=actor, person=record, data=form.to_input())


@require_http_methods(["GET", "POST"])
@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "partner.propose")
    return _save(request, ORGANISATIONS, None)


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "partner.propose")
    return _save(request, PEOPLE, None)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_update(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    org = ORGANISATIONS.get(request, public_id)
    require(request.user, "partner.propose", org)
    return _save(request, ORGANISATIONS, org)


@require_http_methods(["GET", "POST"])
@login_required
def person_update(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = PEOPLE.get(request, public_id)
    require(request.user, "partner.propose", person)
    return _save(request, PEOPLE, person)


# --- merge ---------------------------------------------------------------------------------


def _merge(
    request: AuthenticatedHttpRequest, pages: SubjectPages[S, F], public_id: uuid.UUID
) -> HttpResponse:
    duplicate = pages.get(request, public_id)
    require(request.user, "partner.merge")
    form = forms.MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            into = pages.get(request, form.cleaned_data["into"])
            kept = pages.merge(
                actor=request.user,
                duplicate=duplicate,
                into=into,
                reason=form.cleaned_data["reason"],
            )
        except Http404:
            form.add_error("into", f"Choose the {pages.noun} to keep from the search results.")
        except services.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{duplicate} was merged into {kept}.")
            return redirect(_url("detail", kept))
    search = forms.SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    records = pages.records(request).filter(merged_into__isnull=True).exclude(pk=duplicate.pk)
    candidates: list[S] = list(pages.search(records, query)[:PAGE_SIZE]) if query else []
    context = {
        "kind": pages.noun,
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
    return _merge(request, ORGANISATIONS, public_id)


@require_http_methods(["GET", "POST"])
@login_required
def person_merge(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _merge(request, PEOPLE, public_id)


ORGANISATIONS: SubjectPages[Organisation, forms.OrganisationForm] = SubjectPages(
    model=Organisation,
    list_for_user=selectors.organisation_list_for_user,
    search=selectors.organisation_search,
    form=_organisation_form,
    save=_organisation_save,
    merge=services.organisation_merge,
)
PEOPLE: SubjectPages[Person, forms.PersonForm] = SubjectPages(
    model=Person,
    list_for_user=selectors.person_list_for_user,
    search=selectors.person_search,
    form=_person_form,
    save=_person_save,
    merge=services.person_merge,
)
