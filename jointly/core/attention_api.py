"""``GET /api/v1/attention/``: what needs attention, the home page's lines (:mod:`jointly.core.attention`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jointly.core import attention
from jointly.core.asat import requested_as_at

#: The most lines one answer holds (RESOLUTIONS 13: every list caps its page size).
MAX_ITEMS = 500


class AttentionItemSerializer(serializers.Serializer):
    partnership = serializers.CharField(source="partnership.slug", help_text="The partnership's slug")
    as_at = serializers.DateField(help_text="The date the line was computed as at (the partnership's date)")
    kind = serializers.CharField(help_text="A stable key, e.g. milestone_missed, return_late, kpi_concern")
    label = serializers.CharField(help_text="The kind in words")  # type: ignore[assignment]  # named like Field.label
    severity = serializers.ChoiceField(
        choices=[(attention.OVERDUE, "overdue or missed"), (attention.DUE, "coming up or to look at")]
    )
    title = serializers.CharField(help_text="The record")
    detail = serializers.CharField(help_text="Why it needs attention")
    url = serializers.CharField(help_text="The record's page (a path on this site)")
    date = serializers.DateField(allow_null=True, help_text="The date that matters (due, notice by…)")


class AttentionView(APIView):
    """What needs attention across the caller's partnerships, each as at its partnership's date
    (or ``?as_at=``): intentions off track or without an update, milestones missed or due,
    returns late or queried, KPIs of concern or failing assurance, contracts reaching their notice
    date, open performance notices, reviews and actions overdue. Scoped like every other answer:
    a provider sees only its own contracts' lines."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="attention_list",
        description=f"At most {MAX_ITEMS} lines (``limit``), the partnerships in name order and in each "
        "the most serious first; ``partnership`` narrows the list to one partnership.",
        parameters=[
            OpenApiParameter(
                "as_at",
                OpenApiTypes.DATE,
                description="Compute as at this date instead of each partnership's",
            ),
            OpenApiParameter("partnership", OpenApiTypes.STR, description="Only this partnership (its slug)"),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"At most this many lines ({MAX_ITEMS} by default and at most; "
                f"a larger limit is cut to {MAX_ITEMS})",
            ),
        ],
        responses={200: AttentionItemSerializer(many=True)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            as_at = requested_as_at(request)
        except BadRequest as exc:
            raise serializers.ValidationError({"as_at": [str(exc)]}) from None
        limit = _limit(request.query_params.get("limit"))
        slug = request.query_params.get("partnership") or None
        items = attention.collect(request.user, as_at, slug)[:limit]
        return Response(AttentionItemSerializer(items, many=True).data)


def _limit(raw: str | None) -> int:
    """Like the lists' ``limit``: malformed or below one gives the default, above the cap is cut."""
    try:
        value = int(raw or "")
    except ValueError:
        return MAX_ITEMS
    return MAX_ITEMS if value < 1 else min(value, MAX_ITEMS)
