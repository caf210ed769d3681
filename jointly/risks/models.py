"""The partnership's risk register: risks scored on a 5×5 matrix, their controls, actions and reviews.

The arithmetic (ratings, bands, heat maps) is in :mod:`jointly.risks.scoring`; the words of the
rules in :mod:`jointly.risks.rules`; multi-record writes (re-scoring, deciding a provider's proposed
risk) in :mod:`jointly.risks.actions`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import Provenance, VersionedModel, recorded_person
from jointly.risks import scoring

SCORE_CHOICES = [(v, f"{v} {scoring.IMPACT_LABELS[v]}") for v in scoring.SCALE]
LIKELIHOOD_CHOICES = [(v, f"{v} {scoring.LIKELIHOOD_LABELS[v]}") for v in scoring.SCALE]


def _score_check(*names: str) -> Q:
    q = Q()
    for name in names:
        q &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5})
    return q


class RiskMatrix(VersionedModel):
    """A partnership's 5×5 matrix: where its bands start and what it calls them, and escalation.

    A partnership without one uses the NPSA default (1–3 low, 4–6 moderate, 8–12 high, 15–25 extreme).
    A risk whose current rating reaches ``escalation_threshold`` is escalated to ``escalation_board``.
    """

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="risk_matrix"
    )
    low_max = models.PositiveSmallIntegerField("highest low rating", default=scoring.DEFAULT_BOUNDS[0])
    moderate_max = models.PositiveSmallIntegerField(
        "highest moderate rating", default=scoring.DEFAULT_BOUNDS[1]
    )
    high_max = models.PositiveSmallIntegerField("highest high rating", default=scoring.DEFAULT_BOUNDS[2])
    low_label = models.CharField("name of the low band", max_length=40, default="Low")
    moderate_label = models.CharField("name of the moderate band", max_length=40, default="Moderate")
    high_label = models.CharField("name of the high band", max_length=40, default="High")
    extreme_label = models.CharField("name of the extreme band", max_length=40, default="Extreme")
    escalation_threshold = models.PositiveSmallIntegerField(
        default=15, help_text="A risk whose current rating is at or above this goes to the board below"
    )
    escalation_board = models.ForeignKey(
        "partnerships.Board", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The board that receives escalated risks (its agenda and its pack)",
    )  # fmt: skip

    history = HistoricalRecords()
    public_fields = (
        "partnership", "low_max", "moderate_max", "high_max", "low_label", "moderate_label",
        "high_label", "extreme_label", "escalation_threshold", "escalation_board",
    )  # fmt: skip

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(low_max__lt=models.F("moderate_max"))
                & Q(moderate_max__lt=models.F("high_max"))
                & Q(high_max__lt=25)
                & Q(escalation_threshold__gte=1)
                & Q(escalation_threshold__lte=25),
                name="risk_matrix_bounds",
            )
        ]

    def __str__(self) -> str:
        return f"Risk matrix of {self.partnership}"

    def get_absolute_url(self) -> str:
        return reverse("risks:matrix", args=[self.partnership.slug])

    @property
    def bounds(self) -> tuple[int, int, int]:
        return (self.low_max, self.moderate_max, self.high_max)

    @property
    def labels(self) -> tuple[str, str, str, str]:
        return (self.low_label, self.moderate_label, self.high_label, self.extreme_label)

    def as_matrix(self) -> scoring.Matrix:
        return scoring.make_matrix(self.bounds, self.labels)


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted (tolerated at its current rating)"
    CLOSED = "closed", "Closed"


class Risk(Provenance, VersionedModel):
    """A risk to the partnership's plans, scored inherent (before controls), current and target.

    Linked (optionally) to what it threatens. ``escalated`` is a flag, not a status: an open or
    accepted risk can be escalated to the partnership's escalation board.
    """

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="risks"
    )
    reference = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, help_text="Cause, event and effect")
    category = models.CharField(
        max_length=100, blank=True, help_text="e.g. Operational, Corporate, Strategic"
    )
    sub_category = models.CharField(max_length=100, blank=True, help_text="e.g. Specifications, Contract")
    owner = models.CharField(max_length=200, blank=True, help_text="Name or post of the risk owner")
    owner_organisation = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    escalated = models.BooleanField(
        default=False, help_text="On the escalation board's agenda (rating at or above its threshold)"
    )
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCORE_CHOICES)
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, choices=LIKELIHOOD_CHOICES)
    current_impact = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCORE_CHOICES)
    current_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, choices=LIKELIHOOD_CHOICES)
    target_impact = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCORE_CHOICES)
    target_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, choices=LIKELIHOOD_CHOICES)
    identified_on = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True, help_text="When the risk is next to be reviewed")
    closed_on = models.DateField(null=True, blank=True)
    intention = models.ForeignKey(
        "intentions.Intention", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    procurement = models.ForeignKey(
        "contracts.ProcurementProject", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    service = models.ForeignKey(
        "services.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    board = models.ForeignKey(
        "partnerships.Board", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks",
        help_text="The board or group that owns the risk",
    )  # fmt: skip
    fund = models.ForeignKey(
        "finance.Fund", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks",
        help_text="The pooled fund or aligned budget the risk threatens",
    )  # fmt: skip

    history = HistoricalRecords()
    public_fields = (
        "partnership", "reference", "title", "description", "category", "sub_category",
        "owner_organisation", "status", "escalated", "inherent_impact", "inherent_likelihood",
        "current_impact", "current_likelihood", "target_impact", "target_likelihood", "identified_on",
        "review_due", "closed_on", "intention", "contract", "procurement", "service", "board", "fund",
        "illustrative", "source",
    )  # fmt: skip
    personal_fields = ("owner",)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="risk_unique_reference"),
            models.CheckConstraint(
                condition=_score_check(
                    "inherent_impact",
                    "inherent_likelihood",
                    "current_impact",
                    "current_likelihood",
                    "target_impact",
                    "target_likelihood",
                ),
                name="risk_scores_1_to_5",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("risks:detail", args=[self.partnership.slug, self.pk])

    @property
    def inherent_rating(self) -> int | None:
        return scoring.rating(self.inherent_impact, self.inherent_likelihood)

    @property
    def current_rating(self) -> int | None:
        return scoring.rating(self.current_impact, self.current_likelihood)

    @property
    def target_rating(self) -> int | None:
        return scoring.rating(self.target_impact, self.target_likelihood)

    @property
    def rating(self) -> int | None:
        """The rating that counts now: current, else inherent (a risk not yet re-assessed)."""
        current = self.current_rating
        return current if current is not None else self.inherent_rating

    def review_overdue(self, as_at: dt.date) -> bool:
        """A live risk whose review date has passed by ``as_at``."""
        return self.status != RiskStatus.CLOSED and self.review_due is not None and self.review_due < as_at


class Assurance(models.TextChoices):
    SUBSTANTIAL = "substantial", "Substantial"
    REASONABLE = "reasonable", "Reasonable"
    LIMITED = "limited", "Limited"
    NONE = "none", "None"
    NOT_ASSESSED = "", "Not yet assessed"


class RiskControl(VersionedModel):
    """Something in place that lowers a risk, and how sure the partnership is that it works."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    description = models.TextField()
    assurance = models.CharField(max_length=12, choices=Assurance.choices, blank=True, default="")
    assurance_source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the assurance comes from, e.g. an audit or a board report",
    )
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()
    public_fields = ("risk", "description", "assurance", "assurance_source", "illustrative")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return self.risk.get_absolute_url() + "#controls"


class RiskAction(VersionedModel):
    """An action that will lower a risk further, with its owner and due date."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200, blank=True, help_text="Name or post")
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()
    public_fields = ("risk", "description", "due_on", "completed_on", "illustrative")
    personal_fields = ("owner",)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return self.risk.get_absolute_url() + "#actions"

    def is_overdue(self, as_at: dt.date) -> bool:
        """Due before ``as_at`` and not completed by then."""
        if self.due_on is None or self.due_on >= as_at:
            return False
        return self.completed_on is None or self.completed_on > as_at


class RiskReview(models.Model):
    """One assessment of a risk: the current score on a date. Every re-score adds one, so the
    rating over time can be drawn; the first is the score the risk was recorded with."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    impact = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    likelihood = models.PositiveSmallIntegerField(choices=LIKELIHOOD_CHOICES)
    note = models.TextField(blank=True)
    by = recorded_person("Who recorded the review")
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()
    public_fields = ("risk", "reviewed_on", "impact", "likelihood", "note", "illustrative")
    personal_fields = ("by",)

    class Meta:
        ordering = ["reviewed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_score_check("impact", "likelihood"), name="risk_review_scores_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk.reference} reviewed {self.reviewed_on}"

    @property
    def rating(self) -> int:
        return self.impact * self.likelihood


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting a decision"
    ACCEPTED = "accepted", "Accepted into the register"
    DECLINED = "declined", "Declined"


class RiskProposal(Provenance, VersionedModel):
    """A risk a provider proposes on one of its own contracts or services: not in the register until a
    commissioner or partnership admin accepts it (it then becomes ``risk``), or declines it with a
    reason. Four eyes: whoever proposed it cannot decide it (:mod:`jointly.core.approvals`)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="risk_proposals"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+", editable=False,
        help_text="The provider that proposes the risk",
    )  # fmt: skip
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="risk_proposals"
    )
    service = models.ForeignKey(
        "services.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="risk_proposals"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(help_text="Cause, event and effect")
    category = models.CharField(
        max_length=100, blank=True, help_text="e.g. Operational, Financial, Clinical, Workforce"
    )
    impact = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    likelihood = models.PositiveSmallIntegerField(choices=LIKELIHOOD_CHOICES)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, editable=False
    )
    proposed_by = recorded_person("Who proposed it (they cannot decide it)")
    decided_by = recorded_person("Who accepted or declined it")
    decided_on = models.DateField(null=True, blank=True, editable=False)
    reason = models.TextField(
        "reason for the decision", blank=True, editable=False, help_text="Why it was declined (or a note)"
    )
    risk = models.ForeignKey(
        Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals", editable=False,
        help_text="The risk in the register it became",
    )  # fmt: skip

    history = HistoricalRecords()
    public_fields = (
        "partnership", "organisation", "contract", "service", "title", "description", "category", "impact",
        "likelihood", "status", "decided_on", "reason", "risk", "illustrative", "source",
    )  # fmt: skip
    personal_fields = ("proposed_by", "decided_by")

    class Meta:
        ordering = ["-created_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_score_check("impact", "likelihood"), name="risk_proposal_scores_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(contract__isnull=False) | Q(service__isnull=False),
                name="risk_proposal_on_a_contract_or_service",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposed risk: {self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("risks:proposal", args=[self.partnership.slug, self.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.proposed_by_id is None:
            self.proposed_by_id = self.created_by_id  # save_versioned names the creator
        super().save(*args, **kwargs)

    @property
    def rating(self) -> int | None:
        return scoring.rating(self.impact, self.likelihood)
