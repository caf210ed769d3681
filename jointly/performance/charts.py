"""The performance pages' charts: drawn by the pure chart package (:mod:`jointly.charts.kpi`)."""

from jointly.charts.axes import fmt
from jointly.charts.kpi import (
    ASSURANCE_LABELS,
    POINT_CLASS,
    POINT_LABELS,
    VARIATION_LABELS,
    forecast_svg,
    icon_svg,
    period_label,
    spc_svg,
    spc_table,
)

__all__ = [
    "ASSURANCE_LABELS", "POINT_CLASS", "POINT_LABELS", "VARIATION_LABELS", "fmt", "forecast_svg", "icon_svg",
    "period_label", "spc_svg", "spc_table",
]  # fmt: skip
