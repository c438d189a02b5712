"""Watch lists in the browser: overview, one source, diffs, uploads and updates."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.lists import views

app_name = "lists"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("update/", views.update, name="update"),
    # Source keys are "ofac-sdn" or "custom:<name>"; neither may contain "/".
    path("<str:source>/", views.source_detail, name="source"),
    path("<str:source>/diff/", views.diff, name="diff"),
]
