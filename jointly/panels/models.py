"""Joint funding panels: individual children's care packages funded by several partners.

A :class:`Panel` belongs to a partnership; its :class:`PanelMember` rows (user accounts) are what open
its :class:`Case` records, never a partnership role or being a platform administrator. A case is
known everywhere by a random reference and non-identifying facts; the identifying details live in
:class:`CaseIdentity`, encrypted at rest (:mod:`jointly.panels.crypto`), kept out of the audit
history, and shown only on request (each reveal a :class:`RevealLog` row the chair can read).

The flow: referral → assessment (:class:`CaseDocument`, encrypted) → :class:`Decision` at a quorate
:class:`PanelMeeting` → :class:`Package` with its :class:`PackageVersion` history (every change a new
version with who and why) and :class:`FunderShare` rows confirmed by each funder's member →
:class:`Review` → end. The arithmetic is in :mod:`jointly.panels.money` (pure).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import TimeStampedModel, recorded_person
from jointly.panels.crypto import EncryptedTextField

# No 0, O, 1, I or L: a reference read out over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A random case reference, e.g. ``PC-7KQ4-M9XT``: derived from nothing about the child."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"PC-{chars[:4]}-{chars[4:]}"


class Panel(TimeStampedModel):
    """A partnership's panel that decides jointly funded packages (e.g. a Joint Assessment Panel)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="panels"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    board = models.ForeignKey(
        "partnerships.Board", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The partnership board this panel is, if it is one",
    )  # fmt: skip
    quorum = models.PositiveSmallIntegerField(default=3, help_text="Members who must be present to decide")
    quorum_organisations = models.PositiveSmallIntegerField(
        default=2, help_text="Different organisations that must be represented among them"
    )
    meeting_frequency = models.CharField(max_length=100, blank=True, help_text="e.g. Monthly")
    terms_of_reference = models.TextField(blank=True)
    criteria = models.TextField(blank=True, help_text="Who the panel considers (eligibility criteria)")
    protocol = models.TextField(blank=True, help_text="The joint protocol the partners agreed")
    retention_years = models.PositiveSmallIntegerField(
        default=7, help_text="Years after a case closes before its identifying details are destroyed"
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        default=7, help_text="Counts from 1 to this are shown as c outside the panel (never below 7)"
    )
    synthetic = models.BooleanField(default=False, help_text="Demo data: every case is invented")

    history = HistoricalRecords()
    public_fields = (
        "partnership", "slug", "name", "board", "quorum", "quorum_organisations", "meeting_frequency",
        "terms_of_reference", "criteria", "protocol", "retention_years", "suppression_threshold", "synthetic",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="panel_unique_slug"),
            models.CheckConstraint(condition=Q(suppression_threshold__gte=7), name="panel_threshold_min_7"),
            models.CheckConstraint(condition=Q(quorum__gte=1), name="panel_quorum_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("panels:panel", args=[self.partnership.slug, self.slug])


class PanelMember(TimeStampedModel):
    """A person on a panel, for an organisation. ``can_confirm_funding``: may confirm that
    organisation's funding shares. Membership of the panel is what opens its cases."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_memberships"
    )
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Head of children's continuing care")
    is_chair = models.BooleanField(default=False)
    can_confirm_funding = models.BooleanField(
        default=False, help_text="May confirm this organisation's share of a package's funding"
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords()
    public_fields = ("panel", "organisation", "is_chair", "can_confirm_funding", "active")
    personal_fields = ("user", "role")

    class Meta:
        ordering = ["-is_chair", "organisation__name", "id"]
        constraints = [models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class NeedBand(models.Model):
    """A panel's level of need (e.g. from the partnership's threshold document)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="need_bands")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    public_fields = ("id", "panel", "name", "description", "order")

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["panel", "name"], name="need_band_unique_name")]

    def __str__(self) -> str:
        return self.name


class AgeBand(models.TextChoices):
    """The bands held instead of a date of birth (the codes of :data:`jointly.panels.checks.AGE_BANDS`)."""

    UNDER_5 = "0-4", "0 to 4"
    FIVE_TO_10 = "5-10", "5 to 10"
    ELEVEN_TO_15 = "11-15", "11 to 15"
    SIXTEEN_17 = "16-17", "16 to 17 (transition to adult NHS Continuing Healthcare)"
    EHCP_18_25 = "18-25", "18 to 25 (while an EHC plan continues)"


class LegalStatus(models.TextChoices):
    NONE = "", "Not relevant"
    LOOKED_AFTER_S20 = "s20", "Looked after (section 20)"
    LOOKED_AFTER_S31 = "s31", "Looked after (care order)"
    CHILD_IN_NEED = "cin", "Child in need"
    CHILD_PROTECTION = "cp", "Child protection plan"


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ASSESSMENT = "assessment", "Being assessed"
    DECIDED = "decided", "Decided"
    DECLINED = "declined", "Declined"
    ACTIVE = "active", "Package in place"
    ENDED = "ended", "Ended"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (CaseStatus.REFERRED, CaseStatus.ASSESSMENT, CaseStatus.DECIDED, CaseStatus.ACTIVE)
WAITING_STATUSES = (CaseStatus.REFERRED, CaseStatus.ASSESSMENT)


class ChcOutcome(models.TextChoices):
    NONE = "", "Not screened"
    ELIGIBLE = "eligible", "Eligible for adult continuing healthcare"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    PENDING = "pending", "Awaiting decision"


class Case(TimeStampedModel):
    """A child or young person referred to a panel, known by a random reference and
    non-identifying facts only (the identifying details are in :class:`CaseIdentity`)."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    need_band = models.ForeignKey(
        NeedBand, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    primary_need = models.CharField(max_length=200, help_text="e.g. Complex health needs, Autism, SEMH")
    area = models.ForeignKey(
        "partnerships.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_status = models.CharField(max_length=8, choices=LegalStatus.choices, blank=True)
    ehc_plan = models.BooleanField("has an EHC plan", default=False)
    ehc_review_on = models.DateField("EHC plan review date", null=True, blank=True)
    chc_screening_on = models.DateField("adult continuing healthcare screening date", null=True, blank=True)
    chc_outcome = models.CharField(
        "adult continuing healthcare outcome", max_length=16, choices=ChcOutcome.choices, blank=True
    )
    referred_on = models.DateField()
    referring_organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("reason for referral", help_text="No names or dates of birth here")
    requested_support = models.TextField(blank=True)
    continuing_care_eligible = models.BooleanField(
        "eligible for children's continuing care", null=True, blank=True,
        help_text="The NHS commissioner's decision (Decision Support Tool), recorded here, not voted on",
    )  # fmt: skip
    continuing_care_decided_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    ended_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    minimised_on = models.DateField(
        null=True, blank=True, help_text="Identifying details destroyed under the retention rule"
    )
    synthetic = models.BooleanField(default=False, help_text="Invented for the demo")

    history = HistoricalRecords()
    public_fields = (
        "panel", "reference", "age_band", "need_band", "primary_need", "area", "legal_status", "ehc_plan",
        "ehc_review_on", "chc_screening_on", "chc_outcome", "referred_on", "referring_organisation", "status",
        "continuing_care_eligible", "continuing_care_decided_on", "ended_on", "closed_on", "minimised_on",
        "synthetic",
    )  # fmt: skip
    sensitive_fields = ("reason", "requested_support")

    class Meta:
        ordering = ["-referred_on", "reference"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("panels:case", args=[self.panel.partnership.slug, self.panel.slug, self.reference])


IDENTIFYING_FIELDS = ("name", "date_of_birth", "nhs_number", "address", "social_care_id", "education_id")


class CaseIdentity(models.Model):
    """Who the child is: every field encrypted at rest, no audit history of values (changes are
    logged as "who changed which field, when" in :class:`IdentityChange`), destroyed at retention."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="identity")
    name = EncryptedTextField(blank=True)
    date_of_birth = EncryptedTextField(blank=True, help_text="ISO date, encrypted")
    nhs_number = EncryptedTextField(blank=True)
    address = EncryptedTextField(blank=True)
    social_care_id = EncryptedTextField(blank=True)
    education_id = EncryptedTextField(blank=True, help_text="e.g. the unique pupil number")

    public_fields = ("id", "case")
    sensitive_fields = IDENTIFYING_FIELDS

    def __str__(self) -> str:
        return f"Identity of {self.case_id}"

    @property
    def dob(self) -> dt.date | None:
        return dt.date.fromisoformat(self.date_of_birth) if self.date_of_birth else None


class IdentityChange(models.Model):
    """That someone changed identifying fields of a case (never the values)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identity_changes")
    by = recorded_person()
    at = models.DateTimeField(auto_now_add=True)
    fields = models.CharField(max_length=200, help_text="Names of the fields changed")

    public_fields = ("id", "case", "at", "fields")
    personal_fields = ("by",)

    class Meta:
        ordering = ["-at", "-id"]


class RevealKind(models.TextChoices):
    MEMBER = "member", "Panel member on request"
    BREAK_GLASS = "break_glass", "Break-glass by a platform administrator"


class RevealLog(models.Model):
    """Every reveal of a case's identifying details: who, when, and (break-glass) why."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="reveals")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reveals")
    by = recorded_person()
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=12, choices=RevealKind.choices, default=RevealKind.MEMBER)
    reason = models.TextField(blank=True)

    public_fields = ("id", "panel", "case", "at", "kind")
    personal_fields = ("by", "reason")

    class Meta:
        ordering = ["-at", "-id"]


class CaseDocument(models.Model):
    """An assessment document: checked under the hostile-file rules, then stored encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200, help_text="What it is, e.g. Health assessment (no names)")
    file_name = EncryptedTextField(blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField(help_text="The file, encrypted")
    uploaded_by = recorded_person()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    public_fields = ("id", "case", "title", "content_type", "size", "uploaded_at")
    personal_fields = ("uploaded_by",)
    sensitive_fields = ("file_name", "content")

    class Meta:
        ordering = ["-uploaded_at", "-id"]


class PanelMeeting(TimeStampedModel):
    """A meeting of the panel, with the members present (quorum is counted from them)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    present = models.ManyToManyField(PanelMember, related_name="meetings_attended", blank=True)

    history = HistoricalRecords(m2m_fields=[present])
    public_fields = ("panel", "held_on", "present")

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.panel} on {self.held_on:%d %b %Y}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Package agreed"
    DECLINED = "declined", "Declined"
    DEFERRED = "deferred", "Deferred for more information"


class Decision(TimeStampedModel):
    """What a quorate meeting decided about a case, with reasons and any dissent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices)
    reasons = models.TextField()
    dissent = models.TextField(blank=True)

    history = HistoricalRecords()
    public_fields = ("case", "meeting", "outcome")
    sensitive_fields = ("reasons", "dissent")

    class Meta:
        ordering = ["-meeting__held_on", "-id"]


class PackageType(models.TextChoices):
    RESIDENTIAL = "residential", "Residential placement"
    AGENCY_FOSTERING = "agency_fostering", "Fostering through an agency"
    SHORT_BREAKS = "short_breaks", "Short breaks"
    HEALTH_NURSING = "health_nursing", "Health-funded nursing care at home"
    EDUCATION = "education", "Education placement"
    RESIDENTIAL_SCHOOL = "residential_school", "Residential school (52 weeks)"
    OTHER = "other", "Other package"


class CostBasis(models.TextChoices):
    WEEK = "week", "Per week"
    TERM = "term", "Per term"
    YEAR = "year", "Per year"


class Package(TimeStampedModel):
    """A case's agreed package: its terms live in its versions (the newest is current)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="packages")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()
    public_fields = ("case", "decision")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Package {self.pk} of {self.case_id}"


class PackageVersion(models.Model):
    """One version of a package's terms and cost: every change is a new version, with who and why."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    package_type = models.CharField(max_length=20, choices=PackageType.choices)
    description = models.CharField(max_length=300, help_text="Placement or services (no names)")
    provider = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(max_length=200, blank=True, help_text="When not a listed organisation")
    personal_health_budget = models.BooleanField("delivered as a personal health budget", default=False)
    starts_on = models.DateField()
    ends_on = models.DateField()
    effective_from = models.DateField(help_text="The date from which this version's terms apply")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    basis = models.CharField(max_length=5, choices=CostBasis.choices)
    weeks_per_year = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("52"), help_text="e.g. 38 for a school placement"
    )
    annual_cost = models.DecimalField(max_digits=12, decimal_places=2, editable=False)
    next_review_on = models.DateField()
    reason = models.TextField(help_text="Why this version: the decision, or what changed at review")
    proposed_by = recorded_person("Who proposed this version (cannot confirm its shares)")
    created_at = models.DateTimeField(auto_now_add=True)

    public_fields = (
        "id", "package", "number", "package_type", "description", "provider", "provider_name",
        "personal_health_budget", "starts_on", "ends_on", "effective_from", "amount", "basis",
        "weeks_per_year", "annual_cost", "next_review_on", "created_at",
    )  # fmt: skip
    personal_fields = ("proposed_by",)
    sensitive_fields = ("reason",)

    class Meta:
        ordering = ["package", "number"]
        constraints = [
            models.UniqueConstraint(fields=["package", "number"], name="package_version_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="package_end_after_start"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="package_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    @property
    def confirmed(self) -> bool:
        shares = list(self.shares.all())
        return bool(shares) and all(s.confirmed_at is not None for s in shares)

    @property
    def state(self) -> str:
        return "Confirmed" if self.confirmed else "Agreed in principle"


class FundingStream(models.TextChoices):
    SOCIAL_CARE = "social_care", "Council social care budget"
    HIGH_NEEDS = "dsg_high_needs", "Dedicated Schools Grant high needs block"
    CONTINUING_CARE = "continuing_care", "NHS children's continuing care budget"
    PLACING_COUNCIL = "placing_council", "Another council that placed the child"
    PUBLIC_HEALTH = "public_health", "Public Health grant"
    OTHER = "other", "Other"


class FunderShare(models.Model):
    """One funder's part of a package version: a percentage or an amount, turned into pounds."""

    version = models.ForeignKey(PackageVersion, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    funding_stream = models.CharField(max_length=20, choices=FundingStream.choices)
    percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    annual_amount = models.DecimalField(
        max_digits=12, decimal_places=2, editable=False, help_text="This funder's pounds a year"
    )
    confirmed_by = recorded_person("The funder's authorised member who confirmed it")
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)

    public_fields = (
        "id", "version", "organisation", "funding_stream", "percent", "amount", "annual_amount", "confirmed_at",
    )  # fmt: skip
    personal_fields = ("confirmed_by",)

    class Meta:
        ordering = ["-annual_amount", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation", "funding_stream"], name="funder_share_once"
            )
        ]


class Review(TimeStampedModel):
    """A review of a package, its outcomes, and (when the cost or split changed) the new version."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    goals_met = models.BooleanField(null=True, blank=True)
    placement_stable = models.BooleanField(null=True, blank=True)
    moved_closer_to_home = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    new_version = models.ForeignKey(
        PackageVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    public_fields = (
        "package", "reviewed_on", "goals_met", "placement_stable", "moved_closer_to_home", "new_version",
    )  # fmt: skip
    sensitive_fields = ("notes",)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
