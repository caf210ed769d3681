from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "jointly.risks"
    label = "risks"
    verbose_name = "Risks"
