from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "trustdesk.web.watch"
    label = "watch"
    verbose_name = "Ongoing monitoring"
