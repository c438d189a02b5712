from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "trustdesk.web.triage"
    label = "triage"
    verbose_name = "Triage"
