"""The probes and metrics at the site's root, where load balancers and Prometheus look."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
