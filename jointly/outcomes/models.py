"""Outcomes frameworks: the top of the golden thread."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel


class FrameworkKind(models.TextChoices):
    HWB_STRATEGY = "hwb_strategy", "Health and wellbeing strategy"
    PARTNERSHIP_PLAN = "partnership_plan", "Partnership plan"
    CORPORATE_OUTCOMES = "corporate_outcomes", "Corporate outcomes"
    NATIONAL_OUTCOMES = "national_outcomes", "National outcomes framework"
    COMMISSIONING_PRIORITIES = "commissioning_priorities", "Commissioning priorities"
    OTHER = "other", "Other"


class Framework(VersionedModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="frameworks"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=FrameworkKind.choices)
    description = models.TextField(blank=True)

    history = HistoricalRecords()
    public_fields = ("partnership", "slug", "name", "kind", "description")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="framework_unique_slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outcomes:framework", args=[self.partnership.slug, self.slug])


class Outcome(VersionedModel):
    """A priority or outcome; outcomes form a tree inside their framework."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="outcomes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(max_length=20, help_text="Short reference within the framework")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    contributes_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="contributors",
        through="OutcomeLink",
    )

    history = HistoricalRecords()
    public_fields = (
        "framework", "parent", "code", "title", "description", "position", "contributes_to",
    )  # fmt: skip

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="outcome_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:outcome", args=[self.framework.partnership.slug, self.pk])


class OutcomeLink(models.Model):
    """``source`` contributes to ``target`` (usually across frameworks)."""

    source = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="links_in")

    history = HistoricalRecords()
    public_fields = ("id", "source", "target")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="outcome_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="outcome_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
