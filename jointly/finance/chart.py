"""Geometry of the budget vs actual vs forecast chart (pure: the template draws it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jointly.charts.axes import LinearScale, nice_ticks

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 80, 620, 20, 240


@dataclass
class MonthChart:
    width: int
    height: int
    left: int
    right: int
    bottom: int
    ticks: list[tuple[float, float]]
    """(value in £, y)"""
    months: list[tuple[str, float]]
    budget_line: str
    actual_line: str
    forecast_line: str
    full_budget_y: float


def _points(xs: Sequence[float], values: Sequence[Decimal | None], scale: LinearScale) -> str:
    return " ".join(f"{x},{scale(float(v))}" for x, v in zip(xs, values, strict=True) if v is not None)


def month_chart(rows: Sequence[dict[str, Any]], budget: Decimal) -> MonthChart:
    """``rows``: twelve dicts with ``label``, ``budget_to_date``, ``actual_to_date``, ``forecast``."""
    values = [float(budget)] + [float(r[k]) for r in rows for k in ("budget_to_date", "actual_to_date", "forecast")
                                if r[k] is not None]  # fmt: skip
    ticks = nice_ticks(0.0, max(values + [1.0]), 5, cover=True)
    scale = LinearScale(ticks[0], ticks[-1], BOTTOM, TOP)
    step = (RIGHT - LEFT) / 11
    xs = [round(LEFT + i * step, 2) for i in range(12)]
    return MonthChart(
        WIDTH, HEIGHT, LEFT, RIGHT, BOTTOM,
        [(t, scale(t)) for t in ticks],
        [(r["label"], x) for r, x in zip(rows, xs, strict=True)],
        _points(xs, [r["budget_to_date"] for r in rows], scale),
        _points(xs, [r["actual_to_date"] for r in rows], scale),
        _points(xs, [r["forecast"] for r in rows], scale),
        scale(float(budget)),
    )  # fmt: skip


# --- grouped bars: savings plan vs delivered by programme, a budget model by section and year ----

BAR_COLOURS = ["#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#505a5f"]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    """What a screen reader and a tooltip say: group, series and value."""


@dataclass
class BarChart:
    width: int
    height: int
    left: int
    right: int
    bottom: int
    zero_y: float
    ticks: list[tuple[float, float]]
    groups: list[tuple[str, float]]
    """(group label, x of its centre)"""
    bars: list[Bar]
    legend: list[tuple[str, str]]
    """(series name, colour)"""


def grouped_bars(
    groups: Sequence[tuple[str, Sequence[Decimal | None]]], series: Sequence[str], *, width: int = WIDTH
) -> BarChart:
    """One group of bars per ``groups`` entry (label, a value per series); negative values go below
    the zero line (a contingency shown as (176)). Missing values (None) draw no bar."""
    values = [float(v) for _g, vs in groups for v in vs if v is not None]
    ticks = nice_ticks(min(values + [0.0]), max(values + [1.0]), 5, cover=True)
    scale = LinearScale(ticks[0], ticks[-1], BOTTOM, TOP)
    right = width - 20
    slot = (right - LEFT) / max(len(groups), 1)
    bar_w = max(min(slot * 0.8 / max(len(series), 1), 40), 2)
    zero = scale(0.0)
    bars, centres = [], []
    for i, (label, vs) in enumerate(groups):
        centre = LEFT + slot * (i + 0.5)
        centres.append((label, round(centre, 2)))
        start = centre - bar_w * len(series) / 2
        for j, v in enumerate(vs):
            if v is None:
                continue
            y = scale(float(v))
            bars.append(Bar(round(start + j * bar_w, 2), round(min(y, zero), 2), round(bar_w - 1, 2),
                            round(abs(zero - y), 2), BAR_COLOURS[j % len(BAR_COLOURS)],
                            f"{label}, {series[j]}: {'−' if v < 0 else ''}£{abs(v):,.2f}"))  # fmt: skip
    return BarChart(
        width, HEIGHT, LEFT, right, BOTTOM, zero, [(t, scale(t)) for t in ticks], centres, bars,
        [(s, BAR_COLOURS[j % len(BAR_COLOURS)]) for j, s in enumerate(series)],
    )  # fmt: skip
