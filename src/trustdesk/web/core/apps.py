from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trustdesk.web.core"
    label = "core"
