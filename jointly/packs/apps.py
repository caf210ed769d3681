from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "jointly.packs"
    label = "packs"
    verbose_name = "Board packs"
    default_auto_field = "django.db.models.BigAutoField"
