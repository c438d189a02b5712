from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "trustdesk.web.packs"
    label = "packs"
    verbose_name = "Policy pack versions"
