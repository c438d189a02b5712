"""Organisations, people, their screening and the adjudication of hits."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.partners import views

app_name = "partners"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<uuid:public_id>/", views.organisation_detail, name="organisation-detail"),
    path(
        "organisations/<uuid:public_id>/edit/",
        views.organisation_update,
        name="organisation-update",
    ),
    path(
        "organisations/<uuid:public_id>/merge/", views.organisation_merge, name="organisation-merge"
    ),
    path(
        "organisations/<uuid:public_id>/screen/",
        views.organisation_screen,
        name="organisation-screen",
    ),
    path(
        "organisations/<uuid:public_id>/screening/",
        views.organisation_screening,
        name="organisation-screening",
    ),
    path(
        "organisations/<uuid:public_id>/screenings/<uuid:run_id>/group-adjudicate/",
        views.organisation_group_adjudicate,
        name="organisation-group-adjudicate",
    ),
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<uuid:public_id>/", views.person_detail, name="person-detail"),
    path("people/<uuid:public_id>/edit/", views.person_update, name="person-update"),
    path("people/<uuid:public_id>/merge/", views.person_merge, name="person-merge"),
    path("people/<uuid:public_id>/screen/", views.person_screen, name="person-screen"),
    path("people/<uuid:public_id>/screening/", views.person_screening, name="person-screening"),
    path(
        "people/<uuid:public_id>/screenings/<uuid:run_id>/group-adjudicate/",
        views.person_group_adjudicate,
        name="person-group-adjudicate",
    ),
    path("hits/<uuid:public_id>/adjudicate/", views.hit_adjudicate, name="hit-adjudicate"),
]
