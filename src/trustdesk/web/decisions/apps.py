from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "trustdesk.web.decisions"
    label = "decisions"
    verbose_name = "Recommendations and decisions"

    def ready(self) -> None:
        # The services module registers the decision audit actions when imported.
        from trustdesk.web.decisions import services  # noqa: F401
