from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """Every ``migrate`` also creates the database cache's table when that cache is in use."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class JobsConfig(AppConfig):
    name = "jointly.jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app declares its job kinds in its own ``jobs.py`` (as admin does with ``admin.py``).
        from django.utils.module_loading import autodiscover_modules

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="jointly.jobs.cache_table")
        autodiscover_modules("jobs")
