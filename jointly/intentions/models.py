"""Commissioning intentions, their milestones and quarterly progress."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jointly.core import periods
from jointly.core.fields import PeriodField, PeriodValidator
from jointly.core.models import Provenance, VersionedModel
from jointly.partnerships.models import CommissioningStage

QUARTER = periods.Kind.FINANCIAL_QUARTER


def validate_period(value: str) -> None:
    """A financial quarter in any spelling :func:`periods.parse` reads (stored as ``2013/14 Q2``).

    The old calendar form ``2013-Q3`` is refused with the financial quarter it means."""
    PeriodValidator(QUARTER)(value)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Theme(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(max_length=200)

    history = HistoricalRecords()
    public_fields = ("id", "partnership", "name")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="theme_unique_name")]

    def __str__(self) -> str:
        return self.name


class Intention(Provenance, VersionedModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="intentions"
    )
    reference = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    aim = models.TextField("aim", blank=True)
    objectives = models.TextField(blank=True)
    scope = models.TextField(blank=True)
    benefits_users = models.TextField("benefits to service users", blank=True)
    benefits_staff = models.TextField("benefits to staff", blank=True)
    benefits_organisation = models.TextField("benefits to the organisation", blank=True)
    metrics = models.TextField(blank=True, help_text="How success will be measured")
    expected_outcome = models.TextField(blank=True)
    integrated = models.BooleanField(
        default=True, help_text="Commissioned jointly by several partners (not single-partner)"
    )
    lead_commissioner = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_intentions",
        help_text="Empty where the partners have not named one lead (e.g. 'all CCGs')",
    )
    partner_commissioners = models.ManyToManyField(
        "partnerships.Organisation", blank=True, related_name="partner_intentions"
    )
    coordinating_commissioner = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_intentions",
    )
    providers_affected = models.ManyToManyField(
        "partnerships.Organisation", blank=True, related_name="affecting_intentions"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="intentions")
    outcomes = models.ManyToManyField(
        "outcomes.Outcome", blank=True, related_name="intentions", verbose_name="outcomes served"
    )
    stage = models.CharField(
        "commissioning-cycle stage",
        max_length=10,
        choices=CommissioningStage.choices,
        default=CommissioningStage.PLAN,
    )
    sro = models.CharField("senior responsible officer", max_length=200, blank=True)
    lead_officer = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    current_rag = models.CharField(
        "RAG", max_length=8, choices=Rag.choices, blank=True, help_text="From the latest progress"
    )
    outcomes_inferred = models.BooleanField(
        "links to outcomes inferred", default=False,
        help_text="The paper does not link this intention to the outcomes: we inferred the links",
    )  # fmt: skip

    history = HistoricalRecords(m2m_fields=[partner_commissioners, providers_affected, themes, outcomes])
    public_fields = (
        "partnership", "reference", "title", "aim", "objectives", "scope", "benefits_users",
        "benefits_staff", "benefits_organisation", "metrics", "expected_outcome", "integrated",
        "lead_commissioner", "partner_commissioners", "coordinating_commissioner",
        "providers_affected", "themes", "outcomes", "stage", "start_date", "end_date",
        "current_rag", "illustrative", "source", "outcomes_inferred",
    )  # fmt: skip
    personal_fields = ("sro", "lead_officer")

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="intention_unique_reference"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="intention_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("intentions:detail", args=[self.partnership.slug, self.reference])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


class Milestone(Provenance, VersionedModel):
    intention = models.ForeignKey(Intention, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    public_fields = ("intention", "title", "due_date", "completed_on", "illustrative", "source")

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, as_at: dt.date) -> bool:
        """Not done by ``as_at`` and due before it (a milestone due on ``as_at`` is not overdue yet)."""
        return self.due_date < as_at and (self.completed_on is None or self.completed_on > as_at)

    def is_missed(self, as_at: dt.date) -> bool:
        """Overdue as at ``as_at``, or done after its due date by then."""
        late = self.completed_on is not None and self.due_date < self.completed_on <= as_at
        return late or self.is_overdue(as_at)

    def status_at(self, as_at: dt.date) -> str:
        """'done', 'done late', 'overdue' or 'due' as things stood on ``as_at``.

        Completion recorded after ``as_at`` is not yet known on that date."""
        if self.completed_on is not None and self.completed_on <= as_at:
            return "done late" if self.completed_on > self.due_date else "done"
        return "overdue" if self.is_overdue(as_at) else "due"


class ProgressUpdate(Provenance, VersionedModel):
    """A quarterly progress statement with its RAG rating."""

    intention = models.ForeignKey(Intention, on_delete=models.PROTECT, related_name="progress")
    period = PeriodField(
        kind=QUARTER, max_length=10, help_text="Financial quarter, e.g. 2013/14 Q2 (Q1 = April to June)"
    )
    rag = models.CharField("RAG", max_length=8, choices=Rag.choices)
    narrative = models.TextField()
    author = models.CharField(max_length=200, help_text="Name or post")
    date = models.DateField(default=timezone.localdate)
    rag_illustrative = models.BooleanField(
        "RAG illustrative",
        default=False,
        help_text="The paper gives no rating: this RAG is invented for the demo",
    )

    history = HistoricalRecords()
    public_fields = (
        "intention",
        "period",
        "rag",
        "narrative",
        "date",
        "illustrative",
        "source",
        "rag_illustrative",
    )
    personal_fields = ("author",)

    class Meta:
        ordering = ["-period", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["intention", "period"], name="progress_one_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.intention.reference} {self.period} {self.rag}"

    @property
    def illustrative_label(self) -> str:
        """What of this update is invented: 'narrative and RAG', 'RAG' or ''."""
        if self.illustrative:
            return "narrative and RAG"
        return "RAG" if self.rag_illustrative else ""
