"""Ongoing monitoring: recent list changes and re-screens, and what each one changed."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.watch import views

app_name = "watch"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:public_id>/", views.detail, name="detail"),
]
