"""The signed-in user's notifications: list, mark read, and how they want them by e-mail."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.web.accounts.requests import AuthenticatedHttpRequest
from trustdesk.web.notify import selectors, services
from trustdesk.web.notify.forms import PreferenceForm
from trustdesk.web.notify.models import Notification


@require_GET
@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "notifications": selectors.notification_list_for_user(user=request.user)[:200],
        "email_enabled": services.mail_enabled(),
    }
    return render(request, "notify/notification_list.html", context)


@require_POST
@login_required
def notification_read(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        notification = selectors.notification_get_for_user(user=request.user, public_id=public_id)
    except Notification.DoesNotExist:
        raise Http404("no such notification") from None  # another's reads as a missing one
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect("notify:list")


@require_POST
@login_required
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notify:list")


@require_POST
@login_required
def preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how you want notifications by e-mail.")
        return redirect("accounts:account")
    services.preference_set(actor=request.user, delivery=form.cleaned_data["delivery"])
    messages.success(request, "Your notification preference is saved.")
    return redirect("accounts:account")
