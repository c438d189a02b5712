from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trustdesk.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The services module registers the accounts' audit actions when imported.
        from axes.signals import user_locked_out

        from trustdesk.web.accounts import receivers, services  # noqa: F401

        user_locked_out.connect(receivers.on_user_locked_out, dispatch_uid="trustdesk-lockout")
