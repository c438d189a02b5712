from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "trustdesk.web.lists"
    label = "lists"
    verbose_name = "Watch lists"

    def ready(self) -> None:
        # The tasks module says what each of its task runs ran on (jobs.targets), for the
        # task-run pages, which must know before any task has been queued in this process.
        from trustdesk.web.lists import tasks  # noqa: F401
