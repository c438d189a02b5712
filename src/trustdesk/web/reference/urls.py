"""The policy pack's sources, and FCDO travel advice with its refresh, under /policy/."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.reference import views

app_name = "reference"

urlpatterns = [
    path("", views.pack_detail, name="pack-detail"),
    path("travel-advice/", views.travel_advice_detail, name="travel-advice-detail"),
    path("travel-advice/update/", views.travel_advice_update, name="travel-advice-update"),
]
