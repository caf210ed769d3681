"""Forms of the performance app (KPIs, review thread, notices and plans, turn the curve)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from jointly.core.forms import DateInput, GovUKFormMixin, VersionedModelForm
from jointly.core.uploads import max_upload_bytes, too_large_message
from jointly.performance import returns
from jointly.performance.models import (
    ActionStatus,
    Kpi,
    NoticeStatus,
    PlanStatus,
    RemedialAction,
    RemedialPlan,
    TurnTheCurve,
)


class KpiForm(VersionedModelForm):
    class Meta:
        model = Kpi
        fields = [
            "contract", "service", "code", "name", "definition", "numerator_definition",
            "denominator_definition", "measure", "unit", "target", "tolerance", "direction",
            "frequency", "due_days", "quadrant", "scope", "data_source", "source", "effective_from",
            "effective_to", "outcomes",
        ]  # fmt: skip
        widgets = {"effective_from": DateInput, "effective_to": DateInput}

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["contract"].queryset = partnership.contracts.all()
        self.fields["service"].queryset = partnership.services.all()
        from jointly.outcomes.models import Outcome

        self.fields["outcomes"].queryset = Outcome.objects.filter(framework__partnership=partnership)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("contract") and not data.get("service"):
            raise forms.ValidationError("Choose the contract or the service this KPI is on.")
        code = data.get("code")
        clash = Kpi.objects.filter(partnership=self.partnership, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if code and clash.exists():
            self.add_error("code", "Another KPI in this partnership has this code.")
        if code and "/" in code:
            self.add_error("code", "Use letters, numbers and hyphens only.")
        return data


class UploadForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(
        label="Returns file (.csv or .xlsx)",
        help_text="Columns: kpi, period, numerator, denominator, reason. Download the template below.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message(max_upload_bytes()))
        return upload


class ReviewForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept the value"), ("query", "Query the value")], widget=forms.RadioSelect
    )
    text = forms.CharField(label="Comment", widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "query" and not (data.get("text") or "").strip():
            self.add_error("text", "Say what you are querying.")
        return data


class ReplyForm(GovUKFormMixin, forms.Form):
    text = forms.CharField(label="Your reply", widget=forms.Textarea)


class NoticeForm(GovUKFormMixin, forms.Form):
    kpis = forms.ModelMultipleChoiceField(
        label="KPIs the notice is about", queryset=Kpi.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label="Performance failure",
        widget=forms.Textarea,
        help_text="The provider then drafts a remedial action plan for you to agree.",
    )

    def __init__(self, *args: Any, kpis: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpis"].queryset = kpis


class PlanForm(VersionedModelForm):
    """The provider drafts (or redrafts) its remedial action plan. Only a draft of an open notice
    changes; it is agreed with "Agree plan" on the notice, by someone other than its author."""

    class Meta:
        model = RemedialPlan
        fields = ["summary"]
        labels = {"summary": "Remedial action plan: what will improve, how and by when"}

    def __init__(self, *args: Any, notice: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.notice = notice

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problem = plan_problem(self.instance.notice, self.instance if self.instance.pk else None)
        if problem:
            raise forms.ValidationError(problem)
        return data


def plan_problem(notice: Any, plan: Any) -> str | None:
    """Why a plan cannot be drafted now (None when it can): a closed notice or an agreed plan."""
    if notice.status != NoticeStatus.OPEN:
        return f"This notice is {notice.get_status_display().lower()}: its plan no longer changes."
    if plan is not None and plan.status != PlanStatus.DRAFT:
        return "The plan is agreed: it no longer changes (update its actions instead)."
    return None


class ActionForm(VersionedModelForm):
    class Meta:
        model = RemedialAction
        fields = ["description", "owner", "due_date", "status", "completed_on"]
        widgets = {"due_date": DateInput, "completed_on": DateInput}

    def __init__(self, *args: Any, plan: RemedialPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        plan = self.instance.plan
        if plan.notice.status != NoticeStatus.OPEN:
            raise forms.ValidationError(
                f"This notice is {plan.notice.get_status_display().lower()}: its actions no longer change."
            )
        if self.instance.pk is None and plan.status != PlanStatus.DRAFT:
            raise forms.ValidationError("The plan is agreed: actions are added only to a draft plan.")
        if data.get("status") == ActionStatus.DONE and not data.get("completed_on"):
            self.add_error("completed_on", "Say when the action was done.")
        return data


class CloseNoticeForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(label="Reason for closing the notice", widget=forms.Textarea, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EscalationForm(GovUKFormMixin, forms.Form):
    level = forms.CharField(label="Escalated to", max_length=200)
    note = forms.CharField(widget=forms.Textarea)


class TurnTheCurveForm(VersionedModelForm):
    """The turn-the-curve plan of a KPI, or of a population indicator in one of the partnership's
    areas (give ``kpi``, or ``partnership``, ``indicator`` and ``area``)."""

    class Meta:
        model = TurnTheCurve
        fields = ["story", "partners", "what_works", "action_plan", "horizon"]

    def __init__(
        self,
        *args: Any,
        kpi: Kpi | None = None,
        partnership: Any = None,
        indicator: Any = None,
        area: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if kpi is not None:
            self.instance.kpi = kpi
        else:
            self.instance.partnership = partnership
            self.instance.indicator = indicator
            self.instance.area = area

    def clean_horizon(self) -> int:
        horizon = self.cleaned_data["horizon"]
        if not 1 <= horizon <= 20:
            raise forms.ValidationError("Project between 1 and 20 periods ahead.")
        return horizon


class _Cell(forms.CharField):
    """One cell of the returns grid, passed to the returns rules as typed (they check it)."""

    def __init__(self) -> None:
        super().__init__(required=False, strip=False)
        self.validators = []  # the returns rules judge every cell, as for an uploaded file


@dataclass(frozen=True)
class FieldProblem(returns.Problem):
    """A problem on the returns page, worded by field ("ESX-FNP numerator: 'x' is not a number"),
    never by file row and column, with ``href`` the cell it is about (the error summary links to it)."""

    href: str = ""

    def __str__(self) -> str:
        code, _, message = self.message.partition(": ")
        if not message:
            return self.message
        return (
            f"{code} {self.column}: {message}"
            if self.column in ReturnsGridForm.CELLS
            else f"{code}: {message}"
        )


def _cell_id(column: str, kpi: Kpi) -> str:
    """The page's input a problem is about: the cell itself, or the KPI's numerator for its period or code."""
    return f"#{column if column in ReturnsGridForm.CELLS else 'numerator'}-{kpi.pk}"


class ReturnsGridForm(forms.Form):
    """One period's returns for a contract: a row of cells (numerator, denominator, reason) per
    KPI, named ``<cell>-<kpi pk>``. Validated by the same rules as an uploaded file
    (``actions.check``); a row left blank is not a return. After ``is_valid()``, ``clean_rows``
    holds what to submit and ``problems`` every problem (messages start with the KPI's code)."""

    CELLS = ("numerator", "denominator", "reason")

    def __init__(
        self, data: Any = None, *, kpis: list[Kpi], period: str, existing: dict[int, Any] | None = None
    ) -> None:
        super().__init__(data)
        self.kpis, self.period, self.existing = kpis, period, existing or {}
        self.clean_rows: list[Any] = []
        self.problems: list[returns.Problem] = []
        for k in kpis:
            for cell in self.CELLS:
                self.fields[f"{cell}-{k.pk}"] = _Cell()

    def cells(self, kpi: Kpi) -> dict[str, str]:
        """The cells as typed (bound) or as last returned (unbound)."""
        if self.is_bound:
            return {c: self.data.get(f"{c}-{kpi.pk}", "") for c in self.CELLS}
        existing = self.existing.get(kpi.pk)
        return {
            "numerator": "" if existing is None else f"{existing.numerator.normalize():f}",
            "denominator": ""
            if existing is None or existing.denominator is None
            else f"{existing.denominator.normalize():f}",
            "reason": "",
        }

    def clean(self) -> dict[str, Any]:
        from jointly.performance import actions

        data = super().clean()
        rows, row_kpis = [], []
        for k in self.kpis:
            cells = self.cells(k)
            if any(v.strip() for v in cells.values()):
                rows.append({"kpi": k.code, "period": self.period, **cells})
                row_kpis.append(k)
        if not rows:
            first = f"#numerator-{self.kpis[0].pk}" if self.kpis else ""
            self.problems = [FieldProblem(0, "", "Enter at least one KPI's figures", href=first)]
        else:
            self.clean_rows, problems = actions.check(rows, self.kpis, first_row=0)
            self.problems = [
                FieldProblem(
                    0,
                    p.column,
                    f"{row_kpis[p.row].code}: {p.message}",
                    href=_cell_id(p.column, row_kpis[p.row]),
                )
                if p.row < len(row_kpis)
                else p
                for p in problems
            ]
        if self.problems:
            raise forms.ValidationError("The returns have problems.")
        return data

    def rows(self) -> list[dict[str, Any]]:
        """One row per KPI for the template: the KPI, its cells, what was returned and its errors."""
        return [
            {
                "kpi": k,
                "cells": self.cells(k),
                "existing": self.existing.get(k.pk),
                "errors": [p.message for p in self.problems if p.message.startswith(f"{k.code}: ")],
            }
            for k in self.kpis
        ]
