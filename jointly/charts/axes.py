"""Axes: round tick values, a linear scale from data to drawing units, numbers for people."""

from __future__ import annotations

import math
from typing import Any

_STEPS = (1, 2, 2.5, 5, 10)


def finite(x: Any) -> bool:
    """A real, finite number (``None``, NaN and infinities are not)."""
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def nice_step(low: float, high: float, count: int = 5) -> float:
    """The round step (1, 2, 2.5 or 5 × a power of ten) giving about ``count`` intervals."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in _STEPS if m * magnitude >= raw)


def nice_ticks(low: float, high: float, count: int = 5, *, cover: bool = False) -> list[float]:
    """About ``count`` round tick values for the range ``low``..``high``.

    ``cover=False`` keeps the ticks inside the range (labels along a fixed axis); ``cover=True``
    extends the first and last tick outwards so the axis covers every value (a chart whose axis
    is set by its ticks). Values that are not finite give ``[low]`` (inside) or ``[0.0]`` (cover).
    """
    if not (finite(low) and finite(high)):
        if cover:
            return [0.0]
        return [low] if finite(low) else []
    if high <= low:
        if not cover:
            return [low]
        high = low + 1.0
    step = nice_step(low, high, count)
    value = math.floor(low / step) * step
    limit = high + step * (0.5 if cover else 1e-9)
    ticks: list[float] = []
    while value <= limit:
        if cover or value >= low - step * 1e-9:
            ticks.append(round(value, 10))
        value += step
    return ticks


class LinearScale:
    """Maps ``low``..``high`` onto ``start``..``end`` (drawing units, rounded to 0.01)."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        if high == low:
            high, low = high + 1, low - 1
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        return round(self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start), 2)


def fmt(value: float | None, unit: str = "") -> str:
    """A number for people: up to one decimal place, with the unit (``%`` joined, others spaced)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if not float(value).is_integer() else f"{value:,.0f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
