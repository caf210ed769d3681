from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "jointly.needs"
    label = "needs"

    def ready(self) -> None:
        from jointly.needs import cache  # noqa: F401 - connects the profile cache's signal
