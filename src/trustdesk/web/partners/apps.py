from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "trustdesk.web.partners"
    label = "partners"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        # The services module registers the partners' audit actions when imported.
        from trustdesk.web.partners import services  # noqa: F401
