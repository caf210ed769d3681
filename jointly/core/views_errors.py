"""Error pages: GOV.UK-styled HTML for people, JSON under ``/api/`` for programs.

Wired in ``jointly/urls.py`` as ``handler400/403/404/500``. They never show a traceback, a setting
or the URL patterns, whatever ``DEBUG`` says for the rest of the site.
"""

from __future__ import annotations

import sys
from urllib.parse import urlencode

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

from jointly.core.query_params import BadQueryParameter

API_PREFIX = "/api/"

# Same shape as Django REST framework's own errors ({"detail": ...}).
API_MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "A server error occurred.",
    503: "The service is unavailable: its database cannot be reached. Try again later.",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int) -> JsonResponse:
    return JsonResponse({"detail": API_MESSAGES[status]}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(400)
    if isinstance(exception, BadQueryParameter):
        return bad_query_parameter(request, exception)
    return defaults.bad_request(request, exception, template_name="400.html")


def bad_query_parameter(request: HttpRequest, error: BadQueryParameter) -> HttpResponse:
    """The 400 page as a form: the error summary links to the one field in error, which sends the
    same address again (other parameters kept); and a way back without the parameter."""
    others = [(k, v) for k, values in request.GET.lists() if k != error.name for v in values]
    context = {
        "error": error,
        "value": request.GET.get(error.name, ""),
        "keep": others,
        "without": f"{request.path}?{urlencode(others)}" if others else request.path,
        "page_has_errors": True,
    }
    return render(request, "400.html", context, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(403)
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(404)
    return defaults.page_not_found(request, exception, template_name="404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal (``CSRF_FAILURE_VIEW``): JSON under ``/api/``, the 403 page elsewhere."""
    if is_api(request):
        return JsonResponse(
            {"detail": "CSRF check failed: send a token header instead of a session cookie."}, status=403
        )
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason)


def database_unreachable() -> bool:
    """Whether the error being handled is the database not answering (not a bug in a query)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DatabaseError) and "connect" in str(error).lower()


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unreachable():
        # 503 says "try again": a load balancer or client retries, and the page says what happened.
        if is_api(request):
            response: HttpResponse = api_error(503)
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    if is_api(request):
        return api_error(500)
    # Rendered without a request context (as Django does), so a failing context processor or
    # database cannot break the error page itself.
    return defaults.server_error(request, template_name="500.html")
