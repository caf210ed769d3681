"""Organisations, areas, partnerships and their governance (boards, agreements)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel


class AreaType(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    COUNTY = "county", "County"
    UNITARY = "unitary", "Unitary authority"
    MET_DISTRICT = "met_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"
    DISTRICT = "district", "District (non-metropolitan)"
    CCG = "ccg", "Clinical commissioning group / sub-ICB location"
    ICB = "icb", "Integrated care board"
    NHS_REGION = "nhs_region", "NHS England region"
    OTHER = "other", "Other"


class Area(models.Model):
    """A geography, identified by its ONS GSS code where it has one."""

    gss_code = models.CharField("GSS code", max_length=20, unique=True)
    name = models.CharField(max_length=200)
    area_type = models.CharField(max_length=20, choices=AreaType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    history = HistoricalRecords()
    public_fields = ("gss_code", "name", "area_type", "parent")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    DISTRICT_COUNCIL = "district_council", "District council"
    CCG = "ccg", "Clinical commissioning group"
    ICB = "icb", "Integrated care board"
    NHS_ENGLAND = "nhs_england", "NHS England (incl. area teams)"
    PUBLIC_HEALTH = "public_health", "Public Health"
    CSU = "csu", "Commissioning support unit"
    NHS_TRUST = "nhs_trust", "NHS trust"
    INDEPENDENT_PROVIDER = "independent_provider", "Independent provider"
    VOLUNTARY_PROVIDER = "voluntary_provider", "Voluntary sector provider"
    SCHOOL = "school", "School"
    POLICE = "police", "Police"
    PUBLIC_BODY = "public_body", "Other public body"


COMMISSIONER_KINDS = {
    OrganisationKind.COUNCIL,
    OrganisationKind.DISTRICT_COUNCIL,
    OrganisationKind.CCG,
    OrganisationKind.ICB,
    OrganisationKind.NHS_ENGLAND,
    OrganisationKind.PUBLIC_HEALTH,
}


class Organisation(VersionedModel):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code", max_length=10, blank=True, help_text="NHS Organisation Data Service code"
    )
    gss_code = models.CharField("GSS code", max_length=20, blank=True, help_text="For councils")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()
    public_fields = ("slug", "name", "kind", "ods_code", "gss_code", "area")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~models.Q(ods_code=""), name="organisation_unique_ods"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Partnership(VersionedModel):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    population_group = models.CharField(max_length=200, default="Children, young people and families")
    age_min = models.PositiveSmallIntegerField(default=0)
    age_max = models.PositiveSmallIntegerField(default=25)
    areas = models.ManyToManyField(Area, blank=True, related_name="partnerships")

    history = HistoricalRecords(m2m_fields=[areas])
    public_fields = ("slug", "name", "description", "population_group", "age_min", "age_max", "areas")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="partnership_age_range"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", args=[self.slug])


class MemberRole(models.TextChoices):
    HOST = "host", "Host / lead"
    PARTNER = "partner", "Partner"
    PROVIDER = "provider", "Provider"


class PartnershipMember(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnership_memberships"
    )
    role = models.CharField(max_length=16, choices=MemberRole.choices)

    history = HistoricalRecords()
    public_fields = ("id", "partnership", "organisation", "role")

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="partnership_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) in {self.partnership}"


class CommissioningStage(models.TextChoices):
    ANALYSE = "analyse", "Analyse"
    PLAN = "plan", "Plan"
    DO = "do", "Do"
    REVIEW = "review", "Review"


class CommissioningFunction(models.Model):
    """A function of the commissioning cycle that an agreement can delegate."""

    key = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=200)
    stage = models.CharField(max_length=10, choices=CommissioningStage.choices)

    public_fields = ("id", "key", "label", "stage")

    class Meta:
        ordering = ["stage", "label"]

    def __str__(self) -> str:
        return self.label


class BoardKind(models.TextChoices):
    BOARD = "board", "Board"
    GROUP = "group", "Group"


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    EVERY_TWO_MONTHS = "every_two_months", "Every other month"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    ANNUALLY = "annually", "Annually"
    AS_REQUIRED = "as_required", "As required"


class Board(VersionedModel):
    """A board or group, with its terms of reference."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="boards")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=BoardKind.choices, default=BoardKind.BOARD)
    purpose = models.TextField(blank=True)
    duties = models.TextField(blank=True, help_text="One duty per line.")
    chair = models.CharField(max_length=200, blank=True, help_text="Name or post")
    quorum = models.CharField(max_length=300, blank=True)
    meeting_frequency = models.CharField(
        max_length=20, choices=MeetingFrequency.choices, default=MeetingFrequency.MONTHLY
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reporting_groups"
    )

    history = HistoricalRecords()
    public_fields = (
        "partnership", "slug", "name", "kind", "purpose", "duties", "quorum",
        "meeting_frequency", "reports_to",
    )  # fmt: skip
    personal_fields = ("chair",)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="board_unique_slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:board", args=[self.partnership.slug, self.slug])

    @property
    def duty_list(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]


class BoardMember(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200, help_text="Name or post")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=100, blank=True, default="member")

    history = HistoricalRecords()
    public_fields = ("id", "board", "organisation", "role")
    personal_fields = ("name",)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    public_fields = ("id", "board", "date", "title", "notes")

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.board}: {self.title} ({self.date:%d %b %Y})"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()

    history = HistoricalRecords()
    public_fields = ("id", "meeting", "text")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Action(VersionedModel):
    """An item in a board's action log."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="Name or post")
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)

    history = HistoricalRecords()
    public_fields = ("board", "meeting", "description", "due_date", "status")
    personal_fields = ("owner",)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != ActionStatus.DONE and self.due_date < today


class AgreementKind(models.TextChoices):
    SECTION_75 = "section_75", "Section 75 partnership agreement"
    SECTION_256 = "section_256", "Section 256 agreement"
    MOU = "mou", "Memorandum of understanding"
    INFORMATION_SHARING = "information_sharing", "Information-sharing agreement"


class FundType(models.TextChoices):
    POOLED = "pooled", "Pooled fund"
    ALIGNED = "aligned", "Aligned budgets"
    NONE = "none", "No fund"


class Agreement(VersionedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreements")
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=24, choices=AgreementKind.choices)
    title = models.CharField(max_length=300)
    host = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    parties = models.ManyToManyField(Organisation, related_name="agreements")
    delegated_functions = models.ManyToManyField(CommissioningFunction, blank=True)
    fund_type = models.CharField(max_length=10, choices=FundType.choices, default=FundType.NONE)
    services_in_scope = models.TextField(blank=True, help_text="One service per line.")
    services_out_of_scope = models.TextField(blank=True, help_text="One service per line.")
    start_date = models.DateField(null=True, blank=True, help_text="Empty while proposed")
    review_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Demo values not taken from a source document"
    )

    history = HistoricalRecords(m2m_fields=[parties, delegated_functions])
    public_fields = (
        "partnership", "slug", "kind", "title", "host", "parties", "delegated_functions",
        "fund_type", "services_in_scope", "services_out_of_scope", "start_date", "review_date",
        "end_date", "illustrative",
    )  # fmt: skip

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="agreement_unique_slug"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="agreement_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:agreement", args=[self.partnership.slug, self.slug])

    def review_status(self, today: dt.date | None = None) -> str:
        """'overdue', 'due soon' (within JOINTLY_DUE_SOON_DAYS) or ''."""
        if not self.review_date:
            return ""
        today = today or timezone.localdate()
        if self.review_date < today:
            return "overdue"
        if self.review_date <= today + dt.timedelta(days=settings.JOINTLY_DUE_SOON_DAYS):
            return "due soon"
        return ""

    @property
    def in_scope_list(self) -> list[str]:
        return [s.strip() for s in self.services_in_scope.splitlines() if s.strip()]

    @property
    def out_of_scope_list(self) -> list[str]:
        return [s.strip() for s in self.services_out_of_scope.splitlines() if s.strip()]
