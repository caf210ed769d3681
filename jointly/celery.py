"""The Celery application: ``celery -A jointly.celery worker`` (or ``jointly worker``). ADR 0012.

Settings come from Django's (``CELERY_*``): Redis when ``JOINTLY_BROKER_URL`` is set, otherwise
kombu's filesystem transport in ``var/queue`` (nothing to install; one machine only).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")

app = Celery("jointly")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["jointly.jobs"])


@worker_ready.connect
def recover_interrupted_jobs(**kwargs: Any) -> None:
    """A worker starting marks the jobs of dead workers as failed (retryable)."""
    from jointly.jobs import runner

    runner.recover()
