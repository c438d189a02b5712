from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "trustdesk.web.lists"
    label = "lists"
    verbose_name = "Watch lists"
