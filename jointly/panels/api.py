"""Panels API: ``/api/v1/panel-cases/`` (members of the case's panel only: non-identifying facts,
never an identifier) and ``/api/v1/panel-aggregates/`` (suppressed counts and sums: the only panel
data anyone else gets). A case of another panel answers exactly like a reference never used (404),
and lists never include it. Identifying details are never served by the API (pages only, on request,
logged).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.core import periods, scoping
from jointly.panels import access, figures, queries
from jointly.panels.models import Case, Panel
from jointly.partnerships.models import Partnership

scoping.register_custom(Case, lambda user, qs: access.cases_for(user, qs))


class PanelCaseSerializer(serializers.ModelSerializer):
    panel = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partnership = serializers.CharField(source="panel.partnership.slug", read_only=True)
    need_band = serializers.CharField(source="need_band.name", read_only=True, allow_null=True, default=None)
    area = serializers.CharField(source="area.gss_code", read_only=True, allow_null=True, default=None)
    referring_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Case
        fields = [
            "reference", "partnership", "panel", "age_band", "need_band", "primary_need", "area", "legal_status",
            "ehc_plan", "ehc_review_on", "chc_screening_on", "chc_outcome", "referred_on", "referring_organisation",
            "continuing_care_eligible", "continuing_care_decided_on", "status", "ended_on", "closed_on", "synthetic",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(
    parameters=[OpenApiParameter("partnership", str, description="Only this partnership's cases (its slug)")]
)
class PanelCaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases of the panels you sit on (non-identifying facts only). Anyone else, platform
    administrators included, gets an empty list and 404s."""

    queryset = Case.objects.select_related(
        "panel__partnership", "need_band", "area", "referring_organisation"
    )
    serializer_class = PanelCaseSerializer
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z0-9-]+"
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status"]

    def get_queryset(self) -> Any:
        qs = scoping.visible(self.request.user, self.queryset.all()).order_by("-referred_on", "reference")
        slug = self.request.query_params.get("partnership")
        if slug:
            qs = qs.filter(panel__partnership__slug=slug)
        return qs


AGGREGATE_ROW = inline_serializer(
    "PanelAggregateRow",
    {
        "financial_year": serializers.CharField(),
        "dimension": serializers.ChoiceField(choices=["package_type", "funder", "need_band", "area"]),
        "group": serializers.CharField(),
        "cases": serializers.CharField(help_text="A whole number, or c where suppressed"),
        "annual_cost_gbp": serializers.CharField(help_text="Pounds to two places, or c where suppressed"),
    },
    many=True,
)


class PanelAggregatesView(APIView):
    """A partnership's panel figures for a financial year: counts and sums by package type, funder,
    need band and area, small numbers (1 to 7, or the partnership's higher threshold) as ``c``. For the
    partnership's planning readers and its panels' members."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", str, required=True, description="The partnership's slug"),
            OpenApiParameter("financial_year", str, description="e.g. 2014/15 (default: the current one)"),
        ],
        responses={200: AGGREGATE_ROW},
    )
    def get(self, request: Request) -> Response:
        slug = request.query_params.get("partnership") or ""
        partnership = visible_partnerships(request.user).filter(slug=slug).first()
        mine = access.member_panel_ids(request.user)
        if partnership is None:
            partnership = Partnership.objects.filter(slug=slug, panels__id__in=sorted(mine)).first()
        if partnership is None:
            raise Http404
        panels = list(Panel.objects.filter(partnership=partnership))
        if not has_permission(request.user, Perm.VIEW_PLANNING, partnership) and not any(
            p.pk in mine for p in panels
        ):
            raise Http404
        text = request.query_params.get("financial_year") or ""
        try:
            fy = (
                periods.parse(text, periods.Kind.FINANCIAL_YEAR)
                if text
                else periods.financial_year_of(partnership.reference_date or periods_today())
            ).text
        except periods.PeriodError:
            raise serializers.ValidationError(
                {"financial_year": "Enter a financial year like 2014/15."}
            ) from None
        threshold = max([p.suppression_threshold for p in panels] or [7])
        rows = figures.aggregate_rows(fy, queries.package_years(partnership, fy), threshold)
        return Response(
            [dict(zip(figures.AGGREGATE_COLUMNS, (str(v) for v in row), strict=True)) for row in rows]
        )


def periods_today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def register(router: DefaultRouter) -> None:
    router.register("panel-cases", PanelCaseViewSet)
