"""Proportions (Wilson score interval) and crude rates (Byar's / exact Poisson).

These follow the methods used by the Office for Health Improvement and Disparities
(formerly Public Health England) in Fingertips and in the ``PHEindicatormethods`` R
package, and are checked against that package's test data in
``shared/reference/phe_indicator_methods/proportions_and_rates``.

Every calculation works on whole numpy arrays (one element per area / row); missing
inputs (NaN) give missing outputs.

Confidence levels are fractions such as 0.95 or 0.998.  A two-sided interval at
level ``c`` uses the standard normal quantile ``z = Φ⁻¹(c + (1 − c)/2)``, so 95% uses
z = 1.959964 (not the rounded 1.96).

CSV entry points (see :mod:`jointly.stats.tabular`)
---------------------------------------------------
``wilson_frame`` and ``rate_frame`` take a table with ``numerator`` and ``denominator``
columns (matched ignoring case and surrounding spaces; every other column is passed
through unchanged) and add ``value``, a ``lower…cl`` / ``upper…cl`` pair per
confidence level (``0.95`` → ``lower95_0cl``/``upper95_0cl``, ``0.998`` →
``lower99_8cl``/``upper99_8cl``), ``statistic`` and ``method``.  Empty cells (or
``NA``) are allowed and give empty results for that row, as in the R package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from jointly.stats.errors import InputProblem

FloatArray = NDArray[np.float64]

DEFAULT_CONFIDENCE: tuple[float, ...] = (0.95, 0.998)

#: Cell texts that mean "no value" in an analyst's CSV.
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "NA", "na", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None"}
)

#: Numerators below this use exact Poisson limits in :func:`rate_limits`.
EXACT_BELOW: float = 10.0


# --------------------------------------------------------------------------------------
# Small shared helpers (also used by means.py and funnels.py)
# --------------------------------------------------------------------------------------


def normal_z(confidence: float | ArrayLike) -> FloatArray | float:
    """Two-sided standard normal quantile ``Φ⁻¹(c + (1 − c)/2)`` for confidence ``c``."""
    c = np.asarray(confidence, dtype=float)  # pragma: no mutate (levels are numbers: float64 anyway)
    z = special.ndtri(c + (1.0 - c) / 2.0)
    return float(z) if z.ndim == 0 else z


def confidence_suffix(confidence: float) -> str:
    """Column-name fragment for a confidence level: 0.95 → ``"95_0"``, 0.998 → ``"99_8"``.

    The percentage is written with at least one decimal place and the decimal point
    replaced by an underscore (0.9995 → ``"99_95"``).
    """
    pct = round(float(confidence) * 100.0, 8)  # pragma: no mutate (8 or 9 places: printed to 8 below)
    text = f"{pct:.8f}".rstrip("0")  # 95.0 → "95.", 99.95 → "99.95"
    whole, _, frac = text.partition(".")  # pragma: no mutate (one point: partition or rpartition alike)
    return f"{whole}_{frac or '0'}"


def limit_column_names(confidence: float) -> tuple[str, str]:
    """The ``(lower, upper)`` output column names for one confidence level."""
    suffix = confidence_suffix(confidence)
    return f"lower{suffix}cl", f"upper{suffix}cl"


def as_confidence_tuple(confidence: float | Iterable[float]) -> tuple[float, ...]:
    """Normalise a single level or an iterable of levels to a tuple of floats."""
    if isinstance(confidence, (int, float, np.floating, np.integer)):
        return (float(confidence),)
    return tuple(float(c) for c in confidence)


def confidence_problems(confidence: float | Iterable[float]) -> list[str]:
    """Problems with a list of confidence levels for the CSV entry points (empty if fine).

    Each level must be a number strictly between 0 and 1 and no level may repeat
    (repeats would produce duplicate column names).
    """
    try:
        levels = as_confidence_tuple(confidence)
    except (TypeError, ValueError):
        return [f"confidence {confidence!r} is not a number or list of numbers"]
    problems = []
    if not levels:
        problems.append("at least one confidence level is needed")
    for c in levels:
        if not np.isfinite(c) or not 0.0 < c < 1.0:
            problems.append(f"confidence {c:g} is outside (0, 1); give e.g. 0.95 for 95%")
    suffixes = [confidence_suffix(c) for c in levels if np.isfinite(c)]
    if len(set(suffixes)) != len(suffixes):
        problems.append("confidence levels must not repeat")
    return problems


def multiplier_problems(multiplier: float) -> list[str]:
    """Problems with a multiplier (it must be a finite number greater than 0)."""
    try:
        m = float(multiplier)
    except (TypeError, ValueError):
        return [f"multiplier {multiplier!r} is not a number"]
    if not np.isfinite(m) or m <= 0:
        return [f"multiplier {multiplier!r} must be a number greater than 0"]
    return []


def find_columns(
    df: pd.DataFrame, wanted: Sequence[str], problems: list[str], *, required: bool = True
) -> dict[str, str]:
    """Map each wanted (lower-case) column name to the actual header in ``df``.

    An exact match wins; otherwise a unique match ignoring case and surrounding spaces.
    Missing required columns are reported in ``problems``.
    """
    found: dict[str, str] = {}
    headers = [str(h) for h in df.columns]
    for name in wanted:
        if name in headers:
            found[name] = name
            continue
        matches = [h for h in headers if h.strip().lower() == name]
        if len(matches) == 1:
            found[name] = matches[0]
        elif len(matches) > 1:  # pragma: no mutate (exactly one was taken just above)
            problems.append(f"column '{name}' appears more than once ({', '.join(matches)})")
        elif required:
            problems.append(f"missing column '{name}'")
    return found


def parse_numbers(
    column: pd.Series, name: str, problems: list[str], *, allow_missing: bool = True
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Parse a column of strings as finite numbers.

    Returns ``(values, missing)``: ``values`` holds NaN where the cell was empty / ``NA``.
    Each unparseable cell adds one message ``"row R, column 'name': 'text' is not a
    number"`` to ``problems`` (R is the spreadsheet row: header = 1, first data row = 2).
    """
    text = column.astype(str).str.strip()
    missing = text.isin(MISSING_TOKENS).to_numpy()
    values = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=float, copy=True)
    bad = ~missing & ~np.isfinite(values)
    for i in np.flatnonzero(bad):
        problems.append(f"row {i + 2}, column '{name}': {column.iloc[i]!r} is not a number")
    if not allow_missing:
        for i in np.flatnonzero(missing):
            problems.append(f"row {i + 2}, column '{name}': value is missing")
    values[bad] = np.nan  # pragma: no mutate (None is NaN in a float array)
    return values, missing


def report_rows(mask: NDArray[np.bool_], message: str, problems: list[str]) -> None:
    """Append ``message`` (with ``{row}`` filled in) for every row where ``mask`` is true."""
    for i in np.flatnonzero(mask):
        problems.append(message.format(row=i + 2))


# --------------------------------------------------------------------------------------
# Wilson score interval
# --------------------------------------------------------------------------------------


def wilson_limits(
    numerator: ArrayLike, denominator: ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score confidence interval for a proportion ``x / n``.

    Wilson (1927): the interval is the set of proportions ``p`` for which the observed
    proportion lies within ``z`` standard errors ``√(p(1 − p)/n)`` of ``p``.  Solving that
    quadratic in ``p`` gives

        limits = (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²)).

    Unlike the simple normal ("Wald") interval it stays inside [0, 1] and behaves well
    for small counts.  ``x`` need not be a whole number.  At confidence exactly 1 the
    limits are 0 and 1.  Returns ``(lower, upper)`` as proportions of 1.
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    if confidence == 1:
        nan = np.isnan(x) | np.isnan(n)
        return np.where(nan, np.nan, 0.0), np.where(nan, np.nan, 1.0)
    z = normal_z(confidence)
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        centre = 2.0 * x + z2
        spread = z * np.sqrt(z2 + 4.0 * x * (1.0 - x / n))
        scale = 2.0 * (n + z2)
        return (centre - spread) / scale, (centre + spread) / scale


def proportion(
    numerator: ArrayLike,
    denominator: ArrayLike,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
    multiplier: float = 1.0,
) -> dict[str, FloatArray]:
    """Proportion ``x / n × multiplier`` with Wilson limits at each confidence level.

    Returns a dict of arrays: ``value`` and, per level, ``lower95_0cl`` / ``upper95_0cl``
    style entries (already multiplied).
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        out: dict[str, FloatArray] = {"value": x / n * multiplier}
    for c in as_confidence_tuple(confidence):
        lo, hi = wilson_limits(x, n, c)
        lo_name, hi_name = limit_column_names(c)
        out[lo_name] = lo * multiplier
        out[hi_name] = hi * multiplier
    return out


def proportion_statistic(multiplier: float) -> str:
    """The ``statistic`` label for a proportion: ``"percentage"`` or ``"proportion of M"``."""
    if float(multiplier) == 100:
        return "percentage"
    return f"proportion of {_format_number(multiplier)}"


# --------------------------------------------------------------------------------------
# Poisson counts and rates
# --------------------------------------------------------------------------------------


def byars_limits(count: ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation to the exact Poisson confidence interval for a count ``x``.

    Byar's method (Breslow & Day 1987) applies the Wilson–Hilferty cube-root
    transformation to the chi-square quantiles behind the exact Poisson interval:

        lower = x (1 − 1/(9x) − z/(3√x))³
        upper = (x + 1) (1 − 1/(9(x + 1)) + z/(3√(x + 1)))³

    The lower limit is missing (NaN) when the bracket goes negative (tiny counts at high
    confidence) and for ``x = 0``.  Returns limits *of the count*.
    """
    x = np.asarray(count, dtype=float)
    z = normal_z(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        base = 1.0 - 1.0 / (9.0 * x) - z / (3.0 * np.sqrt(x))
        lower = x * (base * base * base)
        lower = np.where(lower < 0, np.nan, lower)  # pragma: no mutate (exactly 0 only at x = 0: NaN anyway)
        x1 = x + 1.0
        base = 1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))
        upper = x1 * (base * base * base)
    return lower, upper


def exact_poisson_limits(count: ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Exact (Garwood) Poisson confidence interval for a count ``x``.

    Uses the link between the Poisson and chi-square distributions:

        lower = χ²⁻¹((1 − c)/2; 2x) / 2          (0 when x = 0)
        upper = χ²⁻¹(c + (1 − c)/2; 2x + 2) / 2

    where χ²⁻¹(p; k) is the chi-square quantile with k degrees of freedom.  Returns
    limits *of the count*.
    """
    x = np.asarray(count, dtype=float)
    c = float(confidence)
    if x.size > 1000:  # pragma: no mutate (a shortcut: the same limits either way)
        # Counts repeat a lot (e.g. the whole numbers 0-9 below the rate switch): work out
        # each distinct count once; sorting is far cheaper than the quantile functions.
        distinct, index = np.unique(x, return_inverse=True)
        if distinct.size < x.size // 2:  # pragma: no mutate (a shortcut: the same limits either way)
            lower, upper = _exact_poisson_limits(distinct, c)
            shape = x.shape  # pragma: no mutate (the inverse index has this shape already)
            return lower[index].reshape(shape), upper[index].reshape(shape)  # pragma: no mutate (same shape)
    return _exact_poisson_limits(x, c)


def _exact_poisson_limits(x: FloatArray, c: float) -> tuple[FloatArray, FloatArray]:
    """Element-wise exact Poisson limits (see :func:`exact_poisson_limits`)."""
    # chi-square(2k) / 2 is a gamma(k) variable, which handles x = 0 without warnings.
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        shape = np.where(x > 0, x, 1.0)  # pragma: no mutate (stands in where x ≤ 0: those are set below)
        lower = np.where(x == 0, 0.0, special.gammaincinv(shape, (1 - c) / 2))
        lower = np.where(np.isnan(x) | (x < 0), np.nan, lower)
        upper = special.gammainccinv(x + 1.0, (1 - c) / 2)
    return lower, upper


def rate_limits(
    numerator: ArrayLike,
    denominator: ArrayLike,
    confidence: float = 0.95,
    multiplier: float = 100_000.0,
) -> tuple[FloatArray, FloatArray]:
    """Confidence limits for a crude rate ``x / n × multiplier``.

    The count ``x`` is treated as Poisson.  As in Fingertips and ``phe_rate``, counts
    below 10 use the exact Poisson interval (:func:`exact_poisson_limits`) and counts of
    10 or more use Byar's approximation (:func:`byars_limits`).  The switch looks only at
    the numerator.  The count limits are divided by the denominator and multiplied by the
    multiplier.
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    x, n = np.broadcast_arrays(x, n)
    lower = np.full(x.shape, np.nan)
    upper = np.full(x.shape, np.nan)
    exact = x < EXACT_BELOW  # pragma: no mutate (at 10 Byar's, written second, wins either way)
    byars = x >= EXACT_BELOW
    if exact.any():
        lower[exact], upper[exact] = exact_poisson_limits(x[exact], confidence)
    if byars.any():
        lower[byars], upper[byars] = byars_limits(x[byars], confidence)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        scale = multiplier / n
        return lower * scale, upper * scale


def rate_method(numerator: ArrayLike) -> NDArray[np.object_]:
    """``"Exact"`` where the numerator is below 10, ``"Byars"`` at 10 or more, else None."""
    x = np.asarray(numerator, dtype=float)
    out = np.full(x.shape, None, dtype=object)  # pragma: no mutate (None makes an object array anyway)
    out[x < EXACT_BELOW] = "Exact"  # pragma: no mutate (at 10 "Byars", written second, wins either way)
    out[x >= EXACT_BELOW] = "Byars"
    return out


def rate(
    numerator: ArrayLike,
    denominator: ArrayLike,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
    multiplier: float = 100_000.0,
) -> dict[str, FloatArray]:
    """Crude rate ``x / n × multiplier`` with Byar's / exact limits at each level.

    Returns a dict of arrays: ``value`` and per level ``lower95_0cl`` / ``upper95_0cl``
    style entries.  See :func:`rate_limits` for the method.
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        out: dict[str, FloatArray] = {"value": x / n * multiplier}
    for c in as_confidence_tuple(confidence):
        lo, hi = rate_limits(x, n, c, multiplier)
        lo_name, hi_name = limit_column_names(c)
        out[lo_name] = lo
        out[hi_name] = hi
    return out


def rate_statistic(multiplier: float) -> str:
    """The ``statistic`` label for a rate, e.g. ``"rate per 100000"``."""
    return f"rate per {_format_number(multiplier)}"


def _format_number(value: float) -> str:
    """Write 100000.0 as "100000" and 2.5 as "2.5"."""
    v = float(value)
    return str(int(v)) if v.is_integer() else repr(v)


# --------------------------------------------------------------------------------------
# CSV entry points
# --------------------------------------------------------------------------------------


def _read_counts(
    df: pd.DataFrame,
    confidence: float | Iterable[float],
    multiplier: float,
    *,
    proportion_checks: bool,
) -> tuple[FloatArray, FloatArray, tuple[float, ...]]:
    """Validate every row of a numerator/denominator table; raise InputProblem if bad."""
    problems = confidence_problems(confidence) + multiplier_problems(multiplier)
    cols = find_columns(df, ("numerator", "denominator"), problems)
    if len(cols) < 2:
        raise InputProblem(problems)
    x, _ = parse_numbers(df[cols["numerator"]], cols["numerator"], problems)
    n, _ = parse_numbers(df[cols["denominator"]], cols["denominator"], problems)
    num, den = cols["numerator"], cols["denominator"]
    report_rows(x < 0, f"row {{row}}, column '{num}': numerator must not be negative", problems)
    report_rows(n < 0, f"row {{row}}, column '{den}': denominator must not be negative", problems)
    report_rows(n == 0, f"row {{row}}, column '{den}': denominator must not be 0", problems)
    if proportion_checks:
        report_rows(
            (x > n) & (n > 0),  # a negative numerator or denominator is reported above
            f"row {{row}}, column '{num}': numerator is greater than the denominator",
            problems,
        )
    if problems:
        raise InputProblem(problems)
    return x, n, as_confidence_tuple(confidence)


def wilson_frame(
    df: pd.DataFrame,
    *,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """CSV entry point: proportions with Wilson score limits (see module docstring).

    ``multiplier`` defaults to 1 (proportion of 1); 100 gives percentages.
    """
    m = 1.0 if multiplier is None else multiplier
    x, n, levels = _read_counts(df, confidence, m, proportion_checks=True)
    m = float(m)
    out = df.copy()
    for name, values in proportion(x, n, levels, m).items():
        out[name] = values
    out["statistic"] = proportion_statistic(m)
    out["method"] = "Wilson"
    return out


def rate_frame(
    df: pd.DataFrame,
    *,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """CSV entry point: crude rates with exact (< 10 events) or Byar's limits.

    ``multiplier`` defaults to 100 000 (rate per 100,000).  ``method`` is ``"Exact"`` or
    ``"Byars"`` per row (empty when the numerator is missing).
    """
    m = 100_000.0 if multiplier is None else multiplier
    checks = False  # pragma: no mutate (None = False)
    x, n, levels = _read_counts(df, confidence, m, proportion_checks=checks)
    m = float(m)
    out = df.copy()
    for name, values in rate(x, n, levels, m).items():
        out[name] = values
    out["statistic"] = rate_statistic(m)
    out["method"] = rate_method(x)
    return out


__all__ = [
    "DEFAULT_CONFIDENCE",
    "byars_limits",
    "exact_poisson_limits",
    "limit_column_names",
    "normal_z",
    "proportion",
    "rate",
    "rate_frame",
    "rate_limits",
    "rate_method",
    "wilson_frame",
    "wilson_limits",
]
