"""API for the performance app (routes registered by :func:`register`).

- ``kpis``: read the KPIs you may see (providers: their own contracts' only).
- ``kpi-returns``: read returns; ``POST`` submits a batch for a partnership through the same
  validation as the web form and the file upload (all rows or none; problems by row and column).
- ``return-comments``: read the threads; ``POST`` accepts/queries (commissioners) or replies
  (the provider).
- ``performance-notices``: read notices with their remedial action plans and escalations.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.core import scoping
from jointly.core.api import ScopedPrimaryKeyRelatedField
from jointly.core.approvals import FourEyesError
from jointly.performance import actions, queries
from jointly.performance.models import (
    CommentKind,
    Kpi,
    KpiReturn,
    PerformanceNotice,
    RemedialAction,
    ReturnComment,
    ReturnRevision,
    Route,
)

_OWN = {"every": Perm.VIEW_CONTRACTS, "own": Perm.VIEW_OWN_CONTRACTS}
scoping.register(Kpi, "partnership", "contract__provider", "service__provider", **_OWN)
scoping.register(KpiReturn, "kpi__partnership", "kpi__contract__provider", "kpi__service__provider", **_OWN)
scoping.register(
    ReturnComment,
    "kpi_return__kpi__partnership",
    "kpi_return__kpi__contract__provider",
    "kpi_return__kpi__service__provider",
    **_OWN,
)
scoping.register(PerformanceNotice, "contract__partnership", "contract__provider", **_OWN)


class KpiSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contract = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    service = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    outcomes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Kpi
        fields = [
            "id", "partnership", "contract", "service", "code", "name", "definition",
            "numerator_definition", "denominator_definition", "measure", "unit", "target",
            "tolerance", "direction", "frequency", "due_days", "quadrant", "scope", "data_source", "source",
            "effective_from", "effective_to", "outcomes", "illustrative", "version",
        ]  # fmt: skip


class KpiViewSet(viewsets.ReadOnlyModelViewSet):
    partnership_path = "partnership"  # for ?partnership=SLUG (core.filters.PartnershipFilterBackend)
    serializer_class = KpiSerializer
    filterset_fields = ["partnership__slug", "contract", "service", "quadrant", "frequency"]

    def get_queryset(self) -> QuerySet[Kpi]:
        return (
            scoping.visible(self.request.user, Kpi.objects.all())
            .select_related("partnership")
            .prefetch_related("outcomes")
            .order_by("partnership_id", "code")
        )


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnRevision
        fields = ["number", "numerator", "denominator", "value", "submitted_on", "reason", "route"]


class ReturnSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kpi_id = serializers.IntegerField(read_only=True)
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta:
        model = KpiReturn
        fields = [
            "id", "kpi", "kpi_id", "period", "period_start", "period_end", "due_date", "numerator",
            "denominator", "value", "status", "first_submitted_on", "last_submitted_on",
            "revision_count", "revisions", "illustrative",
        ]  # fmt: skip


class ReturnRowSerializer(serializers.Serializer):
    kpi = serializers.CharField(help_text="The KPI code")
    period = serializers.CharField(
        help_text="2024-03 (monthly), 2023/24 Q4 (quarterly, financial) or 2023/24 (annual, financial year)"
    )
    numerator = serializers.JSONField(help_text="A number (or numeric string)")
    denominator = serializers.JSONField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Needed for a revision")


class SubmitSerializer(serializers.Serializer):
    partnership = serializers.SlugField()
    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=5000)


class ReturnViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    partnership_path = "kpi__partnership"  # for ?partnership=SLUG (core.filters.PartnershipFilterBackend)
    serializer_class = ReturnSerializer
    filterset_fields = ["kpi", "period", "status", "kpi__partnership__slug"]

    def get_queryset(self) -> QuerySet[KpiReturn]:
        return (
            scoping.visible(self.request.user, KpiReturn.objects.all())
            .select_related("kpi")
            .prefetch_related("revisions")
            .order_by("kpi_id", "period_start")
        )

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return SubmitSerializer if self.action == "create" else ReturnSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Submit returns: ``{"partnership": slug, "rows": [{kpi, period, numerator, denominator,
        reason}, ...]}``. All rows are saved or none; 400 lists ``problems`` by row (1 = first) and
        column."""
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partnership = get_object_or_404(
            visible_partnerships(request.user), slug=body.validated_data["partnership"]
        )
        if not has_permission(request.user, Perm.SUBMIT_RETURNS, partnership):
            raise PermissionDenied("Only the provider can submit returns.")
        scope = queries.submit_scope(request.user, partnership)
        kpis = list(queries.kpis(partnership, scope))
        rows = body.validated_data["rows"]
        clean, problems = actions.check(rows, kpis, first_row=1)
        if problems:
            return Response(
                {"problems": [{"row": p.row, "column": p.column, "message": p.message} for p in problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        saved = actions.submit_returns(clean, kpis, by=request.user, route=Route.API)
        fresh = self.get_queryset().filter(pk__in=[r.pk for r in saved])
        return Response(ReturnSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)


class CommentSerializer(serializers.ModelSerializer):
    kpi_return = ScopedPrimaryKeyRelatedField(queryset=KpiReturn.objects.select_related("kpi__partnership"))
    author = serializers.CharField(source="author.display_name", read_only=True, default=None)

    class Meta:
        model = ReturnComment
        fields = ["id", "kpi_return", "kind", "text", "author", "created_on"]
        read_only_fields = ["created_on"]

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Write the comment.")
        return value


class CommentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    partnership_path = (
        "kpi_return__kpi__partnership"  # for ?partnership=SLUG (core.filters.PartnershipFilterBackend)
    )
    serializer_class = CommentSerializer
    filterset_fields = ["kpi_return", "kind"]

    def get_queryset(self) -> QuerySet[ReturnComment]:
        return (
            scoping.visible(self.request.user, ReturnComment.objects.all())
            .select_related("author", "kpi_return")
            .order_by("created_on", "id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """``kind``: ``accept`` or ``query`` (commissioners), ``reply`` (the provider)."""
        serializer = self.get_serializer(data=request.data)
        self._check_role_before_validation(serializer)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ret = data["kpi_return"]
        partnership = ret.kpi.partnership
        kind = data["kind"]
        if kind in (CommentKind.ACCEPT, CommentKind.QUERY):
            if not has_permission(request.user, Perm.REVIEW_RETURNS, partnership):
                raise PermissionDenied("Only commissioners accept or query returns.")
            try:
                comment = actions.review(
                    ret, accept=kind == CommentKind.ACCEPT, text=data["text"], by=request.user
                )
            except FourEyesError as exc:
                raise PermissionDenied(str(exc), code="four_eyes") from None
        elif kind == CommentKind.REPLY:
            if not has_permission(request.user, Perm.SUBMIT_RETURNS, partnership):
                raise PermissionDenied("Only the provider replies.")
            comment = actions.reply(ret, text=data["text"], by=request.user)
        else:
            raise ValidationError({"kind": "Use accept, query or reply."})
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    def _check_role_before_validation(self, serializer: CommentSerializer) -> None:
        """A reader who may neither review nor submit returns is refused before any validation."""
        data = serializer.initial_data if isinstance(serializer.initial_data, dict) else {}
        try:
            ret = serializer.fields["kpi_return"].run_validation(data.get("kpi_return"))
        except ValidationError:
            return  # reported by is_valid(), like an unknown return
        partnership = ret.kpi.partnership
        if not any(has_permission(self.request.user, p, partnership) for p in _COMMENTERS):
            raise PermissionDenied("Only commissioners and the provider comment on returns.")


_COMMENTERS = (Perm.REVIEW_RETURNS, Perm.SUBMIT_RETURNS)


@extend_schema_serializer(component_name="RemedialAction")
class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RemedialAction
        fields = ["id", "description", "owner", "due_date", "status", "completed_on"]


class NoticeSerializer(serializers.ModelSerializer):
    contract = serializers.PrimaryKeyRelatedField(read_only=True)
    kpis = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    plan_summary = serializers.CharField(source="plan.summary", read_only=True, default="")
    plan_status = serializers.CharField(source="plan.status", read_only=True, default="")
    plan_agreed_on = serializers.DateField(source="plan.agreed_on", read_only=True, default=None)
    actions = ActionSerializer(source="plan.actions", many=True, read_only=True)
    escalations = serializers.SerializerMethodField()

    class Meta:
        model = PerformanceNotice
        fields = [
            "id", "contract", "kpis", "issued_on", "reason", "status", "closed_on", "plan_summary",
            "plan_status", "plan_agreed_on", "actions", "escalations",
        ]  # fmt: skip

    def get_escalations(self, obj: PerformanceNotice) -> list[dict[str, Any]]:
        return [{"date": e.date, "level": e.level, "note": e.note} for e in obj.escalations.all()]


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    partnership_path = (
        "contract__partnership"  # for ?partnership=SLUG (core.filters.PartnershipFilterBackend)
    )
    serializer_class = NoticeSerializer
    filterset_fields = ["contract", "status"]

    def get_queryset(self) -> QuerySet[PerformanceNotice]:
        return (
            scoping.visible(self.request.user, PerformanceNotice.objects.all())
            .select_related("plan")
            .prefetch_related("kpis", "plan__actions", "escalations")
            .order_by("-issued_on", "-id")
        )


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("kpis", KpiViewSet, basename="kpi")
    router.register("kpi-returns", ReturnViewSet, basename="kpi-return")
    router.register("return-comments", CommentViewSet, basename="return-comment")
    router.register("performance-notices", NoticeViewSet, basename="performance-notice")
