"""Sign-in, sign-out, single sign-on, the account page and user administration."""

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
    path("users/", views.user_list, name="user_list"),
    path("users/<uuid:public_id>/role/", views.user_role, name="user_role"),
    path("users/<uuid:public_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
]
