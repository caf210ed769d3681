"""Contracts, their funding and change control, and the procurement pipeline."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.contracts import procurement_law, terms
from jointly.core.models import VersionedModel, recorded_person

FINANCIAL_YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")


def validate_financial_year(value: str) -> None:
    """'2014/15' is a financial year (April to March); the second part follows the first."""
    match = FINANCIAL_YEAR_RE.match(value or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidationError(f"{value!r} is not a financial year like 2014/15.")


class ContractType(models.TextChoices):
    NHS_STANDARD = "nhs_standard", "NHS Standard Contract"
    COUNCIL = "council", "Council contract"
    GRANT = "grant", "Grant agreement"
    SECTION_75 = "section_75", "Section 75 partnership agreement"
    FRAMEWORK_CALL_OFF = "framework_call_off", "Framework call-off"
    SPOT_PURCHASE = "spot_purchase", "Spot purchase"


class ContractStatus(models.TextChoices):
    LIVE = "live", "Live"
    EXTENDED = "extended", "Extended"
    IN_PROCUREMENT = "in_procurement", "In procurement"
    EXPIRING = "expiring", "Expiring"
    ENDED = "ended", "Ended"
    DECOMMISSIONED = "decommissioned", "Decommissioned"


class FundingStream(models.TextChoices):
    CORE = "core", "Core / baseline budget"
    PUBLIC_HEALTH_GRANT = "public_health_grant", "Public Health grant"
    NHS_ALLOCATION = "nhs_allocation", "NHS allocation"
    BETTER_CARE_FUND = "better_care_fund", "Better Care Fund"
    DEDICATED_SCHOOLS_GRANT = "dedicated_schools_grant", "Dedicated Schools Grant"
    POOLED_FUND = "pooled_fund", "Pooled fund (Section 75)"
    OTHER_GRANT = "other_grant", "Other grant"


class Contract(VersionedModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="contracts"
    )
    reference = models.CharField(max_length=100)
    title = models.CharField(max_length=400)
    description = models.TextField(blank=True)
    provider = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_provided",
        help_text="The provider (the lead provider of a bundle)",
    )
    lead_commissioner = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_led",
    )
    buyer = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_bought",
        help_text="The buyer a published notice names (the lead commissioner when it is one of ours)",
    )
    suppliers = models.ManyToManyField(
        "partnerships.Organisation",
        blank=True,
        related_name="contracts_supplied",
        help_text="Every supplier of the award (frameworks and dynamic purchasing systems have many)",
    )
    coordinating_commissioner = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts_coordinated",
    )
    contract_type = models.CharField("type", max_length=24, choices=ContractType.choices)
    status = models.CharField(max_length=16, choices=ContractStatus.choices, default=ContractStatus.LIVE)
    start_date = models.DateField()
    end_date = models.DateField(help_text="The end date as originally signed (before variations)")
    value = models.DecimalField(
        "original value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Total value as originally signed; approved variations change the current value",
    )
    extension_count = models.PositiveSmallIntegerField(
        "number of extension options", default=0, validators=[MaxValueValidator(10)]
    )
    extension_months = models.PositiveSmallIntegerField(
        "months per extension", default=0, validators=[MaxValueValidator(60)]
    )
    notice_months = models.PositiveSmallIntegerField(
        "notice period (months)", default=3, validators=[MaxValueValidator(36)]
    )
    efficiency_percent = models.DecimalField(
        "efficiency requirement (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    efficiency_from = models.DateField("efficiency applies from", null=True, blank=True)
    bundle = models.BooleanField(
        "bundle of care",
        default=False,
        help_text="One specification and one contract with a lead provider and sub-contractors",
    )
    services = models.ManyToManyField("services.Service", blank=True, related_name="contracts")
    intentions = models.ManyToManyField(
        "intentions.Intention", blank=True, related_name="contracts", verbose_name="intentions served"
    )
    outcomes = models.ManyToManyField(
        "outcomes.Outcome", blank=True, related_name="contracts", verbose_name="outcomes served"
    )
    ocid = models.CharField(
        "OCDS contracting process id", max_length=200, blank=True, help_text="Set when imported from OCDS"
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where this record came from")
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[services, intentions, outcomes, suppliers])
    public_fields = (
        "partnership", "reference", "title", "description", "provider", "lead_commissioner", "buyer",
        "suppliers", "coordinating_commissioner", "contract_type", "status", "start_date", "end_date", "value",
        "extension_count", "extension_months", "notice_months", "efficiency_percent",
        "efficiency_from", "bundle", "services", "intentions", "outcomes", "ocid", "source",
        "illustrative",
    )  # fmt: skip

    class Meta:
        ordering = ["end_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="contract_unique_reference"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="contract_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.partnership.slug, self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})
        if bool(self.extension_count) != bool(self.extension_months):
            raise ValidationError(
                {"extension_months": "Give both the number of extensions and their length, or neither."}
            )
        if self.efficiency_percent is not None and self.efficiency_from is None:
            raise ValidationError({"efficiency_from": "Say from when the efficiency requirement applies."})

    def current_terms(self) -> terms.Terms:
        """Value (per financial year) and end date after approved variations.

        Uses prefetched variations if present.
        """
        return terms.current_terms(self.value, self.end_date, self.variations.all(), start=self.start_date)

    def status_as_at(self, as_at: dt.date) -> str:
        """Derived status on ``as_at`` (:func:`terms.status_as_at`; uses prefetched variations)."""
        return terms.status_as_at(
            as_at, self.start_date, self.end_date, self.notice_months, self.variations.all(), self.status
        )

    def status_label_as_at(self, as_at: dt.date) -> str:
        return terms.STATUS_LABELS[self.status_as_at(as_at)]

    @property
    def extension_label(self) -> str:
        if not self.extension_count:
            return "None"
        return f"{self.extension_count} × {self.extension_months} months"


def directorate_problem(organisation: Any) -> str | None:
    """Money is paid by a body, not by one of its directorates (Public Health pays as its council)."""
    if organisation is not None and organisation.parent_id is not None:
        return (
            f"{organisation.name} is part of {organisation.parent.name}: record {organisation.parent.name} "
            "as the commissioner (with the Public Health grant as the funding stream where it applies)."
        )
    return None


class FundingShare(VersionedModel):
    """One commissioner's contribution to a contract in one financial year from one funding stream."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="funding")
    commissioner = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="contract_funding"
    )
    financial_year = models.CharField(
        max_length=7, validators=[validate_financial_year], help_text="e.g. 2014/15"
    )
    funding_stream = models.CharField(max_length=32, choices=FundingStream.choices)
    amount = models.DecimalField("amount (£)", max_digits=14, decimal_places=2)
    ring_fenced_public_health = models.BooleanField(
        "ring-fenced Public Health grant",
        default=False,
        help_text="Spent under the conditions of the ring-fenced Public Health grant",
    )

    history = HistoricalRecords()
    public_fields = (
        "contract", "commissioner", "financial_year", "funding_stream", "amount",
        "ring_fenced_public_health",
    )  # fmt: skip

    class Meta:
        ordering = ["financial_year", "commissioner__name", "funding_stream"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "commissioner", "financial_year", "funding_stream"],
                name="funding_share_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.financial_year} {self.funding_stream}"

    def clean(self) -> None:
        problem = directorate_problem(self.commissioner if self.commissioner_id else None)
        if problem:
            raise ValidationError({"commissioner": problem})


class VariationKind(models.TextChoices):
    VALUE = "value", "Value"
    TERM = "term", "Term"
    SCOPE = "scope", "Scope"
    KPIS = "kpis", "KPIs"


class VariationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Variation(VersionedModel):
    """A change to a contract under formal change control: proposed, then approved or rejected."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="variations")
    kind = models.CharField("type", max_length=8, choices=VariationKind.choices)
    description = models.TextField()
    value_change = models.DecimalField(
        "value change (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Positive adds to the contract value, negative reduces it",
    )
    new_end_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField()
    status = models.CharField(
        max_length=8, choices=VariationStatus.choices, default=VariationStatus.PROPOSED, editable=False
    )
    proposed_by = recorded_person(
        "Who proposed it (they cannot approve or reject it); empty when not recorded"
    )
    decided_by = recorded_person()
    decided_on = models.DateField(null=True, blank=True, editable=False)
    reason = models.TextField("reason for the decision", blank=True, editable=False)

    history = HistoricalRecords()
    public_fields = (
        "contract", "kind", "description", "value_change", "new_end_date", "effective_date",
        "status", "decided_on", "reason",
    )  # fmt: skip
    personal_fields = ("proposed_by", "decided_by")

    class Meta:
        ordering = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.get_kind_display()} variation ({self.get_status_display()})"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self._state.adding and self.proposed_by_id is None:
            self.proposed_by_id = self.created_by_id  # save_versioned names the creator
        super().save(*args, **kwargs)


class ContractDocument(VersionedModel):
    class Kind(models.TextChoices):
        SPECIFICATION = "specification", "Service specification"
        CONTRACT = "contract", "Signed contract"
        VARIATION = "variation", "Variation letter"
        OTHER = "other", "Other"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300)
    url = models.URLField("link", max_length=1000)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SPECIFICATION)

    history = HistoricalRecords()
    public_fields = ("contract", "title", "url", "kind")

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class ContractSubcontractor(VersionedModel):
    """A sub-contractor of the lead provider, e.g. within a bundle of care."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="subcontractors")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="subcontracts"
    )
    role = models.CharField(max_length=300, help_text="What it delivers within the contract")

    history = HistoricalRecords()
    public_fields = ("contract", "organisation", "role")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "organisation"], name="subcontractor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"


class PartyIdentifier(models.Model):
    """An identifier a published notice gives an organisation (OCDS ``identifier``: scheme and id,
    e.g. GB-COH 01234567, GB-GOR D1234, GB-NHS RDE), so that the next import finds it again."""

    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.CASCADE, related_name="party_identifiers"
    )
    scheme = models.CharField(max_length=40, help_text="org-id.guide scheme, e.g. GB-COH")
    identifier = models.CharField(max_length=100)

    history = HistoricalRecords()
    public_fields = ("organisation", "scheme", "identifier")

    class Meta:
        ordering = ["scheme", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "identifier"], name="party_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme}-{self.identifier}"


# --- Procurement ------------------------------------------------------------------------------


ProcurementRoute = models.TextChoices(  # type: ignore[misc]
    "ProcurementRoute", [(r.code.upper(), (r.code, r.label)) for r in procurement_law.ROUTES]
)


class ServiceKind(models.TextChoices):
    """What is bought, as procurement law tells services apart."""

    HEALTHCARE = procurement_law.ServiceKind.HEALTHCARE, "Health care services (public health included)"
    SOCIAL = procurement_law.ServiceKind.SOCIAL, "Social, education and other light-touch services"
    OTHER = procurement_law.ServiceKind.OTHER, "Other services or goods"


class ProcurementStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "In progress"
    AWARDED = "awarded", "Awarded"
    COMPLETE = "complete", "Complete (service live)"
    CANCELLED = "cancelled", "Cancelled"


class StageKind(models.TextChoices):
    STOCKTAKE = "stocktake", "Stocktake"
    OPTIONS = "options", "Options appraisal"
    SPECIFICATION = "specification", "Specification"
    MARKET_ENGAGEMENT = "market_engagement", "Market engagement"
    TENDER = "tender", "Tender / selection"
    EVALUATION = "evaluation", "Evaluation"
    AWARD = "award", "Award"
    STANDSTILL = "standstill", "Standstill"
    MOBILISATION = "mobilisation", "Mobilisation"
    GO_LIVE = "go_live", "Go-live"


STAGE_ORDER = [c.value for c in StageKind]


class ProcurementProject(VersionedModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="procurements"
    )
    reference = models.CharField(max_length=100)
    title = models.CharField(max_length=400)
    description = models.TextField(blank=True)
    lead_commissioner = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procurements_led",
    )
    buyer = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procurements_bought",
        help_text="The buyer a published notice names (the lead commissioner when it is one of ours)",
    )
    route = models.CharField(
        max_length=20,
        choices=ProcurementRoute.choices,
        help_text="The procedure under the law in force when the procurement began",
    )
    start_date = models.DateField(
        "procurement began (or begins)",
        null=True,
        blank=True,
        help_text="The law in force on this day governs the procurement and decides its route",
    )
    service_kind = models.CharField(
        "what is bought",
        max_length=12,
        choices=ServiceKind.choices,
        default=ServiceKind.HEALTHCARE,
        help_text="Health care, light-touch services or other: the law differs",
    )
    status = models.CharField(
        max_length=10, choices=ProcurementStatus.choices, default=ProcurementStatus.PLANNED
    )
    estimated_value = models.DecimalField(
        "estimated value (£)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    intentions = models.ManyToManyField("intentions.Intention", blank=True, related_name="procurements")
    replaces = models.ManyToManyField(
        Contract, blank=True, related_name="replaced_by", verbose_name="contracts it replaces"
    )
    resulting_contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awarded_from",
        help_text="The contract awarded at the end of this procurement",
    )
    ocid = models.CharField("OCDS contracting process id", max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True)
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[intentions, replaces])
    public_fields = (
        "partnership", "reference", "title", "description", "lead_commissioner", "buyer", "route", "status",
        "estimated_value", "intentions", "replaces", "resulting_contract", "ocid", "source",
        "illustrative", "start_date", "service_kind",
    )  # fmt: skip

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="procurement_unique_reference")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:procurement", args=[self.partnership.slug, self.pk])

    @property
    def buyer_kind(self) -> procurement_law.Buyer | None:
        """The kind of body buying, for the law: the lead commissioner, else the published buyer."""
        lead = self.lead_commissioner if self.lead_commissioner_id else None
        if lead is None and self.buyer_id:
            lead = self.buyer
        return procurement_law.buyer_for(lead.kind if lead is not None else None)

    def route_problem(self) -> str | None:
        """Why the route was not open to this buyer on the start date (None when it was)."""
        return procurement_law.route_problem(
            self.route, self.buyer_kind, self.start_date, procurement_law.ServiceKind(self.service_kind)
        )

    def regimes_text(self) -> str:
        """The law in force when the procurement began, in words ('' without a start date)."""
        if self.start_date is None:
            return ""
        return procurement_law.describe(
            self.buyer_kind, self.start_date, procurement_law.ServiceKind(self.service_kind)
        )

    def clean(self) -> None:
        if self.route:
            problem = self.route_problem()
            if problem:
                field = "start_date" if self.start_date is None else "route"
                raise ValidationError({field: problem}, code="route_not_in_force")


class ProcurementStage(VersionedModel):
    project = models.ForeignKey(ProcurementProject, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20, choices=StageKind.choices)
    planned_date = models.DateField()
    actual_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    public_fields = ("project", "stage", "planned_date", "actual_date", "notes")

    class Meta:
        ordering = ["planned_date", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="procurement_stage_unique")]

    def __str__(self) -> str:
        return f"{self.project.reference} {self.get_stage_display()}"


class CoiDecision(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    NO_ACTION = "no_action", "Noted: no action needed"
    EXCLUDED_EVALUATION = "excluded_evaluation", "Excluded from evaluation"
    EXCLUDED_DECISION = "excluded_decision", "Excluded from the award decision"
    WITHDRAWN = "withdrawn", "Withdrawn from the project"


class ConflictOfInterest(VersionedModel):
    """A declaration in a procurement project's conflicts-of-interest register."""

    project = models.ForeignKey(ProcurementProject, on_delete=models.PROTECT, related_name="conflicts")
    person = models.CharField(max_length=200, help_text="Who declared the interest")
    person_role = models.CharField("role on the project", max_length=200, blank=True)
    interest = models.TextField("interest declared")
    declared_on = models.DateField()
    decision = models.CharField(max_length=20, choices=CoiDecision.choices, default=CoiDecision.PENDING)
    decision_notes = models.TextField(blank=True)

    history = HistoricalRecords()
    public_fields = ("project", "declared_on", "decision", "person_role")
    personal_fields = ("person", "interest", "decision_notes")

    class Meta:
        ordering = ["-declared_on", "id"]
        verbose_name = "conflict of interest declaration"

    def __str__(self) -> str:
        return f"{self.project.reference}: declaration of {self.declared_on:%d %b %Y}"


# --- OCDS imports ---------------------------------------------------------------------------------


class OcdsImportStatus(models.TextChoices):
    CHECKED = "checked", "Checked, not imported yet"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


class OcdsImportLog(models.Model):
    """Every OCDS import (page or command line): who, when, which file, what it created, and the
    report (warnings, buyers and suppliers matched or added, what was not imported and why).

    A log is itself the audit record of an import (like the needs ``ImportLog``): it has no
    history of its own."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateTimeField(auto_now_add=True)
    finished_on = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the file")
    status = models.CharField(
        max_length=10, choices=OcdsImportStatus.choices, default=OcdsImportStatus.CHECKED
    )
    releases = models.PositiveIntegerField(default=0)
    contracts_created = models.PositiveIntegerField(default=0)
    procurements_created = models.PositiveIntegerField(default=0)
    organisations_created = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, blank=True, help_text="problems, warnings, buyers and suppliers, release by release"
    )

    public_fields = (
        "id", "partnership", "started_on", "finished_on", "file_name", "checksum", "status", "releases",
        "contracts_created", "procurements_created", "organisations_created", "problem_count", "report",
    )  # fmt: skip
    personal_fields = ("uploaded_by",)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "OCDS import log"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
