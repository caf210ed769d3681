from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "jointly.partnerships"
    label = "partnerships"
