"""Services the partnership buys, placed on the Essex "Effective Support Windscreen"."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel


class LevelOfNeed(models.TextChoices):
    """The Windscreen levels, in order of increasing need."""

    UNIVERSAL = "universal", "Universal"
    ADDITIONAL = "additional", "Additional"
    INTENSIVE = "intensive", "Intensive"
    SPECIALIST = "specialist", "Specialist"


LEVEL_ORDER = [c.value for c in LevelOfNeed]


class CamhsTier(models.TextChoices):
    NONE = "", "Not applicable"
    TIER_1 = "1", "CAMHS tier 1"
    TIER_2 = "2", "CAMHS tier 2"
    TIER_3 = "3", "CAMHS tier 3"
    TIER_4 = "4", "CAMHS tier 4"


class Service(VersionedModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    provider = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services_provided",
    )
    commissioners = models.ManyToManyField(
        "partnerships.Organisation", blank=True, related_name="services_commissioned"
    )
    level_of_need = models.CharField(max_length=12, choices=LevelOfNeed.choices)
    camhs_tier = models.CharField(
        "CAMHS tier", max_length=1, choices=CamhsTier.choices, blank=True, default=""
    )
    age_min = models.PositiveSmallIntegerField(default=0)
    age_max = models.PositiveSmallIntegerField(default=19)
    areas = models.ManyToManyField("partnerships.Area", blank=True, related_name="services")
    themes = models.ManyToManyField("intentions.Theme", blank=True, related_name="services")
    intentions = models.ManyToManyField("intentions.Intention", blank=True, related_name="services")
    outcomes = models.ManyToManyField("outcomes.Outcome", blank=True, related_name="services")
    capacity = models.PositiveIntegerField(null=True, blank=True)
    capacity_unit = models.CharField(
        max_length=100, blank=True, help_text="e.g. places, contacts a year, caseload"
    )
    published = models.BooleanField(default=False, help_text="Shown in the public directory (Local Offer)")
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[commissioners, areas, themes, intentions, outcomes])
    public_fields = (
        "partnership", "name", "description", "provider", "commissioners", "level_of_need",
        "camhs_tier", "age_min", "age_max", "areas", "themes", "intentions", "outcomes",
        "capacity", "capacity_unit", "published", "illustrative",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")) & models.Q(age_max__lte=25),
                name="service_age_range_0_25",
            ),
            models.UniqueConstraint(fields=["partnership", "name"], name="service_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:detail", args=[self.partnership.slug, self.pk])
