"""Generic page machinery: create/edit with stale-edit refusal, exports."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from jointly.core.forms import VersionedModelForm
from jointly.core.models import StaleEdit


def handle_versioned_form(
    request: HttpRequest,
    form: VersionedModelForm,
    *,
    template: str,
    context: dict[str, Any],
    success_message: str,
    success_url: str | None = None,
) -> HttpResponse:
    """Validate and save; a stale edit re-renders with the error and HTTP 409, saving nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = form.save_as(by=request.user)
        except StaleEdit:
            return render(request, template, {**context, "form": form}, status=409)
        messages.success(request, success_message)
        return HttpResponseRedirect(success_url or cast(Any, obj).get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)
