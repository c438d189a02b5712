from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "trustdesk.web.assessments"
    label = "assessments"
    verbose_name = "Risk assessments and reviews"

    def ready(self) -> None:
        # The services module registers the assessment audit actions when imported.
        from trustdesk.web.assessments import services  # noqa: F401
