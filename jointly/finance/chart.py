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
