"""Mitigation pages under /engagements/<uuid>/mitigations/, each item and file by its UUID."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.mitigations import views

app_name = "mitigations"

_ITEM = "<uuid:public_id>/mitigations/<uuid:item_id>"

urlpatterns = [
    path("<uuid:public_id>/mitigations/propose/", views.propose, name="propose"),
    path("<uuid:public_id>/mitigations/add/", views.item_add, name="item-add"),
    path(f"{_ITEM}/edit/", views.item_edit, name="item-edit"),
    path(f"{_ITEM}/remove/", views.item_remove, name="item-remove"),
    path(f"{_ITEM}/status/", views.item_status, name="item-status"),
    path(f"{_ITEM}/evidence/", views.evidence_add, name="evidence-add"),
    path(
        f"{_ITEM}/evidence/<uuid:evidence_id>/",
        views.evidence_download,
        name="evidence-download",
    ),
]
