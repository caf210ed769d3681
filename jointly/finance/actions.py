"""Finance writes of more than one step (keyword-only ``by``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from jointly.core.models import save_versioned
from jointly.finance.models import BudgetLine, MonthlyFigure, SavingDelivery, SavingsScheme


def record_month(
    line: BudgetLine, year: str, month: int, *, actual: Decimal | None, forecast: Decimal | None, by: Any
) -> MonthlyFigure:
    """Set a line's actual and/or forecast for a month (a blank leaves the recorded value)."""
    with transaction.atomic():
        figure = MonthlyFigure.objects.filter(line=line, financial_year=year, month=month).first()
        if figure is None:
            figure = MonthlyFigure(line=line, financial_year=year, month=month)
        if actual is not None:
            figure.actual = actual
        if forecast is not None:
            figure.forecast_outturn = forecast
        return save_versioned(figure, expected_version=figure.version if figure.pk else None, by=by)


def record_delivery(
    scheme: SavingsScheme, year: str, month: int, *, amount: Decimal, by: Any
) -> SavingDelivery:
    with transaction.atomic():
        d = SavingDelivery.objects.filter(scheme=scheme, financial_year=year, month=month).first()
        if d is None:
            d = SavingDelivery(scheme=scheme, financial_year=year, month=month)
        d.amount = amount
        return save_versioned(d, expected_version=d.version if d.pk else None, by=by)
