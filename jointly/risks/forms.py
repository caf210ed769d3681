"""Risk forms: record/edit a risk, re-score it, its controls and actions, the matrix, the filters, a
provider's proposed risk and the decision on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from jointly.accounts.permissions import Scope
from jointly.contracts.models import Contract, ProcurementProject
from jointly.core.forms import DateInput, GovUKFormMixin, VersionedModelForm
from jointly.core.rules import add_to_form, raise_for
from jointly.finance.models import Fund
from jointly.intentions.models import Intention
from jointly.partnerships.models import Board, Organisation, Partnership
from jointly.risks import rules, scoring
from jointly.risks.models import (
    LIKELIHOOD_CHOICES,
    SCORE_CHOICES,
    Risk,
    RiskAction,
    RiskControl,
    RiskMatrix,
    RiskStatus,
)
from jointly.services.models import Service

BLANK = [("", "Not scored")]


def _score_field(
    label: str, choices: list[tuple[int, str]], *, required: bool = False
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=(choices if required else BLANK + choices), coerce=int,
        empty_value=None, required=required,
    )  # fmt: skip


class RiskForm(VersionedModelForm):
    class Meta:
        model = Risk
        fields = [
            "reference", "title", "description", "category", "sub_category", "owner", "owner_organisation",
            "status", "escalated", "inherent_impact", "inherent_likelihood", "current_impact",
            "current_likelihood", "target_impact", "target_likelihood", "identified_on", "review_due",
            "closed_on", "intention", "contract", "procurement", "service", "board", "fund", "illustrative",
            "source",
        ]  # fmt: skip
        widgets = {"identified_on": DateInput(), "review_due": DateInput(), "closed_on": DateInput()}
        labels = {
            "illustrative": "Some values are illustrative (not from a source document)",
            "procurement": "Procurement project",
            "fund": "Fund or aligned budget",
            "escalated": "Escalated to the partnership's escalation board",
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        for kind in ("inherent", "current", "target"):
            self.fields[f"{kind}_impact"] = _score_field(f"{kind.capitalize()} impact", SCORE_CHOICES)
            self.fields[f"{kind}_likelihood"] = _score_field(
                f"{kind.capitalize()} likelihood", LIKELIHOOD_CHOICES
            )
            if self.instance.pk is not None and not self.is_bound:
                self.initial[f"{kind}_impact"] = getattr(self.instance, f"{kind}_impact")
                self.initial[f"{kind}_likelihood"] = getattr(self.instance, f"{kind}_likelihood")
        self.fields["status"].required = False
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            partnership_memberships__partnership=partnership
        ).distinct()
        self.fields["intention"].queryset = Intention.objects.filter(partnership=partnership)
        self.fields["contract"].queryset = Contract.objects.filter(partnership=partnership)
        self.fields["procurement"].queryset = ProcurementProject.objects.filter(partnership=partnership)
        self.fields["service"].queryset = Service.objects.filter(partnership=partnership)
        self.fields["board"].queryset = Board.objects.filter(partnership=partnership)
        self.fields["fund"].queryset = Fund.objects.filter(partnership=partnership)
        for name in ("intention", "contract", "procurement"):
            self.fields[name].label_from_instance = lambda o: f"{o.reference} {o.title}"
        if self.instance.pk is not None:
            # Re-scoring keeps a review: the current score changes through the re-score page.
            self.fields["current_impact"].disabled = True
            self.fields["current_likelihood"].disabled = True
            self.fields["current_impact"].help_text = "Change the current score by re-scoring the risk."

    def clean_reference(self) -> str:
        value = self.cleaned_data["reference"].strip()
        raise_for(rules.reference(self.instance.partnership, value, self.instance), "reference")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("status"):
            data["status"] = RiskStatus.OPEN
        problems = {k: v for k, v in rules.scores(data).items() if k not in self.errors}
        add_to_form(self, problems)
        return data


class RescoreForm(GovUKFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    impact = _score_field("Impact now", SCORE_CHOICES, required=True)
    likelihood = _score_field("Likelihood now", LIKELIHOOD_CHOICES, required=True)
    reviewed_on = forms.DateField(label="Date of the review", widget=DateInput())
    review_due = forms.DateField(label="Next review due", widget=DateInput(), required=False)
    note = forms.CharField(label="What changed", widget=forms.Textarea, required=False)


class ControlForm(VersionedModelForm):
    class Meta:
        model = RiskControl
        fields = ["description", "assurance", "assurance_source", "illustrative"]

    def __init__(self, *args: Any, risk: Risk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.risk = risk


class ActionForm(VersionedModelForm):
    class Meta:
        model = RiskAction
        fields = ["description", "owner", "due_on", "completed_on", "illustrative"]
        widgets = {"due_on": DateInput(), "completed_on": DateInput()}

    def __init__(self, *args: Any, risk: Risk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.risk = risk


class MatrixForm(VersionedModelForm):
    class Meta:
        model = RiskMatrix
        fields = [
            "low_label", "low_max", "moderate_label", "moderate_max", "high_label", "high_max",
            "extreme_label", "escalation_threshold", "escalation_board",
        ]  # fmt: skip

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["escalation_board"].queryset = Board.objects.filter(partnership=partnership)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = rules.matrix({**data, "partnership": self.instance.partnership})
        add_to_form(self, {k: v for k, v in problems.items() if k not in self.errors})
        return data


SORTS = [("rating", "Rating (highest first)"), ("reference", "Reference"), ("review", "Review date")]
BASES = [("current", "Current"), ("inherent", "Inherent")]


class RiskFilterForm(GovUKFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False)
    category = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *RiskStatus.choices], required=False)
    band = forms.ChoiceField(label="Band (current rating)", required=False)
    escalated = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Escalated"), ("no", "Not escalated")], required=False
    )
    impact = forms.TypedChoiceField(
        choices=[("", "Any"), *[(v, v) for v in scoring.SCALE]], coerce=int, empty_value=None, required=False
    )
    likelihood = forms.TypedChoiceField(
        choices=[("", "Any"), *[(v, v) for v in scoring.SCALE]], coerce=int, empty_value=None, required=False
    )
    basis = forms.ChoiceField(label="Scores", choices=BASES, required=False)
    fund = forms.ModelChoiceField(
        label="Fund threatened", queryset=Fund.objects.none(), to_field_name="slug", required=False,
        empty_label="Any",
    )  # fmt: skip
    sort = forms.ChoiceField(choices=SORTS, required=False)

    def __init__(
        self, *args: Any, categories: list[str], matrix: scoring.Matrix, funds: QuerySet[Fund] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        if funds is None:  # people who may not see the partnership's finance (providers)
            del self.fields["fund"]
        else:
            self.fields["fund"].queryset = funds
        self.fields["category"].choices = [("", "Any"), *[(c, c) for c in categories]]
        self.fields["band"].choices = [("", "Any"), *[(b.key, f"{b.label} ({b.span})") for b in matrix.bands]]

    def apply(self, qs: QuerySet[Risk]) -> list[Risk]:
        """The matching risks, sorted; an invalid filter shows nothing rather than everything."""
        if self.is_bound and not self.is_valid():
            return []
        d = self.cleaned_data if self.is_bound else {}
        if d.get("q"):
            qs = qs.filter(
                Q(title__icontains=d["q"]) | Q(description__icontains=d["q"]) | Q(reference__icontains=d["q"])
            )
        if d.get("category"):
            qs = qs.filter(category=d["category"])
        if d.get("status"):
            qs = qs.filter(status=d["status"])
        if d.get("escalated"):
            qs = qs.filter(escalated=d["escalated"] == "yes")
        if d.get("fund") is not None:
            qs = qs.filter(fund=d["fund"])
        basis = d.get("basis") or "current"
        if d.get("impact") is not None:
            qs = qs.filter(**{f"{basis}_impact": d["impact"]})
        if d.get("likelihood") is not None:
            qs = qs.filter(**{f"{basis}_likelihood": d["likelihood"]})
        risks = list(qs)
        if d.get("band"):
            risks = [r for r in risks if (b := self.matrix.band(r.rating)) is not None and b.key == d["band"]]
        sort = d.get("sort") or "rating"
        if sort == "rating":
            risks.sort(key=lambda r: (-(r.rating or 0), r.reference))
        elif sort == "review":
            risks.sort(key=lambda r: (r.review_due is None, r.review_due or r.identified_on, r.reference))
        else:
            risks.sort(key=lambda r: r.reference)
        return risks


class ImportForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(label="Register file (CSV or XLSX)")


class ProposalForm(GovUKFormMixin, forms.Form):
    """A provider proposes a risk on one of its own contracts or services."""

    contract = forms.ModelChoiceField(
        queryset=Contract.objects.none(), required=False,
        help_text="Your organisation's contract the risk is on (or choose a service below)",
    )  # fmt: skip
    service = forms.ModelChoiceField(queryset=Service.objects.none(), required=False)
    title = forms.CharField(label="What is the risk?", max_length=300)
    description = forms.CharField(
        label="Cause, event and effect", widget=forms.Textarea,
        help_text="What could cause it, what would happen, and the effect on children, families or the service",
    )  # fmt: skip
    category = forms.CharField(
        max_length=100, required=False, help_text="e.g. Operational, Financial, Clinical, Workforce"
    )
    impact = _score_field("Impact", SCORE_CHOICES, required=True)
    likelihood = _score_field("Likelihood", LIKELIHOOD_CHOICES, required=True)

    def __init__(self, *args: Any, partnership: Partnership, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership, self.scope = partnership, scope
        self.fields["contract"].queryset = scope.filter(
            Contract.objects.filter(partnership=partnership), "provider"
        ).order_by("reference")
        self.fields["service"].queryset = scope.filter(
            Service.objects.filter(partnership=partnership), "provider"
        ).order_by("name")
        self.fields["contract"].label_from_instance = lambda o: f"{o.reference} {o.title}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = rules.proposal(self.partnership, data, self.scope.allows)
        add_to_form(self, {k: v for k, v in problems.items() if k not in self.errors})
        return data


class ProposalDecisionForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept it into the register"), ("decline", "Decline it")],
        widget=forms.RadioSelect, label="Your decision",
    )  # fmt: skip
    reference = forms.CharField(
        label="Reference in the register (to accept)", required=False, max_length=30,
        help_text="Unique in the partnership, e.g. R-12",
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason (required to decline)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "accept" and not (data.get("reference") or "").strip():
            self.add_error("reference", rules.REFERENCE_MISSING)
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", rules.DECLINE_NEEDS_A_REASON)
        return data
