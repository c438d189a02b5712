"""Decision routes under /engagements/: each case's round by its UUID, and the committee seats."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.decisions import views

app_name = "decisions"

urlpatterns = [
    path("committee/", views.committee_seats, name="committee-seats"),
    path(
        "<uuid:public_id>/decision/recommend/",
        views.recommendation_make,
        name="recommendation-make",
    ),
    path("<uuid:public_id>/decision/decide/", views.decision_make, name="decision-make"),
    path("<uuid:public_id>/decision/vote/", views.vote_cast, name="vote-cast"),
]
