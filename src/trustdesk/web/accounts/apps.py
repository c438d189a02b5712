from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trustdesk.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"
