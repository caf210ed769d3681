"""Services the partnership buys; children's services placed on a level-of-need scale.

The Essex "Effective Support Windscreen" (universal, additional, intensive, specialist) or Derby's
three levels (universal, targeted, specialist); adults' and all-age services carry no level
(:mod:`jointly.services.levels`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel
from jointly.services import levels


class LevelOfNeed(models.TextChoices):
    """Levels of the Windscreen (universal, additional, intensive, specialist) and Derby's
    three-level model (universal, targeted, specialist)."""

    UNIVERSAL = "universal", "Universal"
    ADDITIONAL = "additional", "Additional"
    TARGETED = "targeted", "Targeted (three-level model)"
    INTENSIVE = "intensive", "Intensive"
    SPECIALIST = "specialist", "Specialist"


# The Windscreen's levels, in order of increasing need (the service map's default columns).
LEVEL_ORDER = list(levels.SCALE_LEVELS[levels.WINDSCREEN])


class NeedScale(models.TextChoices):
    WINDSCREEN = (
        levels.WINDSCREEN,
        "Effective Support Windscreen: universal, additional, intensive, specialist",
    )
    THREE_LEVEL = levels.THREE_LEVEL, "Three levels (as Derby): universal, targeted, specialist"


class Population(models.TextChoices):
    CHILDREN = levels.CHILDREN, "Children and young people (0 to 25)"
    ADULTS = levels.ADULTS, "Adults"
    ALL_AGES = levels.ALL_AGES, "All ages (whole population)"


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
    population = models.CharField(
        "who it is for", max_length=12, choices=Population.choices, default=Population.CHILDREN
    )
    need_scale = models.CharField(
        "level-of-need scale",
        max_length=12,
        choices=NeedScale.choices,
        default=NeedScale.WINDSCREEN,
        help_text="For children's services: the scale its level of need is on",
    )
    level_of_need = models.CharField(
        max_length=12,
        choices=LevelOfNeed.choices,
        blank=True,
        help_text="Children's services only: blank for an adults' or all-age service",
    )
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
        "partnership", "name", "description", "provider", "commissioners", "population", "need_scale",
        "level_of_need",
        "camhs_tier", "age_min", "age_max", "areas", "themes", "intentions", "outcomes",
        "capacity", "capacity_unit", "published", "illustrative",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")) & models.Q(age_max__lte=levels.MAX_AGE),
                name="service_age_range",
            ),
            models.UniqueConstraint(fields=["partnership", "name"], name="service_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:detail", args=[self.partnership.slug, self.pk])

    def clean(self) -> None:
        errors = levels.problems(
            self.population, self.need_scale, self.level_of_need, self.age_min, self.age_max
        )
        if errors:
            raise ValidationError(errors)

    @property
    def ages(self) -> str:
        return levels.age_label(self.population, self.age_min, self.age_max)
