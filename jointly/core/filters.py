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


class PartnershipFilterBackend:
    """``?partnership=SLUG`` on every list of partnership records (issue 16 item 5).

    It follows the viewset's ``partnership_path``, so lists of boards' meetings, a contract's
    variations or a KPI's returns filter by partnership like intentions do. A slug the caller
    cannot see (another partnership's, or none) gives an empty list, exactly like an unknown one.
    """

    param = "partnership"

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        slug = request.query_params.get(self.param)
        path = getattr(view, "partnership_path", None)
        if not slug or path is None:
            return queryset
        lookup = "slug" if path == "pk" else f"{path}__slug"
        return queryset.filter(**{lookup: slug})

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        if getattr(view, "partnership_path", None) is None:
            return []
        return [
            {
                "name": self.param,
                "in": "query",
                "required": False,
                "description": "Only records of this partnership (its slug, e.g. `essex`).",
                "schema": {"type": "string"},
            }
        ]
