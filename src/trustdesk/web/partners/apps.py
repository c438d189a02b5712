from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "trustdesk.web.partners"
    label = "partners"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        # The services module registers the partners' audit actions when imported; the tasks
        # module says what each screening run ran on (jobs.targets), for the task-run pages.
        from trustdesk.web.partners import services, tasks  # noqa: F401
