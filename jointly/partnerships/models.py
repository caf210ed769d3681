"""Organisations, areas, partnerships and their governance (boards, agreements)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import Provenance, VersionedModel
from jointly.partnerships import codes


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
    PUBLIC_BODY = "public_body", "Other public body"


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
    reference_date = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "Statuses are computed as at this date instead of today when browsing the partnership "
            "(e.g. the date of the paper a demo partnership comes from). Empty: today."
        ),
    )

    history = HistoricalRecords(m2m_fields=[areas])
    public_fields = (
        "slug", "name", "description", "population_group", "age_min", "age_max", "areas", "reference_date",
    )  # fmt: skip

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


class ReportingCadence(models.TextChoices):
    """How often a board reports along a reporting line (blank: the paper does not say)."""

    MONTHLY = "monthly", "Monthly"
    EVERY_OTHER_MONTH = "every_other_month", "Every other month"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annually"
    AS_REQUESTED = "as_requested", "As requested"
    REGULAR = "regular", "Regularly (no set interval)"


class Board(Provenance, VersionedModel):
    """A board or group, with its terms of reference.

    ``reports_to`` is its principal line of accountability (the tree of the governance
    diagram); further lines, each with its own cadence, are :class:`ReportingLine` rows.
    """

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
    reporting_cadence = models.CharField(
        max_length=20, choices=ReportingCadence.choices, blank=True,
        help_text="How often it reports to the board it reports to (blank: not stated)",
    )  # fmt: skip

    history = HistoricalRecords()
    public_fields = (
        "partnership", "slug", "name", "kind", "purpose", "duties", "quorum",
        "meeting_frequency", "reports_to", "reporting_cadence", "illustrative", "source",
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

    def all_reporting_lines(self) -> list[ReportingLineView]:
        """Every line this board reports along: the principal one first, then the others."""
        lines = []
        if self.reports_to_id:
            lines.append(
                ReportingLineView(self.reports_to, self.reporting_cadence,
                                  self.get_reporting_cadence_display(), True, "", self)
            )  # fmt: skip
        for line in self.reporting_lines.all():
            lines.append(
                ReportingLineView(line.to_board, line.cadence, line.get_cadence_display(), False,
                                  line.notes, line)
            )  # fmt: skip
        return lines


@dataclass
class ReportingLineView:
    """One reporting line as pages show it (principal or additional)."""

    to_board: Board
    cadence: str
    cadence_label: str
    principal: bool
    notes: str
    record: Any


class ReportingLine(Provenance, VersionedModel):
    """A further line along which a board reports, besides its principal ``reports_to``."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="reporting_lines")
    to_board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="reporting_lines_in")
    cadence = models.CharField(
        max_length=20, choices=ReportingCadence.choices, blank=True, help_text="Blank: the paper does not say"
    )
    notes = models.CharField(max_length=300, blank=True, help_text="What is reported, e.g. an annual report")

    history = HistoricalRecords()
    public_fields = ("id", "board", "to_board", "cadence", "notes", "illustrative", "source")

    class Meta:
        ordering = ["board", "to_board__name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "to_board"], name="reporting_line_unique"),
            models.CheckConstraint(
                condition=~models.Q(board=models.F("to_board")), name="reporting_line_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} → {self.to_board}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not (self.board_id and self.to_board_id):
            return
        if self.board_id == self.to_board_id:
            raise ValidationError({"to_board": "A board cannot report to itself."})
        if self.to_board.partnership_id != self.board.partnership_id:
            raise ValidationError({"to_board": "Must be a board of the same partnership."})
        if self.board.reports_to_id == self.to_board_id:
            raise ValidationError({"to_board": "This is already the board's principal reporting line."})


class BoardMember(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200, help_text="Name or post")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=100, blank=True, default="member")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="board_memberships",
        help_text="The member's account: board members sign in to read the board's packs (RESOLUTIONS 24)",
    )  # fmt: skip

    history = HistoricalRecords()
    public_fields = ("id", "board", "organisation", "role")
    personal_fields = ("name", "user")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Meeting(Provenance, models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    held_in_public = models.BooleanField(
        default=False,
        help_text="Held in public: the public part of its issued pack is published (five clear days before)",
    )

    history = HistoricalRecords()
    public_fields = ("id", "board", "date", "title", "notes", "held_in_public", "illustrative", "source")

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

    def is_overdue(self, as_at: dt.date) -> bool:
        """Not done and due before ``as_at`` (the partnership's "today", see core.asat)."""
        return self.status != ActionStatus.DONE and self.due_date < as_at


class AgreementKind(models.TextChoices):
    SECTION_75 = "section_75", "Section 75 partnership agreement"
    SECTION_256 = "section_256", "Section 256 agreement"
    SECTION_76 = "section_76", "Section 76 agreement"
    MOU = "mou", "Memorandum of understanding"
    INFORMATION_SHARING = "information_sharing", "Information-sharing agreement"
    BUSINESS_TRANSFER = "business_transfer", "Business transfer agreement"
    COLLABORATIVE = "collaborative", "Collaborative agreement"
    SOCIAL_IMPACT_BOND = "social_impact_bond", "Social impact bond"
    JOINTLY_FUNDED_POST = "jointly_funded_post", "Jointly funded post"


class LegalBasis(models.TextChoices):
    """Sections of the NHS Act 2006 an agreement is made under (several may apply at once)."""

    SECTION_75 = "section_75", "Section 75 (partnership arrangements)"
    SECTION_76 = "section_76", "Section 76 (local authority payments to the NHS)"
    SECTION_256 = "section_256", "Section 256 (NHS payments to local authorities)"


class Flexibility(models.TextChoices):
    """The Section 75 flexibilities (NHS Bodies and Local Authorities Partnership Arrangements)."""

    POOLED_FUND = "pooled_fund", "Pooled fund"
    LEAD_COMMISSIONING = "lead_commissioning", "Lead commissioning"
    INTEGRATED_PROVISION = "integrated_provision", "Integrated provision"


# The legal basis each statutory kind implies.
KIND_BASIS = {
    AgreementKind.SECTION_75: LegalBasis.SECTION_75,
    AgreementKind.SECTION_256: LegalBasis.SECTION_256,
    AgreementKind.SECTION_76: LegalBasis.SECTION_76,
}
NHS_KINDS = {
    OrganisationKind.CCG,
    OrganisationKind.ICB,
    OrganisationKind.NHS_ENGLAND,
    OrganisationKind.NHS_TRUST,
}
COUNCIL_KINDS = {OrganisationKind.COUNCIL, OrganisationKind.DISTRICT_COUNCIL, OrganisationKind.PUBLIC_HEALTH}


class FundType(models.TextChoices):
    POOLED = "pooled", "Pooled fund"
    ALIGNED = "aligned", "Aligned budgets"
    NONE = "none", "No fund"


def _check_choice_list(value: Any, choices: type[models.TextChoices]) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list):
        raise ValidationError("Must be a list.")
    unknown = [v for v in value if v not in choices.values]
    if unknown:
        raise ValidationError(f"Not a known value: {', '.join(map(str, unknown))}.")
    if len(set(value)) != len(value):
        raise ValidationError("Each value may appear only once.")


def validate_legal_bases(value: Any) -> None:
    """A JSON list of distinct :class:`LegalBasis` values."""
    _check_choice_list(value, LegalBasis)


def validate_flexibilities(value: Any) -> None:
    """A JSON list of distinct :class:`Flexibility` values."""
    _check_choice_list(value, Flexibility)


class Agreement(Provenance, VersionedModel):
    """A legal or working agreement between partners (Section 75, 256, 76, MoU, ...).

    ``kind`` is what the agreement is; ``legal_bases`` the sections of the NHS Act 2006
    it is made under, several at once where the paper says so ("Section 75/256").
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreements")
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=24, choices=AgreementKind.choices)
    legal_bases = models.JSONField(
        default=list, blank=True, validators=[validate_legal_bases],
        help_text="Sections of the NHS Act 2006 it is made under, e.g. [\"section_75\", \"section_256\"]",
    )  # fmt: skip
    title = models.CharField(max_length=300)
    host = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    parties = models.ManyToManyField(Organisation, related_name="agreements")
    flexibilities = models.JSONField(
        default=list, blank=True, validators=[validate_flexibilities],
        help_text="Section 75 flexibilities used: pooled_fund, lead_commissioning, integrated_provision",
    )  # fmt: skip
    delegated_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The body whose functions are delegated",
    )  # fmt: skip
    delegated_to = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The body that exercises them",
    )  # fmt: skip
    delegated_functions = models.ManyToManyField(CommissioningFunction, blank=True)
    pool_manager = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Pooled fund manager (pooled funds only)",
    )  # fmt: skip
    managing_board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_agreements",
        help_text="The board that manages the agreement",
    )  # fmt: skip
    fund_type = models.CharField(max_length=10, choices=FundType.choices, default=FundType.NONE)
    transfer_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="Section 256/76: the sum transferred, in pounds",
    )  # fmt: skip
    transfer_from = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Section 256/76: the body that pays",
    )  # fmt: skip
    transfer_to = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Section 256/76: the body that receives",
    )  # fmt: skip
    transfer_purpose = models.TextField(blank=True, help_text="Section 256/76: what the money is for")
    services_in_scope = models.TextField(blank=True, help_text="One service per line.")
    services_out_of_scope = models.TextField(blank=True, help_text="One service per line.")
    start_date = models.DateField(null=True, blank=True, help_text="Empty while proposed")
    review_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    sources_disagree = models.TextField(
        blank=True,
        help_text="Where the source papers contradict themselves about this agreement, what each part says",
    )

    history = HistoricalRecords(m2m_fields=[parties, delegated_functions])
    public_fields = (
        "partnership", "slug", "kind", "legal_bases", "title", "host", "parties", "flexibilities",
        "delegated_by", "delegated_to", "delegated_functions", "pool_manager", "managing_board",
        "fund_type", "transfer_amount", "transfer_from", "transfer_to", "transfer_purpose",
        "services_in_scope", "services_out_of_scope", "start_date", "review_date", "end_date",
        "sources_disagree", "illustrative", "source",
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
            models.CheckConstraint(
                condition=models.Q(transfer_amount__isnull=True) | models.Q(transfer_amount__gte=0),
                name="agreement_transfer_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:agreement", args=[self.partnership.slug, self.slug])

    def review_status(self, as_at: dt.date) -> str:
        """'overdue', 'due soon' (within JOINTLY_DUE_SOON_DAYS) or '', as at ``as_at``."""
        if not self.review_date:
            return ""
        today = as_at
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

    @property
    def legal_bases_labels(self) -> list[str]:
        return [LegalBasis(b).label for b in self.legal_bases if b in LegalBasis.values]

    @property
    def flexibility_labels(self) -> list[str]:
        return [Flexibility(f).label for f in self.flexibilities if f in Flexibility.values]

    @property
    def legal_bases_short(self) -> str:
        """'Section 75/256', as the papers write it."""
        numbers = [b.split("_")[1] for b in self.legal_bases]
        return f"Section {'/'.join(numbers)}" if numbers else ""

    def reporting_duties(self) -> list[str]:
        """Reporting the partnership arrangements regulations require, in words (RESOLUTIONS 19)."""
        duties = []
        if self.pool_manager_id:
            duties.append(f"{self.pool_manager} (pool manager) reports to the partners quarterly and yearly.")
        by, to = self.delegated_by, self.delegated_to
        if by and to and to.kind in COUNCIL_KINDS and by.kind in NHS_KINDS:
            duties.append(f"{to} exercises NHS functions for {by} and reports to it quarterly and yearly.")
        return duties

    def problems(self, parties: list[Organisation] | None = None) -> dict[str, str]:
        """Legal consistency checks shared by the form, the API and the demo loader.

        ``parties`` are the parties as they will be saved (a form or API edit may change
        them); named bodies (host, delegating body, payer...) must be among them.
        """
        errors: dict[str, str] = {}
        if parties is None:
            parties = list(self.parties.all()) if self.pk else []
        party_ids = {o.pk for o in parties}
        bases = list(self.legal_bases or [])
        flex = list(self.flexibilities or [])
        implied = KIND_BASIS.get(self.kind)
        if implied and implied not in bases:
            errors["legal_bases"] = f"A {self.get_kind_display()} is made under {LegalBasis(implied).label}."
        if flex and LegalBasis.SECTION_75 not in bases:
            errors["flexibilities"] = "Flexibilities are used only under Section 75."
        pooled = Flexibility.POOLED_FUND in flex
        if pooled and self.fund_type != FundType.POOLED:
            errors["fund_type"] = "The agreement uses a pooled fund: the fund type must be 'Pooled fund'."
        if self.fund_type == FundType.POOLED and not pooled and LegalBasis.SECTION_75 in bases:
            errors["flexibilities"] = (
                "A pooled fund under Section 75 is the 'pooled fund' flexibility: tick it."
            )
        if self.pool_manager_id and self.fund_type != FundType.POOLED:
            errors["pool_manager"] = "Only a pooled fund has a pool manager."
        roles = {
            "host": "host", "pool_manager": "pool manager", "delegated_by": "delegating body",
            "delegated_to": "body the functions are delegated to", "transfer_from": "payer",
            "transfer_to": "receiver",
        }  # fmt: skip
        for name, role in roles.items():
            org = getattr(self, name)
            if org is not None and parties and org.pk not in party_ids:
                errors[name] = f"The {role} must be one of the parties."
        if (self.delegated_by_id or self.delegated_to_id) and self.delegated_by_id == self.delegated_to_id:
            errors["delegated_to"] = "A body cannot delegate functions to itself."
        if self.managing_board_id and self.managing_board.partnership_id != self.partnership_id:
            errors["managing_board"] = "Must be a board of the same partnership."
        money = self.transfer_amount is not None or self.transfer_from_id or self.transfer_to_id
        transfer_bases = {LegalBasis.SECTION_256, LegalBasis.SECTION_76} & set(bases)
        if money and not transfer_bases:
            errors["transfer_amount"] = "A transfer of money is made under Section 256 or Section 76."
        if self.transfer_amount is not None and self.transfer_amount < Decimal("0"):
            errors["transfer_amount"] = "Must not be negative."
        if self.transfer_from_id and self.transfer_to_id:
            payer, payee = self.transfer_from, self.transfer_to
            if payer.pk == payee.pk:
                errors["transfer_to"] = "The payer and the receiver must differ."
            elif transfer_bases == {LegalBasis.SECTION_256} and not (
                payer.kind in NHS_KINDS and payee.kind in COUNCIL_KINDS
            ):
                errors["transfer_to"] = "Under Section 256 an NHS body pays a local authority."
            elif transfer_bases == {LegalBasis.SECTION_76} and not (
                payer.kind in COUNCIL_KINDS and payee.kind in NHS_KINDS
            ):
                errors["transfer_to"] = "Under Section 76 a local authority pays an NHS body."
        return errors
