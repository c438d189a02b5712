"""Task runs: the list a user may watch, one run, and its progress fragment for polling."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("<uuid:public_id>/progress/", views.run_progress, name="run_progress"),
]
