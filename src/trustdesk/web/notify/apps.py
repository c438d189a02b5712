from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "trustdesk.web.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The services module registers the notification audit actions when imported.
        from trustdesk.web.notify import services  # noqa: F401
