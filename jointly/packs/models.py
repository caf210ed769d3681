"""Board packs: a meeting's agenda, its papers, the packs built from them and the decisions' links.

A meeting (:class:`jointly.partnerships.models.Meeting`) has an agenda of :class:`AgendaItem` rows, each
with a paper: an uploaded PDF/DOCX, or one Jointly generates from live data (a key of the paper
registry, ``JOINTLY_PACK_PAPERS``, see :mod:`jointly.packs.papers`). A :class:`Pack` is one build of
the meeting's papers as at a date; once issued it is frozen (its files and the data snapshot it was
built from never change) and a later build of the same meeting is a reissue that says what changed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import VersionedModel, recorded_person
from jointly.packs import publication

UPLOAD = "upload"


class Purpose(models.TextChoices):
    DECISION = "decision", "For decision"
    DISCUSSION = "discussion", "For discussion"
    INFORMATION = "information", "For information"


class Part(models.TextChoices):
    PUBLIC = "public", "Public"
    EXEMPT = "exempt", "Exempt (not for publication)"


class UploadFormat(models.TextChoices):
    NONE = "", "None"
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"


class AgendaItem(VersionedModel):
    """One item of a meeting's agenda, in order, with its presenter, purpose and paper."""

    meeting = models.ForeignKey("partnerships.Meeting", on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(help_text="Order on the agenda (1 first)")
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, help_text="Name or post of who presents it")
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.INFORMATION)
    part = models.CharField(max_length=8, choices=Part.choices, default=Part.PUBLIC)
    paper = models.CharField(
        max_length=60, help_text="A generated paper's key (see JOINTLY_PACK_PAPERS), or 'upload'"
    )
    summary = models.TextField(blank=True, help_text="The paper's summary, in the board's conventions")
    recommendations = models.TextField(blank=True, help_text="One recommendation per line")
    upload = models.BinaryField(null=True, blank=True, editable=False)
    upload_name = models.CharField(max_length=200, blank=True)
    upload_format = models.CharField(max_length=4, choices=UploadFormat.choices, blank=True, default="")
    illustrative = models.BooleanField(default=False, help_text="Invented for the demo")

    history = HistoricalRecords(excluded_fields=["upload"])
    public_fields = (
        "id", "meeting", "position", "title", "purpose", "part", "paper", "summary", "recommendations",
        "upload_name", "upload_format", "illustrative",
    )  # fmt: skip
    personal_fields = ("presenter",)
    sensitive_fields = ("upload",)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_unique_position"),
            models.CheckConstraint(condition=~models.Q(paper=""), name="agenda_item_has_paper"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def recommendation_list(self) -> list[str]:
        return [line.strip() for line in self.recommendations.splitlines() if line.strip()]

    @property
    def uploaded(self) -> bool:
        return self.paper == UPLOAD

    def clean(self) -> None:
        if not self.paper:
            raise ValidationError(
                {"paper": "An agenda item needs a paper: upload one or choose one to generate."}
            )
        if self.paper == UPLOAD and not self.upload_format:
            raise ValidationError({"paper": "Upload the paper (a PDF or a Word DOCX file)."})


class PackStatus(models.TextChoices):
    BUILDING = "building", "Building"
    DRAFT = "draft", "Draft"
    FAILED = "failed", "Failed"
    ISSUED = "issued", "Issued"


class PackIssued(Exception):
    """An issued pack is frozen: its files, snapshot and dates never change."""


class Pack(models.Model):
    """One build of a meeting's papers as at a date: PDF and DOCX files and the data they show.

    ``snapshot`` keeps, per paper, the figures the pack printed, so that a reissue can say what
    changed (``changes``) and the issued pack can be read again exactly as the board read it.
    """

    meeting = models.ForeignKey("partnerships.Meeting", on_delete=models.PROTECT, related_name="packs")
    number = models.PositiveSmallIntegerField(default=1, help_text="1 for the first pack, 2 for a reissue…")
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.BUILDING)
    as_at = models.DateField(help_text="The date the generated papers' data is taken as at")
    publication_date = models.DateField(help_text="Five clear days before a public meeting")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    public_pdf = models.BinaryField(null=True, blank=True, editable=False)
    docx = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(default=0, help_text="Pages of the PDF")
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    public_items = models.JSONField(
        default=list, blank=True, editable=False,
        help_text="The public part's agenda as printed: number, title and purpose of each public item",
    )  # fmt: skip
    changes = models.JSONField(default=list, blank=True, help_text="What changed since the last issued pack")
    message = models.CharField(max_length=300, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    built_on = models.DateTimeField(null=True, blank=True)
    built_by = recorded_person("Who asked for the build")
    issued_on = models.DateTimeField(null=True, blank=True)
    issued_by = recorded_person("Who issued it")

    history = HistoricalRecords(excluded_fields=["pdf", "public_pdf", "docx", "snapshot"])
    public_fields = (
        "id", "meeting", "number", "status", "as_at", "publication_date", "pages", "changes", "message",
        "built_on", "issued_on", "public_items",
    )  # fmt: skip
    personal_fields = ("built_by", "issued_by")
    sensitive_fields = ("pdf", "public_pdf", "docx", "snapshot", "job")

    class Meta:
        ordering = ["meeting", "-number", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting.board.name} pack {self.meeting.date:%d %b %Y} (issue {self.number})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            stored = Pack.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == PackStatus.ISSUED:
                raise PackIssued("This pack has been issued: it cannot change. Build a reissue instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        board = self.meeting.board
        return reverse("packs:pack", args=[board.partnership.slug, board.slug, self.meeting_id, self.pk])

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        if self.status == PackStatus.ISSUED:
            raise PackIssued("An issued pack is kept for the record: it cannot be deleted.")
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def issued(self) -> bool:
        return self.status == PackStatus.ISSUED

    def published(self, on: dt.date) -> bool:
        return self.issued and publication.is_published(self.publication_date, on)


class DecisionKind(models.TextChoices):
    INTENTION_STAGE = "intention_stage", "An intention's stage"
    VARIATION = "variation", "A contract variation"
    FUND = "fund", "A change to a fund"
    RISK_ACCEPTANCE = "risk_acceptance", "A risk's acceptance"
    OTHER = "other", "Something else"


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"


#: The permission, beyond minuting (``edit_governance``), that applying a decision of each kind needs:
#: the same one the record's own page asks for when it is changed there.
APPLY_PERMISSION = {
    DecisionKind.INTENTION_STAGE: "edit_intentions",
    DecisionKind.VARIATION: "approve_variations",
    DecisionKind.FUND: "edit_finance",
    DecisionKind.RISK_ACCEPTANCE: "edit_risks",
}


class DecisionLink(models.Model):
    """What a minuted decision decides: an intention's stage, a contract variation, a fund change or a
    risk's acceptance (exactly one record, or none for 'something else').

    Recording (or later confirming) the link applies the decision to its record through the record's
    own app (:mod:`jointly.packs.decisions`): ``applied_on`` says it was; ``not_applied`` says why it
    was not (the record's rules refused, or it waits for someone allowed to apply it).
    """

    decision = models.ForeignKey("partnerships.Decision", on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    intention = models.ForeignKey(
        "intentions.Intention", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    stage = models.CharField(max_length=10, blank=True, help_text="The stage decided (intention stage)")
    variation = models.ForeignKey(
        "contracts.Variation", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    fund = models.ForeignKey(
        "finance.Fund", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions",
        help_text="The fund (set from the fund change when one is named)",
    )  # fmt: skip
    fund_change = models.ForeignKey(
        "finance.FundChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions",
        help_text="The proposed change to the fund the board decided",
    )  # fmt: skip
    risk = models.ForeignKey(
        "risks.Risk", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    outcome = models.CharField(
        max_length=8, choices=DecisionOutcome.choices, default=DecisionOutcome.APPROVE,
        help_text="A variation or fund change: approved or rejected",
    )  # fmt: skip
    applied_on = models.DateTimeField(null=True, blank=True, editable=False)
    applied_by = recorded_person("Who applied the decision to its record")
    not_applied = models.CharField(
        max_length=500, blank=True, editable=False, help_text="Why the decision was not applied to its record"
    )

    history = HistoricalRecords()
    public_fields = (
        "id", "decision", "kind", "intention", "stage", "variation", "fund", "fund_change", "risk", "outcome",
        "applied_on", "not_applied",
    )  # fmt: skip
    personal_fields = ("applied_by",)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self) -> object:
        return self.intention or self.variation or self.fund_change or self.fund or self.risk or ""

    @property
    def applies(self) -> bool:
        """Whether the decision changes a record (everything but 'something else')."""
        return self.kind in APPLY_PERMISSION

    @property
    def applied(self) -> bool:
        return self.applied_on is not None

    def problems(self) -> dict[str, str]:
        need = {
            DecisionKind.INTENTION_STAGE: "intention",
            DecisionKind.VARIATION: "variation",
            DecisionKind.FUND: "fund_change",
            DecisionKind.RISK_ACCEPTANCE: "risk",
        }.get(self.kind)  # type: ignore[call-overload]
        errors: dict[str, str] = {}
        names = ("intention", "variation", "fund_change", "risk")
        given = [n for n in names if getattr(self, f"{n}_id")]
        if need and need not in given:
            errors[need] = f"Say which {need.replace('_', ' ')} the decision is about."
        extra = [n for n in given if n != need]
        if self.fund_id and need != "fund_change":
            extra.append("fund")
        if extra:
            errors[extra[0]] = (
                f"A decision about {self.get_kind_display().lower()} links no {extra[0].replace('_', ' ')}."
            )
        if self.kind == DecisionKind.INTENTION_STAGE and not self.stage:
            errors["stage"] = "Say which stage the board decided."
        return errors
