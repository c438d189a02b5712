"""Ongoing monitoring: recent list changes and re-screens, and what each one changed."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.watch import views

app_name = "watch"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("staged/<uuid:public_id>/", views.staged, name="staged"),
    path("staged/<uuid:public_id>/preview/", views.staged_preview, name="staged-preview"),
    path(
        "staged/<uuid:public_id>/make-current/",
        views.staged_make_current,
        name="staged-make-current",
    ),
    path("staged/<uuid:public_id>/discard/", views.staged_discard, name="staged-discard"),
]
