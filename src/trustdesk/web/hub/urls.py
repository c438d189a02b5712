"""The hub's pages under /guidance/; objects by UUID, public pages by their stable slug."""

from __future__ import annotations

from django.urls import path

from trustdesk.web.hub import views

app_name = "hub"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("preview/", views.preview, name="preview"),
    path("pages/new/", views.page_create, name="page-create"),
    path("pages/<uuid:public_id>/", views.page_detail, name="page-detail"),
    path("pages/<uuid:public_id>/edit/", views.page_edit, name="page-edit"),
    path("pages/<uuid:public_id>/withdraw/", views.page_withdraw, name="page-withdraw"),
    path("pages/<uuid:public_id>/reinstate/", views.page_reinstate, name="page-reinstate"),
    path("pages/<uuid:public_id>/history/", views.page_history, name="page-history"),
    path("pages/<uuid:public_id>/versions/<int:number>/", views.page_version, name="page-version"),
    path(
        "pages/<uuid:public_id>/versions/<int:number>/restore/",
        views.page_restore,
        name="page-restore",
    ),
    path("public/", views.public_index, name="public-index"),
    path("public/<slug:slug>/", views.public_page, name="public-page"),
    path("processes/<str:process_id>/", views.process_detail, name="process-detail"),
    path("checklist/", views.checklist, name="checklist"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<uuid:public_id>/", views.contact_detail, name="contact-detail"),
    path("contacts/<uuid:public_id>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<uuid:public_id>/delete/", views.contact_delete, name="contact-delete"),
    path("training/", views.training_list, name="training-list"),
    path("training/completion/", views.training_report, name="training-report"),
    path("training/new/", views.module_create, name="module-create"),
    path("training/<uuid:public_id>/", views.module_detail, name="module-detail"),
    path("training/<uuid:public_id>/edit/", views.module_edit, name="module-edit"),
]
