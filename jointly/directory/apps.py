from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "jointly.directory"
    label = "directory"
    verbose_name = "Local Offer directory"
