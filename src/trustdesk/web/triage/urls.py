"""Triage pages under /triage/, each session by its UUID, with one POST URL per action."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.triage import views

app_name = "triage"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("new/", views.session_create, name="session-create"),
    path("engagements/<uuid:engagement_id>/start/", views.session_start, name="session-start"),
    path("<uuid:public_id>/", views.session_questionnaire, name="session-questionnaire"),
    path("<uuid:public_id>/result/", views.session_result, name="session-result"),
    path("<uuid:public_id>/reopen/", views.session_reopen, name="session-reopen"),
    path("<uuid:public_id>/attach/", views.session_attach, name="session-attach"),
    path("<uuid:public_id>/rerun/", views.session_rerun, name="session-rerun"),
]
