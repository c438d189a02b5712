from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "trustdesk.web.schedule"
    label = "schedule"
    verbose_name = "Scheduled jobs"
