from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "jointly.finance"
    label = "finance"
    verbose_name = "Finance: funds, savings and budget models"
