from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "trustdesk.web.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
