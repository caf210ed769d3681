"""Structured request logs: one JSON line per request, with nothing that could identify a person.

Each line holds the method, the matched route *pattern* (``api/v1/intentions/<pk>/``, never the
address asked for, its query string or its form data), the status, the time taken and the user's
kind of session (anonymous, session, token), never who they are. ``jointly serve --production``
turns it on (``JOINTLY_REQUEST_LOG=true``); the development server prints its own lines instead.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("jointly.requests")
NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "(unmatched)"
    if not match.route:
        return f"({match.view_name})"
    # The API's routes are regular expressions: ``^intentions/(?P<pk>[^/.]+)/$`` → ``intentions/<pk>/``.
    return "/" + NAMED_GROUP.sub(r"<\1>", match.route).replace("^", "").replace("$", "")


def record(request: HttpRequest, status: int, started: float) -> dict[str, object]:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    user = getattr(request, "user", None)
    if auth.startswith("Token "):
        who = "token"
    elif user is not None and user.is_authenticated:
        who = "session"
    else:
        who = "anonymous"
    return {
        "event": "request",
        "method": request.method,
        "route": route_of(request),
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "auth": who,
    }


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            logger.info(json.dumps(record(request, response.status_code, started)))
        return response
