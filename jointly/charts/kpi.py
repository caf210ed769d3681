"""Geometry for the KPI charts: SPC (XmR), forecast "if nothing changes", variation and assurance
icons (no Django import).

Like every chart in Jointly, these functions compute what to draw (coordinates, formatted as
the SVG will show them, and the words of ``<title>`` and ``<desc>``) and a template draws it
(``jointly/templates/charts/*.svg``, through :mod:`jointly.performance.charts`), so Django's
escaping applies to every text. Every chart is an ``<svg role="img">`` with a ``<title>`` and a
``<desc>`` that says in words what it shows; pages put a data table next to it
(:func:`spc_table`). Colours come from CSS classes in ``jointly/static/jointly/jointly.css`` (the
content security policy forbids inline styles):

- ``jointly-spc-point--improvement`` / ``--concern`` / ``--neutral`` / ``--common``: the points,
  by their Making Data Count point type;
- ``jointly-spc-mean``, ``jointly-spc-limit``, ``jointly-spc-target``, ``jointly-spc-line``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jointly.charts.axes import fmt, nice_ticks
from jointly.core import periods  # pure (no Django): the one period model
from jointly.stats.spc import SpcResult

VARIATION_LABELS: dict[str, str] = {
    "improvement_high": "Special cause variation: improvement (higher values)",
    "improvement_low": "Special cause variation: improvement (lower values)",
    "concern_high": "Special cause variation: concern (higher values)",
    "concern_low": "Special cause variation: concern (lower values)",
    "neutral_high": "Special cause variation: neither improvement nor concern (higher)",
    "neutral_low": "Special cause variation: neither improvement nor concern (lower)",
    "common_cause": "Common cause variation",
}
ASSURANCE_LABELS: dict[str, str] = {
    "pass": "Consistently passing the target",
    "fail": "Consistently failing the target",
    "inconsistent": "Inconsistent: will sometimes pass and sometimes fail the target",
}
POINT_CLASS = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neutral",
    "special_cause_neutral_low": "neutral",
    "common_cause": "common",
}
POINT_LABELS = {
    "special_cause_improvement": "special cause improvement",
    "special_cause_concern": "special cause concern",
    "special_cause_neutral_high": "special cause (neutral, high)",
    "special_cause_neutral_low": "special cause (neutral, low)",
    "common_cause": "common cause",
}

WIDTH, HEIGHT = 760, 340
# The top margin holds the y axis's title; the bottom one the period labels, the x axis's title and the legend.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 40, 30, 64
X_TITLES = {"monthly": "Month", "quarterly": "Quarter", "annual": "Year"}


class _Scale:
    def __init__(self, n: int, low: float, high: float, width: int, height: int) -> None:
        self.n, self.width, self.height = n, width, height
        self.ticks = nice_ticks(low, high, cover=True)
        self.low, self.high = min(self.ticks[0], low), max(self.ticks[-1], high)
        if self.high == self.low:
            self.high = self.low + 1

    def x(self, i: float) -> float:
        span = self.width - MARGIN_LEFT - MARGIN_RIGHT
        return MARGIN_LEFT + (span * i / (self.n - 1) if self.n > 1 else span / 2)

    def y(self, v: float) -> float:
        span = self.height - MARGIN_TOP - MARGIN_BOTTOM
        return MARGIN_TOP + span * (1 - (v - self.low) / (self.high - self.low))


def _f(value: float) -> str:
    """A drawing coordinate as written in the SVG (one decimal place)."""
    return f"{value:.1f}"


@dataclass
class Axes:
    """Grid lines with their value labels (``grid``: y, label y, text) and period labels along the
    bottom (``labels``: x, text)."""

    left: int
    right: int
    label_x: int
    label_y: int
    grid: list[tuple[str, str, str]]
    labels: list[tuple[str, str]]
    x_title: str = ""  # under the period labels, centred
    y_title: str = ""  # above the value labels, at the top left
    x_title_x: int = 0
    x_title_y: int = 0


def y_axis_title(unit: str) -> str:
    """What the values are measured in, for the y axis: "Value (%)", "Value (places)"."""
    return f"Value ({unit})" if unit else "Value"


def _axes(scale: _Scale, labels: Sequence[str], unit: str, frequency: str = "") -> Axes:
    grid = [(_f(scale.y(t)), _f(scale.y(t) + 4), fmt(t, unit)) for t in scale.ticks]
    step = max(1, math.ceil(len(labels) / 8))
    shown = [
        (_f(scale.x(i)), label) for i, label in enumerate(labels) if i % step == 0 or i == len(labels) - 1
    ]
    return Axes(
        MARGIN_LEFT,
        scale.width - MARGIN_RIGHT,
        MARGIN_LEFT - 6,
        scale.height - MARGIN_BOTTOM + 18,
        grid,
        shown,
        x_title=X_TITLES.get(frequency, "Period"),
        y_title=y_axis_title(unit),
        x_title_x=(MARGIN_LEFT + scale.width - MARGIN_RIGHT) // 2,
        x_title_y=scale.height - MARGIN_BOTTOM + 36,
    )


def _segments(xs: Sequence[float], ys: Sequence[float], groups: Sequence[int]) -> str:
    """An SVG path of horizontal/connected runs, broken where the group changes or a value is NaN."""
    parts: list[str] = []
    previous_group = None
    pen_down = False
    for x, y, g in zip(xs, ys, groups, strict=True):
        if y is None or math.isnan(y):
            pen_down = False
            continue
        command = "L" if pen_down and g == previous_group else "M"
        parts.append(f"{command}{x:.1f},{y:.1f}")
        pen_down, previous_group = True, g
    return " ".join(parts)


def period_label(day: dt.date, frequency: str = "monthly") -> str:
    """A chart label: ``May 2014`` (monthly), ``2014/15 Q1`` (financial quarter), ``2014/15`` (year)."""
    if frequency == "quarterly":
        return periods.financial_quarter_of(day).text
    if frequency == "annual":
        return periods.financial_year_of(day).text
    return day.strftime("%b %Y")


@dataclass
class Point:
    cx: str
    cy: str
    label: str
    css: str = "common"


@dataclass
class LegendItem:
    css: str
    shape: str  # "line" or "dot"
    text: str
    x: int


@dataclass
class Chart:
    """What an SPC or forecast template draws."""

    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    axes: Axes | None = None
    paths: list[tuple[str, str]] = field(default_factory=list)  # (css class, path) under the points
    band: str = ""  # the forecast's prediction interval (polygon points)
    forecast_line: str = ""
    target_y: str = ""
    line: str = ""  # the values
    points: list[Point] = field(default_factory=list)
    radius: int = 4
    legend: list[LegendItem] = field(default_factory=list)
    legend_y: int = 0

    @property
    def title_id(self) -> str:
        return f"{self.chart_id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.chart_id}-desc"

    @property
    def empty(self) -> bool:
        return self.axes is None


def spc_chart(
    result: SpcResult,
    *,
    title: str,
    unit: str = "",
    frequency: str = "monthly",
    chart_id: str = "spc",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """An XmR chart: the values, mean, process limits, target, and special-cause points coloured."""
    n = len(result.dates)
    if n == 0:
        return Chart(chart_id, title, "No values yet.", width, 60)
    values = np.asarray(result.values, dtype=float)
    candidates = [values, result.lpl, result.upl]
    if result.target is not None:
        candidates.append(np.array([result.target]))
    finite = np.concatenate([np.asarray(c, dtype=float)[np.isfinite(c)] for c in candidates])
    low, high = float(finite.min()), float(finite.max())
    pad = (high - low) * 0.05 or 1.0
    scale = _Scale(n, low - pad, high + pad, width, height)
    labels = [period_label(d, frequency) for d in result.dates]
    xs = [scale.x(i) for i in range(n)]
    groups = [int(g) for g in result.rebase_group]

    def ys(arr: Any) -> list[float]:
        return [scale.y(float(v)) if np.isfinite(v) else math.nan for v in arr]

    special = int(np.asarray(result.special_cause_flag).sum())
    desc = (
        f"{n} points from {labels[0]} to {labels[-1]}. Latest {fmt(float(values[-1]), unit)}; "
        f"mean {fmt(float(result.mean[-1]), unit)}, process limits {fmt(float(result.lpl[-1]), unit)} "
        f"to {fmt(float(result.upl[-1]), unit)}"
        + (f"; target {fmt(result.target, unit)}" if result.target is not None else "")
        + f". {special} special-cause point{'s' if special != 1 else ''}. "
        + VARIATION_LABELS.get(result.variation_icon or "", "No variation assessment")
        + ". "
        + ASSURANCE_LABELS.get(result.assurance_icon or "", "No assurance assessment (no target)")
        + "."
    )
    points = []
    for i in range(n):
        kind = result.point_type[i]
        label = f"{labels[i]}: {fmt(float(values[i]), unit)} ({POINT_LABELS.get(kind, kind)})"
        points.append(Point(_f(xs[i]), _f(scale.y(float(values[i]))), label, POINT_CLASS.get(kind, "common")))
    return Chart(
        chart_id, title, desc, width, height, _axes(scale, labels, unit, frequency),
        paths=[
            ("jointly-spc-limit", _segments(xs, ys(result.upl), groups)),
            ("jointly-spc-limit", _segments(xs, ys(result.lpl), groups)),
            ("jointly-spc-mean", _segments(xs, ys(result.mean), groups)),
        ],
        target_y=_f(scale.y(result.target)) if result.target is not None else "",
        line=_segments(xs, ys(values), [0] * n),
        points=points,
        legend=_legend(result.target is not None),
        legend_y=height - 10,
    )  # fmt: skip


def _legend(with_target: bool) -> list[LegendItem]:
    items = [
        ("jointly-spc-mean", "line", "Mean"),
        ("jointly-spc-limit", "line", "Process limits"),
    ]
    if with_target:
        items.append(("jointly-spc-target", "line", "Target"))
    items += [
        ("jointly-spc-point--improvement", "dot", "Improvement"),
        ("jointly-spc-point--concern", "dot", "Concern"),
        ("jointly-spc-point--common", "dot", "Common cause"),
    ]
    out, x = [], MARGIN_LEFT
    for css, shape, text in items:
        out.append(LegendItem(css, shape, text, x))
        x += 34 + 7 * len(text)
    return out


def spc_table(result: SpcResult, unit: str = "", frequency: str = "monthly") -> list[dict[str, str]]:
    """The chart's data as rows of display strings (the table alternative)."""
    rows = []
    for i, d in enumerate(result.dates):
        rows.append(
            {
                "period": period_label(d, frequency),
                "value": fmt(float(result.values[i]), unit),
                "mean": fmt(float(result.mean[i]), unit),
                "lpl": fmt(float(result.lpl[i]), unit),
                "upl": fmt(float(result.upl[i]), unit),
                "special_cause": result.special_cause_type[i],
                "point_type": POINT_LABELS.get(result.point_type[i], result.point_type[i]),
                "css": POINT_CLASS.get(result.point_type[i], "common"),
            }
        )
    return rows


def forecast_chart(
    history_labels: Sequence[str],
    history: Sequence[float],
    future_labels: Sequence[str],
    predicted: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    *,
    title: str,
    unit: str = "",
    target: float | None = None,
    level: float = 0.95,
    chart_id: str = "forecast",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """History and the forecast "if nothing changes", with its prediction interval as a band."""
    h = np.asarray(history, dtype=float)
    p, lo, hi = (np.asarray(a, dtype=float) for a in (predicted, lower, upper))
    labels = list(history_labels) + list(future_labels)
    n = len(labels)
    parts = [h[np.isfinite(h)], lo, hi] + ([np.array([target])] if target is not None else [])
    finite = np.concatenate([a for a in parts if len(a)]) if any(len(a) for a in parts) else np.array([0.0])
    low, high = float(finite.min()), float(finite.max())
    pad = (high - low) * 0.05 or 1.0
    scale = _Scale(max(n, 1), low - pad, high + pad, width, height)
    start = len(h)
    desc = (
        f"History of {len(h)} periods ({labels[0] if labels else ''} to {history_labels[-1] if len(h) else ''})"
        + (
            f", then the trend projected {len(p)} periods to {future_labels[-1]}: "
            f"{fmt(float(p[-1]), unit)} ({int(level * 100)}% interval {fmt(float(lo[-1]), unit)} "
            f"to {fmt(float(hi[-1]), unit)}) if nothing changes"
            if len(p)
            else ""
        )
        + (f"; target {fmt(target, unit)}" if target is not None else "")
        + "."
    )
    chart = Chart(chart_id, title, desc, width, height, _axes(scale, labels, unit), radius=3)
    if len(p):
        top = [f"{scale.x(start + i):.1f},{scale.y(v):.1f}" for i, v in enumerate(hi)]
        bottom = [f"{scale.x(start + i):.1f},{scale.y(v):.1f}" for i, v in reversed(list(enumerate(lo)))]
        chart.band = " ".join(top + bottom)
        joined = [(start - 1, h[-1])] if len(h) and np.isfinite(h[-1]) else []
        pts = joined + [(start + i, v) for i, v in enumerate(p)]
        chart.forecast_line = " ".join(
            f"{'M' if k == 0 else 'L'}{scale.x(i):.1f},{scale.y(v):.1f}" for k, (i, v) in enumerate(pts)
        )
    if target is not None:
        chart.target_y = _f(scale.y(target))
    xs = [scale.x(i) for i in range(len(h))]
    chart.line = _segments(xs, [scale.y(v) if np.isfinite(v) else math.nan for v in h], [0] * len(h))
    chart.points = [
        Point(_f(xs[i]), _f(scale.y(v)), f"{labels[i]}: {fmt(float(v), unit)}")
        for i, v in enumerate(h)
        if np.isfinite(v)
    ]
    return chart


@dataclass
class Icon:
    css: str
    letter: str
    label: str


def icon(kind: str, name: str | None) -> Icon:
    """A small badge for a variation (``kind="variation"``) or assurance icon, with its label.

    The shape differs as well as the colour (letters H/L, P/F/?), so it does not rely on colour.
    """
    if kind == "variation":
        label = VARIATION_LABELS.get(name or "", "Not enough data for a variation assessment")
        if not name:
            css, letter = "none", "–"
        elif name == "common_cause":
            css, letter = "common", "~"
        else:
            family, _, side = name.partition("_")
            css, letter = family, "H" if side == "high" else "L"
    else:
        label = ASSURANCE_LABELS.get(name or "", "No target, or not assessed")
        css, letter = {
            "pass": ("pass", "P"),
            "fail": ("fail", "F"),
            "inconsistent": ("inconsistent", "?"),
        }.get(name or "", ("none", "–"))
    return Icon(css, letter, label)
