"""Template filters for the needs pages: result colours and number formatting."""

from __future__ import annotations

import math
from typing import Any

from django import template

from jointly.needs import value_notes

register = template.Library()

FILLS = {
    "better": "#00703c",
    "similar": "#ffdd00",
    "worse": "#d4351c",
    "higher": "#1d70b8",
    "lower": "#5694ca",
    "none": "#ffffff",
}
TAGS = {
    "better": "govuk-tag--green",
    "similar": "govuk-tag--yellow",
    "worse": "govuk-tag--red",
    "higher": "govuk-tag--blue",
    "lower": "govuk-tag--light-blue",
    "none": "govuk-tag--grey",
}
SIGNIFICANCE = {"High (0.001)": "#d4351c", "High (0.025)": "#f47738", "Low (0.001)": "#1d70b8",
                "Low (0.025)": "#5694ca", "Not significant": "#b1b4b6"}  # fmt: skip


@register.filter
def fill(css: str) -> str:
    return FILLS.get(css, FILLS["none"])


@register.filter
def tag(css: str) -> str:
    return TAGS.get(css, TAGS["none"])


@register.filter
def significance_fill(label: str) -> str:
    return SIGNIFICANCE.get(label, "#b1b4b6")


@register.filter
def note_kind(note: str | None) -> str:
    """The kind of a value note (suppressed, modelled, combined areas…), "" for none."""
    return value_notes.note_kind(note)


@register.filter
def num(value: Any, digits: int = 1) -> str:
    """A number to ``digits`` decimals (thousands separated); an en dash when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    try:
        return f"{float(value):,.{int(digits)}f}"
    except (TypeError, ValueError):
        return str(value)


@register.simple_tag
def significance_labels() -> list[str]:
    """The funnel plot's significance labels, for its key (each drawn with ``significance_fill``)."""
    return list(SIGNIFICANCE)
