"""Server-rendered, accessible SVG charts for KPIs (no Django import, no inline script or style).

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says in words what
it shows; pages put a data table next to it (:func:`spc_table`). Colours come from CSS classes in
``jointly/static/jointly/jointly.css`` (the content security policy forbids inline styles):

- ``jointly-spc-point--improvement`` / ``--concern`` / ``--neutral`` / ``--common``: the points,
  by their Making Data Count point type;
- ``jointly-spc-mean``, ``jointly-spc-limit``, ``jointly-spc-target``, ``jointly-spc-line``.

Everything is escaped here, so the returned markup is safe to mark safe in a template.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np

from jointly.charts.axes import fmt, nice_ticks
from jointly.core import periods
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

WIDTH, HEIGHT = 760, 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 40, 16, 48


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


def _axes(scale: _Scale, labels: Sequence[str], unit: str) -> list[str]:
    out = ['<g class="jointly-chart-axis" aria-hidden="true">']
    for t in scale.ticks:
        y = scale.y(t)
        out.append(
            f'<line class="jointly-chart-grid" x1="{MARGIN_LEFT}" x2="{scale.width - MARGIN_RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="jointly-chart-label" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(fmt(t, unit))}</text>'
        )
    step = max(1, math.ceil(len(labels) / 8))
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            out.append(
                f'<text class="jointly-chart-label" x="{scale.x(i):.1f}" y="{scale.height - MARGIN_BOTTOM + 18}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    out.append("</g>")
    return out


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


def spc_svg(
    result: SpcResult,
    *,
    title: str,
    unit: str = "",
    frequency: str = "monthly",
    chart_id: str = "spc",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """An XmR chart: the values, mean, process limits, target, and special-cause points coloured."""
    n = len(result.dates)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    if n == 0:
        return (
            f'<svg class="jointly-chart" role="img" aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} 60">'
            f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">No values yet.</desc>'
            f'<text class="jointly-chart-label" x="10" y="30">No values yet.</text></svg>'
        )
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
    out = [
        f'<svg class="jointly-chart" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]
    out += _axes(scale, labels, unit)
    out.append(f'<path class="jointly-spc-limit" d="{_segments(xs, ys(result.upl), groups)}"/>')
    out.append(f'<path class="jointly-spc-limit" d="{_segments(xs, ys(result.lpl), groups)}"/>')
    out.append(f'<path class="jointly-spc-mean" d="{_segments(xs, ys(result.mean), groups)}"/>')
    if result.target is not None:
        ty = scale.y(result.target)
        out.append(
            f'<line class="jointly-spc-target" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
            f'y1="{ty:.1f}" y2="{ty:.1f}"/>'
        )
    out.append(f'<path class="jointly-spc-line" d="{_segments(xs, ys(values), [0] * n)}"/>')
    for i in range(n):
        kind = result.point_type[i]
        label = f"{labels[i]}: {fmt(float(values[i]), unit)} ({POINT_LABELS.get(kind, kind)})"
        out.append(
            f'<circle class="jointly-spc-point jointly-spc-point--{POINT_CLASS.get(kind, "common")}" '
            f'cx="{xs[i]:.1f}" cy="{scale.y(float(values[i])):.1f}" r="4"><title>{escape(label)}</title></circle>'
        )
    out.append(_legend(width, height, result.target is not None))
    out.append("</svg>")
    return "".join(out)


def _legend(width: int, height: int, with_target: bool) -> str:
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
    y = height - 10
    out = ['<g class="jointly-chart-legend" aria-hidden="true">']
    x = MARGIN_LEFT
    for css, shape, text in items:
        if shape == "line":
            out.append(f'<line class="{css}" x1="{x}" x2="{x + 18}" y1="{y - 4}" y2="{y - 4}"/>')
        else:
            out.append(f'<circle class="jointly-spc-point {css}" cx="{x + 9}" cy="{y - 4}" r="4"/>')
        out.append(f'<text class="jointly-chart-label" x="{x + 24}" y="{y}">{escape(text)}</text>')
        x += 34 + 7 * len(text)
    out.append("</g>")
    return "".join(out)


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


def forecast_svg(
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
) -> str:
    """History and the forecast "if nothing changes", with its prediction interval as a band."""
    h = np.asarray(history, dtype=float)
    p, lo, hi = (np.asarray(a, dtype=float) for a in (predicted, lower, upper))
    labels = list(history_labels) + list(future_labels)
    n = len(labels)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
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
    out = [
        f'<svg class="jointly-chart" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]
    out += _axes(scale, labels, unit)
    if len(p):
        top = [f"{scale.x(start + i):.1f},{scale.y(v):.1f}" for i, v in enumerate(hi)]
        bottom = [f"{scale.x(start + i):.1f},{scale.y(v):.1f}" for i, v in reversed(list(enumerate(lo)))]
        out.append(f'<polygon class="jointly-forecast-band" points="{" ".join(top + bottom)}"/>')
        joined = [(start - 1, h[-1])] if len(h) and np.isfinite(h[-1]) else []
        pts = joined + [(start + i, v) for i, v in enumerate(p)]
        out.append(
            '<path class="jointly-forecast-line" d="'
            + " ".join(
                f"{'M' if k == 0 else 'L'}{scale.x(i):.1f},{scale.y(v):.1f}" for k, (i, v) in enumerate(pts)
            )
            + '"/>'
        )
    if target is not None:
        ty = scale.y(target)
        out.append(
            f'<line class="jointly-spc-target" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
            f'y1="{ty:.1f}" y2="{ty:.1f}"/>'
        )
    xs = [scale.x(i) for i in range(len(h))]
    out.append(
        f'<path class="jointly-spc-line" d="{_segments(xs, [scale.y(v) if np.isfinite(v) else math.nan for v in h], [0] * len(h))}"/>'
    )
    for i, v in enumerate(h):
        if np.isfinite(v):
            out.append(
                f'<circle class="jointly-spc-point jointly-spc-point--common" cx="{xs[i]:.1f}" '
                f'cy="{scale.y(v):.1f}" r="3"><title>{escape(labels[i])}: {escape(fmt(float(v), unit))}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)


def icon_svg(kind: str, name: str | None) -> str:
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
    return (
        f'<svg class="jointly-icon jointly-icon--{css}" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 32 32" width="32" height="32"><title>{escape(label)}</title>'
        f'<circle cx="16" cy="16" r="14"/><text x="16" y="21" text-anchor="middle">{escape(letter)}</text></svg>'
    )
