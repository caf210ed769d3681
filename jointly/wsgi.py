"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
application = get_wsgi_application()


def _load_and_tune() -> None:
    """Load every view now (not on the first request) and keep the collector off what is loaded."""
    from django.urls import get_resolver

    from jointly.core.gc_tuning import tune_for_serving

    get_resolver().url_patterns  # noqa: B018 - imports every app's views
    tune_for_serving()


_load_and_tune()
