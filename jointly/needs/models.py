"""Needs analysis (JSNA): the indicator catalogue, indicator values, comparators, needs assessments.

Indicator values are shared reference data (one row per indicator × area × period × sex ×
age × category, whichever partnership loaded it); every bulk load is recorded in
:class:`ImportLog`, which is the audit trail for values (ADR 0005). People edit the
catalogue, comparator groups and needs assessments, which keep field-level history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel

ENGLAND_CODE = "E92000001"
DEFAULT_SEX = "Persons"
DEFAULT_AGE = "All ages"


class ValueType(models.TextChoices):
    PROPORTION = "proportion", "Proportion (Wilson limits)"
    CRUDE_RATE = "crude_rate", "Crude rate (Byar's / exact Poisson limits)"
    DSR = "dsr", "Directly standardised rate (Dobson limits)"
    ISR = "isr", "Indirectly standardised ratio"
    MEAN = "mean", "Mean (Student's t limits)"
    COUNT = "count", "Count (Poisson limits)"
    LIFE_EXPECTANCY = "life_expectancy", "Life expectancy (Chiang II, Silcocks limits)"


#: Value types whose value and limits the template import can work out from count and denominator.
COMPUTABLE_TYPES = {ValueType.PROPORTION, ValueType.CRUDE_RATE, ValueType.COUNT}


class Polarity(models.TextChoices):
    """The words match :mod:`jointly.stats.benchmark`."""

    HIGHER_IS_BETTER = "higher is better", "Higher is better"
    LOWER_IS_BETTER = "lower is better", "Lower is better"
    NEUTRAL = "neutral", "Neither (no judgement)"


class NeededLevel(models.TextChoices):
    """The level of need (Windscreen) at which a service would answer this indicator."""

    ANY = "", "Any level"
    UNIVERSAL = "universal", "Universal"
    ADDITIONAL = "additional", "Additional"
    INTENSIVE = "intensive", "Intensive"
    SPECIALIST = "specialist", "Specialist"


class Indicator(VersionedModel):
    code = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Short reference used in template imports, e.g. teen-conceptions",
    )
    name = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    value_type = models.CharField(max_length=20, choices=ValueType.choices)
    multiplier = models.FloatField(default=1, help_text="e.g. 100 for a percentage, 100000 for a rate")
    unit = models.CharField(max_length=60, blank=True, help_text="e.g. %, per 100,000, years")
    polarity = models.CharField(max_length=20, choices=Polarity.choices, default=Polarity.NEUTRAL)
    source = models.TextField(blank=True)
    fingertips_id = models.PositiveIntegerField("Fingertips indicator ID", null=True, blank=True, unique=True)
    needed_level = models.CharField(
        "level of need it calls for", max_length=12, choices=NeededLevel.choices, blank=True, default=""
    )
    outcomes = models.ManyToManyField(
        "outcomes.Outcome", blank=True, related_name="indicators", verbose_name="outcomes served"
    )
    themes = models.ManyToManyField("intentions.Theme", blank=True, related_name="indicators")
    illustrative = models.BooleanField(default=False, help_text="Values are invented for the demo")
    notes = models.TextField(blank=True)
    added_by_import = models.BooleanField(
        default=False,
        help_text="Added from an imported file's indicator ID and name: an analyst should complete it",
    )

    history = HistoricalRecords(m2m_fields=[outcomes, themes])
    public_fields = (
        "code", "name", "definition", "value_type", "multiplier", "unit", "polarity", "source",
        "fingertips_id", "needed_level", "outcomes", "themes", "illustrative", "notes", "added_by_import",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def trend_kind(self) -> str | None:
        """The chi-square trend test that applies ("proportion" / "rate"), None for other types."""
        if self.value_type == ValueType.PROPORTION:
            return "proportion"
        if self.value_type in (ValueType.CRUDE_RATE, ValueType.COUNT):
            return "rate"
        return None


class ComparatorKind(models.TextChoices):
    STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
    CIPFA = "cipfa", "CIPFA nearest neighbours"
    OTHER = "other", "Other group"


class ComparatorGroup(VersionedModel):
    """Areas a partnership compares one of its areas with (its value is the group's pooled value)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="comparator_groups"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ComparatorKind.choices, default=ComparatorKind.OTHER)
    area = models.ForeignKey(
        "partnerships.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The area these are the neighbours of",
    )
    members = models.ManyToManyField("partnerships.Area", related_name="comparator_groups")
    description = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[members])
    public_fields = ("partnership", "name", "kind", "area", "members", "description")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="comparator_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Loading"
    DONE = "done", "Loaded"
    FAILED = "failed", "Not loaded"
    CHECKED = "checked", "Checked, not loaded yet"


class ImportLayout(models.TextChoices):
    FINGERTIPS = "fingertips", "Fingertips “all data” CSV"
    TEMPLATE = "template", "Template CSV (counts and denominators)"


class ImportLog(models.Model):
    """Every load of indicator values: who, when, which file, how many rows, what happened."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateTimeField(auto_now_add=True)
    finished_on = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the file")
    layout = models.CharField(max_length=12, choices=ImportLayout.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    stage = models.CharField(max_length=100, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="[{row, column, message}] (first 1,000)")
    message = models.TextField(blank=True)
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text="The grouped report: added indicators and areas, warnings, problems grouped by kind",
    )

    public_fields = (
        "id", "partnership", "started_on", "finished_on", "file_name", "checksum", "layout", "status",
        "progress", "stage", "rows", "created", "updated", "problem_count", "problems", "message", "report",
    )  # fmt: skip
    personal_fields = ("uploaded_by",)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CHECKED)


class IndicatorValue(models.Model):
    """One published value. Bulk loaded: audited through :class:`ImportLog`, not row history."""

    # No single-column index: the composite indexes below start with the indicator.
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values", db_index=False)
    area = models.ForeignKey("partnerships.Area", on_delete=models.CASCADE, related_name="indicator_values")
    period = models.CharField(max_length=40, help_text="As published, e.g. 2019/20 or 2017 - 19")
    period_order = models.IntegerField(default=0, help_text="Sort key for the period")
    sex = models.CharField(max_length=30, default=DEFAULT_SEX)
    age = models.CharField(max_length=60, default=DEFAULT_AGE)
    category_type = models.CharField(max_length=120, blank=True, default="")
    category = models.CharField(max_length=120, blank=True, default="")
    count = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    lower95 = models.FloatField("lower 95% limit", null=True, blank=True)
    upper95 = models.FloatField("upper 95% limit", null=True, blank=True)
    lower998 = models.FloatField("lower 99.8% limit", null=True, blank=True)
    upper998 = models.FloatField("upper 99.8% limit", null=True, blank=True)
    value_note = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The publisher's note, as published (e.g. suppressed, combined areas, aggregated)",
    )
    import_log = models.ForeignKey(
        ImportLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    public_fields = (
        "id", "indicator", "area", "period", "period_order", "sex", "age", "category_type", "category",
        "count", "denominator", "value", "lower95", "upper95", "lower998", "upper998", "value_note",
        "import_log",
    )  # fmt: skip

    KEY = ("indicator", "area", "period", "sex", "age", "category_type", "category")

    class Meta:
        ordering = ["indicator", "area", "period_order", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period", "sex", "age", "category_type", "category"],
                name="indicator_value_unique_key",
            )
        ]
        indexes = [
            # Profile / trend: one indicator's series for a few areas, newest last.
            models.Index(fields=["indicator", "area", "period_order"], name="needs_value_series"),
            # Compare areas / funnel / spine range: one indicator, one period, many areas.
            models.Index(fields=["indicator", "period", "area"], name="needs_value_period"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period}"

    def limits(self, level: str) -> tuple[float | None, float | None]:
        return (self.lower998, self.upper998) if level == "99.8" else (self.lower95, self.upper95)


class NeedsAssessment(VersionedModel):
    """A JSNA product: what was found, what was recommended, and what it led to."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="needs_assessments"
    )
    topic = models.CharField(max_length=300)
    area = models.ForeignKey("partnerships.Area", null=True, blank=True, on_delete=models.SET_NULL)
    date = models.DateField()
    key_findings = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="assessments")
    outcomes = models.ManyToManyField("outcomes.Outcome", blank=True, related_name="needs_assessments")
    intentions = models.ManyToManyField(
        "intentions.Intention",
        blank=True,
        related_name="needs_assessments",
        verbose_name="intentions it led to",
    )
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[indicators, outcomes, intentions])
    public_fields = (
        "partnership", "topic", "area", "date", "key_findings", "recommendations", "indicators",
        "outcomes", "intentions", "illustrative",
    )  # fmt: skip

    class Meta:
        ordering = ["-date", "topic"]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("needs:assessment", args=[self.partnership.slug, self.pk])
