from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "trustdesk.web.reference"
    label = "reference"
    verbose_name = "Reference data"

    def ready(self) -> None:
        # The tasks module says what each of its task runs ran on (jobs.targets), for the
        # task-run pages, which must know before any task has been queued in this process.
        from trustdesk.web.reference import tasks  # noqa: F401
