from __future__ import annotations

from django.urls import path

from trustdesk.web.leadership import views

app_name = "leadership"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/<slug:key>.csv", views.figure_csv, name="figure-csv"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report-detail"),
    path("reports/<uuid:public_id>/progress/", views.report_progress, name="report-progress"),
    path("reports/<uuid:public_id>/report.<slug:kind>", views.report_download, name="report-file"),
]
