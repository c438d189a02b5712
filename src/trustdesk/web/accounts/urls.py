"""Sign-in, sign-out, single sign-on, passwords, the account page and user administration."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("sso/login/", views.sso_start, name="sso_start"),
    path("sso/callback/", views.sso_callback, name="sso_callback"),
    path("me/", views.account, name="account"),
    path("me/password/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "password/set/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/set/done/", views.password_reset_complete, name="password_reset_complete"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:public_id>/invite/", views.user_invite, name="user_invite"),
    path("users/<uuid:public_id>/role/", views.user_role, name="user_role"),
    path("users/<uuid:public_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
]
