"""The performance pages' charts: geometry from the pure chart package (:mod:`jointly.charts.kpi`),
drawn by templates (``charts/kpi.svg``, ``charts/icon.svg``) like every other chart, so Django
escapes every text in them."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from jointly.charts import kpi
from jointly.charts.axes import fmt
from jointly.charts.kpi import (
    ASSURANCE_LABELS,
    POINT_CLASS,
    POINT_LABELS,
    VARIATION_LABELS,
    period_label,
    spc_table,
)

__all__ = [
    "ASSURANCE_LABELS", "POINT_CLASS", "POINT_LABELS", "VARIATION_LABELS", "fmt", "forecast_svg", "icon_svg",
    "period_label", "spc_svg", "spc_table",
]  # fmt: skip


def _draw(template: str, **context: Any) -> SafeString:
    return mark_safe(render_to_string(template, context).strip())  # noqa: S308 - a template's output, escaped


def spc_svg(result: Any, **kwargs: Any) -> SafeString:
    """The XmR chart of an SPC result (see :func:`jointly.charts.kpi.spc_chart`) as SVG markup."""
    return _draw("charts/kpi.svg", chart=kpi.spc_chart(result, **kwargs))


def forecast_svg(*args: Any, **kwargs: Any) -> SafeString:
    """History and forecast (see :func:`jointly.charts.kpi.forecast_chart`) as SVG markup."""
    return _draw("charts/kpi.svg", chart=kpi.forecast_chart(*args, **kwargs))


def icon_svg(kind: str, name: str | None) -> SafeString:
    """A variation or assurance icon (see :func:`jointly.charts.kpi.icon`) as SVG markup."""
    return _draw("charts/icon.svg", icon=kpi.icon(kind, name))
