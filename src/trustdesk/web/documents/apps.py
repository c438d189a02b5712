from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "trustdesk.web.documents"
    label = "documents"
    verbose_name = "Letters and reports"

    def ready(self) -> None:
        # The services register their audit actions when imported.
        from trustdesk.web.documents import services  # noqa: F401
