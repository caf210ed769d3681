"""KPIs on contracts and services, provider returns (with revisions and a query thread),
contract performance notices with remedial action plans, and "turn the curve" plans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel, recorded_person
from jointly.performance import returns as rules


class Direction(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither (monitor only)"


class Frequency(models.TextChoices):
    MONTHLY = rules.MONTHLY, "Monthly"
    QUARTERLY = rules.QUARTERLY, "Quarterly"
    ANNUAL = rules.ANNUAL, "Annual"


class Measure(models.TextChoices):
    PERCENTAGE = rules.PERCENTAGE, "Percentage (numerator ÷ denominator × 100)"
    RATIO = rules.RATIO, "Ratio or average (numerator ÷ denominator)"
    COUNT = rules.COUNT, "Count (numerator only)"


class Quadrant(models.TextChoices):
    """Results-Based Accountability performance-measure quadrants."""

    HOW_MUCH = "how_much", "How much did we do?"
    HOW_WELL = "how_well", "How well did we do it?"
    BETTER_OFF = "better_off", "Is anyone better off?"


QUADRANT_ORDER = [q.value for q in Quadrant]


class KpiScope(models.TextChoices):
    NATIONAL = "national", "National"
    LOCAL = "local", "Local"


class Kpi(VersionedModel):
    """A key performance indicator on a contract (or on a service)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="kpis", editable=False
    )
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.CASCADE, related_name="kpis"
    )
    service = models.ForeignKey(
        "services.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="kpis"
    )
    code = models.CharField(
        max_length=30, help_text="Short code providers write in returns files, e.g. SG-L3"
    )
    name = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    numerator_definition = models.TextField(blank=True)
    denominator_definition = models.TextField(blank=True)
    measure = models.CharField(max_length=12, choices=Measure.choices, default=Measure.PERCENTAGE)
    unit = models.CharField(max_length=30, blank=True, default="%", help_text="e.g. %, places, minutes")
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    tolerance = models.DecimalField(
        "tolerance band",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="How far on the wrong side of the target still counts as amber",
    )
    direction = models.CharField(
        "improvement direction", max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    due_days = models.PositiveSmallIntegerField(
        "due (days after period end)", default=15, help_text="Returns are due this many days after the period"
    )
    quadrant = models.CharField("RBA quadrant", max_length=12, choices=Quadrant.choices)
    scope = models.CharField(
        "national or local", max_length=10, choices=KpiScope.choices, default=KpiScope.LOCAL
    )
    data_source = models.CharField(max_length=300, blank=True)
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="The paper the definition or target comes from, shown as a citation",
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    outcomes = models.ManyToManyField(
        "outcomes.Outcome", blank=True, related_name="kpis", verbose_name="outcomes served"
    )
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[outcomes])
    public_fields = (
        "partnership", "contract", "service", "code", "name", "definition", "numerator_definition",
        "denominator_definition", "measure", "unit", "target", "tolerance", "direction", "frequency",
        "due_days", "quadrant", "scope", "data_source", "effective_from", "effective_to", "outcomes",
        "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["code"]
        verbose_name = "KPI"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="kpi_unique_code"),
            models.CheckConstraint(
                condition=models.Q(contract__isnull=False) | models.Q(service__isnull=False),
                name="kpi_on_contract_or_service",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="kpi_effective_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("performance:kpi", args=[self.partnership.slug, self.code])

    def clean(self) -> None:
        if self.contract_id is None and self.service_id is None:
            raise ValidationError("A KPI belongs to a contract or a service.")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": "Must be on or after the effective-from date."})
        if self.measure == Measure.COUNT and self.denominator_definition:
            raise ValidationError({"denominator_definition": "A count has no denominator."})

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        home = self.contract or self.service
        if home is not None:
            self.partnership_id = home.partnership_id
        super().save(*args, **kwargs)

    @property
    def provider_id(self) -> int | None:
        home = self.contract or self.service
        return home.provider_id if home is not None else None

    def valid_span(self) -> tuple[dt.date | None, dt.date | None]:
        """The dates returns may cover: contract/service and KPI effective dates combined."""
        start, end = self.effective_from, self.effective_to
        if self.contract is not None:
            c_end = self.contract.current_terms().end_date
            start = max(d for d in (start, self.contract.start_date) if d is not None)
            end = min(d for d in (end, c_end) if d is not None)
        return start, end

    def spec(self) -> rules.KpiSpec:
        start, end = self.valid_span()
        return rules.KpiSpec(self.code, self.frequency, self.measure, start, end)

    @property
    def target_float(self) -> float | None:
        return None if self.target is None else float(self.target)


class ReturnStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    QUERIED = "queried", "Queried"


class Route(models.TextChoices):
    WEB = "web", "Web form"
    FILE = "file", "File upload"
    API = "api", "API"
    DEMO = "demo", "Demo data"


class KpiReturn(VersionedModel):
    """A provider's figure for one KPI and period (the latest revision)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="returns")
    period = models.CharField(
        max_length=10,
        help_text="2024-03 (month), 2023/24 Q4 (financial quarter) or 2023/24 (financial year)",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField()
    numerator = models.DecimalField(max_digits=16, decimal_places=4)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    value = models.FloatField()
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.SUBMITTED)
    first_submitted_on = models.DateTimeField(default=timezone.now)
    last_submitted_on = models.DateTimeField(default=timezone.now)
    revision_count = models.PositiveSmallIntegerField(default=1)
    on_behalf = models.BooleanField(
        "keyed in by the commissioner on the provider's behalf",
        default=False,
        help_text="The latest figures were keyed in by a commissioner for a provider without the means to",
    )
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()
    public_fields = (
        "kpi", "period", "period_start", "period_end", "due_date", "numerator", "denominator", "value",
        "status", "first_submitted_on", "last_submitted_on", "revision_count", "on_behalf", "illustrative",
    )  # fmt: skip

    class Meta:
        ordering = ["kpi", "period_start"]
        verbose_name = "KPI return"
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="kpi_return_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(numerator__gte=0), name="kpi_return_numerator_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="kpi_return_denominator_positive",
            ),
        ]
        indexes = [models.Index(fields=["kpi", "period_start"])]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period}"

    @property
    def is_late(self) -> bool:
        return self.first_submitted_on.date() > self.due_date


class ReturnRevision(models.Model):
    """Every submission of a return: the first value and each revision, who, when and why."""

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(help_text="1 = first submission")
    numerator = models.DecimalField(max_digits=16, decimal_places=4)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    value = models.FloatField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_on = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    route = models.CharField(max_length=8, choices=Route.choices)
    on_behalf = models.BooleanField("keyed in by the commissioner on the provider's behalf", default=False)

    history = HistoricalRecords()
    public_fields = (
        "id",
        "kpi_return",
        "number",
        "numerator",
        "denominator",
        "value",
        "submitted_on",
        "reason",
        "route",
        "on_behalf",
    )
    personal_fields = ("submitted_by",)

    class Meta:
        ordering = ["kpi_return", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kpi_return", "number"], name="return_revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.kpi_return} revision {self.number}"


class CommentKind(models.TextChoices):
    ACCEPT = "accept", "Accepted"
    QUERY = "query", "Queried"
    REPLY = "reply", "Provider reply"
    NOTE = "note", "Comment"


class ReturnComment(models.Model):
    """The thread on a return: commissioner accepts or queries, the provider answers."""

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.PROTECT, related_name="comments")
    kind = models.CharField(max_length=8, choices=CommentKind.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    public_fields = ("id", "kpi_return", "kind", "text", "created_on")
    personal_fields = ("author",)

    class Meta:
        ordering = ["created_on", "id"]
        verbose_name = "return comment"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.kpi_return}"


class NoticeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PerformanceNotice(VersionedModel):
    """A contract performance notice about one or more KPIs.

    It stays open while its remedial action plan is awaited, drafted or being carried out; it
    closes when the agreed plan's actions are all done, or when a commissioner closes it with a
    reason (``closed_reason``). Agreeing the plan alone does not close it.
    """

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="performance_notices"
    )
    kpis = models.ManyToManyField(Kpi, related_name="notices", verbose_name="KPIs")
    issued_on = models.DateField(default=timezone.localdate)
    reason = models.TextField(help_text="The performance failure the notice is about")
    status = models.CharField(max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(
        "reason for closing",
        blank=True,
        help_text="Why a commissioner closed the notice (empty when its plan was completed)",
    )
    closed_by = recorded_person()
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[kpis])
    public_fields = (
        "contract", "kpis", "issued_on", "reason", "status", "closed_on", "closed_reason", "illustrative",
    )  # fmt: skip
    personal_fields = ("closed_by",)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "performance notice"

    def __str__(self) -> str:
        return f"Performance notice {self.pk} on {self.contract.reference}"

    def get_absolute_url(self) -> str:
        return reverse("performance:notice", args=[self.contract.partnership.slug, self.pk])

    @property
    def stage(self) -> str:
        """Where the notice stands, in words (uses the prefetched plan and actions)."""
        if self.status != NoticeStatus.OPEN:
            return self.get_status_display()
        plan = getattr(self, "plan", None)
        if plan is None:
            return "Open: remedial action plan awaited from the provider"
        if plan.status == PlanStatus.DRAFT:
            return "Open: plan drafted, awaiting the commissioner's agreement"
        return "Open: plan agreed, actions under way"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    COMPLETED = "completed", "Completed"


class RemedialPlan(VersionedModel):
    notice = models.OneToOneField(PerformanceNotice, on_delete=models.CASCADE, related_name="plan")
    summary = models.TextField()
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    agreed_on = models.DateField(null=True, blank=True)
    proposed_by = recorded_person("Who drafted it (they cannot agree it); empty when not recorded")
    agreed_by = recorded_person()
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()
    public_fields = ("notice", "summary", "status", "agreed_on", "illustrative")
    personal_fields = ("proposed_by", "agreed_by")

    def __str__(self) -> str:
        return f"Remedial action plan for notice {self.notice_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self._state.adding and self.proposed_by_id is None:
            self.proposed_by_id = self.created_by_id  # save_versioned names the creator
        super().save(*args, **kwargs)


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class RemedialAction(VersionedModel):
    plan = models.ForeignKey(RemedialPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="Name or post")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    public_fields = ("plan", "description", "due_date", "status", "completed_on")
    personal_fields = ("owner",)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    def is_overdue(self, as_at: dt.date) -> bool:
        return self.status != ActionStatus.DONE and self.due_date < as_at


class Escalation(models.Model):
    """The escalation log of a notice (append-only)."""

    notice = models.ForeignKey(PerformanceNotice, on_delete=models.CASCADE, related_name="escalations")
    date = models.DateField(default=timezone.localdate)
    level = models.CharField(max_length=200, help_text="e.g. contract review meeting, director, board")
    note = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    public_fields = ("id", "notice", "date", "level", "note")
    personal_fields = ("by",)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.level}"


class TurnTheCurve(VersionedModel):
    """An RBA "turn the curve" plan for a KPI, or for a population indicator in one of the
    partnership's areas (exactly one of the two)."""

    kpi = models.OneToOneField(
        Kpi, null=True, blank=True, on_delete=models.CASCADE, related_name="turn_the_curve"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_curves",
        editable=False,
    )
    indicator = models.ForeignKey(
        "needs.Indicator",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="curves",
        editable=False,
    )
    area = models.ForeignKey(
        "partnerships.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    story = models.TextField("story behind the curve", blank=True)
    partners = models.TextField(
        "partners with a role to play", blank=True, help_text="One per line: partner – role"
    )
    what_works = models.TextField("what works", blank=True)
    action_plan = models.TextField(blank=True)
    horizon = models.PositiveSmallIntegerField(
        "forecast periods", default=12, help_text="How many periods ahead to project"
    )

    history = HistoricalRecords()
    public_fields = (
        "kpi", "partnership", "indicator", "area", "story", "partners", "what_works", "action_plan", "horizon",
    )  # fmt: skip

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kpi__isnull=False, indicator__isnull=True, area__isnull=True, partnership__isnull=True
                    )
                    | models.Q(
                        kpi__isnull=True,
                        indicator__isnull=False,
                        area__isnull=False,
                        partnership__isnull=False,
                    )
                ),
                name="turn_the_curve_kpi_or_indicator",
            ),
            models.UniqueConstraint(
                fields=["partnership", "indicator", "area"],
                condition=models.Q(indicator__isnull=False),
                name="turn_the_curve_one_per_indicator_area",
            ),
        ]

    def __str__(self) -> str:
        if self.kpi_id is not None:
            return f"Turn the curve: {self.kpi}"
        return f"Turn the curve: {self.indicator} in {self.area}"

    def partner_lines(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]
