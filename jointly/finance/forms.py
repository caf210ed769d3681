"""Finance forms: a month's actual and forecast for a line, an upload, a delivered saving.

They validate with the words of ``rules.py`` (the API and the imports use the same)."""

from __future__ import annotations

from typing import Any

from django import forms

from jointly.contracts.models import Contract
from jointly.core import uploads
from jointly.core.forms import GovUKFormMixin
from jointly.finance import calc, rules
from jointly.finance.models import (
    BudgetLine,
    ChangeKind,
    ConsultationResponse,
    ConsultationSubject,
    FundChange,
    RiskShareRule,
    SavingsScheme,
)
from jointly.partnerships.models import Board, Organisation


def _raise(problems: dict[str, str], field: str) -> None:
    if field in problems:
        raise forms.ValidationError(problems[field])


class MoneyField(forms.CharField):
    """Pounds and pence as typed (commas allowed), refused beyond two decimals."""

    def __init__(self, *, negative: bool = True, **kwargs: Any) -> None:
        self.negative = negative
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in ("", None):
            return None
        _raise(rules.amount(value, "v", negative=self.negative), "v")
        return calc.money(value)


class YearField(forms.CharField):
    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        _raise(rules.financial_year(value, "v"), "v")
        from jointly.core import periods

        return periods.parse(value, periods.Kind.FINANCIAL_YEAR).text


class MonthFigureForm(GovUKFormMixin, forms.Form):
    line = forms.ModelChoiceField(queryset=BudgetLine.objects.none(), label="Budget line")
    financial_year = YearField(label="Financial year", help_text="For example 2014/15")
    month = forms.CharField(label="Financial month", help_text="1 = April … 12 = March")
    actual = MoneyField(label="Actual spend in the month (£)", required=False)
    forecast_outturn = MoneyField(label="Full-year forecast outturn made this month (£)", required=False)

    def __init__(self, *args: Any, fund: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.fields["line"].queryset = BudgetLine.objects.filter(fund=fund).order_by("code")
        self.fields["month"].widget.attrs["class"] += " govuk-input--width-2"
        self.fields["financial_year"].widget.attrs["class"] += " govuk-input--width-5"

    def clean_month(self) -> int:
        value = self.cleaned_data["month"]
        _raise(rules.month(value), "month")
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("actual") is None and data.get("forecast_outturn") is None and not self.errors:
            raise forms.ValidationError("Give the month's actual spend, the forecast outturn, or both.")
        return data


class UploadForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(
        label="Ledger export (.csv or .xlsx)",
        help_text="Columns: fund, line, financial_year, month, actual_gbp, forecast_outturn_gbp. "
        "The whole file loads, or nothing does.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > uploads.max_upload_bytes():
            raise forms.ValidationError(uploads.too_large_message(uploads.max_upload_bytes()))
        return upload


class DeliveryForm(GovUKFormMixin, forms.Form):
    scheme = forms.ModelChoiceField(queryset=SavingsScheme.objects.none(), label="Scheme")
    financial_year = YearField(label="Financial year", help_text="For example 2013/14")
    month = forms.CharField(label="Financial month", help_text="1 = April … 12 = March")
    amount = MoneyField(label="Saving delivered in the month (£)")

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = (
            SavingsScheme.objects.filter(programme__plan=plan, unidentified=False)
            .select_related("programme").order_by("programme__order", "order")
        )  # fmt: skip
        self.fields["scheme"].label_from_instance = lambda s: f"{s.programme.name}: {s.name}"

    def clean_month(self) -> int:
        value = self.cleaned_data["month"]
        _raise(rules.month(value), "month")
        return int(value)


class FundChangeForm(GovUKFormMixin, forms.Form):
    """Propose an in-year change; the board the agreement names decides it later."""

    kind = forms.ChoiceField(label="What changes", choices=ChangeKind.choices, widget=forms.RadioSelect)
    financial_year = YearField(label="Financial year", help_text="For example 2014/15")
    description = forms.CharField(label="What and why", widget=forms.Textarea(attrs={"rows": 3}))
    line = forms.ModelChoiceField(queryset=BudgetLine.objects.none(), required=False,
                                  label="Line (the line changed, or receiving a virement)")  # fmt: skip
    from_line = forms.ModelChoiceField(queryset=BudgetLine.objects.none(), required=False,
                                       label="Virement: the line giving")  # fmt: skip
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False,
                                          label="Contribution: the partner")  # fmt: skip
    amount = MoneyField(label="Amount (£)", required=False,
                        help_text="Virement: the amount moved. Budget or contribution: the new amount for the year.")  # fmt: skip
    rule = forms.ModelChoiceField(queryset=RiskShareRule.objects.none(), required=False,
                                  label="Risk share: the fixed-percentage rule")  # fmt: skip
    shares = forms.CharField(required=False, label="Risk share: new percentages",
                             help_text="One per line: organisation short name = percent, e.g. essex-cc = 60")  # fmt: skip

    def __init__(self, *args: Any, fund: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        lines = BudgetLine.objects.filter(fund=fund).order_by("code")
        self.fields["line"].queryset = lines
        self.fields["from_line"].queryset = lines
        self.fields["organisation"].queryset = Organisation.objects.filter(
            partnership_memberships__partnership=fund.partnership
        ).order_by("name")
        self.fields["rule"].queryset = RiskShareRule.objects.filter(fund=fund, method=calc.FIXED)
        self.fields["shares"].widget = forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"})

    def clean_shares(self) -> dict[str, str]:
        text = self.cleaned_data.get("shares") or ""
        shares: dict[str, str] = {}
        for row in text.splitlines():
            if not row.strip():
                continue
            slug, sep, percent = row.partition("=")
            if not sep:
                raise forms.ValidationError(f"Write '{row.strip()[:40]}' as organisation = percent.")
            shares[slug.strip()] = percent.strip()
        return shares

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        problems = rules.fund_change(
            self.fund, data["kind"], line=data.get("line"), from_line=data.get("from_line"),
            organisation=data.get("organisation"), amount=data.get("amount"), rule=data.get("rule"),
            shares=data.get("shares") or None,
        )  # fmt: skip
        if "shares" not in problems and data["kind"] == "risk_share":
            problems.update(rules.known_organisations(data.get("shares")))
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return data


class DecisionForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approved by the board"), ("reject", "Rejected")],
                                 widget=forms.RadioSelect, label="The board's decision")  # fmt: skip
    board = forms.ModelChoiceField(queryset=Board.objects.none(), required=False, label="Board that decided")
    decided_on = forms.DateField(label="Date of the decision", required=False)
    decision_reference = forms.CharField(label="Minute or decision reference", required=False, max_length=200)
    reason = forms.CharField(label="Reason (required to reject)", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, change: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.filter(partnership=change.fund.partnership)
        named = change.fund.approving_board
        if named is not None:
            self.fields["board"].initial = named.pk
            self.fields["board"].help_text = f"The agreement names {named.name}."
        self.fields["version"].initial = change.version


class ConsultationForm(GovUKFormMixin, forms.Form):
    subject = forms.ChoiceField(
        choices=ConsultationSubject.choices, widget=forms.RadioSelect, label="Subject"
    )
    fund_change = forms.ModelChoiceField(queryset=FundChange.objects.none(), required=False,
                                         label="Fund change (funding changes)")  # fmt: skip
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), required=False,
                                      label="Contract (specification or outcome measures)")  # fmt: skip
    consulted = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Public Health body consulted"
    )
    consulted_on = forms.DateField(label="Date consulted")
    summary = forms.CharField(label="What was asked", widget=forms.Textarea(attrs={"rows": 3}))
    response = forms.ChoiceField(choices=ConsultationResponse.choices, label="Response")
    responded_on = forms.DateField(label="Date of the response", required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["fund_change"].queryset = FundChange.objects.filter(
            fund__partnership=partnership
        ).select_related("fund")
        self.fields["contract"].queryset = Contract.objects.filter(partnership=partnership).order_by(
            "reference"
        )
        self.fields["consulted"].queryset = Organisation.objects.filter(
            partnership_memberships__partnership=partnership
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for field, message in rules.consultation(
                data["subject"], data.get("fund_change"), data.get("contract"), data.get("consulted_on"),
                data.get("responded_on"),
            ).items():  # fmt: skip
                self.add_error(field, message)
        return data
