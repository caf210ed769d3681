"""Geometry for the population-indicator charts (spine, bars with limits, trend, funnel).

Plain functions: numbers in, coordinates out; the needs templates draw them. Every chart has a
table alternative on its page, and its data can be downloaded. A *profile row* is
:class:`jointly.needs.benchmarking.ProfileRow` (read by attribute; no Django import here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jointly.charts.axes import LinearScale as Scale
from jointly.charts.axes import finite, nice_ticks
from jointly.stats.benchmark import BETTER, HIGHER, LOWER, SIMILAR, WORSE

ProfileRow = Any  # jointly.needs.benchmarking.ProfileRow


def css_for(result: str) -> str:
    """The CSS modifier of a benchmarking result (``better``, ``worse``…; ``none`` if not compared)."""
    return {
        BETTER: "better", WORSE: "worse", SIMILAR: "similar", HIGHER: "higher", LOWER: "lower",
    }.get(result, "none")  # fmt: skip


_finite = finite


# --- Spine chart ---------------------------------------------------------------------------

SPINE_WIDTH = 300


@dataclass
class Spine:
    worst: float
    q25: float
    q75: float
    best: float
    marker: float | None
    england: float = SPINE_WIDTH / 2
    css: str = "none"

    @property
    def width(self) -> float:
        return round(self.best - self.worst, 2)


def spine(row: ProfileRow) -> Spine | None:
    """England in the middle; the range of all areas of the type around it; better to the right."""
    england = row.england.value if row.england else None
    value = row.latest.value if row.latest else None
    if row.spread is None or not _finite(england):
        return None
    s = row.spread
    half = max(abs(x - england) for x in (s.worst, s.best, value if _finite(value) else england))  # type: ignore[operator]
    if half == 0:
        half = 1.0
    flip = s.best < s.worst  # lower is better: draw better values to the right
    scale = Scale(england - half, england + half, 0, SPINE_WIDTH)

    def x(v: float) -> float:
        pos = scale(v)
        return round(SPINE_WIDTH - pos, 2) if flip else pos

    worst, q25, q75, best = sorted([x(s.worst), x(s.q25), x(s.q75), x(s.best)])
    return Spine(
        worst,
        q25,
        q75,
        best,
        x(value) if value is not None and _finite(value) else None,
        css=row.england.css if row.england else "none",
    )


# --- Bar chart with limits --------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: float | None
    lower: float | None
    upper: float | None
    css: str
    y: float
    width: float
    x_lower: float | None
    x_upper: float | None
    note: str = ""


def bars(
    points: Sequence[tuple[Any, str]],
    level: str,
    england_value: float | None,
    *,
    left: int = 200,
    width: int = 420,
) -> dict[str, Any]:
    """Horizontal bars (one per area, largest first) with confidence-limit whiskers and England's line."""
    values = []
    for v, _ in points:
        lo, hi = v.limits(level)
        values += [x for x in (v.value, lo, hi) if _finite(x)]
    if _finite(england_value):
        values.append(england_value)
    top = max(values) if values else 1.0
    low = min(0.0, min(values)) if values else 0.0
    scale = Scale(low, top * 1.05 if top > 0 else 1.0, left, left + width)
    out: list[Bar] = []
    for i, (v, result) in enumerate(points):
        lo, hi = v.limits(level)
        out.append(
            Bar(
                v.area.name, v.value, lo, hi, css_for(result), 10 + i * 24,
                (scale(v.value) - scale(max(low, 0))) if _finite(v.value) else 0,
                scale(lo) if _finite(lo) else None, scale(hi) if _finite(hi) else None,
                getattr(v, "value_note", ""),
            )
        )  # fmt: skip
    ticks = [(t, scale(t)) for t in nice_ticks(low, top)]
    return {
        "bars": out,
        "height": 40 + 24 * len(out),
        "width": left + width + 20,
        "zero": scale(max(low, 0)),
        "england_x": scale(england_value) if england_value is not None and _finite(england_value) else None,
        "ticks": ticks,
        "left": left,
        "axis_y": 14 + 24 * len(out),
    }


# --- Trend chart ----------------------------------------------------------------------------


def trend_chart(row: ProfileRow, *, width: int = 640, height: int = 300) -> dict[str, Any] | None:
    """Points with whiskers for the area, a line for England, periods along the x axis."""
    series = row.series
    if not series:
        return None
    periods = [v.period for v in series]
    eng = {v.period: v.value for v in row.england_series}
    vals = []
    for v in series:
        lo, hi = v.limits(row.level)
        vals += [x for x in (v.value, lo, hi) if _finite(x)]
    vals += [x for p in periods if _finite(x := eng.get(p))]
    if not vals:
        return None
    low, high = min(vals), max(vals)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    left, right, top, bottom = 60, width - 20, 20, height - 50
    y = Scale(low - pad, high + pad, bottom, top)
    step = (right - left) / max(len(periods) - 1, 1)
    xs = [round(left + i * step, 2) if len(periods) > 1 else (left + right) / 2 for i in range(len(periods))]
    comparisons = _point_results(row)
    points = []
    for x, v in zip(xs, series, strict=True):
        lo, hi = v.limits(row.level)
        points.append(
            {
                "x": x,
                "y": y(v.value) if _finite(v.value) else None,
                "y_lower": y(lo) if _finite(lo) else None,
                "y_upper": y(hi) if _finite(hi) else None,
                "period": v.period,
                "css": comparisons.get(v.period, "none"),
                "value": v.value,
                "note": getattr(v, "value_note", ""),
            }
        )
    england_line = " ".join(
        f"{x},{y(eng[p])}" for x, p in zip(xs, periods, strict=True) if _finite(eng.get(p))
    )
    return {
        "width": width,
        "height": height,
        "points": points,
        "england_line": england_line,
        "ticks": [(t, y(t)) for t in nice_ticks(low - pad, high + pad)],
        "left": left,
        "right": right,
        "bottom": bottom,
        "label_y": bottom + 20,
    }


def _point_results(row: ProfileRow) -> dict[str, str]:
    """Each period's comparison with England (for colouring the trend points)."""
    from jointly.stats.benchmark import benchmark

    eng = {v.period: v.value for v in row.england_series}
    periods = [v.period for v in row.series]
    lo = np.array([_nan(v.limits(row.level)[0]) for v in row.series])
    hi = np.array([_nan(v.limits(row.level)[1]) for v in row.series])
    comp = np.array([_nan(eng.get(p)) for p in periods])
    results = benchmark(lo, hi, comp, row.indicator.polarity)
    return {p: css_for(str(r)) for p, r in zip(periods, results, strict=True)}


def _nan(x: Any) -> float:
    return float(x) if _finite(x) else float("nan")


# --- Funnel plot ----------------------------------------------------------------------------


def funnel_chart(
    points: Sequence[dict[str, Any]],
    limits: dict[str, list[tuple[float, float]]],
    baseline: float,
    *,
    width: int = 640,
    height: int = 360,
) -> dict[str, Any] | None:
    """Scatter of (denominator, value) with 95% and 99.8% limit curves and the baseline."""
    xs = [p["x"] for p in points if _finite(p["x"])]
    ys = [p["y"] for p in points if _finite(p["y"])]
    if not xs or not ys:
        return None
    left, right, top, bottom = 70, width - 20, 20, height - 50
    x_max = max(xs) * 1.05
    x_scale = Scale(0, x_max, left, right)
    # The y axis spans the points and the baseline with room around them; the limit curves,
    # which run off to the extremes at small denominators, are drawn only inside it.
    low, high = min(ys + [baseline]), max(ys + [baseline])
    pad = max((high - low) * 0.6, abs(baseline) * 0.05, 1e-9)
    low, high = low - pad, high + pad
    y_scale = Scale(low, high, bottom, top)
    lines = {
        name: " ".join(
            f"{x_scale(a)},{y_scale(b)}"
            for a, b in curve
            if _finite(a) and _finite(b) and a <= x_max and low <= b <= high
        )
        for name, curve in limits.items()
    }
    dots = [
        {**p, "cx": x_scale(p["x"]), "cy": y_scale(p["y"])}
        for p in points
        if _finite(p["x"]) and _finite(p["y"])
    ]
    return {
        "width": width,
        "height": height,
        "lines": lines,
        "dots": dots,
        "baseline_y": y_scale(baseline),
        "left": left,
        "right": right,
        "bottom": bottom,
        "y_ticks": [(t, y_scale(t)) for t in nice_ticks(low, high)],
        "x_ticks": [(t, x_scale(t)) for t in nice_ticks(0, max(xs))],
        "label_y": bottom + 20,
        # Axis titles: x under the tick labels, y turned along the axis (rotate(-90) about the origin).
        "x_title_x": (left + right) / 2,
        "x_title_y": height - 6,
        "y_title_x": -(top + bottom) / 2,
        "y_title_y": 14,
    }
