from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "trustdesk.web.leadership"
    label = "leadership"
    verbose_name = "Leadership: the dashboard and the governing body's report"
