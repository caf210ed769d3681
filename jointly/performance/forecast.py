"""Results-Based Accountability "turn the curve": where the line goes if nothing changes.

Pure numpy/scipy (no Django): an ordinary least-squares straight line through the history
(against the period number), projected ``horizon`` periods ahead with a prediction interval for a
new observation, ``yhat +/- t(1 - alpha/2, n-2) * s * sqrt(1 + 1/n + (x - xbar)^2 / Sxx)``.
Missing values (NaN) are left out of the fit but keep their place in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_POINTS = 3


@dataclass(frozen=True)
class Forecast:
    slope: float  # change per period
    intercept: float  # fitted value at period 0 (the first history point)
    fitted: np.ndarray  # trend line over the history
    predicted: np.ndarray  # the next ``horizon`` periods
    lower: np.ndarray
    upper: np.ndarray
    level: float
    n: int
    r_squared: float

    @property
    def direction(self) -> str:
        if abs(self.slope) < 1e-12:
            return "flat"
        return "rising" if self.slope > 0 else "falling"


def forecast(values: Sequence[float] | np.ndarray, horizon: int = 12, level: float = 0.95) -> Forecast:
    """Linear trend with a ``level`` prediction interval. Raises ValueError with under 3 values."""
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    if horizon < 0:
        raise ValueError("horizon must not be negative")
    y_all = np.asarray(values, dtype=float)
    x_all = np.arange(len(y_all), dtype=float)
    keep = ~np.isnan(y_all)
    x, y = x_all[keep], y_all[keep]
    n = len(y)
    if n < MIN_POINTS:
        raise ValueError(f"a forecast needs at least {MIN_POINTS} values, got {n}")
    x_mean, y_mean = x.mean(), y.mean()
    sxx = float(((x - x_mean) ** 2).sum())
    slope = float(((x - x_mean) * (y - y_mean)).sum() / sxx)
    intercept = float(y_mean - slope * x_mean)
    fitted_obs = intercept + slope * x
    residual_ss = float(((y - fitted_obs) ** 2).sum())
    total_ss = float(((y - y_mean) ** 2).sum())
    s = np.sqrt(residual_ss / (n - 2)) if n > 2 else 0.0
    t = float(stats.t.ppf(1 - (1 - level) / 2, n - 2))
    future_x = np.arange(len(y_all), len(y_all) + horizon, dtype=float)
    predicted = intercept + slope * future_x
    half = t * s * np.sqrt(1 + 1 / n + (future_x - x_mean) ** 2 / sxx)
    return Forecast(
        slope=slope,
        intercept=intercept,
        fitted=intercept + slope * x_all,
        predicted=predicted,
        lower=predicted - half,
        upper=predicted + half,
        level=level,
        n=n,
        r_squared=1 - residual_ss / total_ss if total_ss > 0 else 1.0,
    )
