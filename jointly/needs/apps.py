from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "jointly.needs"
    label = "needs"
