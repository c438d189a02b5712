from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "trustdesk.web.desk"
    label = "desk"
    verbose_name = "The desk"
