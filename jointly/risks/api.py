"""API for the risk register: risks, their controls, actions and reviews, and each partnership's matrix.

Routes (registered by :func:`register`): ``/api/v1/risks/`` (with ``POST /risks/{id}/rescore/``),
``/api/v1/risk-controls/``, ``/api/v1/risk-actions/``, ``/api/v1/risk-reviews/`` (read-only: a review
is written by re-scoring), ``/api/v1/risk-matrices/`` and ``/api/v1/risk-proposals/`` (with
``POST /risk-proposals/{id}/accept/`` and ``/decline/``). Planning readers see every risk of their
partnership; a provider sees the risks of its own contracts and services; commissioners and
partnership admins (EDIT_RISKS) change them; partnership admins (EDIT_GOVERNANCE) change the matrix.
A provider (PROPOSE_RISKS) proposes a risk on its own contract or service and reads its own
proposals; commissioners and partnership admins accept or decline them (never their own: four eyes).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, scope_for
from jointly.contracts.models import Contract, ProcurementProject
from jointly.core import asat, scoping
from jointly.core import rules as core_rules
from jointly.core.api import (
    Conflict,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.core.approvals import FourEyesError
from jointly.finance.models import Fund
from jointly.intentions.models import Intention
from jointly.partnerships.api import org_field, partnership_field
from jointly.partnerships.models import Board
from jointly.risks import actions, queries, rules, scoring
from jointly.risks.models import Risk, RiskAction, RiskControl, RiskMatrix, RiskProposal, RiskReview
from jointly.services.models import Service

_RISK = {"every": Perm.VIEW_PLANNING, "own": Perm.VIEW_OWN_CONTRACTS}
_RISK_PROVIDER_PATHS = queries.PROVIDER_PATHS  # the contract's or the service's provider
scoping.register(Risk, "partnership", *_RISK_PROVIDER_PATHS, **_RISK)
for _model in (RiskControl, RiskAction, RiskReview):
    scoping.register(_model, "risk__partnership", *(f"risk__{p}" for p in _RISK_PROVIDER_PATHS), **_RISK)
scoping.register(RiskMatrix, "partnership", every=Perm.VIEW_PARTNERSHIP)
scoping.register(
    RiskProposal, "partnership", *queries.PROPOSAL_PROVIDER_PATHS, every=Perm.VIEW_PLANNING,
    own=Perm.PROPOSE_RISKS,
)  # fmt: skip


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
    fund = _related(Fund)
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
            "review_overdue", "closed_on", "intention", "contract", "procurement", "service", "board", "fund",
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
        "partnership",
        "owner_organisation",
        "intention",
        "contract",
        "procurement",
        "service",
        "board",
        "fund",
    )
    serializer_class = RiskSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_RISKS
    own_perm = Perm.VIEW_OWN_CONTRACTS
    provider_paths = _RISK_PROVIDER_PATHS
    filterset_fields = ["partnership__slug", "status", "escalated", "category", "fund"]

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
    provider_paths = tuple(f"risk__{p}" for p in _RISK_PROVIDER_PATHS)
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


class RiskProposalSerializer(VersionedModelSerializer):
    """A provider's proposed risk. ``organisation`` (the proposer's), ``status``, the decision and
    ``risk`` (the register's risk it became) are set by the product, never by the caller."""

    partnership = partnership_field()
    contract = _related(Contract)
    service = _related(Service)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    impact = serializers.IntegerField(help_text="1 (negligible) to 5 (catastrophic)")
    likelihood = serializers.IntegerField(help_text="1 (rare) to 5 (almost certain)")
    rating = serializers.IntegerField(read_only=True)
    risk = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    risk_reference = serializers.CharField(
        source="risk.reference", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RiskProposal
        fields = [
            "id", "partnership", "organisation", "contract", "service", "title", "description", "category",
            "impact", "likelihood", "rating", "status", "decided_on", "reason", "risk", "risk_reference",
            "created_on", "version",
        ]  # fmt: skip
        read_only_fields = ["status", "decided_on", "reason", "created_on"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        partnership = attrs["partnership"]
        request = self.context["request"]
        scope = scope_for(request.user, partnership, every=None, own=Perm.PROPOSE_RISKS)
        errors = rules.proposal(partnership, attrs, scope.allows)
        if not (attrs.get("description") or "").strip():
            errors.setdefault("description", "Describe the risk: its cause, the event and its effect.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> RiskProposal:
        validated_data.pop("version", None)
        return actions.propose(by=self.context["request"].user, **validated_data)


class ProposalDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The proposal's version you read")
    reference = serializers.CharField(
        max_length=30, required=False, allow_blank=True,
        help_text="Accept: the reference the risk gets in the register (unique in the partnership)",
    )  # fmt: skip
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Decline: why (required); accept: a note"
    )


_DECIDE = extend_schema(
    request=ProposalDecisionSerializer,
    responses={
        200: RiskProposalSerializer,
        403: OpenApiResponse(description="Your role does not allow this, or you proposed it (four eyes)."),
    },
)


class RiskProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Risks providers propose. A provider proposes on its own contracts and services and reads its
    own proposals; planning readers read every proposal of their partnership; commissioners and
    partnership admins accept (the risk joins the register) or decline (with a reason) them, never
    one they proposed. A proposal is not changed or deleted: it is the record of what was proposed."""

    queryset = RiskProposal.objects.all()  # narrowed to the caller's scope in get_queryset
    partnership_path = "partnership"  # for ?partnership=SLUG (core.filters.PartnershipFilterBackend)
    serializer_class = RiskProposalSerializer
    filterset_fields = ["partnership__slug", "status", "contract", "service"]

    def get_queryset(self) -> Any:
        qs = self.queryset.select_related("partnership", "organisation", "contract", "service", "risk")
        return scoping.visible(self.request.user, qs).order_by("-created_on", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Propose a risk (a provider, on its own contract or service): ``partnership``, ``contract``
        and/or ``service``, ``title``, ``description``, ``category``, ``impact`` and ``likelihood``."""
        serializer = self.get_serializer(data=request.data)
        self._check_role_before_validation(serializer)
        serializer.is_valid(raise_exception=True)
        proposal = serializer.save()
        return Response(self.get_serializer(proposal).data, status=status.HTTP_201_CREATED)

    def _check_role_before_validation(self, serializer: Any) -> None:
        """Someone who may not propose risks in the partnership named is refused before any validation
        (which would otherwise answer questions about its contracts); an unknown or unseen
        partnership is reported by validation, like any unknown record."""
        data = serializer.initial_data if isinstance(serializer.initial_data, dict) else {}
        try:
            partnership = serializer.fields["partnership"].run_validation(data.get("partnership"))
        except serializers.ValidationError:
            return
        if partnership is not None and not has_permission(self.request.user, Perm.PROPOSE_RISKS, partnership):
            raise PermissionDenied("Only a provider proposes a risk, on its own contracts and services.")

    def _decide(self, request: Request, accept: bool) -> Response:
        proposal = self.get_object()
        if not has_permission(request.user, Perm.EDIT_RISKS, proposal.partnership):
            raise PermissionDenied(
                "Only commissioners and partnership admins accept or decline proposed risks."
            )
        data = ProposalDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            actions.decide_proposal(
                proposal, accept=accept, reference=v.get("reference", ""), reason=v.get("reason", ""),
                on=asat.today_for(proposal.partnership), expected_version=v["version"], by=request.user,
            )  # fmt: skip
        except FourEyesError as exc:
            raise PermissionDenied(str(exc), code="four_eyes") from None
        except actions.ProposalError as exc:
            if exc.field is not None:
                raise serializers.ValidationError({exc.field: str(exc)}) from None
            raise Conflict(str(exc), code="decided") from None
        proposal.refresh_from_db()
        return Response(
            RiskProposalSerializer(proposal, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK,
        )

    @_DECIDE
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        """Accept the proposed risk: it joins the register under ``reference``, scored as proposed
        (``version`` required; 409 when stale or already decided)."""
        return self._decide(request, True)

    @_DECIDE
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: Any = None) -> Response:
        """Decline the proposed risk, giving the ``reason`` (``version`` required)."""
        return self._decide(request, False)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("risks", RiskViewSet)
    router.register("risk-controls", RiskControlViewSet)
    router.register("risk-actions", RiskActionViewSet)
    router.register("risk-reviews", RiskReviewViewSet)
    router.register("risk-matrices", RiskMatrixViewSet)
    router.register("risk-proposals", RiskProposalViewSet)
