from django.apps import AppConfig


class SelfAssessConfig(AppConfig):
    name = "trustdesk.web.selfassess"
    label = "selfassess"
    verbose_name = "Institutional self-assessment"

    def ready(self) -> None:
        # The services module registers the self-assessment audit actions when imported.
        from trustdesk.web.selfassess import services  # noqa: F401
