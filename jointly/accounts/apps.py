from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jointly.accounts"
    label = "accounts"

    def ready(self) -> None:
        from jointly.accounts import throttle  # noqa: F401 - connects the sign-in audit's signal receivers
