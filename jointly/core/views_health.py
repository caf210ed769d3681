"""Liveness and readiness for a process manager or load balancer (no sign-in, no personal data).

- ``/healthz``: the process answers and reaches its database (liveness).
- ``/readyz``: database, shared cache and job queue each checked; 200 when all answer, 503 naming the
  one that does not (a load balancer stops sending requests; the answer says where to look).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    check_database()
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key = f"jointly:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def check_queue() -> None:
    """Redis: a PING to the broker; the filesystem transport: its folder exists and is writable."""
    url = settings.JOINTLY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        return
    if url:
        return  # another broker kind: the worker reports on it, the web process cannot tell
    folder = Path(settings.JOB_QUEUE_DIR)
    probe = folder / f".readyz-{uuid.uuid4().hex}"
    probe.write_text("ok")
    probe.unlink()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
}


@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"; the kind is reported
            results[name] = f"failing: {type(error).__name__}"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503
    )
