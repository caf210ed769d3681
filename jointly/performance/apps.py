from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "jointly.performance"
    label = "performance"
