"""API for the risk register: risks, their controls, actions and reviews, and each partnership's matrix.

Routes (registered by :func:`register`): ``/api/v1/risks/`` (with ``POST /risks/{id}/rescore/``),
``/api/v1/risk-controls/``, ``/api/v1/risk-actions/``, ``/api/v1/risk-reviews/`` (read-only: a review
is written by re-scoring) and ``/api/v1/risk-matrices/``. Planning readers see every risk of their
partnership; a provider sees the risks of its own contracts; commissioners and partnership admins
(EDIT_RISKS) change them; partnership admins (EDIT_GOVERNANCE) change the matrix.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm
from jointly.contracts.models import Contract, ProcurementProject
from jointly.core import asat, scoping
from jointly.core import rules as core_rules
from jointly.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.intentions.models import Intention
from jointly.partnerships.api import org_field, partnership_field
from jointly.partnerships.models import Board
from jointly.risks import actions, queries, rules, scoring
from jointly.risks.models import Risk, RiskAction, RiskControl, RiskMatrix, RiskReview
from jointly.services.models import Service

_RISK = {"every": Perm.VIEW_PLANNING, "own": Perm.VIEW_OWN_CONTRACTS}
scoping.register(Risk, "partnership", "contract__provider", **_RISK)
for _model in (RiskControl, RiskAction, RiskReview):
    scoping.register(_model, "risk__partnership", "risk__contract__provider", **_RISK)
scoping.register(RiskMatrix, "partnership", every=Perm.VIEW_PARTNERSHIP)


def _related(model: type) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=model.objects.all(), required=False, allow_null=True)


class RiskSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    owner_organisation = org_field(allow_null=True, required=False)
    intention = _related(Intention)
    contract = _related(Contract)
    procurement = _related(ProcurementProject)
    service = _related(Service)
    board = ScopedSlugRelatedField(
        slug_field="slug", queryset=Board.objects.all(), required=False, allow_null=True
    )
    inherent_rating = serializers.SerializerMethodField()
    current_rating = serializers.SerializerMethodField()
    target_rating = serializers.SerializerMethodField()
    band = serializers.SerializerMethodField(
        help_text="The band of the inherent rating, in the partnership's names"
    )
    current_band = serializers.SerializerMethodField()
    review_overdue = serializers.SerializerMethodField(
        help_text="As at ?as_at= (default the partnership's today)"
    )

    class Meta:
        model = Risk
        fields = [
            "id", "partnership", "reference", "title", "description", "category", "sub_category", "owner",
            "owner_organisation", "status", "escalated", "inherent_impact", "inherent_likelihood",
            "current_impact", "current_likelihood", "target_impact", "target_likelihood", "inherent_rating",
            "current_rating", "target_rating", "band", "current_band", "identified_on", "review_due",
            "review_overdue", "closed_on", "intention", "contract", "procurement", "service", "board",
            "illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def _matrix(self, obj: Risk) -> scoring.Matrix:
        cache = self.context.setdefault("_matrices", {})
        if obj.partnership_id not in cache:
            cache[obj.partnership_id] = queries.matrix_for(obj.partnership)
        return cache[obj.partnership_id]

    def get_inherent_rating(self, obj: Risk) -> int | None:
        return obj.inherent_rating

    def get_current_rating(self, obj: Risk) -> int | None:
        return obj.current_rating

    def get_target_rating(self, obj: Risk) -> int | None:
        return obj.target_rating

    def get_band(self, obj: Risk) -> str:
        return self._matrix(obj).label(obj.inherent_rating)

    def get_current_band(self, obj: Risk) -> str:
        return self._matrix(obj).label(obj.current_rating)

    def get_review_overdue(self, obj: Risk) -> bool:
        return obj.review_overdue(asat.for_serializer(self.context, obj.partnership))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = partial(core_rules.current, attrs, self.instance)
        partnership = current("partnership")
        errors: dict[str, str] = {}
        errors.update(rules.reference(partnership, current("reference") or "", self.instance))
        values = {name: current(name) for name in rules.LINKS}
        errors.update(rules.links(partnership, values))
        scores = {
            f"{kind}_{part}": current(f"{kind}_{part}")
            for kind in ("inherent", "current", "target")
            for part in ("impact", "likelihood")
        }
        errors.update(rules.scores(scores))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RescoreSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The risk's version you read")
    impact = serializers.IntegerField(min_value=1, max_value=5)
    likelihood = serializers.IntegerField(min_value=1, max_value=5)
    reviewed_on = serializers.DateField()
    review_due = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RiskViewSet(ScopedViewSet):
    """Risks. Planning readers see a partnership's register; a provider the risks of its own
    contracts; commissioners and partnership admins change them."""

    queryset = Risk.objects.select_related(
        "partnership", "owner_organisation", "intention", "contract", "procurement", "service", "board"
    )
    serializer_class = RiskSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_RISKS
    own_perm = Perm.VIEW_OWN_CONTRACTS
    provider_paths = ("contract__provider",)
    filterset_fields = ["partnership__slug", "status", "escalated", "category"]

    @extend_schema(request=RescoreSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"])
    def rescore(self, request: Request, pk: Any = None) -> Response:
        """Keep a review and make its score the risk's current score (409 on a stale version)."""
        risk = self.get_object()
        self._check_write(risk.partnership)
        data = RescoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        actions.rescore(
            risk, impact=d["impact"], likelihood=d["likelihood"], reviewed_on=d["reviewed_on"],
            note=d.get("note", ""), review_due=d.get("review_due"), expected_version=d["version"],
            by=request.user,
        )  # fmt: skip
        return Response(RiskSerializer(risk, context=self.get_serializer_context()).data)


def _risk_field() -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=Risk.objects.all())


class RiskControlSerializer(VersionedModelSerializer):
    risk = _risk_field()

    class Meta:
        model = RiskControl
        fields = ["id", "risk", "description", "assurance", "assurance_source", "illustrative", "version"]


class RiskActionSerializer(VersionedModelSerializer):
    risk = _risk_field()
    overdue = serializers.SerializerMethodField(help_text="As at ?as_at= (default the partnership's today)")

    class Meta:
        model = RiskAction
        fields = [
            "id",
            "risk",
            "description",
            "owner",
            "due_on",
            "completed_on",
            "overdue",
            "illustrative",
            "version",
        ]

    def get_overdue(self, obj: RiskAction) -> bool:
        return obj.is_overdue(asat.for_serializer(self.context, obj.risk.partnership))


class _RiskChildViewSet(ScopedViewSet):
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_RISKS
    own_perm = Perm.VIEW_OWN_CONTRACTS
    partnership_path = "risk__partnership"
    provider_paths = ("risk__contract__provider",)
    filterset_fields = ["risk"]


class RiskControlViewSet(_RiskChildViewSet):
    queryset = RiskControl.objects.select_related("risk__partnership")
    serializer_class = RiskControlSerializer


class RiskActionViewSet(_RiskChildViewSet):
    queryset = RiskAction.objects.select_related("risk__partnership")
    serializer_class = RiskActionSerializer


class RiskReviewSerializer(serializers.ModelSerializer):
    rating = serializers.IntegerField(read_only=True)

    class Meta:
        model = RiskReview
        fields = ["id", "risk", "reviewed_on", "impact", "likelihood", "rating", "note", "illustrative"]


class RiskReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every re-score of a risk (write one with ``POST /risks/{id}/rescore/``)."""

    queryset = RiskReview.objects.select_related("risk__partnership")
    serializer_class = RiskReviewSerializer
    filterset_fields = ["risk"]

    def get_queryset(self) -> Any:
        return scoping.visible(self.request.user, self.queryset.all())


class RiskMatrixSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    escalation_board = ScopedSlugRelatedField(
        slug_field="slug", queryset=Board.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = RiskMatrix
        fields = [
            "id", "partnership", "low_max", "moderate_max", "high_max", "low_label", "moderate_label",
            "high_label", "extreme_label", "escalation_threshold", "escalation_board", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = partial(core_rules.current, attrs, self.instance)
        names = [
            "partnership",
            "low_max",
            "moderate_max",
            "high_max",
            "escalation_threshold",
            "escalation_board",
        ]
        values = {name: current(name) for name in names}
        for key in scoring.BAND_KEYS:
            values[f"{key}_label"] = current(f"{key}_label")
        defaults = {"low_max": 3, "moderate_max": 6, "high_max": 12, "escalation_threshold": 15}
        defaults |= dict(zip([f"{k}_label" for k in scoring.BAND_KEYS], scoring.DEFAULT_LABELS, strict=True))
        values = {k: (defaults.get(k) if v is None else v) for k, v in values.items()}
        errors = rules.matrix(values)
        if self.instance is None and RiskMatrix.objects.filter(partnership=values["partnership"]).exists():
            errors["partnership"] = "This partnership already has a risk matrix: change it instead."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RiskMatrixViewSet(ScopedViewSet):
    """Each partnership's risk matrix (bands and escalation); partnership admins change it."""

    queryset = RiskMatrix.objects.select_related("partnership", "escalation_board")
    serializer_class = RiskMatrixSerializer
    read_perm = Perm.VIEW_PARTNERSHIP
    write_perm = Perm.EDIT_GOVERNANCE
    filterset_fields = ["partnership__slug"]


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("risks", RiskViewSet)
    router.register("risk-controls", RiskControlViewSet)
    router.register("risk-actions", RiskActionViewSet)
    router.register("risk-reviews", RiskReviewViewSet)
    router.register("risk-matrices", RiskMatrixViewSet)
