"""Upload routes refuse an oversized body before reading it, and only after the role check.

Django reads a request body lazily, when ``request.POST`` or ``request.FILES`` is first touched —
but ``CsrfViewMiddleware`` touches ``request.POST`` before any view runs. So an upload page is
marked :func:`upload_view` (exempt from the middleware's early look), checks the role itself, then
calls :func:`guard_page_upload`, which refuses an oversized body by its ``Content-Length`` and
then runs the same CSRF check the middleware would have run. API actions call
:func:`guard_api_upload` from ``initial()``, before authentication parses anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.forms import Form
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import APIException

from jointly.core.imports import Limits, megabytes


def max_upload_bytes(kind: str = "") -> int:
    """The cap for one upload: ``JOINTLY_MAX_NEEDS_UPLOAD_BYTES`` for indicator values, else
    ``JOINTLY_MAX_UPLOAD_BYTES``."""
    if kind == "needs":
        return int(settings.JOINTLY_MAX_NEEDS_UPLOAD_BYTES)
    return int(settings.JOINTLY_MAX_UPLOAD_BYTES)


def limits(kind: str = "", **overrides: Any) -> Limits:
    return Limits(max_bytes=max_upload_bytes(kind), **overrides)


def content_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def too_large_message(limit: int) -> str:
    return f"The file is larger than {megabytes(limit)}: split it and load the parts."


def refused_form(form: Form, message: str) -> Form:
    """An unbound form carrying ``message`` as its error (the body was never read)."""
    form.cleaned_data = {}
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # what full_clean() would set
    form.add_error(None, message)
    return form


def upload_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page view that checks the role, then :func:`body_too_large`, then :func:`csrf_failure`."""
    return csrf_exempt(view)


def body_too_large(request: HttpRequest | Any, limit: int) -> bool:
    """Whether a POST body is over ``limit`` (plus room for a form's other fields), unread."""
    if request.method != "POST":
        return False
    length = content_length(request)
    return length is None or length > limit + 64 * 1024


def csrf_failure(request: HttpRequest) -> HttpResponse | None:
    """The CSRF check ``CsrfViewMiddleware`` skipped for an :func:`upload_view` (None when it passes)."""
    if request.method != "POST":
        return None
    middleware = CsrfViewMiddleware(lambda r: HttpResponse())
    return middleware.process_view(request, None, (), {})  # type: ignore[arg-type]


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def guard_api_upload(request: Any, limit: int, *, check_role: Callable[[Any], None] | None = None) -> None:
    """Call from a view set's ``initial()`` for an upload action, before authentication parses
    anything. For a signed-in (session) user, ``check_role(user)`` first, which raises (403/404)
    when the user may not upload; then 413 when the body is over ``limit`` (by ``Content-Length``).
    A token user is identified only by DRF's authentication: the action checks the role itself,
    before it touches ``request.data``."""
    user = getattr(getattr(request, "_request", request), "user", None)
    if check_role is not None and user is not None and user.is_authenticated:
        check_role(user)
    if body_too_large(request, limit):
        raise RequestTooLarge(too_large_message(limit))
