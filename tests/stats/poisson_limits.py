"""Textbook Poisson limits of a count, written out independently of the code under test, for the
funnel tests: exact (chi-squared) and Byar's approximation."""

from __future__ import annotations

import numpy as np
from scipy import stats


def exact(o: float, conf: float) -> tuple[float, float]:
    a = 1 - conf
    lo = stats.chi2.ppf(a / 2, 2 * o) / 2 if o > 0 else 0.0
    return lo, stats.chi2.ppf(1 - a / 2, 2 * o + 2) / 2


def byar(o: float, conf: float) -> tuple[float, float]:
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lo, hi
