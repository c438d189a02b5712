"""Engagement pages under /engagements/, each by its UUID, with one POST URL per transition."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.engagement_list, name="engagement-list"),
    path("new/", views.engagement_create, name="engagement-create"),
    path("<uuid:public_id>/", views.engagement_detail, name="engagement-detail"),
    path("<uuid:public_id>/edit/", views.engagement_edit, name="engagement-edit"),
    path("<uuid:public_id>/submit/", views.engagement_submit, name="engagement-submit"),
    path("<uuid:public_id>/withdraw/", views.engagement_withdraw, name="engagement-withdraw"),
    path("<uuid:public_id>/review/", views.engagement_review_start, name="engagement-review-start"),
    path("<uuid:public_id>/activate/", views.engagement_activate, name="engagement-activate"),
    path("<uuid:public_id>/close/", views.engagement_close, name="engagement-close"),
    path("<uuid:public_id>/assign/", views.engagement_assign, name="engagement-assign"),
    path(
        "<uuid:public_id>/partners/add/",
        views.engagement_partner_add,
        name="engagement-partner-add",
    ),
    path(
        "<uuid:public_id>/partners/search/",
        views.engagement_partner_search,
        name="engagement-partner-search",
    ),
    path(
        "<uuid:public_id>/partners/<uuid:link_id>/remove/",
        views.engagement_partner_remove,
        name="engagement-partner-remove",
    ),
    path(
        "<uuid:public_id>/information/",
        views.engagement_information_request,
        name="engagement-information-request",
    ),
    path(
        "<uuid:public_id>/information/<uuid:request_id>/answer/",
        views.engagement_information_answer,
        name="engagement-information-answer",
    ),
]
