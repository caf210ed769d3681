"""Organisations, areas, partnerships and their governance (boards, agreements)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel
from jointly.partnerships import codes


class AreaType(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    COUNTY = "county", "County"
    UNITARY = "unitary", "Unitary authority"
    DISTRICT = "district", "District / metropolitan district"
    CCG = "ccg", "Clinical commissioning group"
    ICB = "icb", "Integrated care board"
    OTHER = "other", "Other"


class Area(models.Model):
    """A geography, identified by its ONS GSS code where it has one.

    Areas of the GSS types (:data:`codes.GSS_AREA_TYPES`) must carry a real GSS code; an area of
    type "other" may carry a local code of our own.
    """

    gss_code = models.CharField(
        "GSS code",
        max_length=20,
        unique=True,
        help_text="ONS GSS code: a letter and eight digits (a local code for an area of type Other)",
    )
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

    def clean(self) -> None:
        problem = codes.gss_problem(self.gss_code, self.area_type)
        if problem:
            raise ValidationError({"gss_code": problem}, code="gss_code")


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    DISTRICT_COUNCIL = "district_council", "District council"
    CCG = "ccg", "Clinical commissioning group"
    ICB = "icb", "Integrated care board"
    NHS_ENGLAND = "nhs_england", "NHS England (incl. area teams)"
    PUBLIC_HEALTH = "public_health", "Public Health (a directorate of its council)"
    CSU = "csu", "Commissioning support unit"
    NHS_TRUST = "nhs_trust", "NHS trust"
    NHS_TRUST_SITE = "nhs_trust_site", "NHS trust site"
    GP_PRACTICE = "gp_practice", "GP practice"
    PCN = "pcn", "Primary care network"
    NATIONAL_BODY = "national_body", "National body (e.g. Public Health England)"
    INDEPENDENT_PROVIDER = "independent_provider", "Independent provider"
    VOLUNTARY_PROVIDER = "voluntary_provider", "Voluntary sector provider"
    SCHOOL = "school", "School"
    POLICE = "police", "Police"


# Public Health has been a directorate of its council since April 2013 (Health and Social Care
# Act 2012): it commissions *as* the council. It stays selectable where the papers name it as the
# lead (an intention, a service), and rolls up to its council wherever the legal body matters
# (``Organisation.body``: procurement law, contract parties, funding).
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
    short_name = models.CharField(
        max_length=30, blank=True, help_text="The name people use, e.g. SEPT or CHUFT (not a code)"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directorates",
        verbose_name="part of",
        help_text="For a directorate: the body it belongs to (Public Health: its council)",
    )
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        help_text="NHS Organisation Data Service code: 3 characters for a trust or CCG, 5 for a trust "
        "site, 6 for a GP practice",
    )
    code_valid_from = models.DateField("code in use from", null=True, blank=True)
    code_valid_to = models.DateField(
        "code in use until", null=True, blank=True, help_text="The last day, for a closed organisation"
    )
    gss_code = models.CharField("GSS code", max_length=20, blank=True, help_text="For councils")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()
    public_fields = (
        "slug", "name", "kind", "short_name", "parent", "ods_code", "code_valid_from", "code_valid_to",
        "gss_code", "area",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~models.Q(ods_code=""), name="organisation_unique_ods"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def body(self) -> Organisation:
        """The legal body: a directorate's parent (Public Health → its council), else itself."""
        return self.parent if self.parent_id and self.parent is not None else self

    def code_in_use(self, on: dt.date) -> bool:
        return codes.code_in_use(self.code_valid_from, self.code_valid_to, on)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        problem = codes.ods_problem(self.ods_code, self.kind)
        if problem:
            errors["ods_code"] = problem
        problem = codes.council_gss_problem(self.gss_code)
        if problem:
            errors["gss_code"] = problem
        problem = codes.validity_problem(self.code_valid_from, self.code_valid_to)
        if problem:
            errors["code_valid_to"] = problem
        parent = self.parent if self.parent_id else None
        if self.kind == OrganisationKind.PUBLIC_HEALTH:
            if parent is None or parent.kind not in COUNCIL_KINDS:
                errors["parent"] = (
                    "Public Health is a directorate of its council (since April 2013): "
                    "say which council it is part of."
                )
        elif parent is not None and self.kind not in DIRECTORATE_KINDS:
            errors["parent"] = "Only a directorate (Public Health) is part of another organisation."
        if parent is not None and self.pk is not None and parent.pk == self.pk:
            errors["parent"] = "An organisation cannot be part of itself."
        if errors:
            raise ValidationError(errors)


COUNCIL_KINDS = {OrganisationKind.COUNCIL, OrganisationKind.DISTRICT_COUNCIL}
DIRECTORATE_KINDS = {OrganisationKind.PUBLIC_HEALTH}


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
