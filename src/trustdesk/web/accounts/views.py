"""Sign-in (password or single sign-on), sign-out, passwords, the account page, user admin."""

from __future__ import annotations

import uuid
from typing import Any

import axes.helpers as axes_helpers
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import (
    INTERNAL_RESET_SESSION_TOKEN,
    LoginView,
    LogoutView,
    PasswordChangeView,
    PasswordResetConfirmView,
)
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustdesk.web.accounts import addresses, oidc, permissions, roles, selectors, services
from trustdesk.web.accounts.forms import (
    DeactivateForm,
    PasswordResetRequestForm,
    RoleChangeForm,
    SignInForm,
    UserCreateForm,
)
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


def _base_url(request: HttpRequest) -> str:
    # The host was checked against ALLOWED_HOSTS by get_host(), so a forged Host header cannot
    # point an e-mailed link elsewhere.
    return request.build_absolute_uri("/").rstrip("/")


@require_http_methods(["GET", "POST"])
@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require(request.user, "user.manage")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, link = services.user_provision(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                role=form.role_value(),
                department=data["department"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                base_url=_base_url(request),
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "accounts/user_invited.html", {"invited": user, "link": link})
    return render(request, "accounts/user_create.html", {"form": form})


@require_POST
@login_required
def user_invite(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    target = _target(request, public_id)
    permissions.require(request.user, "user.manage")
    try:
        link = services.user_invite(actor=request.user, user=target, base_url=_base_url(request))
    except services.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:user_list")
    return render(request, "accounts/user_invited.html", {"invited": target, "link": link})


class PasswordChange(PasswordChangeView):
    """Django's view and form (old password, new one twice, the validators); saved by a service."""

    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = services.user_password_change(
            actor=self.request.user,  # type: ignore[arg-type]  # login_required: a User
            password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, user)  # stay signed in here, out elsewhere
        messages.success(self.request, "Your password has been changed.")
        return HttpResponseRedirect(self.get_success_url())


password_change = PasswordChange.as_view()


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account.
        services.password_reset_request(
            email=form.cleaned_data["email"],
            base_url=_base_url(request),
            client_address=addresses.client_ip(request) or "",
        )
        return redirect("accounts:password_reset_sent")
    context = {"form": form, "mail": settings.TRUSTDESK_EMAIL_CONFIGURED}
    return render(request, "accounts/password_reset.html", context)


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    context = {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    return render(request, "accounts/password_reset_sent.html", context)


class PasswordSet(PasswordResetConfirmView):
    """Django's link check (one-time, expiring token) and form; the password saved by a service."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64: str) -> User | None:
        # A link made before the account was deactivated (or bound to SSO) sets nothing.
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.sso_subject:
            return None
        return user

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        services.user_password_set(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


password_reset_confirm = PasswordSet.as_view()


@require_GET
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_set_done.html")


def forbidden(request: HttpRequest, exception: PermissionDenied) -> HttpResponse:
    """The 403 page: says why, in the words `permissions.require` chose."""
    return render(request, "accounts/forbidden.html", {"reason": str(exception)}, status=403)
