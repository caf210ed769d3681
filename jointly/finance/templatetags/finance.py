"""Money as people read it: ``{{ amount|gbp }}`` → £1,234.56, negatives as −£176.00;
``{{ amount|thousands }}`` → 416,270 (a paper's £'000), negatives in brackets as the paper prints them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def gbp(value: Any) -> str:
    if value is None or value == "":
        return "–"
    amount = Decimal(value)
    text = f"£{abs(amount):,.2f}"
    return f"−{text}" if amount < 0 else text


@register.filter
def thousands(value: Any, divisor: Any = 1000) -> str:
    if value is None or value == "":
        return "–"
    amount = Decimal(value) / Decimal(divisor or 1)
    text = f"{abs(amount):,.0f}" if amount == amount.to_integral_value() else f"{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text
