"""Self-assessment pages under /self-assessment/, each assessment and action by its UUID."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.selfassess import views

app_name = "selfassess"

_ONE = "<uuid:public_id>"

urlpatterns = [
    path("", views.assessment_list, name="assessment-list"),
    path("start/", views.assessment_start, name="assessment-start"),
    path(f"{_ONE}/", views.assessment_detail, name="assessment-detail"),
    path(f"{_ONE}/sections/<slug:section>/", views.assessment_section, name="assessment-section"),
    path(f"{_ONE}/actions/propose/", views.actions_propose, name="actions-propose"),
    path(f"{_ONE}/complete/", views.assessment_complete, name="assessment-complete"),
    path(f"{_ONE}/compare/", views.assessment_compare, name="assessment-compare"),
    path("actions/", views.action_list, name="action-list"),
    path(f"actions/{_ONE}/", views.action_detail, name="action-detail"),
    path(f"actions/{_ONE}/edit/", views.action_edit, name="action-edit"),
    path(f"actions/{_ONE}/drop/", views.action_drop, name="action-drop"),
    path(f"actions/{_ONE}/done/", views.action_done, name="action-done"),
]
