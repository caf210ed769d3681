"""Fingertips-style benchmarking against a comparator, and recent trend.

Benchmarking (:func:`benchmark`)
    Following the OHID Fingertips convention, each area's value is compared with a
    comparator value (England, the region, or a comparator group) using the area's
    confidence interval at the chosen level (95% or 99.8%):

    * the whole interval lies above the comparator → ``higher``;
    * the whole interval lies below it → ``lower``;
    * otherwise (the interval contains or touches it) → ``similar``.

    With a polarity the words become judgements: for "higher is better" ``higher`` →
    ``better`` and ``lower`` → ``worse``; for "lower is better" the reverse; ``similar``
    stays ``similar``.  A neutral polarity ("no judgement") keeps ``higher`` /
    ``lower`` / ``similar``.  Where a limit or the comparator is missing the result is
    ``not compared``.

Recent trend (:func:`recent_trend`)
    For proportions and rates, the last five data points of each series are tested
    with a chi-square test for linear trend (Cochran–Armitage), as Fingertips does.
    With time points ``t = 1..5``, counts ``x_t`` and denominators ``n_t``
    (``N = Σ n_t``, ``X = Σ x_t``), the weighted mean time is ``t̄ = Σ n_t t / N`` and

        U  = Σ x_t (t − t̄)                     (observed minus expected trend score)
        V  = p̄ (1 − p̄) Σ n_t (t − t̄)²,  p̄ = X / N     for proportions
        V  = (X / N) Σ n_t (t − t̄)²                    for rates (Poisson counts)
        χ² = U² / V  on 1 degree of freedom.

    The rate form is the score test for a log-linear trend in Poisson counts with the
    denominators as exposure.  A trend is significant when ``χ²`` exceeds the 99.8%
    point of chi-square(1) (about 9.55): ``increasing`` if ``U > 0``, ``decreasing`` if
    ``U < 0``, with ``and getting better`` / ``and getting worse`` added for a
    polarity.  Otherwise ``no significant change``; with fewer than five valid points
    ``cannot be calculated``.

Everything is vectorised: benchmarking works element-wise on arrays, trends on a 2-D
array with one row per series and one column per time period (oldest first).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

HIGHER, LOWER, SIMILAR = "higher", "lower", "similar"
BETTER, WORSE = "better", "worse"
NOT_COMPARED = "not compared"

HIGHER_IS_BETTER = "higher is better"
LOWER_IS_BETTER = "lower is better"
NEUTRAL = "neutral"

CANNOT_CALCULATE = "cannot be calculated"
NO_SIGNIFICANT_CHANGE = "no significant change"
INCREASING, DECREASING = "increasing", "decreasing"
GETTING_BETTER, GETTING_WORSE = "and getting better", "and getting worse"

TREND_POINTS = 5
TREND_CONFIDENCE = 0.998

_POLARITY_ALIASES: dict[str, str] = {
    "higher is better": HIGHER_IS_BETTER,
    "high is good": HIGHER_IS_BETTER,
    "rag - high is good": HIGHER_IS_BETTER,
    "high": HIGHER_IS_BETTER,
    "lower is better": LOWER_IS_BETTER,
    "low is good": LOWER_IS_BETTER,
    "rag - low is good": LOWER_IS_BETTER,
    "low": LOWER_IS_BETTER,
    "neutral": NEUTRAL,
    "no judgement": NEUTRAL,
    "not applicable": NEUTRAL,
    "bob": NEUTRAL,
    "": NEUTRAL,
}


def normalise_polarity(polarity: str | None) -> str:
    """Map a polarity text to ``"higher is better"``, ``"lower is better"`` or ``"neutral"``.

    Accepts the Fingertips spellings (``RAG - High is good``, ``RAG - Low is good``,
    ``BOB``/no judgement) case-insensitively; None means neutral.  Unknown text raises
    ``ValueError``.
    """
    key = "" if polarity is None else str(polarity).strip().lower()
    try:
        return _POLARITY_ALIASES[key]
    except KeyError:
        raise ValueError(
            f"unknown polarity {polarity!r}; use 'higher is better', 'lower is better' or 'neutral'"
        ) from None


def _polarity_codes(polarity: str | None | ArrayLike, shape: tuple[int, ...]) -> NDArray:
    """+1 higher is better, −1 lower is better, 0 neutral — broadcast to ``shape``."""
    code = {HIGHER_IS_BETTER: 1, LOWER_IS_BETTER: -1, NEUTRAL: 0}
    # one text or one per value (None or NaN = neutral): each distinct text is looked up once
    arr = np.asarray(polarity, dtype=object)  # pragma: no mutate (texts and None make objects anyway)
    text = np.where(pd.isna(arr), "", arr).astype(str)
    distinct, index = np.unique(text, return_inverse=True)
    codes = np.array([code[normalise_polarity(str(p))] for p in distinct])  # small whole numbers
    return np.broadcast_to(codes[index].reshape(text.shape), shape)  # pragma: no mutate (index has its shape)


def benchmark(
    lower: ArrayLike,
    upper: ArrayLike,
    comparator: ArrayLike,
    polarity: str | None | ArrayLike = NEUTRAL,
) -> NDArray[np.object_]:
    """Compare each value's confidence interval ``[lower, upper]`` with a comparator.

    Returns an object array of ``better``/``worse``/``similar`` (with a polarity) or
    ``higher``/``lower``/``similar`` (neutral), ``not compared`` where any input is
    missing.  ``comparator`` and ``polarity`` may be scalars or arrays (broadcast).
    Pass the 95% or the 99.8% limits to benchmark at that level.
    """
    lo, hi, comp = np.broadcast_arrays(
        np.asarray(lower, dtype=float),
        np.asarray(upper, dtype=float),
        np.asarray(comparator, dtype=float),
    )
    sign = _polarity_codes(polarity, lo.shape)
    known = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(comp)
    with np.errstate(invalid="ignore"):  # pragma: no mutate (warning switch only)
        above = known & (lo > comp)
        below = known & (hi < comp)
    direction = np.where(above, 1, np.where(below, -1, 0)) * sign  # pragma: no mutate (only its sign is read)
    out = np.full(lo.shape, SIMILAR, dtype=object)
    neutral = sign == 0
    out[above & neutral] = HIGHER
    out[below & neutral] = LOWER
    out[direction > 0] = BETTER
    out[direction < 0] = WORSE
    out[~known] = NOT_COMPARED
    return out


def trend_chi_square(
    numerators: ArrayLike,
    denominators: ArrayLike,
    kind: Literal["proportion", "rate"] = "proportion",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Chi-square test for linear trend over every column given, per row.

    ``numerators`` and ``denominators`` are 2-D (series × time points, oldest first; a
    1-D input is one series).  Returns ``(chi_square, score)`` where ``score`` is
    ``U = Σ x_t (t − t̄)`` (its sign gives the direction).  ``chi_square`` is NaN where a
    value is missing or the variance is zero (e.g. no events at all).
    """
    if kind not in ("proportion", "rate"):
        raise ValueError("kind must be 'proportion' or 'rate'")
    x = np.atleast_2d(np.asarray(numerators, dtype=float))
    n = np.atleast_2d(np.asarray(denominators, dtype=float))
    t = np.arange(1, x.shape[1] + 1, dtype=float)  # pragma: no mutate (whole numbers either way)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        total_n = n.sum(axis=1, keepdims=True)
        t_bar = (n * t).sum(axis=1, keepdims=True) / total_n
        dev = t - t_bar
        score = (x * dev).sum(axis=1)
        p_bar = x.sum(axis=1) / total_n[:, 0]
        spread = (n * dev**2).sum(axis=1)
        variance = p_bar * spread if kind == "rate" else p_bar * (1.0 - p_bar) * spread
        # variance 0 means no events or all events: the score is 0 too, so 0/0 is NaN either way
        chi2 = np.where(variance > 0, score**2 / variance, np.nan)  # pragma: no mutate
    return chi2, score


def recent_trend(
    numerators: ArrayLike,
    denominators: ArrayLike,
    kind: Literal["proportion", "rate"] = "proportion",
    polarity: str | None | ArrayLike = NEUTRAL,
    *,
    points: int = TREND_POINTS,
    confidence: float = TREND_CONFIDENCE,
) -> NDArray[np.object_]:
    """Fingertips recent-trend label for each series from its last ``points`` values.

    Inputs are 2-D (series × time periods, oldest first; NaN for missing); only the
    last ``points`` columns are used and all of them must be present with positive
    denominators, non-negative numerators (and numerator ≤ denominator for
    proportions), otherwise ``cannot be calculated``.  Labels: ``increasing`` /
    ``decreasing`` (neutral polarity) or ``increasing and getting better`` etc., and
    ``no significant change``.  ``polarity`` is one text or one per series.
    """
    x = np.atleast_2d(np.asarray(numerators, dtype=float))
    n = np.atleast_2d(np.asarray(denominators, dtype=float))
    if x.shape != n.shape:
        raise ValueError("numerators and denominators must have the same shape")
    rows = x.shape[0]
    sign = _polarity_codes(polarity, (rows,))
    out = np.full(rows, CANNOT_CALCULATE, dtype=object)
    if x.shape[1] < points:
        return out
    x, n = x[:, -points:], n[:, -points:]
    with np.errstate(invalid="ignore"):  # pragma: no mutate (warning switch only)
        valid = np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0)
        if kind == "proportion":
            valid &= x <= n
    usable = valid.all(axis=1)
    # placeholders where a point is not valid: such a row is never usable, its statistic never read
    x_used = np.where(valid, x, 0.0)  # pragma: no mutate
    n_used = np.where(valid, n, 1.0)  # pragma: no mutate
    chi2, score = trend_chi_square(x_used, n_used, kind)
    critical = stats.chi2.ppf(confidence, 1)
    significant = usable & np.isfinite(chi2) & (chi2 > critical)
    up = significant & (score > 0)  # pragma: no mutate (a score of 0 gives χ² = 0: never significant)
    down = significant & (score < 0)  # pragma: no mutate (a significant score is far from 0: χ² = U²/V > 9.5)
    out[usable] = NO_SIGNIFICANT_CHANGE
    for mask, word, good_sign in ((up, INCREASING, 1), (down, DECREASING, -1)):
        out[mask & (sign == 0)] = word
        out[mask & (sign == good_sign)] = f"{word} {GETTING_BETTER}"
        out[mask & (sign == -good_sign)] = f"{word} {GETTING_WORSE}"
    return out


__all__ = ["benchmark", "normalise_polarity", "recent_trend", "trend_chi_square"]
