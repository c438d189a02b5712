from django.apps import AppConfig


class MitigationsConfig(AppConfig):
    name = "trustdesk.web.mitigations"
    label = "mitigations"
    verbose_name = "Mitigations"

    def ready(self) -> None:
        # The services module registers the mitigation audit actions when imported.
        from trustdesk.web.mitigations import services  # noqa: F401
