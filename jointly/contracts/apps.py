from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "jointly.contracts"
    label = "contracts"
