from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from trustdesk.web.lists.sources import UnknownSource, source_info


class ListsConfig(AppConfig):
    name = "trustdesk.web.lists"
    label = "lists"
    verbose_name = "Watch lists"

    def ready(self) -> None:
        """Refuses to start with coverage settings naming a source nobody publishes.

        Checked here rather than in settings so that settings import no app: a misspelt key
        would otherwise silently leave a list unexpected or its age unlimited.
        """
        keys = [*(settings.TRUSTDESK_LISTS_EXPECTED or []), *settings.TRUSTDESK_LIST_MAX_AGE_DAYS]
        for key in keys:
            try:
                source_info(key)
            except UnknownSource as exc:
                raise ImproperlyConfigured(f"list coverage settings: {exc.reason}") from None
