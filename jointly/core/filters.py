"""The API's filter backend: filters on related records draw from the caller's scope.

django-filter builds a ``ModelChoiceFilter`` for every ``filterset_fields`` entry that names a
relation (``?contract=12``), choosing from *every* row of the related model. A record of another
partnership then answered 200 with an empty list where an unknown id answered 400. Here each such
filter chooses only from the records the caller may read (:func:`jointly.core.scoping.visible`),
so both answer the same 400.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request

from jointly.core import scoping


class ScopedFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request: Request, queryset: QuerySet, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for f in filterset.filters.values():
            if isinstance(f, filters.QuerySetRequestMixin) and f.queryset is not None:
                base = f.get_queryset(request)
                f.queryset = scoping.visible(request.user, base)
        return filterset
