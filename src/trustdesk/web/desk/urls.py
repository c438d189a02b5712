"""The desk at the site's root, without a namespace: it keeps the name "home" pages link to."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.desk import views

urlpatterns = [
    path("", views.desk, name="home"),
]
