"""Sign-in (password or single sign-on), sign-out, the user's own account page, user admin."""

from __future__ import annotations

import uuid
from typing import Any

import axes.helpers as axes_helpers
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from trustdesk.web.accounts import oidc, permissions, roles, selectors, services
from trustdesk.web.accounts.forms import DeactivateForm, RoleChangeForm, SignInForm
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.requests import AuthenticatedHttpRequest

_NEXT_KEY = "trustdesk_sso_next"

SSO_ACCOUNT_REFUSED = (
    "Your university account was recognised, but its trustdesk account is deactivated. "
    "Ask an administrator to restore it."
)


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso"] = oidc.config()
        context["needs_first_admin"] = not selectors.admin_exists()
        return context


sign_in = SignInView.as_view()
sign_out = LogoutView.as_view(next_page="accounts:login")


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    cfg = oidc.config()
    if cfg is None:
        raise Http404("single sign-on is not configured")
    request.session[_NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    callback = request.build_absolute_uri(reverse("accounts:sso_callback"))
    try:
        return oidc.start(request, cfg, redirect_uri=callback)
    except oidc.SSOFailed as exc:
        messages.error(request, str(exc))
        return redirect("accounts:login")


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    cfg = oidc.config()
    if cfg is None:
        raise Http404("single sign-on is not configured")
    try:
        identity = oidc.finish(request, cfg)
    except oidc.SSOFailed as exc:
        messages.error(request, str(exc))
        return redirect("accounts:login")
    user = authenticate(request, sso_identity=identity)
    if user is None:
        # A lockout is turned into its own page by the axes middleware; otherwise deactivated.
        messages.error(request, SSO_ACCOUNT_REFUSED)
        return redirect("accounts:login")
    target = request.session.pop(_NEXT_KEY, None)
    login(request, user)
    return HttpResponseRedirect(_safe_next(request, target))


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The page django-axes shows instead of the sign-in form while a lock lasts."""
    cool_off = axes_helpers.get_cool_off(request)
    context = {
        "failure_limit": axes_helpers.get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=429)


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "account": request.user,
        "role": roles.ROLES[roles.Role(request.user.role)],
        "granted": roles.role_permissions(request.user.role),
    }
    return render(request, "accounts/account.html", context)


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "user.view")
    context = {
        "users": selectors.user_list_for_user(user=request.user),
        "roles": User.Role.choices,
        "can_manage": permissions.has_permission(request.user, "user.manage"),
    }
    return render(request, "accounts/user_list.html", context)


def _target(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> User:
    try:
        return selectors.user_get_for_user(user=request.user, public_id=public_id)
    except User.DoesNotExist:
        raise Http404("no such user") from None


@require_POST
@login_required
def user_role(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    target = _target(request, public_id)
    # Authorise before reading the form: a refused role gets 403, not a form error.
    permissions.require(request.user, "user.manage")
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role and give a reason for the change.")
        return redirect("accounts:user_list")
    try:
        services.user_role_change(
            actor=request.user,
            user=target,
            role=form.role_value(),
            reason=form.cleaned_data["reason"],
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{target} is now {User.Role(form.role_value()).label}.")
    return redirect("accounts:user_list")


@require_POST
@login_required
def user_deactivate(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    target = _target(request, public_id)
    # Authorise before reading the form: a refused role gets 403, not a form error.
    permissions.require(request.user, "user.manage")
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for deactivating the account.")
        return redirect("accounts:user_list")
    try:
        services.user_deactivate(
            actor=request.user, user=target, reason=form.cleaned_data["reason"]
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{target} can no longer sign in.")
    return redirect("accounts:user_list")


def forbidden(request: HttpRequest, exception: PermissionDenied) -> HttpResponse:
    """The 403 page: says why, in the words `permissions.require` chose."""
    return render(request, "accounts/forbidden.html", {"reason": str(exception)}, status=403)
