from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "trustdesk.web.cases"
    label = "cases"
    verbose_name = "Engagements"

    def ready(self) -> None:
        # The services module registers the engagement audit actions when imported.
        from trustdesk.web.cases import services  # noqa: F401
