from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "trustdesk.web.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        # The services module registers the API's audit actions when imported.
        from trustdesk.web.api import services  # noqa: F401
