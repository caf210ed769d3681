"""Finance forms: a month's actual and forecast for a line, an upload, a delivered saving.

They validate with the words of ``rules.py`` (the API and the imports use the same)."""

from __future__ import annotations

from typing import Any

from django import forms

from jointly.core import uploads
from jointly.core.forms import GovUKFormMixin
from jointly.finance import calc, rules
from jointly.finance.models import BudgetLine, SavingsScheme


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
