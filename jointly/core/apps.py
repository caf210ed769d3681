from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jointly.core"
    label = "core"
    verbose_name = "Core"
