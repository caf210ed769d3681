from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "jointly.outcomes"
    label = "outcomes"
