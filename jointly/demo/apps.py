from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jointly.demo"
    label = "demo"
