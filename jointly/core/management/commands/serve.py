from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Linux: the worker gets SIGTERM (a warm shutdown: it finishes its job) if ``serve`` dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Migrate, then serve Jointly on 127.0.0.1 (development server) with a background-job "
        "worker beside it; stopping serve stops the worker (after its current job)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--production",
            action="store_true",
            help="Serve with gunicorn worker processes (JOINTLY_WORKERS, JOINTLY_THREADS), keeping "
            "database connections and writing JSON request logs; settings from the environment",
        )
        parser.add_argument("--workers", type=int, help="gunicorn worker processes (with --production)")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a worker (one runs elsewhere: `jointly worker`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0)
        worker = None
        if not options["no_worker"] and not settings.CELERY_TASK_ALWAYS_EAGER:
            from jointly.jobs.management.commands.worker import worker_command

            preexec = _die_with_parent if sys.platform.startswith("linux") else None
            worker = subprocess.Popen(worker_command(), preexec_fn=preexec)  # our own command
        # SIGTERM (e.g. from a process manager) ends serve like Ctrl-C, so the worker is stopped too.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            if options["production"]:
                self._gunicorn(options)
            else:
                call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            if worker is not None:
                self._stop(worker)

    def _gunicorn(self, options: dict[str, Any]) -> None:
        command = gunicorn_command(options["host"], options["port"], options.get("workers"))
        env = {
            **os.environ,
            "JOINTLY_DB_CONN_MAX_AGE": os.environ.get("JOINTLY_DB_CONN_MAX_AGE", "60"),
            "JOINTLY_REQUEST_LOG": os.environ.get("JOINTLY_REQUEST_LOG", "true"),
        }
        self.stdout.write(f"Serving with gunicorn on http://{options['host']}:{options['port']}/")
        server = subprocess.Popen(command, env=env)
        try:
            server.wait()
        except KeyboardInterrupt:
            server.terminate()  # gunicorn's graceful stop: workers finish their requests
            server.wait()

    def _stop(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is None:
            self.stderr.write(
                "Stopping the job worker (it finishes its current job; Ctrl-C again to stop now)..."
            )
            worker.terminate()
        try:
            worker.wait()
        except KeyboardInterrupt:
            worker.kill()
            worker.wait()


def gunicorn_command(host: str, port: int, workers: int | None = None) -> list[str]:
    """The gunicorn command line for ``serve --production`` (settings from the environment)."""
    count = workers or int(os.environ.get("JOINTLY_WORKERS", "0")) or 2 * (os.cpu_count() or 1) + 1
    threads = int(os.environ.get("JOINTLY_THREADS", "1"))
    return [
        sys.executable, "-m", "gunicorn", "jointly.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(count),
        "--threads", str(threads),
        "--timeout", "120",
        "--graceful-timeout", "30",
        "--max-requests", "5000",
        "--max-requests-jitter", "500",
        "--no-control-socket",
    ]  # fmt: skip
