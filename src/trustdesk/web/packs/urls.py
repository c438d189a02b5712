"""Policy pack versions, their previews and what each change changed, under /policy/versions/."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.packs import views

app_name = "packs"

urlpatterns = [
    path("", views.version_list, name="version-list"),
    path("upload/", views.version_upload, name="version-upload"),
    path("<uuid:public_id>/", views.version_detail, name="version-detail"),
    path("<uuid:public_id>/preview/", views.version_preview, name="version-preview"),
    path("<uuid:public_id>/activate/", views.version_activate, name="version-activate"),
    path("changes/<uuid:public_id>/", views.change_detail, name="change-detail"),
]
