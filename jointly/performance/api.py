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
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.core import scoping
from jointly.core.api import Conflict, ScopedPrimaryKeyRelatedField
from jointly.core.approvals import FourEyesError
from jointly.core.models import save_versioned
from jointly.performance import actions, queries
from jointly.performance.forms import ActionForm
from jointly.performance.models import (
    ActionStatus,
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
        fields = [
            "number",
            "numerator",
            "denominator",
            "value",
            "submitted_on",
            "reason",
            "route",
            "on_behalf",
        ]


class ReturnSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kpi_id = serializers.IntegerField(read_only=True)
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta:
        model = KpiReturn
        fields = [
            "id", "kpi", "kpi_id", "period", "period_start", "period_end", "due_date", "numerator",
            "denominator", "value", "status", "first_submitted_on", "last_submitted_on",
            "revision_count", "on_behalf", "revisions", "illustrative",
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
        column. A commissioner may key in a provider's returns on its behalf: they are recorded with
        ``on_behalf`` true."""
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partnership = get_object_or_404(
            visible_partnerships(request.user), slug=body.validated_data["partnership"]
        )
        on_behalf = queries.keys_in_on_behalf(request.user, partnership)
        if not on_behalf and not has_permission(request.user, Perm.SUBMIT_RETURNS, partnership):
            raise PermissionDenied("Only the provider (or a commissioner on its behalf) can submit returns.")
        scope = None if on_behalf else queries.submit_scope(request.user, partnership)
        kpis = list(queries.kpis(partnership, scope))
        rows = body.validated_data["rows"]
        clean, problems = actions.check(rows, kpis, first_row=1)
        if problems:
            return Response(
                {"problems": [{"row": p.row, "column": p.column, "message": p.message} for p in problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        saved = actions.submit_returns(clean, kpis, by=request.user, route=Route.API, on_behalf=on_behalf)
        fresh = self.get_queryset().filter(pk__in=[r.pk for r in saved])
        return Response(ReturnSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)


class CommentSerializer(serializers.ModelSerializer):
    kpi_return = ScopedPrimaryKeyRelatedField(queryset=KpiReturn.objects.select_related("kpi__partnership"))
    author = serializers.CharField(
        source="author.display_name", read_only=True, default=None, allow_null=True
    )

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
        fields = ["id", "description", "owner", "due_date", "status", "completed_on", "version"]
        read_only_fields = ["id", "version"]


class NoticeSerializer(serializers.ModelSerializer):
    contract = serializers.PrimaryKeyRelatedField(read_only=True)
    kpis = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    stage = serializers.CharField(read_only=True, help_text="Where the notice stands, in words")
    # null when the notice has no remedial plan yet (DRF stops at the missing plan)
    plan_summary = serializers.CharField(source="plan.summary", read_only=True, default=None, allow_null=True)
    plan_status = serializers.CharField(source="plan.status", read_only=True, default=None, allow_null=True)
    plan_agreed_on = serializers.DateField(
        source="plan.agreed_on", read_only=True, default=None, allow_null=True
    )
    plan_version = serializers.IntegerField(
        source="plan.version", read_only=True, default=None, allow_null=True
    )
    actions = ActionSerializer(
        source="plan.actions", many=True, read_only=True, allow_null=True
    )  # null: no plan yet
    escalations = serializers.SerializerMethodField()

    class Meta:
        model = PerformanceNotice
        fields = [
            "id", "contract", "kpis", "issued_on", "reason", "status", "stage", "closed_on",
            "closed_reason", "plan_summary", "plan_status", "plan_agreed_on", "plan_version", "actions",
            "escalations", "illustrative", "version",
        ]  # fmt: skip

    def get_escalations(self, obj: PerformanceNotice) -> list[dict[str, Any]]:
        return [{"date": e.date, "level": e.level, "note": e.note} for e in obj.escalations.all()]


class PlanDraftSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The plan's version you read (to redraft an existing draft)"
    )


class AgreeSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The plan's version you read")


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(min_value=1, help_text="The notice's version you read")


class ActionWriteSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="An existing action to update; omit to add one")
    version = serializers.IntegerField(min_value=1, required=False)
    description = serializers.CharField(required=False, max_length=5000)
    owner = serializers.CharField(required=False, max_length=200)
    due_date = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    completed_on = serializers.DateField(required=False, allow_null=True)


def _step(schema_request: Any, doc: str) -> Any:
    return extend_schema(request=schema_request, responses={200: NoticeSerializer}, description=doc)


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Performance notices. The provider drafts the plan (``plan``) and its actions
    (``actions``); a commissioner other than its author agrees it (``agree``); the notice closes
    when every action is done, or when a commissioner closes it with a reason (``close``)."""

    partnership_path = (
        "contract__partnership"  # for ?partnership=SLUG (core.filters.PartnershipFilterBackend)
    )
    serializer_class = NoticeSerializer
    filterset_fields = ["contract", "status"]

    def get_queryset(self) -> QuerySet[PerformanceNotice]:
        return (
            scoping.visible(self.request.user, PerformanceNotice.objects.all())
            .select_related("plan", "contract__partnership")
            .prefetch_related("kpis", "plan__actions", "escalations")
            .order_by("-issued_on", "-id")
        )

    def _answer(self, notice: PerformanceNotice) -> Response:
        fresh = self.get_queryset().get(pk=notice.pk)
        return Response(NoticeSerializer(fresh, context=self.get_serializer_context()).data)

    def _drafter(self, notice: PerformanceNotice) -> None:
        if not actions.may_draft(self.request.user, notice):
            raise PermissionDenied("Only the provider (or a commissioner) works on the remedial action plan.")

    def _reviewer(self, notice: PerformanceNotice) -> None:
        if not has_permission(self.request.user, Perm.REVIEW_RETURNS, notice.contract.partnership):
            raise PermissionDenied("Only commissioners agree plans and close notices.")

    @_step(PlanDraftSerializer, "The provider drafts (or redrafts) its remedial action plan.")
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        self._drafter(notice)
        body = PlanDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.save_plan(
                notice, summary=body.validated_data["summary"],
                expected_version=body.validated_data.get("version"), by=request.user,
            )  # fmt: skip
        except actions.NoticeError as exc:
            raise Conflict(str(exc), code="notice_state") from None
        return self._answer(notice)

    @_step(ActionWriteSerializer, "Add an action to a draft plan, or update one (``id`` and ``version``).")
    @action(detail=True, methods=["post"], url_path="actions")
    def plan_actions(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        self._drafter(notice)
        plan = getattr(notice, "plan", None)
        if plan is None:
            raise Conflict("Draft the plan before adding actions.", code="notice_state")
        body = ActionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        action_id, version = data.pop("id", None), data.pop("version", None)
        instance = get_object_or_404(RemedialAction, plan=plan, pk=action_id) if action_id else None
        if instance is None:
            data.setdefault("status", ActionStatus.NOT_STARTED)
        form = ActionForm(
            {**({} if instance is None else ActionSerializer(instance).data), **data},
            instance=instance,
            plan=plan,
        )
        if not form.is_valid():
            raise ValidationError(
                {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}
            )
        saved = form.save(commit=False)
        save_versioned(saved, expected_version=version if instance is not None else None, by=request.user)
        actions.action_saved(saved, by=request.user)
        return self._answer(notice)

    @_step(AgreeSerializer, "A commissioner other than the plan's author agrees it (the notice stays open).")
    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        self._reviewer(notice)
        body = AgreeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = getattr(notice, "plan", None)
        try:
            if plan is None:
                raise actions.NoticeError("The provider has not drafted a plan yet.")
            actions.agree_plan(plan, expected_version=body.validated_data["version"], by=request.user)
        except FourEyesError as exc:
            raise PermissionDenied(str(exc), code="four_eyes") from None
        except actions.NoticeError as exc:
            raise Conflict(str(exc), code="notice_state") from None
        return self._answer(notice)

    @_step(CloseSerializer, "A commissioner closes an open notice, giving the reason.")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        self._reviewer(notice)
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.close_notice(
                notice, reason=body.validated_data["reason"],
                expected_version=body.validated_data["version"], by=request.user,
            )  # fmt: skip
        except actions.NoticeError as exc:
            raise Conflict(str(exc), code="notice_state") from None
        return self._answer(notice)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("kpis", KpiViewSet, basename="kpi")
    router.register("kpi-returns", ReturnViewSet, basename="kpi-return")
    router.register("return-comments", CommentViewSet, basename="return-comment")
    router.register("performance-notices", NoticeViewSet, basename="performance-notice")
