"""The documents of an engagement, beside its page: /engagements/<uuid>/letter/ and so on."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.documents import views

app_name = "documents"

urlpatterns = [
    path("<uuid:public_id>/letter/", views.letter, name="letter"),
    path("<uuid:public_id>/letter.pdf", views.letter_pdf, name="letter-pdf"),
    path("<uuid:public_id>/report/", views.report, name="report"),
    path("<uuid:public_id>/report.pdf", views.report_pdf, name="report-pdf"),
]
