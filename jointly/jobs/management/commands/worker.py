"""``jointly worker``: a Celery worker running Jointly's background jobs (ADR 0012)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def worker_command(*, concurrency: int | None = None, loglevel: str = "INFO") -> list[str]:
    """The command line of a worker; without a broker (filesystem transport) one process, one job at a time."""
    command = [sys.executable, "-m", "celery", "-A", "jointly.celery", "worker", "--loglevel", loglevel]
    command += ["--queues", settings.CELERY_TASK_DEFAULT_QUEUE]
    if not settings.JOINTLY_BROKER_URL:
        command += ["--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    elif concurrency:
        command += ["--concurrency", str(concurrency)]
    return command


class Command(BaseCommand):
    help = (
        "Run a worker for background jobs (add more, on any machine sharing the Redis broker, to scale out)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--concurrency", type=int, help="Processes (Redis broker only; default: CPUs)")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        command = worker_command(concurrency=options["concurrency"], loglevel=options["loglevel"])
        os.execv(command[0], command)
