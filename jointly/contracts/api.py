"""API for contracts, funding shares, variations (with approve/reject), procurement and COI.

Same rules as the pages: commissioners edit; other members read; providers read only the
contracts where their organisation is the provider (and nothing of procurement).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.contracts import actions, exporting, rules
from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    ContractDocument,
    ContractSubcontractor,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    ServiceKind,
    Variation,
    VariationStatus,
    directorate_problem,
)
from jointly.core import asat, imports, scoping, uploads
from jointly.core.api import Conflict, ScopedPrimaryKeyRelatedField, ScopedViewSet, VersionedModelSerializer
from jointly.core.approvals import FourEyesError
from jointly.core.models import StaleEdit
from jointly.core.rules import current
from jointly.intentions.models import Intention
from jointly.outcomes.models import Outcome
from jointly.partnerships.api import org_field, partnership_field
from jointly.services.models import Service

_OWN = {"every": Perm.VIEW_CONTRACTS, "own": Perm.VIEW_OWN_CONTRACTS}
scoping.register(Contract, "partnership", "provider", **_OWN)
for _model in (FundingShare, Variation, ContractDocument, ContractSubcontractor):
    scoping.register(_model, "contract__partnership", "contract__provider", **_OWN)
scoping.register(ProcurementProject, "partnership", every=Perm.VIEW_CONTRACTS)
scoping.register(ProcurementStage, "project__partnership", every=Perm.VIEW_CONTRACTS)
scoping.register(ConflictOfInterest, "project__partnership", every=Perm.VIEW_CONTRACTS)


def _current(serializer: serializers.Serializer, attrs: dict[str, Any], name: str) -> Any:
    return current(attrs, serializer.instance, name)


class ContractSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    provider = org_field(allow_null=True, required=False)
    lead_commissioner = org_field(allow_null=True, required=False)
    coordinating_commissioner = org_field(allow_null=True, required=False)
    services = ScopedPrimaryKeyRelatedField(many=True, required=False, queryset=Service.objects.all())
    intentions = ScopedPrimaryKeyRelatedField(many=True, required=False, queryset=Intention.objects.all())
    outcomes = ScopedPrimaryKeyRelatedField(many=True, required=False, queryset=Outcome.objects.all())
    current_value = serializers.SerializerMethodField()
    current_end_date = serializers.SerializerMethodField()
    value_by_year = serializers.SerializerMethodField(
        help_text="The contract's value in each financial year (2014/15: amount) after approved variations"
    )
    current_status = serializers.SerializerMethodField(
        help_text="not_started, live, in_notice, extended, expired or terminated: from the dates and the "
        "approved variations in force, as at ?as_at= (default: the partnership's today)"
    )

    class Meta:
        model = Contract
        fields = [
            "id", "partnership", "reference", "title", "description", "provider", "lead_commissioner",
            "coordinating_commissioner", "contract_type", "status", "current_status", "start_date", "end_date",
            "value", "current_value", "current_end_date", "value_by_year", "extension_count", "extension_months",
            "notice_months", "efficiency_percent", "efficiency_from", "bundle", "services",
            "intentions", "outcomes", "ocid", "source", "illustrative", "version",
        ]  # fmt: skip
        read_only_fields = ["ocid", "source"]
        validators: list[Any] = []

    _row: tuple[Contract, Any] | None = None

    def to_representation(self, instance: Contract) -> dict[str, Any]:
        # Three fields read the current terms (the value schedule is the dearest part of a row):
        # work them out once per row.
        self._row = (instance, instance.current_terms())
        try:
            return super().to_representation(instance)
        finally:
            self._row = None

    def _terms(self, obj: Contract) -> Any:
        if self._row is not None and self._row[0] is obj:
            return self._row[1]
        return obj.current_terms()

    def get_current_value(self, obj: Contract) -> str | None:
        value = self._terms(obj).value
        return None if value is None else f"{value:.2f}"

    def get_current_end_date(self, obj: Contract) -> str:
        return self._terms(obj).end_date.isoformat()

    def get_current_status(self, obj: Contract) -> str:
        return obj.status_as_at(asat.for_serializer(self.context, obj.partnership))

    def get_value_by_year(self, obj: Contract) -> dict[str, str]:
        return {year: f"{amount:.2f}" for year, amount in self._terms(obj).by_year.items()}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        partnership = _current(self, attrs, "partnership")
        errors: dict[str, str] = {}
        member_ids = set(partnership.members.values_list("organisation_id", flat=True))
        for name in ("lead_commissioner", "coordinating_commissioner"):
            org = _current(self, attrs, name)
            if org is not None and org.pk not in member_ids:
                errors[name] = f"{org.name} is not a member of this partnership."
        provider = attrs.get("provider")
        if provider is not None and provider.pk not in member_ids:
            errors["provider"] = f"{provider.name} is not a member of this partnership."
        for name, path in (("services", "partnership_id"), ("intentions", "partnership_id")):
            if any(getattr(o, path) != partnership.pk for o in _current(self, attrs, name) or []):
                errors[name] = f"The {name} must belong to this partnership."
        if any(o.framework.partnership_id != partnership.pk for o in _current(self, attrs, "outcomes") or []):
            errors["outcomes"] = "Outcomes must belong to this partnership's frameworks."
        names = (
            "start_date",
            "end_date",
            "extension_count",
            "extension_months",
            "efficiency_percent",
            "efficiency_from",
        )
        errors.update(rules.contract_terms(*(_current(self, attrs, n) for n in names)))
        value = _current(self, attrs, "value")
        if value is not None and value < 0:
            errors["value"] = "The value cannot be negative."
        ref = (_current(self, attrs, "reference") or "").strip()
        errors.update(rules.contract_reference(partnership, ref, self.instance))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ProviderScopedViewSet(ScopedViewSet):
    """Full read for VIEW_CONTRACTS; providers (VIEW_OWN_CONTRACTS) read only their contracts."""

    read_perm = Perm.VIEW_CONTRACTS
    write_perm = Perm.EDIT_CONTRACTS
    own_perm = Perm.VIEW_OWN_CONTRACTS
    provider_paths = ("provider",)


class OcdsJSONParser(JSONParser):
    """JSON through the import kernel: UTF-8, a depth limit, no NaN/Infinity, a clear 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return imports.load_json(stream.read() if stream is not None else b"", limits=uploads.limits())
        except imports.ImportRefused as exc:
            raise ParseError("; ".join(str(p) for p in exc.problems)) from exc


class _OcdsReleaseResultSerializer(serializers.Serializer):
    ocid = serializers.CharField()
    id = serializers.CharField()
    created = serializers.CharField(help_text="What was created (blank when nothing was)")
    skipped = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="Publisher quirks that changed nothing stored (a link dropped)",
    )
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="How buyer and suppliers were matched"
    )


class OcdsImportResultSerializer(serializers.Serializer):
    """Documents the answer of ``POST /api/v1/contracts/ocds-import/``."""

    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    contracts_created = serializers.IntegerField()
    procurements_created = serializers.IntegerField()
    organisations_created = serializers.IntegerField()
    releases = _OcdsReleaseResultSerializer(many=True)


class ContractViewSet(ProviderScopedViewSet):
    queryset = Contract.objects.select_related(
        "partnership", "provider", "lead_commissioner", "coordinating_commissioner"
    ).prefetch_related(
        Prefetch("variations", queryset=Variation.objects.order_by("effective_date", "id")),
        "services", "intentions", "outcomes",
    )  # fmt: skip
    serializer_class = ContractSerializer
    filterset_fields = ["partnership__slug", "status", "contract_type"]
    MONEY_FIELDS = frozenset({"value", "efficiency_percent", "efficiency_from", "version"})

    def _check_write(self, partnership: Any) -> None:
        """Commissioners change contracts; the finance role may PATCH a contract's money only
        (``value``, ``efficiency_percent``, ``efficiency_from``)."""
        data = self.request.data
        if (
            self.action == "partial_update"
            and isinstance(data, dict)
            and set(data) <= self.MONEY_FIELDS
            and has_permission(self.request.user, Perm.EDIT_CONTRACT_MONEY, partnership)
        ):
            return
        super()._check_write(partnership)

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", OpenApiTypes.STR, required=True, description="Partnership slug"),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=["release", "record"], description="Default: release"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        description="An OCDS 1.1 release package (or record package with ``kind=record``) of the "
        "partnership's contracts, as defined by the Open Contracting Data Standard schema.",
    )
    @action(detail=False, methods=["get"], url_path="ocds")
    def ocds(self, request: Request) -> Response:
        """OCDS 1.1 release package (``?partnership=SLUG``, ``&kind=record`` for a record package)."""
        partnership = get_object_or_404(
            visible_partnerships(request.user), slug=request.query_params.get("partnership")
        )
        if not has_permission(request.user, Perm.VIEW_CONTRACTS, partnership):
            raise PermissionDenied("Your role does not allow reading the partnership's contracts.")
        kind = request.query_params.get("kind", "release")
        if kind not in ("release", "record"):
            raise serializers.ValidationError({"kind": "Use release or record."})
        return Response(
            exporting.ocds_package(partnership, kind=kind, base_uri=request.build_absolute_uri("/"))
        )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action == "ocds_import":  # size and role before anything reads the body
            uploads.guard_api_upload(request, uploads.max_upload_bytes(), check_role=self._check_ocds_import)
        super().initial(request, *args, **kwargs)

    def _check_ocds_import(self, user: Any) -> None:
        partnership = get_object_or_404(
            visible_partnerships(user), slug=self.request.query_params.get("partnership")
        )
        if not has_permission(user, self.write_perm, partnership):
            raise PermissionDenied("Your role does not allow changes here.")

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", OpenApiTypes.STR, required=True, description="Partnership slug")
        ],
        request={"application/json": OpenApiRequest(OpenApiTypes.OBJECT)},
        responses={201: OcdsImportResultSerializer},
        description="Import an OCDS 1.1 release package (JSON body): whole or nothing. A refused "
        "package answers 400 with the same body as 201, ``ok`` false and the ``problems``.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="ocds-import",
        parser_classes=[OcdsJSONParser, MultiPartParser],
    )
    def ocds_import(self, request: Request) -> Response:
        """Import an OCDS release package (``?partnership=SLUG``; a JSON body, or a multipart ``file``):
        whole or nothing. 413 over ``JOINTLY_MAX_UPLOAD_BYTES``; 400 listing every problem."""
        partnership = get_object_or_404(
            visible_partnerships(request.user), slug=request.query_params.get("partnership")
        )
        self._check_write(partnership)
        data: Any = request.data
        upload = request.FILES.get("file") if hasattr(data, "getlist") else None
        if upload is not None:
            try:
                imports.check_size(upload.size, uploads.limits())
                data = imports.load_json(upload.file, limits=uploads.limits())
            except imports.ImportRefused as exc:
                return Response({"ok": False, "problems": [str(p) for p in exc.problems]}, status=400)
        _log, result = actions.logged_import_ocds(
            partnership, data, by=request.user, file_name=upload.name if upload is not None else "API request"
        )  # the report is kept with an import log, as for the page and the command line
        body = {
            "ok": result.ok, "problems": result.problems,
            "contracts_created": result.contracts_created,
            "procurements_created": result.procurements_created,
            "organisations_created": result.organisations_created,
            "warnings": result.warnings,
            "releases": [{"ocid": r.ocid, "id": r.release_id, "created": r.created, "skipped": r.skipped,
                          "warnings": r.warnings, "notes": r.notes}
                         for r in result.reports],
        }  # fmt: skip
        return Response(body, status=status.HTTP_201_CREATED if result.ok else status.HTTP_400_BAD_REQUEST)


def _contract_field() -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=Contract.objects.select_related("partnership"))


class FundingShareSerializer(VersionedModelSerializer):
    contract = _contract_field()
    commissioner = org_field()

    class Meta:
        model = FundingShare
        fields = [
            "id", "contract", "commissioner", "financial_year", "funding_stream", "amount",
            "ring_fenced_public_health", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        contract = _current(self, attrs, "contract")
        errors = {}
        commissioner = _current(self, attrs, "commissioner")
        if not contract.partnership.members.filter(organisation=commissioner).exists():
            errors["commissioner"] = f"{commissioner.name} is not a member of this partnership."
        elif problem := directorate_problem(commissioner):
            errors["commissioner"] = problem
        names = ("amount", "ring_fenced_public_health", "funding_stream")
        errors.update(rules.funding_amount(*(_current(self, attrs, n) for n in names)))
        year, stream = _current(self, attrs, "financial_year"), _current(self, attrs, "funding_stream")
        errors.update(rules.funding_share(contract, commissioner, year, stream, instance=self.instance))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class FundingShareViewSet(ProviderScopedViewSet):
    write_perm = Perm.EDIT_CONTRACT_MONEY  # finance and commissioners
    queryset = FundingShare.objects.select_related("contract__partnership", "commissioner")
    serializer_class = FundingShareSerializer
    partnership_path = "contract__partnership"
    provider_paths = ("contract__provider",)
    filterset_fields = ["contract", "financial_year", "funding_stream"]


class VariationSerializer(VersionedModelSerializer):
    contract = _contract_field()
    decided_by = serializers.SerializerMethodField()
    proposed_by = serializers.SerializerMethodField()

    class Meta:
        model = Variation
        fields = [
            "id", "contract", "kind", "description", "value_change", "new_end_date", "effective_date",
            "status", "proposed_by", "decided_by", "decided_on", "reason", "version",
        ]  # fmt: skip
        read_only_fields = ["status", "decided_on", "reason"]

    def get_decided_by(self, obj: Variation) -> str | None:
        return obj.decided_by.display_name if obj.decided_by_id else None

    def get_proposed_by(self, obj: Variation) -> str | None:
        """Who proposed it (they cannot approve or reject it); null when not recorded."""
        return obj.proposed_by.display_name if obj.proposed_by_id else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if problems := rules.variation_open(self.instance):
            raise serializers.ValidationError(problems)
        if self.instance is not None and "contract" in attrs and attrs["contract"] != self.instance.contract:
            raise serializers.ValidationError({"contract": "A variation cannot move to another contract."})
        contract = _current(self, attrs, "contract")
        kind, value, new_end = (_current(self, attrs, n) for n in ("kind", "value_change", "new_end_date"))
        errors = rules.variation_terms(contract, kind, value, new_end)
        errors.update(
            rules.variation_in_term(contract, _current(self, attrs, "effective_date"), self.instance)
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


@extend_schema_serializer(component_name="VariationDecision")
class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(min_value=1)


class VariationRefusalSerializer(serializers.Serializer):
    """A 409 on approve/reject: ``status`` when the variation's state refuses it, ``detail`` when stale."""

    status = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)


_DECIDE_SCHEMA = extend_schema(
    request=DecisionSerializer, responses={200: VariationSerializer, 409: VariationRefusalSerializer}
)


class VariationViewSet(ProviderScopedViewSet):
    queryset = Variation.objects.select_related("contract__partnership", "decided_by", "proposed_by")
    serializer_class = VariationSerializer
    partnership_path = "contract__partnership"
    provider_paths = ("contract__provider",)
    filterset_fields = ["contract", "status", "kind"]

    def perform_destroy(self, instance: Variation) -> None:
        """A proposal can be withdrawn (deleted); a decided variation is a record of someone's
        decision and is kept (409)."""
        if instance.status != VariationStatus.PROPOSED:
            self._check_write(instance.contract.partnership)
            raise Conflict(
                f"This variation was {instance.get_status_display().lower()} and is kept as the record "
                "of that decision. Nothing was deleted.",
                code="protected",
            )
        super().perform_destroy(instance)

    def _decide(self, request: Request, approve: bool) -> Response:
        variation = self.get_object()
        if not has_permission(request.user, Perm.APPROVE_VARIATIONS, variation.contract.partnership):
            raise PermissionDenied("Your role does not allow approving or rejecting variations.")
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.decide_variation(
                variation, approve=approve, reason=data.validated_data["reason"],
                expected_version=data.validated_data["version"], by=request.user,
            )  # fmt: skip
        except actions.ChangeControlError as exc:
            return Response({"status": str(exc)}, status=status.HTTP_409_CONFLICT)
        except FourEyesError as exc:
            raise PermissionDenied(str(exc), code="four_eyes") from None
        except StaleEdit:
            raise
        variation.refresh_from_db()
        return Response(VariationSerializer(variation, context=self.get_serializer_context()).data)

    @_DECIDE_SCHEMA
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a proposed variation (needs ``reason`` and the ``version`` you read)."""
        return self._decide(request, True)

    @_DECIDE_SCHEMA
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject a proposed variation (needs ``reason`` and the ``version`` you read)."""
        return self._decide(request, False)


class DocumentSerializer(VersionedModelSerializer):
    contract = _contract_field()

    class Meta:
        model = ContractDocument
        fields = ["id", "contract", "title", "url", "kind", "version"]


class DocumentViewSet(ProviderScopedViewSet):
    queryset = ContractDocument.objects.select_related("contract__partnership")
    serializer_class = DocumentSerializer
    partnership_path = "contract__partnership"
    provider_paths = ("contract__provider",)
    filterset_fields = ["contract"]


class SubcontractorSerializer(VersionedModelSerializer):
    contract = _contract_field()
    organisation = org_field()

    class Meta:
        model = ContractSubcontractor
        fields = ["id", "contract", "organisation", "role", "version"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        contract, org = _current(self, attrs, "contract"), _current(self, attrs, "organisation")
        if problems := rules.subcontractor(contract, org, self.instance):
            raise serializers.ValidationError(problems)
        return attrs


class SubcontractorViewSet(ProviderScopedViewSet):
    queryset = ContractSubcontractor.objects.select_related("contract__partnership", "organisation")
    serializer_class = SubcontractorSerializer
    partnership_path = "contract__partnership"
    provider_paths = ("contract__provider",)
    filterset_fields = ["contract"]


# --- procurement (not for providers) -----------------------------------------------------------


def _route_errors(serializer: serializers.Serializer, attrs: dict[str, Any]) -> dict[str, str]:
    """The model's route rule (:meth:`ProcurementProject.route_problem`), checked before saving."""
    probe = ProcurementProject(
        route=_current(serializer, attrs, "route") or "",
        start_date=_current(serializer, attrs, "start_date"),
        service_kind=_current(serializer, attrs, "service_kind") or ServiceKind.HEALTHCARE,
        lead_commissioner=_current(serializer, attrs, "lead_commissioner"),
    )
    problem = probe.route_problem() if probe.route else None
    if problem is None:
        return {}
    return {"start_date" if probe.start_date is None else "route": problem}


class ProcurementSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    law_in_force = serializers.SerializerMethodField(
        help_text="The procurement law in force when the procurement began (from its date, buyer and service)"
    )
    lead_commissioner = org_field(allow_null=True, required=False)
    intentions = ScopedPrimaryKeyRelatedField(many=True, required=False, queryset=Intention.objects.all())
    replaces = ScopedPrimaryKeyRelatedField(many=True, required=False, queryset=Contract.objects.all())
    resulting_contract = ScopedPrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=Contract.objects.all()
    )

    class Meta:
        model = ProcurementProject
        fields = [
            "id", "partnership", "reference", "title", "description", "lead_commissioner", "start_date",
            "service_kind", "route", "law_in_force", "status", "estimated_value", "intentions", "replaces",
            "resulting_contract", "ocid", "source", "illustrative", "version",
        ]  # fmt: skip
        read_only_fields = ["ocid", "source"]
        validators: list[Any] = []

    def get_law_in_force(self, obj: ProcurementProject) -> str:
        return obj.regimes_text()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        partnership = _current(self, attrs, "partnership")
        errors = {}
        lead = _current(self, attrs, "lead_commissioner")
        if lead is not None and not partnership.members.filter(organisation=lead).exists():
            errors["lead_commissioner"] = f"{lead.name} is not a member of this partnership."
        for name in ("intentions", "replaces"):
            if any(o.partnership_id != partnership.pk for o in _current(self, attrs, name) or []):
                errors[name] = f"The {name} must belong to this partnership."
        result = _current(self, attrs, "resulting_contract")
        if result is not None and result.partnership_id != partnership.pk:
            errors["resulting_contract"] = "The contract must belong to this partnership."
        value = _current(self, attrs, "estimated_value")
        if value is not None and value < 0:
            errors["estimated_value"] = "Cannot be negative."
        errors.update(_route_errors(self, attrs))
        errors.update(
            rules.procurement_reference(partnership, _current(self, attrs, "reference"), self.instance)
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ProcurementViewSet(ScopedViewSet):
    read_perm = Perm.VIEW_CONTRACTS
    write_perm = Perm.EDIT_CONTRACTS
    queryset = ProcurementProject.objects.select_related("partnership", "lead_commissioner").prefetch_related(
        "intentions", "replaces"
    )
    serializer_class = ProcurementSerializer
    filterset_fields = ["partnership__slug", "status", "route"]


def _project_field() -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=ProcurementProject.objects.select_related("partnership"))


class StageSerializer(VersionedModelSerializer):
    project = _project_field()

    class Meta:
        model = ProcurementStage
        fields = ["id", "project", "stage", "planned_date", "actual_date", "notes", "version"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        project, stage = _current(self, attrs, "project"), _current(self, attrs, "stage")
        if problems := rules.procurement_stage(project, stage, self.instance):
            raise serializers.ValidationError(problems)
        return attrs


class StageViewSet(ScopedViewSet):
    read_perm = Perm.VIEW_CONTRACTS
    write_perm = Perm.EDIT_CONTRACTS
    queryset = ProcurementStage.objects.select_related("project__partnership")
    serializer_class = StageSerializer
    partnership_path = "project__partnership"
    filterset_fields = ["project", "stage"]


class ConflictSerializer(VersionedModelSerializer):
    project = _project_field()

    class Meta:
        model = ConflictOfInterest
        fields = [
            "id", "project", "person", "person_role", "interest", "declared_on", "decision",
            "decision_notes", "version",
        ]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        decision = _current(self, attrs, "decision") or "pending"
        if decision != "pending" and not (_current(self, attrs, "decision_notes") or "").strip():
            raise serializers.ValidationError({"decision_notes": "Record why this decision was taken."})
        return attrs


class ConflictViewSet(ScopedViewSet):
    read_perm = Perm.VIEW_CONTRACTS
    write_perm = Perm.EDIT_CONTRACTS
    queryset = ConflictOfInterest.objects.select_related("project__partnership")
    serializer_class = ConflictSerializer
    partnership_path = "project__partnership"
    filterset_fields = ["project", "decision"]


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("contracts", ContractViewSet)
    router.register("funding-shares", FundingShareViewSet)
    router.register("variations", VariationViewSet)
    router.register("contract-documents", DocumentViewSet)
    router.register("subcontractors", SubcontractorViewSet)
    router.register("procurements", ProcurementViewSet)
    router.register("procurement-stages", StageViewSet)
    router.register("conflicts-of-interest", ConflictViewSet)
