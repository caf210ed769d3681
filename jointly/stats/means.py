"""Means with Student's t confidence intervals (as ``phe_mean`` in PHEindicatormethods).

For each group of values: the sum, the count, the sample standard deviation (divisor
``count − 1``) and the mean.  The interval is ``mean ∓ t · sd / √count`` where ``t`` is the
Student-t quantile with ``count − 1`` degrees of freedom at ``c + (1 − c)/2``.  Groups of
a single value have no standard deviation, so their limits are missing.

CSV entry point (see :mod:`jointly.stats.tabular`)
--------------------------------------------------
``mean_frame`` takes the long layout of the reference file ``means/mean_input.csv``: one
row per observation, a ``values`` column (``value`` is accepted too) holding the numbers,
and any other columns (e.g. ``area``) identifying the group the value belongs to — each
distinct combination of the other columns is one group, in order of first appearance.
With no other columns all values form one group.  The output has one row per group: the
group columns, then ``value_sum``, ``value_count``, ``stdev``, ``value``, a
``lower…cl``/``upper…cl`` pair per confidence level, ``statistic`` (``"mean"``) and
``method`` (``"Student's t-distribution"``) — the layout of ``means/mean_results.csv``.
Every value must be present and numeric (a blank would silently change a group's count).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from jointly.stats.errors import InputProblem
from jointly.stats.proportions import (
    DEFAULT_CONFIDENCE,
    as_confidence_tuple,
    confidence_problems,
    find_columns,
    limit_column_names,
    parse_numbers,
)

FloatArray = NDArray[np.float64]

STATISTIC = "mean"
METHOD = "Student's t-distribution"


def t_half_width(stdev: ArrayLike, count: ArrayLike, confidence: float = 0.95) -> FloatArray:
    """Half-width ``t⁻¹(c + (1 − c)/2; count − 1) · sd / √count`` of a Student-t interval."""
    sd = np.asarray(stdev, dtype=float)
    k = np.asarray(count, dtype=float)
    c = float(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        df = np.where(k > 1, k - 1.0, np.nan)  # pragma: no mutate (k = 1 gives 0 degrees of freedom: NaN too)
        t = special.stdtrit(df, c + (1.0 - c) / 2.0)
        return t * sd / np.sqrt(k)


def mean_from_summary(
    value_sum: ArrayLike,
    value_count: ArrayLike,
    stdev: ArrayLike,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
) -> dict[str, FloatArray]:
    """Mean and Student-t limits from per-group summaries (vectorised over groups).

    Returns ``value`` and per level ``lower95_0cl`` / ``upper95_0cl`` style entries.
    """
    total = np.asarray(value_sum, dtype=float)
    k = np.asarray(value_count, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        value = total / k
    out: dict[str, FloatArray] = {"value": value}
    for c in as_confidence_tuple(confidence):
        half = t_half_width(stdev, k, c)
        lo_name, hi_name = limit_column_names(c)
        out[lo_name] = value - half
        out[hi_name] = value + half
    return out


def grouped_mean(
    values: ArrayLike,
    groups: ArrayLike | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
) -> dict[str, FloatArray]:
    """Sum, count, sample sd, mean and t-limits of ``values`` per group.

    ``groups`` is an array of integer group codes ``0..G−1`` (one per value) or None for a
    single group.  The sd uses a two-pass (centred) sum of squares for accuracy.
    Returns arrays of length G: ``value_sum``, ``value_count``, ``stdev``, ``value`` and the
    limits.
    """
    x = np.asarray(values, dtype=float)
    codes = np.zeros(x.shape, dtype=np.intp) if groups is None else np.asarray(groups, np.intp)
    # codes run 0..G−1, so every count has its G entries without a minimum length
    count: FloatArray = np.bincount(codes).astype(np.float64)  # pragma: no mutate (float64 is the default)
    total = np.bincount(codes, weights=x)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        centre = total / count
        squares = np.bincount(codes, weights=(x - centre[codes]) ** 2)
        variance = np.where(count > 1, squares / (count - 1), np.nan)  # pragma: no mutate (1: 0/0 is NaN)
        stdev = np.sqrt(variance)
    value_sum: FloatArray = total.astype(np.float64)  # pragma: no mutate (already float64: for the types)
    out: dict[str, FloatArray] = {
        "value_sum": value_sum,
        "value_count": count,
        "stdev": stdev,
    }
    out.update(mean_from_summary(total, count, stdev, confidence))
    return out


def mean_frame(
    df: pd.DataFrame,
    *,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """CSV entry point: mean and Student-t limits per group (layout in module docstring).

    ``multiplier`` does not apply to means; it must be None or 1.
    """
    problems: list[str] = confidence_problems(confidence)
    if multiplier is not None and multiplier != 1:
        problems.append("a multiplier does not apply to means; leave it out")
    cols = find_columns(df, ("values",), problems, required=False)  # pragma: no mutate (None = False)
    if not cols:
        alias = find_columns(df, ("value",), problems, required=False)  # pragma: no mutate (None = False)
        if alias:
            cols = {"values": alias["value"]}
    if not cols:
        problems.append("missing column 'values'")
        raise InputProblem(problems)
    name = cols["values"]
    x, _ = parse_numbers(df[name], name, problems, allow_missing=False)  # pragma: no mutate (None = False)
    if problems:
        raise InputProblem(problems)

    group_cols = [c for c in df.columns if c != cols["values"]]
    codes: np.ndarray | None
    if group_cols:
        keys = df[group_cols].astype(str)
        codes = keys.groupby(group_cols, sort=False).ngroup().to_numpy()  # pragma: no mutate (None = False)
        first = np.unique(codes, return_index=True)[1]
        out = df.iloc[first][group_cols].reset_index(drop=True)
    else:
        codes = None  # one group
        # one row (none for an empty table); the columns added below would set it anyway
        out = pd.DataFrame(index=range(1 if len(df) else 0))  # pragma: no mutate
    for key, arr in grouped_mean(x, codes, as_confidence_tuple(confidence)).items():
        out[key] = arr
    if len(out):
        out["value_count"] = out["value_count"].astype(np.int64)
    out["statistic"] = STATISTIC
    out["method"] = METHOD
    return out


__all__ = ["grouped_mean", "mean_frame", "mean_from_summary", "t_half_width"]
