from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "trustdesk.web.hub"
    label = "hub"
    verbose_name = "Guidance hub"
