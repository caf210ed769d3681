"""Finance API: funds, risk-share rules, contributions, budget lines and their yearly budgets,
monthly actuals and forecasts, savings plans, programmes, schemes, planned savings and deliveries,
budget models (sections, lines, amounts, assumptions) and stated figures; a fund's position.

Same rules as the pages: finance officers and partnership admins write, other members read,
providers see nothing (404, as for a record that does not exist). Money is a decimal string with
two decimals; a stale ``version`` is refused with 409.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm
from jointly.contracts.models import Contract
from jointly.core import asat, scoping
from jointly.core import rules as core_rules
from jointly.core.api import Conflict, ScopedPrimaryKeyRelatedField, ScopedViewSet, VersionedModelSerializer
from jointly.core.approvals import FourEyesError
from jointly.finance import actions, calc, queries, rules
from jointly.finance.models import (
    BudgetAssumption,
    BudgetLine,
    BudgetModel,
    BudgetModelAmount,
    BudgetModelLine,
    BudgetSection,
    ChangeStatus,
    Contribution,
    FixedShare,
    Fund,
    FundChange,
    LineBudget,
    MonthlyFigure,
    PlannedSaving,
    PublicHealthAssurance,
    PublicHealthConsultation,
    RiskShareRule,
    SavingDelivery,
    SavingsPlan,
    SavingsProgramme,
    SavingsScheme,
    StatedFigure,
)
from jointly.intentions.models import Intention
from jointly.partnerships.api import org_field, partnership_field
from jointly.partnerships.models import Agreement, Board, Partnership
from jointly.services.models import Service

VIEW, EDIT = Perm.VIEW_FINANCE, Perm.EDIT_FINANCE

PATHS: dict[type, str] = {
    Fund: "partnership",
    RiskShareRule: "fund__partnership",
    FixedShare: "rule__fund__partnership",
    Contribution: "fund__partnership",
    BudgetLine: "fund__partnership",
    LineBudget: "line__fund__partnership",
    MonthlyFigure: "line__fund__partnership",
    SavingsPlan: "partnership",
    SavingsProgramme: "plan__partnership",
    SavingsScheme: "programme__plan__partnership",
    PlannedSaving: "scheme__programme__plan__partnership",
    SavingDelivery: "scheme__programme__plan__partnership",
    BudgetModel: "partnership",
    BudgetSection: "model__partnership",
    BudgetModelLine: "section__model__partnership",
    BudgetModelAmount: "line__section__model__partnership",
    BudgetAssumption: "model__partnership",
    StatedFigure: "partnership",
    FundChange: "fund__partnership",
    PublicHealthConsultation: "partnership",
    PublicHealthAssurance: "partnership",
}
for _model, _path in PATHS.items():
    scoping.register(_model, _path, every=VIEW)


def scoped(model: type, **kwargs: Any) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=model.objects.all(), **kwargs)


def _home(value: Any, model: type) -> Any:
    """The partnership a related record belongs to."""
    obj = value
    for part in PATHS[model].split("__"):
        obj = getattr(obj, part)
    return obj


class FinanceSerializer(VersionedModelSerializer):
    """Checks that every related finance record belongs to the same partnership."""

    same_partnership: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = partial(core_rules.current, attrs, self.instance)
        errors: dict[str, str] = {}
        homes = {}
        for name in self.same_partnership:
            value = current(name)
            if value is None:
                continue
            model = type(value)
            if isinstance(value, Partnership):
                homes[name] = value
            else:
                homes[name] = _home(value, model) if model in PATHS else value.partnership
        if len({h.pk for h in homes.values()}) > 1:
            first = next(iter(homes))
            for name in list(homes)[1:]:
                if homes[name].pk != homes[first].pk:
                    errors[name] = "Must belong to the same partnership."
        errors.update(self.check_rules(current))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def check_rules(self, current: Any) -> dict[str, str]:
        return {}


class FinanceViewSet(ScopedViewSet):
    read_perm = VIEW
    write_perm = EDIT


def finance_viewset(
    model: type,
    serializer: type,
    filters: list[str],
    *,
    related: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
    base: type[FinanceViewSet] = FinanceViewSet,
) -> type[FinanceViewSet]:
    """A finance viewset over ``model``: scoped by its path to the partnership (``PATHS``), which
    it also selects, with ``related`` selected and ``prefetch`` prefetched."""
    path = PATHS[model]
    queryset = model.objects.select_related(path, *related)  # type: ignore[attr-defined]
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    attrs = {
        "__module__": __name__,
        "__qualname__": f"{model.__name__}ViewSet",
        "queryset": queryset,
        "serializer_class": serializer,
        "partnership_path": path,
        "filterset_fields": filters,
    }
    return type(f"{model.__name__}ViewSet", (base,), attrs)


# --- funds -----------------------------------------------------------------------------------


class FundSerializer(FinanceSerializer):
    partnership = partnership_field()
    agreement = scoped(Agreement, allow_null=True, required=False)
    host = org_field(allow_null=True, required=False)
    manager = org_field(allow_null=True, required=False)
    change_board = scoped(Board, allow_null=True, required=False)
    same_partnership = ("partnership", "agreement", "change_board")

    class Meta:
        model = Fund
        fields = [
            "id", "partnership", "agreement", "slug", "name", "kind", "host", "manager", "description", "year_end",
            "change_board", "illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        return core_rules.unique(
            Fund.objects.filter(partnership=current("partnership"), slug=current("slug")), self.instance, "slug",
            "A fund with this short name already exists in the partnership.",
        )  # fmt: skip


POSITION = inline_serializer(
    "FundPosition",
    {
        "financial_year": serializers.CharField(),
        "month": serializers.IntegerField(),
        "budget": serializers.DecimalField(max_digits=14, decimal_places=2),
        "actual_to_date": serializers.DecimalField(max_digits=14, decimal_places=2),
        "forecast_outturn": serializers.DecimalField(max_digits=14, decimal_places=2),
        "variance": serializers.DecimalField(max_digits=14, decimal_places=2),
        "overspend": serializers.BooleanField(),
        "committed": serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            help_text="Spend other apps have committed: forecast, never budget",
        ),
        "partners": serializers.ListField(child=serializers.DictField()),
        "problem": serializers.CharField(),
    },
    many=True,
)


def _money(value: Any) -> str:
    return f"{value.quantize(calc.PENNY):f}"


class FundViewSet(FinanceViewSet):
    queryset = Fund.objects.select_related("partnership", "agreement", "host", "manager")
    serializer_class = FundSerializer
    filterset_fields = ["partnership__slug", "kind"]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_at", str, description="YYYY-MM or YYYY-MM-DD: the last closed month")
        ],
        responses=POSITION,
    )
    @action(detail=True, methods=["get"])
    def position(self, request: Request, pk: Any = None) -> Response:
        """The fund's position by year as at a month, and each partner's share of the variance."""
        fund = self.get_object()
        fund = queries.funds(fund.partnership).get(pk=fund.pk)
        day = asat.requested_as_at(request)
        out = []
        for fy in queries.fund_positions(fund, queries.AsAt.of(day) if day else None):
            pos = fy.position
            committed = calc.total(
                c.amount for c in queries.commitments(fund.partnership, fy.financial_year, [fund]) if c.fund
            )
            out.append({
                "financial_year": fy.financial_year, "month": fy.month, "budget": _money(pos.budget),
                "actual_to_date": _money(pos.actual_to_date), "forecast_outturn": _money(pos.forecast_outturn),
                "variance": _money(pos.variance), "overspend": pos.overspend, "committed": _money(committed), "problem": fy.problem,
                "partners": [{"organisation": p.organisation.slug if p.organisation else None,
                              "contribution": _money(p.contribution), "share_of_variance": _money(p.share)}
                             for p in fy.partners],
            })  # fmt: skip
        return Response(out)


class FixedShareSerializer(serializers.Serializer):
    organisation = org_field()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class RiskShareRuleSerializer(FinanceSerializer):
    fund = scoped(Fund)
    shares = FixedShareSerializer(many=True, required=False, help_text="Fixed percentages (method 'fixed')")

    class Meta:
        model = RiskShareRule
        fields = [
            "id", "fund", "applies_to", "order", "method", "cap_amount", "cap_percent", "shares", "illustrative",
            "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        data["shares"] = [{"organisation": s.organisation.slug, "percent": f"{s.percent:.2f}"}
                          for s in instance.shares.all()]  # fmt: skip
        return data

    def check_rules(self, current: Any) -> dict[str, str]:
        errors = rules.cap(current("cap_amount"), current("cap_percent"))
        errors.update(rules.pooled_only(current("fund"), current("method")))
        shares = self.initial_data.get("shares") if isinstance(self.initial_data, dict) else None
        if current("method") == calc.FIXED:
            given = self.validated_shares() if shares is not None else (
                [{"percent": s.percent} for s in self.instance.shares.all()] if self.instance else [])  # fmt: skip
            errors.update(rules.percentages([s["percent"] for s in given]))
        clash = RiskShareRule.objects.filter(
            fund=current("fund"), applies_to=current("applies_to"), order=current("order")
        )
        errors.update(
            core_rules.unique(clash, self.instance, "order", "The fund already has a rule in this place.")
        )
        return errors

    def validated_shares(self) -> list[dict[str, Any]]:
        field = self.fields["shares"]
        return field.run_validation(self.initial_data.get("shares"))

    def _save_shares(self, rule: RiskShareRule, shares: list[dict[str, Any]] | None) -> None:
        if shares is None:
            return
        rule.shares.all().delete()
        for s in shares:
            FixedShare.objects.create(rule=rule, organisation=s["organisation"], percent=s["percent"])

    def create(self, validated_data: dict[str, Any]) -> Any:
        shares = validated_data.pop("shares", None)
        with transaction.atomic():
            rule = super().create(validated_data)
            self._save_shares(rule, shares)
        return rule

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        shares = validated_data.pop("shares", None)
        with transaction.atomic():
            rule = super().update(instance, validated_data)
            self._save_shares(rule, shares)
        return rule


RiskShareRuleViewSet = finance_viewset(
    RiskShareRule, RiskShareRuleSerializer, ["fund", "applies_to"], prefetch=("shares__organisation",)
)


class ContributionSerializer(FinanceSerializer):
    fund = scoped(Fund)
    organisation = org_field()

    class Meta:
        model = Contribution
        fields = [
            "id", "fund", "organisation", "financial_year", "amount", "funding_source", "illustrative", "source",
            "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        errors = rules.amount(current("amount"), negative=False)
        errors.update(rules.financial_year(current("financial_year")))
        if not errors:
            from jointly.core import periods

            year = periods.parse(current("financial_year"), periods.Kind.FINANCIAL_YEAR).text
            clash = Contribution.objects.filter(fund=current("fund"), organisation=current("organisation"),
                                                financial_year=year)  # fmt: skip
            errors.update(core_rules.unique(clash, self.instance, "financial_year",
                                            "This partner already has a contribution for this year."))  # fmt: skip
        return errors


ContributionViewSet = finance_viewset(
    Contribution, ContributionSerializer, ["fund", "financial_year"], related=("organisation",)
)


class BudgetLineSerializer(FinanceSerializer):
    fund = scoped(Fund)
    owner = org_field(allow_null=True, required=False)
    contract = scoped(Contract, allow_null=True, required=False)
    service = scoped(Service, allow_null=True, required=False)
    intention = scoped(Intention, allow_null=True, required=False)
    same_partnership = ("fund", "contract", "service", "intention")

    class Meta:
        model = BudgetLine
        fields = [
            "id", "fund", "code", "name", "owner", "funding_source", "public_health", "ph_category", "contract", "service",
            "intention", "illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        errors = rules.line_owner(current("fund"), current("owner"))
        clash = BudgetLine.objects.filter(fund=current("fund"), code=current("code"))
        errors.update(
            core_rules.unique(clash, self.instance, "code", "The fund already has a line with this code.")
        )
        return errors


BudgetLineViewSet = finance_viewset(
    BudgetLine, BudgetLineSerializer, ["fund", "public_health", "funding_source"], related=("owner",)
)


class LineBudgetSerializer(FinanceSerializer):
    line = scoped(BudgetLine)

    class Meta:
        model = LineBudget
        fields = ["id", "line", "financial_year", "amount", "version"]
        validators: list[Any] = []


LineBudgetViewSet = finance_viewset(LineBudget, LineBudgetSerializer, ["line", "financial_year"])


class MonthlyFigureSerializer(FinanceSerializer):
    line = scoped(BudgetLine)
    fund = scoped(Fund, write_only=True, required=False,
                  help_text="Optional: the fund the line must belong to (refused if it does not)")  # fmt: skip

    class Meta:
        model = MonthlyFigure
        fields = [
            "id", "fund", "line", "financial_year", "month", "actual", "forecast_outturn", "illustrative", "source",
            "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        fund = attrs.pop("fund", None)
        attrs = super().validate(attrs)
        line = core_rules.current(attrs, self.instance, "line")
        problems = rules.line_in_fund(line, fund)
        if problems:
            raise serializers.ValidationError(problems)
        return attrs

    def check_rules(self, current: Any) -> dict[str, str]:
        errors = rules.month(current("month"))
        if current("actual") is None and current("forecast_outturn") is None:
            errors["actual"] = "Give the month's actual spend, the forecast outturn, or both."
        return errors


MonthlyFigureViewSet = finance_viewset(
    MonthlyFigure, MonthlyFigureSerializer, ["line", "financial_year", "month"]
)


# --- savings ---------------------------------------------------------------------------------


class SavingsPlanSerializer(FinanceSerializer):
    partnership = partnership_field()
    owner = org_field(allow_null=True, required=False)

    class Meta:
        model = SavingsPlan
        fields = ["id", "partnership", "slug", "name", "owner", "first_year", "last_year", "illustrative", "source",
                  "version"]  # fmt: skip
        validators: list[Any] = []


SavingsPlanViewSet = finance_viewset(
    SavingsPlan, SavingsPlanSerializer, ["partnership__slug"], related=("owner",)
)


class SavingsProgrammeSerializer(FinanceSerializer):
    plan = scoped(SavingsPlan)

    class Meta:
        model = SavingsProgramme
        fields = ["id", "plan", "name", "order", "version"]
        validators: list[Any] = []


SavingsProgrammeViewSet = finance_viewset(SavingsProgramme, SavingsProgrammeSerializer, ["plan"])


class SavingsSchemeSerializer(FinanceSerializer):
    programme = scoped(SavingsProgramme)
    lead = org_field(allow_null=True, required=False)
    budget_line = scoped(BudgetLine, allow_null=True, required=False)
    same_partnership = ("programme", "budget_line")

    class Meta:
        model = SavingsScheme
        fields = [
            "id", "programme", "name", "order", "lead", "contract", "intention", "budget_line", "recurrent", "gross",
            "unidentified", "start_date", "rag", "confidence", "benefits", "benefit_measure", "illustrative",
            "source", "version",
        ]  # fmt: skip
        read_only_fields = ["contract", "intention"]
        validators: list[Any] = []


SavingsSchemeViewSet = finance_viewset(
    SavingsScheme, SavingsSchemeSerializer, ["programme"], related=("lead",)
)


class PlannedSavingSerializer(FinanceSerializer):
    scheme = scoped(SavingsScheme)

    class Meta:
        model = PlannedSaving
        fields = ["id", "scheme", "financial_year", "amount", "full_year_effect", "phasing", "version"]
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        phasing = current("phasing") or []
        if phasing and (not isinstance(phasing, list) or len(phasing) != 12):
            return {"phasing": "Give twelve monthly amounts (April first), or none for an even spread."}
        for value in phasing:
            if problem := rules.amount(value, "phasing"):
                return problem
        return {}


PlannedSavingViewSet = finance_viewset(PlannedSaving, PlannedSavingSerializer, ["scheme", "financial_year"])


class SavingDeliverySerializer(FinanceSerializer):
    scheme = scoped(SavingsScheme)

    class Meta:
        model = SavingDelivery
        fields = ["id", "scheme", "financial_year", "month", "amount", "illustrative", "source", "version"]
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        return rules.month(current("month"))


SavingDeliveryViewSet = finance_viewset(
    SavingDelivery, SavingDeliverySerializer, ["scheme", "financial_year", "month"]
)


# --- budget models ---------------------------------------------------------------------------


class BudgetModelSerializer(FinanceSerializer):
    partnership = partnership_field()
    owner = org_field(allow_null=True, required=False)

    class Meta:
        model = BudgetModel
        fields = ["id", "partnership", "slug", "name", "owner", "units", "notes", "illustrative", "source",
                  "version"]  # fmt: skip
        validators: list[Any] = []


BudgetModelViewSet = finance_viewset(
    BudgetModel, BudgetModelSerializer, ["partnership__slug"], related=("owner",)
)


class BudgetSectionSerializer(FinanceSerializer):
    model = scoped(BudgetModel)

    class Meta:
        model = BudgetSection
        fields = ["id", "model", "name", "kind", "order", "version"]
        validators: list[Any] = []


BudgetSectionViewSet = finance_viewset(BudgetSection, BudgetSectionSerializer, ["model"])


class BudgetModelLineSerializer(FinanceSerializer):
    section = scoped(BudgetSection)

    class Meta:
        model = BudgetModelLine
        fields = ["id", "section", "name", "kind", "order", "version"]
        validators: list[Any] = []


BudgetModelLineViewSet = finance_viewset(BudgetModelLine, BudgetModelLineSerializer, ["section"])


class BudgetModelAmountSerializer(FinanceSerializer):
    line = scoped(BudgetModelLine)

    class Meta:
        model = BudgetModelAmount
        fields = ["id", "line", "financial_year", "amount", "version"]
        validators: list[Any] = []


BudgetModelAmountViewSet = finance_viewset(
    BudgetModelAmount, BudgetModelAmountSerializer, ["line", "financial_year"]
)


class BudgetAssumptionSerializer(FinanceSerializer):
    model = scoped(BudgetModel)

    class Meta:
        model = BudgetAssumption
        fields = ["id", "model", "name", "kind", "financial_year", "rate_percent", "applies_to", "illustrative",
                  "source", "version"]  # fmt: skip
        validators: list[Any] = []


BudgetAssumptionViewSet = finance_viewset(BudgetAssumption, BudgetAssumptionSerializer, ["model", "kind"])


class StatedFigureSerializer(FinanceSerializer):
    partnership = partnership_field()
    budget_model = scoped(BudgetModel, allow_null=True, required=False)
    budget_section = scoped(BudgetSection, allow_null=True, required=False)
    budget_model_line = scoped(BudgetModelLine, allow_null=True, required=False)
    savings_plan = scoped(SavingsPlan, allow_null=True, required=False)
    savings_programme = scoped(SavingsProgramme, allow_null=True, required=False)
    fund = scoped(Fund, allow_null=True, required=False)
    same_partnership = ("partnership", *StatedFigure.TARGETS)

    class Meta:
        model = StatedFigure
        fields = [
            "id", "partnership", "role", "label", "financial_year", "amount", *StatedFigure.TARGETS,
            "illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        named = [t for t in StatedFigure.TARGETS if current(t) is not None]
        if len(named) != 1:
            return {"non_field_errors": "Name exactly one thing the figure is stated for."}
        return {}


StatedFigureViewSet = finance_viewset(StatedFigure, StatedFigureSerializer, ["partnership__slug", "role"])


# --- change control and Public Health -----------------------------------------------------------


class FundChangeSerializer(FinanceSerializer):
    fund = scoped(Fund)
    line = scoped(BudgetLine, allow_null=True, required=False)
    from_line = scoped(BudgetLine, allow_null=True, required=False)
    organisation = org_field(allow_null=True, required=False)
    rule = scoped(RiskShareRule, allow_null=True, required=False)
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = FundChange
        fields = [
            "id", "fund", "kind", "financial_year", "description", "line", "from_line", "organisation", "amount",
            "rule", "shares", "previous", "status", "board", "decided_on", "decision_reference", "reason",
            "illustrative", "source", "version",
        ]  # fmt: skip
        read_only_fields = ["previous", "status", "decided_on", "decision_reference", "reason"]
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        errors = rules.financial_year(current("financial_year"))
        errors.update(rules.fund_change(
            current("fund"), current("kind"), line=current("line"), from_line=current("from_line"),
            organisation=current("organisation"), amount=current("amount"), rule=current("rule"),
            shares=current("shares"),
        ))  # fmt: skip
        if "shares" not in errors and current("kind") == "risk_share":
            errors.update(rules.known_organisations(current("shares")))
        return errors


class FundChangeDecisionSerializer(serializers.Serializer):
    board = serializers.SlugField(required=False, help_text="Approve: the board that decided (its slug)")
    decided_on = serializers.DateField(required=False, help_text="Approve: the date of the board's decision")
    decision_reference = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1)


class FundChangeRefusalSerializer(serializers.Serializer):
    status = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)


_DECIDE = extend_schema(
    request=FundChangeDecisionSerializer,
    responses={200: FundChangeSerializer, 409: FundChangeRefusalSerializer},
)


class FundChangeViewSetBase(FinanceViewSet):
    """Proposals can be changed or withdrawn while proposed; a decided change is the record of the
    board's decision and is kept (409)."""

    def _refuse_if_decided(self, instance: FundChange) -> None:
        if instance.status != ChangeStatus.PROPOSED:
            self._check_write(instance.fund.partnership)
            raise Conflict(f"This change was {instance.get_status_display().lower()}: it is kept as the record "
                           "of that decision.", code="protected")  # fmt: skip

    def perform_update(self, serializer: Any) -> None:
        self._refuse_if_decided(serializer.instance)
        super().perform_update(serializer)

    def perform_destroy(self, instance: FundChange) -> None:
        self._refuse_if_decided(instance)
        super().perform_destroy(instance)

    def _decide(self, request: Request, approve: bool) -> Response:
        change = self.get_object()
        self._check_write(change.fund.partnership)
        data = FundChangeDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        board = Board.objects.filter(partnership=change.fund.partnership, slug=v.get("board", "")).first()
        try:
            actions.decide_change(
                change, approve=approve, board=board, decided_on=v.get("decided_on"),
                decision_reference=v.get("decision_reference", ""), reason=v.get("reason", ""),
                expected_version=v["version"], by=request.user,
            )  # fmt: skip
        except actions.ChangeControlError as exc:
            return Response({"status": str(exc)}, status=status.HTTP_409_CONFLICT)
        except FourEyesError as exc:
            raise PermissionDenied(str(exc), code="four_eyes") from None
        change.refresh_from_db()
        return Response(FundChangeSerializer(change, context=self.get_serializer_context()).data)

    @_DECIDE
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Record the named board's approval (``board``, ``decided_on``, ``decision_reference``,
        ``version``): the change then alters the fund. Not by whoever proposed it."""
        return self._decide(request, True)

    @_DECIDE
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        """Reject a proposed change (``reason`` and ``version``)."""
        return self._decide(request, False)


FundChangeViewSet = finance_viewset(
    FundChange, FundChangeSerializer, ["fund", "status", "kind"], related=("board", "organisation"),
    base=FundChangeViewSetBase,
)  # fmt: skip


class PublicHealthConsultationSerializer(FinanceSerializer):
    partnership = partnership_field()
    fund_change = scoped(FundChange, allow_null=True, required=False)
    contract = scoped(Contract, allow_null=True, required=False)
    consulted = org_field()
    same_partnership = ("partnership", "fund_change", "contract")

    class Meta:
        model = PublicHealthConsultation
        fields = [
            "id", "partnership", "subject", "fund_change", "contract", "consulted", "consulted_on", "summary",
            "response", "responded_on", "notes", "illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        return rules.consultation(current("subject"), current("fund_change"), current("contract"),
                                  current("consulted_on"), current("responded_on"))  # fmt: skip


PublicHealthConsultationViewSet = finance_viewset(
    PublicHealthConsultation, PublicHealthConsultationSerializer, ["partnership__slug", "subject", "fund_change"],
    related=("consulted",),
)  # fmt: skip


class PublicHealthAssuranceSerializer(FinanceSerializer):
    partnership = partnership_field()
    organisation = org_field()

    class Meta:
        model = PublicHealthAssurance
        fields = [
            "id", "partnership", "organisation", "financial_year", "statement", "signed_by_post", "signed_on",
            "illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def check_rules(self, current: Any) -> dict[str, str]:
        errors = rules.financial_year(current("financial_year"))
        if not errors:
            from jointly.core import periods

            year = periods.parse(current("financial_year"), periods.Kind.FINANCIAL_YEAR).text
            clash = PublicHealthAssurance.objects.filter(
                partnership=current("partnership"), organisation=current("organisation"), financial_year=year
            )
            errors.update(core_rules.unique(clash, self.instance, "financial_year",
                                            "This organisation's statement for the year is already recorded."))  # fmt: skip
        return errors


PublicHealthAssuranceViewSet = finance_viewset(
    PublicHealthAssurance, PublicHealthAssuranceSerializer, ["partnership__slug", "financial_year"],
    related=("organisation",),
)  # fmt: skip


ROUTES: list[tuple[str, type[FinanceViewSet]]] = [
    ("funds", FundViewSet),
    ("risk-share-rules", RiskShareRuleViewSet),
    ("contributions", ContributionViewSet),
    ("budget-lines", BudgetLineViewSet),
    ("line-budgets", LineBudgetViewSet),
    ("monthly-figures", MonthlyFigureViewSet),
    ("savings-plans", SavingsPlanViewSet),
    ("savings-programmes", SavingsProgrammeViewSet),
    ("savings-schemes", SavingsSchemeViewSet),
    ("planned-savings", PlannedSavingViewSet),
    ("saving-deliveries", SavingDeliveryViewSet),
    ("budget-models", BudgetModelViewSet),
    ("budget-sections", BudgetSectionViewSet),
    ("budget-model-lines", BudgetModelLineViewSet),
    ("budget-model-amounts", BudgetModelAmountViewSet),
    ("budget-assumptions", BudgetAssumptionViewSet),
    ("stated-figures", StatedFigureViewSet),
    ("fund-changes", FundChangeViewSet),
    ("public-health-consultations", PublicHealthConsultationViewSet),
    ("public-health-assurances", PublicHealthAssuranceViewSet),
]


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    for prefix, viewset in ROUTES:
        router.register(prefix, viewset)
