from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "jointly.services"
    label = "services"
