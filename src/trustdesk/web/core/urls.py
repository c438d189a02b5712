"""The audit trail: list and filter, one event, CSV export and chain verification."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.core import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export.csv", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
    path("<int:sequence>/", views.event_detail, name="event_detail"),
]
