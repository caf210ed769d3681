"""Money in the thread: funds, risk shares, contributions, budget lines and their monthly figures;
savings (QIPP) plans; medium-term budget models; and the figures source papers state beside them.

Totals are never stored: they are computed from the lines (``calc.py``). Where a paper states a
total, subtotal, target or a figure in its text, it is kept as a :class:`StatedFigure` beside the
computed one, and the difference is shown, never resolved by overwriting either.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core import periods
from jointly.core.fields import PeriodField
from jointly.core.models import Provenance, VersionedModel, recorded_person

FY = periods.Kind.FINANCIAL_YEAR


def money_field(verbose_name: str = "amount (£)", **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)  # type: ignore[arg-type]


def year_field(**kwargs: object) -> PeriodField:
    return PeriodField("financial year", kind=FY, help_text="e.g. 2014/15", **kwargs)  # type: ignore[arg-type]


MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


# --- funds -----------------------------------------------------------------------------------


class FundKind(models.TextChoices):
    POOLED = "pooled", "Pooled fund (Section 75)"
    ALIGNED = "aligned", "Aligned budget (not a pooled fund)"
    S256 = "s256", "Section 256 transfer"
    RING_FENCED = "ring_fenced", "Ring-fenced grant"


class YearEnd(models.TextChoices):
    CARRIED_FORWARD = "carried_forward", "Carried forward to next year"
    RETURNED = "returned", "Returned to the partners"
    NOT_STATED = "not_stated", "Not stated"


class FundingSource(models.TextChoices):
    COUNCIL_GENERAL_FUND = "council_general_fund", "Council general fund"
    PUBLIC_HEALTH_GRANT = "public_health_grant", "Public Health grant (ring-fenced)"
    DSG_HIGH_NEEDS = "dsg_high_needs", "Dedicated Schools Grant high needs block"
    NHS_ALLOCATION = "nhs_allocation", "CCG/ICB allocation"
    NHS_ENGLAND = "nhs_england", "NHS England"
    OTHER = "other", "Other"


class Fund(Provenance, VersionedModel):
    """Money the partners manage together under an agreement.

    A pooled fund and an aligned budget are different things: in an aligned budget each line
    stays with its owning partner, the combined total is a memorandum figure only, and each
    partner bears its own lines' variance.
    """

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="funds"
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement", null=True, blank=True, on_delete=models.SET_NULL, related_name="funds"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=FundKind.choices)
    host = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The host partner (bears pennies left over from rounding shares)",
    )  # fmt: skip
    manager = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Pool manager / fund manager, who reports to the partners",
    )  # fmt: skip
    description = models.TextField(blank=True)
    year_end = models.CharField(max_length=16, choices=YearEnd.choices, default=YearEnd.NOT_STATED)
    change_board = models.ForeignKey(
        "partnerships.Board", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The board the agreement names to approve in-year changes (blank: the board that manages "
                  "the agreement)",
    )  # fmt: skip

    history = HistoricalRecords()
    public_fields = (
        "partnership", "agreement", "slug", "name", "kind", "host", "manager", "description", "year_end",
        "change_board", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="fund_unique_slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:fund", args=[self.partnership.slug, self.slug])

    @property
    def is_aligned(self) -> bool:
        return self.kind == FundKind.ALIGNED

    @property
    def approving_board(self) -> Any:
        """The board that approves in-year changes: the one named for them, else the agreement's
        managing board (None: the agreement names none, so no change can be approved)."""
        if self.change_board_id:
            return self.change_board
        return self.agreement.managing_board if self.agreement_id else None


class Applies(models.TextChoices):
    OVERSPEND = "overspend", "Overspend"
    UNDERSPEND = "underspend", "Underspend"


class Method(models.TextChoices):
    OWN = "own", "Each partner bears its own variance"
    PROPORTIONAL = "proportional", "Shared in proportion to contributions"
    FIXED = "fixed", "Fixed percentages"
    HOST = "host", "The host bears it"


class RiskShareRule(Provenance, VersionedModel):
    """One step of the fund's risk share, for overspends or underspends, taken in ``order``: it
    takes the variance up to its cap (an amount or a % of the fund's budget), the next takes the rest."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rules")
    applies_to = models.CharField(max_length=10, choices=Applies.choices)
    order = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    method = models.CharField(max_length=12, choices=Method.choices)
    cap_amount = money_field("cap (£)", null=True, blank=True, validators=[MinValueValidator(0)])
    cap_percent = models.DecimalField(
        "cap (% of budget)", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip

    history = HistoricalRecords()
    public_fields = (
        "fund", "applies_to", "order", "method", "cap_amount", "cap_percent", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["fund", "applies_to", "order"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "applies_to", "order"], name="riskshare_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_applies_to_display()} {self.order}: {self.get_method_display()}"


class FixedShare(VersionedModel):
    """A partner's percentage under a fixed-percentage rule (they add up to 100)."""

    rule = models.ForeignKey(RiskShareRule, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    history = HistoricalRecords()
    public_fields = ("rule", "organisation", "percent")

    class Meta:
        ordering = ["rule", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "organisation"], name="fixedshare_unique_partner"),
        ]


class Contribution(Provenance, VersionedModel):
    """What one partner puts into a fund for a financial year."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    financial_year = year_field()
    amount = money_field(validators=[MinValueValidator(0)])
    funding_source = models.CharField(
        max_length=24, choices=FundingSource.choices, default=FundingSource.OTHER
    )

    history = HistoricalRecords()
    public_fields = (
        "fund", "organisation", "financial_year", "amount", "funding_source", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["fund", "financial_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "organisation", "financial_year"], name="contribution_unique_year"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="contribution_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.financial_year}"


class PublicHealthCategory(models.TextChoices):
    """Spending categories of the Public Health grant circular (as local authorities report them)."""

    SEXUAL_HEALTH_STI = "sexual_health_sti", "Sexual health: STI testing and treatment"
    SEXUAL_HEALTH_CONTRACEPTION = "sexual_health_contraception", "Sexual health: contraception"
    SEXUAL_HEALTH_ADVICE = "sexual_health_advice", "Sexual health: advice, prevention and promotion"
    HEALTH_CHECK = "health_check", "NHS Health Check programme"
    HEALTH_PROTECTION = "health_protection", "Health protection"
    NCMP = "ncmp", "National Child Measurement Programme"
    PH_ADVICE = "ph_advice", "Public health advice"
    OBESITY_ADULTS = "obesity_adults", "Obesity: adults"
    OBESITY_CHILDREN = "obesity_children", "Obesity: children"
    ACTIVITY_ADULTS = "activity_adults", "Physical activity: adults"
    ACTIVITY_CHILDREN = "activity_children", "Physical activity: children"
    SUBSTANCE_DRUGS = "substance_drugs", "Substance misuse: drugs (adults)"
    SUBSTANCE_ALCOHOL = "substance_alcohol", "Substance misuse: alcohol (adults)"
    SUBSTANCE_YOUTH = "substance_youth", "Substance misuse: young people"
    SMOKING = "smoking", "Stop smoking services"
    TOBACCO = "tobacco", "Wider tobacco control"
    CHILDREN_5_19 = "children_5_19", "Children 5-19 public health programmes"
    CHILDREN_0_5 = "children_0_5", "Children 0-5 public health programmes"
    MISCELLANEOUS = "miscellaneous", "Miscellaneous public health services"


class BudgetLine(Provenance, VersionedModel):
    """A line of a fund: what the money buys, whose it is (aligned budgets) and where it comes from."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(
        max_length=40, help_text="The ledger code or a short reference, unique in the fund"
    )
    name = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The partner whose budget this is (required in an aligned budget)",
    )  # fmt: skip
    funding_source = models.CharField(
        max_length=24, choices=FundingSource.choices, default=FundingSource.OTHER
    )
    public_health = models.BooleanField(
        "carries Public Health ring-fenced money", default=False,
        help_text="Identified separately and reported each financial quarter",
    )  # fmt: skip
    ph_category = models.CharField(
        "Public Health grant category", max_length=40, choices=PublicHealthCategory.choices, blank=True,
        help_text="The grant circular's spending category (Public Health lines)",
    )  # fmt: skip
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_lines"
    )
    service = models.ForeignKey(
        "services.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_lines"
    )
    intention = models.ForeignKey(
        "intentions.Intention", null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_lines"
    )

    history = HistoricalRecords()
    public_fields = (
        "fund", "code", "name", "owner", "funding_source", "public_health", "ph_category", "contract", "service",
        "intention", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["fund", "code"]
        constraints = [models.UniqueConstraint(fields=["fund", "code"], name="budgetline_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LineBudget(VersionedModel):
    """A budget line's budget for one financial year."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="budgets")
    financial_year = year_field()
    amount = money_field()

    history = HistoricalRecords()
    public_fields = ("line", "financial_year", "amount")

    class Meta:
        ordering = ["line", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "financial_year"], name="linebudget_unique_year")
        ]


class MonthlyFigure(Provenance, VersionedModel):
    """A line's actual spend in a financial month (April = 1) and the full-year forecast outturn
    made at that month."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="monthly")
    financial_year = year_field()
    month = models.PositiveSmallIntegerField(
        validators=MONTH_VALIDATORS, help_text="1 = April ... 12 = March"
    )
    actual = money_field("actual spend in the month (£)", null=True, blank=True)
    forecast_outturn = money_field("full-year forecast outturn (£)", null=True, blank=True)

    history = HistoricalRecords()
    public_fields = (
        "line", "financial_year", "month", "actual", "forecast_outturn", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["line", "financial_year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "financial_year", "month"], name="monthly_unique_month"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="monthly_month_1_12"
            ),
        ]


# --- savings ---------------------------------------------------------------------------------


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class SavingsPlan(Provenance, VersionedModel):
    """A savings (QIPP / efficiency) plan of one organisation, over some financial years."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="savings_plans"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=300)
    owner = models.ForeignKey("partnerships.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")  # fmt: skip
    first_year = year_field()
    last_year = year_field()

    history = HistoricalRecords()
    public_fields = (
        "partnership",
        "slug",
        "name",
        "owner",
        "first_year",
        "last_year",
        "illustrative",
        "source",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="savingsplan_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:savings", args=[self.partnership.slug, self.slug])


class SavingsProgramme(VersionedModel):
    """A programme board of a plan (Planned Care, Urgent Care...)."""

    plan = models.ForeignKey(SavingsPlan, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    public_fields = ("plan", "name", "order")

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="programme_unique_name")]

    def __str__(self) -> str:
        return self.name


class SavingsScheme(Provenance, VersionedModel):
    """A scheme (project) of a programme, with its planned saving per year.

    ``unidentified`` marks a paper's "unidentified" row: kept so the plan matches its source line by
    line, but shown as a gap against the target, not as a scheme that will deliver.
    """

    programme = models.ForeignKey(SavingsProgramme, on_delete=models.CASCADE, related_name="schemes")
    name = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    lead = models.ForeignKey("partnerships.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")  # fmt: skip
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="savings_schemes"
    )
    intention = models.ForeignKey(
        "intentions.Intention",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="savings_schemes",
    )
    budget_line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="savings_schemes"
    )
    recurrent = models.BooleanField(default=True)
    gross = models.BooleanField("gross (before reinvestment)", default=True)
    unidentified = models.BooleanField(default=False, help_text="A gap against the target, not a scheme")
    start_date = models.DateField(null=True, blank=True)
    rag = models.CharField("RAG", max_length=5, choices=Rag.choices, blank=True)
    confidence = models.PositiveSmallIntegerField(
        "confidence (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    benefits = models.TextField("benefits beyond money", blank=True)
    benefit_measure = models.CharField(
        max_length=300, blank=True, help_text="A KPI or indicator from the thread"
    )

    history = HistoricalRecords()
    public_fields = (
        "programme", "name", "order", "lead", "contract", "intention", "budget_line", "recurrent", "gross",
        "unidentified", "start_date", "rag", "confidence", "benefits", "benefit_measure", "illustrative",
        "source",
    )  # fmt: skip

    class Meta:
        ordering = ["programme", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="scheme_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def starts_before_contract(self) -> bool:
        """A scheme dated before the contract that delivers it starts (flagged on the page)."""
        return bool(self.contract_id and self.start_date and self.start_date < self.contract.start_date)


class PlannedSaving(VersionedModel):
    """A scheme's planned saving in a financial year (``full_year_effect`` where it differs)."""

    scheme = models.ForeignKey(SavingsScheme, on_delete=models.CASCADE, related_name="planned")
    financial_year = year_field()
    amount = money_field()
    full_year_effect = money_field("full-year effect (£)", null=True, blank=True)
    phasing = models.JSONField(
        default=list, blank=True, help_text="Twelve monthly amounts (April first), empty for an even spread"
    )

    history = HistoricalRecords()
    public_fields = ("scheme", "financial_year", "amount", "full_year_effect", "phasing")

    class Meta:
        ordering = ["scheme", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "financial_year"], name="planned_unique_year")
        ]


class SavingDelivery(Provenance, VersionedModel):
    """A saving delivered by a scheme in a financial month."""

    scheme = models.ForeignKey(SavingsScheme, on_delete=models.CASCADE, related_name="deliveries")
    financial_year = year_field()
    month = models.PositiveSmallIntegerField(
        validators=MONTH_VALIDATORS, help_text="1 = April ... 12 = March"
    )
    amount = money_field()

    history = HistoricalRecords()
    public_fields = ("scheme", "financial_year", "month", "amount", "illustrative", "source")

    class Meta:
        ordering = ["scheme", "financial_year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "financial_year", "month"], name="delivery_unique_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="delivery_month_1_12"
            ),
        ]


# --- budget models ---------------------------------------------------------------------------


class Units(models.TextChoices):
    POUNDS = "pounds", "£"
    THOUSANDS = "thousands", "£'000"


class BudgetModel(Provenance, VersionedModel):
    """A medium-term financial plan of an organisation or the partnership. Amounts are stored in
    pounds; ``units`` is how the paper (and the page) shows them."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="budget_models"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=300)
    owner = models.ForeignKey("partnerships.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")  # fmt: skip
    units = models.CharField(max_length=10, choices=Units.choices, default=Units.POUNDS)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    public_fields = ("partnership", "slug", "name", "owner", "units", "notes", "illustrative", "source")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="budgetmodel_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:model", args=[self.partnership.slug, self.slug])


class SectionKind(models.TextChoices):
    RESOURCES = "resources", "Resources (allocations)"
    COSTS = "costs", "Costs"


class BudgetSection(VersionedModel):
    model = models.ForeignKey(BudgetModel, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=SectionKind.choices, default=SectionKind.COSTS)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    public_fields = ("model", "name", "kind", "order")

    class Meta:
        ordering = ["model", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["model", "name"], name="section_unique_name")]

    def __str__(self) -> str:
        return self.name


class LineKind(models.TextChoices):
    ORDINARY = "ordinary", "Budget"
    RESERVE = "reserve", "Reserve"
    CONTINGENCY = "contingency", "Contingency"
    TRANSFORMATION = "transformation", "Transformation fund"
    RUNNING_COSTS = "running_costs", "Running costs"
    INVESTMENT = "investment", "Planned investment"
    ALLOCATION = "allocation", "Allocation"


class BudgetModelLine(VersionedModel):
    section = models.ForeignKey(BudgetSection, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=LineKind.choices, default=LineKind.ORDINARY)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    public_fields = ("section", "name", "kind", "order")

    class Meta:
        ordering = ["section", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["section", "name"], name="modelline_unique_name")]

    def __str__(self) -> str:
        return self.name


class BudgetModelAmount(VersionedModel):
    """A line's amount in a financial year (negative allowed: a contingency shown as (176))."""

    line = models.ForeignKey(BudgetModelLine, on_delete=models.CASCADE, related_name="amounts")
    financial_year = year_field()
    amount = money_field()

    history = HistoricalRecords()
    public_fields = ("line", "financial_year", "amount")

    class Meta:
        ordering = ["line", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "financial_year"], name="modelamount_unique_year")
        ]


class AssumptionKind(models.TextChoices):
    UPLIFT = "uplift", "Allocation uplift"
    INFLATION = "inflation", "Inflation"
    EFFICIENCY = "efficiency", "Efficiency"
    POPULATION = "population", "Population growth"
    GROWTH = "growth", "Demand growth"
    OTHER = "other", "Other"


class BudgetAssumption(Provenance, VersionedModel):
    """A rate the model rests on (an uplift by year, an inflation or efficiency rate)."""

    model = models.ForeignKey(BudgetModel, on_delete=models.CASCADE, related_name="assumptions")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=AssumptionKind.choices, default=AssumptionKind.OTHER)
    financial_year = year_field(blank=True)
    rate_percent = models.DecimalField("rate (%)", max_digits=6, decimal_places=2)
    applies_to = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()
    public_fields = (
        "model", "name", "kind", "financial_year", "rate_percent", "applies_to", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["model", "kind", "financial_year", "name"]

    def __str__(self) -> str:
        return self.name


# --- stated figures --------------------------------------------------------------------------


class StatedRole(models.TextChoices):
    TOTAL = "total", "Total as stated"
    SUBTOTAL = "subtotal", "Subtotal as stated"
    TARGET = "target", "Target"
    TEXT = "text", "Figure in the paper's text"


class StatedFigure(Provenance, VersionedModel):
    """A figure a source paper states for something Jointly computes (a total, a subtotal, a
    target, or a figure its text gives for a table's line). Kept beside the computed figure and
    never overwritten; a blank year means the whole period of the container."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="stated_figures"
    )
    role = models.CharField(max_length=10, choices=StatedRole.choices, default=StatedRole.TOTAL)
    label = models.CharField(max_length=300, help_text="As the paper words it, e.g. 'TOTAL CCG'")
    financial_year = year_field(blank=True)
    amount = money_field()
    budget_model = models.ForeignKey(BudgetModel, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="stated")  # fmt: skip
    budget_section = models.ForeignKey(BudgetSection, null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="stated")  # fmt: skip
    budget_model_line = models.ForeignKey(BudgetModelLine, null=True, blank=True, on_delete=models.CASCADE,
                                          related_name="stated")  # fmt: skip
    savings_plan = models.ForeignKey(SavingsPlan, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="stated")  # fmt: skip
    savings_programme = models.ForeignKey(SavingsProgramme, null=True, blank=True, on_delete=models.CASCADE,
                                          related_name="stated")  # fmt: skip
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.CASCADE, related_name="stated")

    history = HistoricalRecords()
    public_fields = (
        "partnership", "role", "label", "financial_year", "amount", "budget_model", "budget_section",
        "budget_model_line", "savings_plan", "savings_programme", "fund", "illustrative", "source",
    )  # fmt: skip

    TARGETS = (
        "budget_model",
        "budget_section",
        "budget_model_line",
        "savings_plan",
        "savings_programme",
        "fund",
    )

    class Meta:
        ordering = ["partnership", "label", "financial_year"]

    def __str__(self) -> str:
        return f"{self.label} {self.financial_year}".strip()

    def target_name(self) -> str:
        for name in self.TARGETS:
            if getattr(self, f"{name}_id"):
                return name
        return ""


# --- change control and Public Health -----------------------------------------------------------


class ChangeKind(models.TextChoices):
    VIREMENT = "virement", "Virement between lines"
    BUDGET = "budget", "A line's budget"
    CONTRIBUTION = "contribution", "A partner's contribution"
    RISK_SHARE = "risk_share", "The risk share (fixed percentages)"


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class FundChange(Provenance, VersionedModel):
    """An in-year change to a fund under change control: proposed, then approved by the board the
    agreement names (a person other than the proposer records the decision) or rejected with a
    reason. Only an approved change alters the fund; ``previous`` keeps what it replaced.

    - virement: ``amount`` moves from ``from_line`` to ``line`` (never between two partners' lines
      of an aligned budget);
    - budget: ``line``'s budget for the year becomes ``amount``;
    - contribution: ``organisation``'s contribution for the year becomes ``amount``;
    - risk share: ``rule``'s fixed percentages become ``shares`` (organisation slug -> percent).
    """

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    financial_year = year_field()
    description = models.TextField("what and why")
    line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text="The line changed (virement: the line receiving)")  # fmt: skip
    from_line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  help_text="Virement: the line giving")  # fmt: skip
    organisation = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = money_field(null=True, blank=True)
    rule = models.ForeignKey(RiskShareRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    shares = models.JSONField(default=dict, blank=True, help_text="Risk share: organisation slug -> percent")
    previous = models.JSONField(default=dict, blank=True, editable=False,
                                help_text="What the approved change replaced")  # fmt: skip
    status = models.CharField(
        max_length=8, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED, editable=False
    )
    proposed_by = recorded_person("Who proposed it (they cannot decide it)")
    decided_by = recorded_person("Who recorded the decision")
    board = models.ForeignKey("partnerships.Board", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", editable=False, help_text="The board that decided")  # fmt: skip
    decided_on = models.DateField("date of the board's decision", null=True, blank=True, editable=False)
    decision_reference = models.CharField(max_length=200, blank=True, editable=False,
                                          help_text="The minute or decision reference")  # fmt: skip
    reason = models.TextField("reason for the decision", blank=True, editable=False)

    history = HistoricalRecords()
    public_fields = (
        "fund", "kind", "financial_year", "description", "line", "from_line", "organisation", "amount", "rule",
        "shares", "previous", "status", "board", "decided_on", "decision_reference", "reason", "illustrative",
        "source",
    )  # fmt: skip
    personal_fields = ("proposed_by", "decided_by")

    class Meta:
        ordering = ["fund", "-created_on"]

    def __str__(self) -> str:
        return f"{self.fund}: {self.get_kind_display()} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.proposed_by_id is None:
            self.proposed_by_id = self.created_by_id  # save_versioned names the creator
        super().save(*args, **kwargs)

    @property
    def touches_public_health(self) -> bool:
        lines = [x for x in (self.line, self.from_line) if x is not None]
        return any(x.public_health for x in lines)


class ConsultationSubject(models.TextChoices):
    FUNDING_CHANGE = "funding_change", "A change to funding"
    SERVICE_SPECIFICATION = "service_specification", "A service specification (sign-off)"
    OUTCOME_MEASURES = "outcome_measures", "Outcome measures (sign-off)"


class ConsultationResponse(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a response"
    SUPPORTED = "supported", "Supported"
    CONDITIONS = "conditions", "Supported with conditions"
    NOT_SUPPORTED = "not_supported", "Not supported"
    SIGNED_OFF = "signed_off", "Signed off"


class PublicHealthConsultation(Provenance, VersionedModel):
    """Public Health consulted on a funding change, or signing off a service specification or
    outcome measures (seed 004). Organisations and posts only, never people's names."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="ph_consultations"
    )
    subject = models.CharField(max_length=24, choices=ConsultationSubject.choices)
    fund_change = models.ForeignKey(FundChange, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="consultations")  # fmt: skip
    contract = models.ForeignKey("contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="ph_consultations")  # fmt: skip
    consulted = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+",
                                  help_text="The Public Health body consulted")  # fmt: skip
    consulted_on = models.DateField()
    summary = models.TextField("what was asked")
    response = models.CharField(max_length=16, choices=ConsultationResponse.choices,
                                default=ConsultationResponse.AWAITING)  # fmt: skip
    responded_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    public_fields = (
        "partnership", "subject", "fund_change", "contract", "consulted", "consulted_on", "summary", "response",
        "responded_on", "notes", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["partnership", "-consulted_on"]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} ({self.consulted_on})"


class PublicHealthAssurance(Provenance, VersionedModel):
    """The yearly assurance statement that the Public Health grant was spent as the grant's
    conditions allow (recorded by post, never by a person's name)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="ph_assurances"
    )
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    financial_year = year_field()
    statement = models.TextField()
    signed_by_post = models.CharField(
        max_length=200, help_text="The post that signed (e.g. Director of Public Health)"
    )
    signed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    public_fields = (
        "partnership", "organisation", "financial_year", "statement", "signed_by_post", "signed_on", "illustrative",
        "source",
    )  # fmt: skip

    class Meta:
        ordering = ["partnership", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "financial_year"], name="ph_assurance_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.financial_year}"


ZERO = Decimal("0.00")
