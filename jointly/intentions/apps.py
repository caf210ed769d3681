from django.apps import AppConfig


class IntentionsConfig(AppConfig):
    name = "jointly.intentions"
    label = "intentions"
