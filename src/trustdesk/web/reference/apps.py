from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "trustdesk.web.reference"
    label = "reference"
    verbose_name = "Reference data"
