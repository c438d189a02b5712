from django.urls import path

from trustdesk.web.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("preference/", views.preference, name="preference"),
    path("<uuid:public_id>/read/", views.notification_read, name="read"),
]
