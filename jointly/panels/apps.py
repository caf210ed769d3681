from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "jointly.panels"
    verbose_name = "Joint funding panels"

    def ready(self) -> None:
        from jointly.panels import crypto  # noqa: F401 - registers the deploy check on the keys
