"""Assessment POSTs under /engagements/<uuid>/assessment/ (the section is on the case page)."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.assessments import views

app_name = "assessments"

urlpatterns = [
    path("run/", views.assessment_run, name="assessment-run"),
    path("override/", views.assessment_override, name="assessment-override"),
]
