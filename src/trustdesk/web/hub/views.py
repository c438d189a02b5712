"""The hub's pages under /guidance/: guidance, search, processes, contacts and training.

Every page needs an account except the public ones (`public-index`, `public-page`), which show
only pages an officer published. Writing needs `guidance.manage`; the services check it again.
The Markdown preview is a POST that answers the same sanitised HTML the page will show, so the
editor's script (a static file, under the strict CSP) never renders anything itself.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.models import Pack
from trustdesk.web.accounts.permissions import not_allowed, require
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.hub import forms, markup, permissions, search, selectors, services
from trustdesk.web.hub.models import Contact, GuidancePage, PageVersion, TrainingModule
from trustdesk.web.reference.selectors import active_pack


def _pack() -> Pack | None:
    try:
        return active_pack()
    except PackInvalid:
        return None


def _require_manage(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_manage_guidance(request.user):
        raise PermissionDenied(not_allowed(permissions.MANAGE))


def _page(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> GuidancePage:
    """The page by id; a withdrawn one is missing for everyone but guidance editors."""
    return get_object_or_404(selectors.page_for_reader(user=request.user), public_id=public_id)


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    tag = request.GET.get("tag", "")
    pages = selectors.page_list(tag=tag)
    today = timezone.localdate()
    can_manage = permissions.can_manage_guidance(request.user)
    context = {
        "pages": pages,
        "tags": selectors.tags_in_use(selectors.page_list()),
        "tag": tag,
        "today": today,
        "can_manage": can_manage,
        # As on the desk: overdue, or due within the month ahead.
        "my_reviews": selectors.pages_for_review(
            owner=request.user, until=today + selectors.REVIEW_NOTICE
        ),
        "withdrawn": selectors.withdrawn_pages() if can_manage else [],
        "training": selectors.my_training(user=request.user, now=timezone.now()),
    }
    return render(request, "hub/home.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def page_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manage(request)
    form = forms.PageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.page_create(actor=request.user, fields=form.fields_value())
        except services.GuidanceInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The page is saved.")
            return redirect(page)
    return render(request, "hub/page_form.html", {"form": form, "page": None})


def _form_errors(form: Form, exc: services.GuidanceInvalid) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_GET
@login_required
def page_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    page = _page(request, public_id)
    return render(request, "hub/page_detail.html", _page_context(request, page))


def _page_context(request: HttpRequest, page: GuidancePage) -> dict[str, object]:
    return {
        "page": page,
        "html": mark_safe(markup.render(page.body)),  # noqa: S308  # sanitised by nh3
        "stale": page.is_stale(timezone.localdate()),
        "can_manage": permissions.can_manage_guidance(request.user),
    }


@require_http_methods(["GET", "POST"])
@login_required
def page_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_manage(request)
    page = _page(request, public_id)
    initial = {
        "title": page.title,
        "summary": page.summary,
        "body": page.body,
        "tags": ", ".join(page.tags),
        "review_by": page.review_by,
        "owner": page.owner.public_id,
        "public": page.public,
        "version": page.version,
    }
    form = forms.PageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.page_update(
                actor=request.user,
                page=page,
                fields=form.fields_value(),
                read_version=form.cleaned_data["version"],
            )
        except services.GuidanceInvalid as exc:
            _form_errors(form, exc)
        except services.EditConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The page is saved.")
            return redirect(page)
    return render(request, "hub/page_form.html", {"form": form, "page": page})


@require_GET
@login_required
def page_history(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_manage(request)
    page = _page(request, public_id)
    context = {"page": page, "versions": selectors.page_versions(page)}
    return render(request, "hub/page_history.html", context)


@require_GET
@login_required
def page_version(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, number: int
) -> HttpResponse:
    _require_manage(request)
    page = _page(request, public_id)
    try:
        version, lines = selectors.version_diff(page, number)
    except PageVersion.DoesNotExist as exc:
        raise Http404("no such version") from exc
    context = {"page": page, "version": version, "lines": lines}
    return render(request, "hub/page_version.html", context)


@require_POST
@login_required
def page_restore(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, number: int
) -> HttpResponse:
    page = _page(request, public_id)
    try:
        page = services.page_restore(actor=request.user, page=page, number=number)
    except services.GuidanceError as exc:
        messages.error(request, str(exc))
        return redirect("hub:page-history", public_id=page.public_id)
    messages.success(request, f"Version {number} is the page's text again.")
    return redirect(page)


@require_http_methods(["GET", "POST"])
@login_required
def page_withdraw(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Asks why and shows what links to the page before it is taken away from readers."""
    _require_manage(request)
    page = _page(request, public_id)
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.page_withdraw(
                actor=request.user, page=page, reason=form.cleaned_data["reason"]
            )
        except services.GuidanceInvalid as exc:
            _form_errors(form, exc)
        except services.GuidanceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"“{page.title}” is withdrawn; editors can reinstate it.")
            return redirect("hub:home")
    references = selectors.page_references(page, pack=_pack())
    context = {
        "page": page,
        "form": form,
        "references": references,
        "blocked": any(r.blocking for r in references),
    }
    return render(request, "hub/page_withdraw.html", context)


@require_POST
@login_required
def page_reinstate(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    page = _page(request, public_id)
    try:
        page = services.page_reinstate(actor=request.user, page=page)
    except services.GuidanceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The page is back for its readers.")
    return redirect(page)


@require_POST
@login_required
def preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The editor's live preview: the sanitised HTML of the posted Markdown, as a fragment."""
    _require_manage(request)
    form = forms.PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return HttpResponse(markup.render(body), content_type="text/html; charset=utf-8")


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    pages = selectors.page_list(public_only=True)
    return render(request, "hub/public_index.html", {"pages": pages})


@require_GET
def public_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(selectors.live_pages(), slug=slug, public=True)
    return render(request, "hub/public_page.html", _page_context(request, page))


@require_GET
@login_required
def search_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    pack = _pack()
    if pack is not None:
        services.search_pack_sync(pack=pack)
    hits = search.search(query) if query else []
    return render(request, "hub/search.html", {"query": query, "hits": hits})


@require_GET
@login_required
def process_detail(request: AuthenticatedHttpRequest, process_id: str) -> HttpResponse:
    pack = _pack()
    process = selectors.process_get(pack, process_id) if pack is not None else None
    if pack is None or process is None:
        raise Http404("no such process in the active pack")
    today = timezone.localdate()
    context = {
        "pack": pack,
        "process": process,
        "pack_contact": pack.contacts.get(process.contact),
        "person": selectors.contacts_by_key([process.contact], today=today).get(process.contact),
        "also": [
            selectors.resolve(c, today)
            for c in selectors.contacts_for_process(process.id)
            if c.key != process.contact
        ],
    }
    return render(request, "hub/process_detail.html", context)


@require_GET
@login_required
def checklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    pack = _pack()
    if pack is None:
        raise Http404("the policy pack cannot be loaded")
    groups = selectors.checklist(pack)
    return render(request, "hub/checklist.html", {"pack": pack, "groups": groups})


@require_GET
@login_required
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    pack = _pack()
    processes = pack.processes if pack is not None else []
    context = {
        # Each contact with what they answer for in words: the pack's processes that name them
        # (by their pack key, or as listed on the record), then their topics.
        "contacts": [
            (
                selectors.resolve(c, today),
                selectors.answers_for(c, processes),
            )
            for c in selectors.contact_list()
        ],
        "champions": selectors.champions_by_department(),
        "pack_keys": sorted(pack.contacts) if pack is not None else [],
        "can_manage": permissions.can_manage_guidance(request.user),
    }
    return render(request, "hub/contact_list.html", context)


@require_GET
@login_required
def contact_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    contact = get_object_or_404(selectors.contact_list(), public_id=public_id)
    pack = _pack()
    context = {
        "resolved": selectors.resolve(contact, timezone.localdate()),
        "pack_contact": pack.contacts.get(contact.key) if pack is not None else None,
        "processes": [p for p in (pack.processes if pack else []) if p.contact == contact.key],
        "can_manage": permissions.can_manage_guidance(request.user),
    }
    return render(request, "hub/contact_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def contact_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manage(request)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=request.user, fields=form.fields_value())
        except services.GuidanceInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The contact is saved.")
            return redirect(contact)
    return render(request, "hub/contact_form.html", {"form": form, "contact": None})


@require_http_methods(["GET", "POST"])
@login_required
def contact_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_manage(request)
    contact = get_object_or_404(Contact, public_id=public_id)
    form = forms.ContactForm(request.POST or None, initial=forms.initial_contact(contact))
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_update(
                actor=request.user, contact=contact, fields=form.fields_value()
            )
        except services.GuidanceInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The contact is saved.")
            return redirect(contact)
    return render(request, "hub/contact_form.html", {"form": form, "contact": contact})


@require_http_methods(["GET", "POST"])
@login_required
def contact_delete(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Shows what names the contact, then deletes it once confirmed."""
    _require_manage(request)
    contact = get_object_or_404(selectors.contact_list(), public_id=public_id)
    pack = _pack()
    # An empty POST is a confirmation too (the box is only there for a pack contact).
    form = forms.ContactDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_delete(
                actor=request.user,
                contact=contact,
                pack_confirmed=form.cleaned_data["pack_confirmed"],
            )
        except services.GuidanceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{contact.name} is deleted.")
            return redirect("hub:contact-list")
    context = {
        "contact": contact,
        "form": form,
        "references": selectors.contact_references(contact, pack=pack),
        "in_pack": pack is not None and contact.key in pack.contacts,
    }
    return render(request, "hub/contact_delete.html", context)


@require_GET
@login_required
def training_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "training": selectors.my_training(user=request.user, now=timezone.now()),
        "can_view_completion": permissions.can_view_completion(request.user),
        "can_manage": permissions.can_manage_guidance(request.user),
    }
    return render(request, "hub/training_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def module_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    module = get_object_or_404(TrainingModule, public_id=public_id)
    form = forms.QuizForm(module, request.POST or None)
    result = None
    if request.method == "POST":
        require(request.user, services.TAKE_TRAINING)
        if form.is_valid():
            result = services.module_attempt(
                actor=request.user, module=module, answers=form.answers()
            )
            if result.passed:
                messages.success(request, f"You passed with {result.score}%.")
                return redirect(module)
    now = timezone.now()
    context = {
        "module": module,
        "html": mark_safe(markup.render(module.body)),  # noqa: S308  # sanitised by nh3
        "form": form,
        "result": result,
        "can_manage": permissions.can_manage_guidance(request.user),
        "completion": selectors.current_completions(
            user=request.user, now=now, modules=[module]
        ).get(module.pk),
    }
    return render(request, "hub/module_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def module_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manage(request)
    form = forms.ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if TrainingModule.objects.filter(key=form.cleaned_data["key"]).exists():
            form.add_error("key", "A module with this key exists already.")
        else:
            return _module_saved(request, form, None)
    return render(request, "hub/module_form.html", {"form": form, "module": None})


@require_http_methods(["GET", "POST"])
@login_required
def module_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_manage(request)
    module = get_object_or_404(TrainingModule, public_id=public_id)
    initial = {
        "key": module.key,
        "title": module.title,
        "summary": module.summary,
        "body": module.body,
        "quiz": forms.quiz_text(module),
        "pass_mark": module.pass_mark,
        "valid_days": module.valid_days,
    }
    form = forms.ModuleForm(request.POST or None, initial=initial)
    form.fields["key"].disabled = True  # requirements in packs name it
    if request.method == "POST" and form.is_valid():
        return _module_saved(request, form, module.key)
    return render(request, "hub/module_form.html", {"form": form, "module": module})


def _module_saved(
    request: AuthenticatedHttpRequest, form: forms.ModuleForm, key: str | None
) -> HttpResponse:
    try:
        module = services.module_save(actor=request.user, fields=form.fields_value(key))
    except services.GuidanceInvalid as exc:
        _form_errors(form, exc)
        return render(request, "hub/module_form.html", {"form": form, "module": None})
    messages.success(request, "The module is saved.")
    return redirect(module)


@require_GET
@login_required
def training_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, permissions.COMPLETION)
    rows = selectors.completion_by_department(viewer=request.user, now=timezone.now())
    context = {"rows": rows, "modules": list(selectors.module_list())}
    return render(request, "hub/training_report.html", context)
