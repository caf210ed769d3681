"""Funnel plots: control limits and significance for proportions, ratios and rates.

The methods follow the funnel-plot functions of the ``PHEindicatormethods`` R package
(OHID / Public Health England) and are checked against its test data in
``shared/reference/phe_indicator_methods/funnels``.  "2s" limits are the 95% two-sided
limits (tail probability 0.025) and "3s" limits the 99.8% limits (tail 0.001).

Proportions
    The baseline is the pooled proportion ``av = Σ numerator / Σ denominator``.  At
    population ``N`` the limits are the proportions whose Wilson score interval just
    reaches ``av`` — the roots of the Wilson quadratic solved for the observed proportion
    (:func:`proportion_funnel_limits`).  An area is significantly high/low if its own
    proportion lies outside those limits at its own denominator.

Ratios (observed / expected, e.g. standardised ratios) and rates
    Limits come from the Poisson distribution: for an observed count ``O`` the expected
    count ``λ`` with ``P(X ≥ O | λ) = p`` (or ``P(X ≤ O | λ) = p``) is found by the same
    bisection the package uses (:func:`poisson_funnel`), so the tables match it.  An
    area's significance is judged from the confidence interval of its own count — exact
    Poisson below 10 events, Byar's approximation from 10 — compared with the target
    (1 for ratios, the pooled rate for rates).  For directly standardised rates (DSRs)
    areas with fewer than 10 events are not assessed.  For rates the "denominator" is
    derived from the count and the rate: ``multiplier × numerator / rate``; for crude
    rates with no events the supplied denominator is used instead.

CSV entry point (see :mod:`jointly.stats.tabular`)
--------------------------------------------------
``funnel_frame`` takes one row per area, in the layout of the reference input files, and
works out which kind of funnel from the columns present (matched ignoring case):

* ``obs`` and ``expected`` → ratio (``funnel_ratio_inputs.csv``); ``value`` is
  ``obs / expected × multiplier`` (default multiplier 1).
* ``numerator`` and ``rate`` (optional ``denominator``, optional ``rate_type`` column
  holding ``crude`` (default) or ``dsr`` on every row) → rate; ``value`` is the rate as
  given, the rate's multiplier defaults to 100 000.
* ``numerator`` and ``denominator`` → proportion (``funnel_proportion_inputs.csv``);
  ``value`` is ``numerator / denominator × multiplier`` (default 100, i.e. percent).

Other columns are passed through.  Added columns: ``value``, ``baseline`` (pooled value),
``significance`` (``High (0.001)``, ``High (0.025)``, ``Low (0.001)``, ``Low (0.025)``,
``Not significant``, or for DSRs with under 10 events ``Not applicable for events less
than 10 for dsrs``), ``statistic`` and ``method``.  Funnel limits are fixed at 95% and
99.8%, so ``confidence`` must be those two levels.  The 100-point limit curves for
drawing the funnel come from :func:`proportion_funnel_table`,
:func:`ratio_funnel_table` and :func:`rate_funnel_table`.

Difference from the R package: the package caps proportion upper limits at a fixed 100
whatever the multiplier; here they are capped at ``multiplier`` (identical for 100).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from jointly.stats.errors import InputProblem
from jointly.stats.proportions import (
    DEFAULT_CONFIDENCE,
    as_confidence_tuple,
    byars_limits,
    exact_poisson_limits,
    find_columns,
    multiplier_problems,
    parse_numbers,
    report_rows,
)

FloatArray = NDArray[np.float64]

#: (name, tail probability, normal-approximation confidence) for the two funnel levels.
LEVELS: tuple[tuple[str, float, float], ...] = (("2s", 0.025, 0.95), ("3s", 0.001, 0.998))

HIGH_001, HIGH_025 = "High (0.001)", "High (0.025)"
LOW_001, LOW_025 = "Low (0.001)", "Low (0.025)"
NOT_SIGNIFICANT = "Not significant"
DSR_NOT_APPLICABLE = "Not applicable for events less than 10 for dsrs"
AXIS_POINTS = 100


# --------------------------------------------------------------------------------------
# Axis
# --------------------------------------------------------------------------------------


def _digits(x: float) -> int:
    """Number of digits in the whole number ``x`` (> 0)."""
    return len(str(int(x)))


def signif_floor(x: float) -> float:
    """Round ``0.95 x`` down to one significant figure (0 stays 0)."""
    v = np.floor(0.95 * x)
    if v < 1:  # a whole number: 0 or below
        return 0.0
    scale = 10.0 ** (_digits(v) - 1)
    return float(np.floor(0.95 * x / scale) * scale)


def signif_ceiling(x: float) -> float:
    """Round ``1.05 x`` up to two significant figures (0 stays 0)."""
    v = np.ceil(1.05 * x)
    if v <= 0:
        return 0.0
    scale = 10.0 ** (_digits(v) - 2)
    return float(np.ceil(1.05 * x / scale) * scale)


def axis_range(denominators: ArrayLike) -> tuple[float, float]:
    """``(axis_min, axis_max)``: 0 (or a rounded-down minimum if the denominators span
    less than a factor of 2) up to the maximum rounded up."""
    d = np.asarray(denominators, dtype=float)
    d = d[np.isfinite(d)]
    lo, hi = float(d.min()), float(d.max())
    axis_min = 0.0 if hi > 2 * lo else signif_floor(lo)
    return axis_min, signif_ceiling(hi)


def axis_points(axis_min: float, axis_max: float, *, ratio: bool = False) -> FloatArray:
    """The 100 x-axis points, geometrically spaced from ``max(1, axis_min)`` to
    ``axis_max`` and strictly increasing whole numbers.

    Point ``j`` (2…100) is ``max(round((axis_max / p)^(1/(101 − o)) · p), p + 1)`` where
    ``p`` is the previous point and ``o = j`` (``j − 1`` for ratios); ``round`` is
    round-half-to-even.  (A 100-step recurrence over scalars, not over rows.)
    """
    points = np.empty(AXIS_POINTS)
    points[0] = max(1.0, axis_min)
    for j in range(2, AXIS_POINTS + 1):
        prev = points[j - 2]
        o = j - 1 if ratio else j
        step = np.round((axis_max / prev) ** (1.0 / (101 - o)) * prev)
        points[j - 1] = max(step, prev + 1)
    return points


# --------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------


def proportion_funnel_limits(
    population: ArrayLike, average: float, probability: float, multiplier: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """Funnel limits for a proportion at population(s) ``N`` around baseline ``average``.

    With ``z = Φ⁻¹(probability)`` (0.975 for 2s, 0.999 for 3s) these are the proportions
    whose Wilson score interval has ``average`` as its end point, i.e. the roots of
    ``(p − av)² = z²·(av(1 − av)/N)`` corrected Wilson-style; written out:

        A = av (N/z² + 1),  B = 1/z² + 1/N
        D = √((8A)² − 64 B av (N (av (N/z² + 2) − 1) + z² (av − 1)))
        limits = (A ∓ D/8) / B / N

    Returned × ``multiplier`` and clipped to ``[0, multiplier]``.
    """
    n = np.asarray(population, dtype=float)
    av = float(average)
    z2 = float(special.ndtri(probability)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        a = av * (n / z2 + 1.0)
        b = 1.0 / z2 + 1.0 / n
        d = np.sqrt((8.0 * a) ** 2 - 64.0 * b * av * (n * (av * (n / z2 + 2.0) - 1.0) + z2 * (av - 1.0)))
        low = (a - d / 8.0) / b / n * multiplier
        high = (a + d / 8.0) / b / n * multiplier
    # The lower root can come out a rounding above 1 (at av = 1) or below 0; the upper root
    # is never below av ≥ 0, so it only needs its cap.
    return np.clip(low, 0.0, multiplier), np.minimum(high, multiplier)


#: The package sums Poisson terms until past the mean and a term falls to this fraction
#: of the running total (Excel-macro heritage); the truncation shifts tail probabilities
#: by ~1e-10, which can flip a late bisection step, so it is reproduced.
SERIES_CUTOFF = 1e-10


def _series_end(lam: FloatArray) -> FloatArray:
    """First count ``K > λ`` whose Poisson term is at most ``SERIES_CUTOFF`` times the sum
    of the terms before it — where the package's term-by-term summation stops (terms
    ``0 … K − 1`` are used).  Found by integer bisection (the condition is monotone
    above the mean)."""
    # The term at floor(λ) (the mode) is never negligible, so the search may start there.
    low = np.floor(lam)
    # stops(high) holds; any higher bound finds the same end.
    high = np.ceil(lam + 12.0 * np.sqrt(lam) + 40.0)  # pragma: no mutate (a bound, see above)

    def stops(k: FloatArray) -> NDArray[np.bool_]:
        term = stats.poisson.pmf(k, lam)
        before = SERIES_CUTOFF * stats.poisson.cdf(k - 1.0, lam)
        return term <= before  # pragma: no mutate (a term exactly at the cutoff is not reachable)

    # Bisection for the smallest k in [low, high] with stops(k).
    while True:
        active = low < high
        if not active.any():
            return low
        mid = np.floor((low + high) / 2.0)
        ok = stops(mid)
        high = np.where(active & ok, mid, high)
        low = np.where(active & ~ok, mid + 1.0, low)


def poisson_tail(observed: FloatArray, lam: FloatArray, side: str) -> FloatArray:
    """``P(X ≥ O)`` (side "low") or ``P(X ≤ O)`` (side "high") for ``X ~ Poisson(λ)``,
    normalised over the terms the package's truncated series includes."""
    end = _series_end(lam) - 1.0  # last term included
    total = stats.poisson.cdf(end, lam)
    if side == "low":
        tail = stats.poisson.sf(observed - 1.0, lam) - stats.poisson.sf(end, lam)
        return np.where(observed > end, 0.0, tail / total)
    return stats.poisson.cdf(np.minimum(observed, end), lam) / total


def poisson_funnel(
    observed: ArrayLike, probability: float, side: str, *, tolerance: float = 1e-7
) -> FloatArray:
    """Poisson mean ``λ`` at which an observed count ``O`` sits at tail ``probability``.

    ``side="low"`` solves ``P(X ≥ O | λ) = p``; ``side="high"`` solves ``P(X ≤ O | λ) = p``.
    Bisection on ``v ∈ (0, 1)`` with ``λ = (1 + O)·v/(1 − v)``, starting at ``v = ½``
    with step ½, halving the step before each move until it is no more than
    ``tolerance``, with the package's truncated Poisson sums (:func:`poisson_tail`) — its
    search reproduced so the limit tables agree with it to its own precision (the exact
    answers are gamma quantiles; the bisection differs from them by up to ~1e-4 relative
    for very small λ).  Vectorised over ``observed``.
    """
    if side not in ("low", "high"):
        raise ValueError("side must be 'low' or 'high'")
    obs = np.asarray(observed, dtype=float)
    v = np.full(obs.shape, 0.5)
    step = 0.5
    while step > tolerance:
        step /= 2.0
        lam = (1.0 + obs) * v / (1.0 - v)
        tail = poisson_tail(obs, lam, side)
        if side == "low":
            down = tail > probability  # pragma: no mutate (a tail exactly at p is not reachable)
        else:
            down = tail < probability  # pragma: no mutate (a tail exactly at p is not reachable)
        v = np.where(down, v - step, v + step)
    return (1.0 + obs) * v / (1.0 - v)


def _format_multiplier(multiplier: float) -> str:
    m = float(multiplier)
    return f"{int(m):,}" if m.is_integer() else f"{m:,}"


def proportion_funnel_table(
    numerator: ArrayLike, denominator: ArrayLike, multiplier: float = 100.0
) -> pd.DataFrame:
    """100-row table of proportion funnel limits for drawing the funnel.

    Columns ``Population``, ``lower_2s_limit``, ``upper_2s_limit``, ``lower_3s_limit``,
    ``upper_3s_limit``, ``baseline``, ``statistic`` (``"proportion"``), ``method``
    (``"Wilson"``).
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    av = np.nansum(x) / np.nansum(n)
    pop = axis_points(*axis_range(n))
    out = pd.DataFrame({"Population": pop})
    for name, tail, _ in LEVELS:
        low, high = proportion_funnel_limits(pop, av, 1.0 - tail, multiplier)
        out[f"lower_{name}_limit"] = low
        out[f"upper_{name}_limit"] = high
    out["baseline"] = av * multiplier
    out["statistic"] = "proportion"
    out["method"] = "Wilson"
    return out


def ratio_funnel_table(
    observed: ArrayLike, expected: ArrayLike, ratio_type: str = "count", multiplier: float = 100
) -> pd.DataFrame:
    """100-row table of ratio funnel limits (x axis: observed events).

    For each ``Observed_events`` O and level: ``<side>_<level>_exp_events`` (the Poisson
    mean at the limit) and the limit itself, ``O / exp_events − 1`` for
    ``ratio_type="count"`` (columns ``*_count``) or ``O / exp_events × multiplier`` for
    ``"isr"`` (columns ``*_isr``).  The axis range comes from the expected counts.
    """
    if ratio_type not in ("count", "isr"):
        raise ValueError("ratio_type must be 'count' or 'isr'")
    del observed  # the axis depends on the expected counts only
    obs = axis_points(*axis_range(expected), ratio=True)
    out = pd.DataFrame({"Observed_events": obs})
    for name, tail, _ in LEVELS:
        for bound, side in (("lower", "high"), ("upper", "low")):
            exp_events = poisson_funnel(obs, tail, side)
            out[f"{bound}_{name}_exp_events"] = exp_events
            ratio = obs / exp_events
            if ratio_type == "count":
                out[f"{bound}_{name}_count"] = ratio - 1.0
            else:
                out[f"{bound}_{name}_isr"] = ratio * multiplier
    out["statistic"] = "ratio (count)" if ratio_type == "count" else "ratio (isr)"
    out["method"] = "Poisson"
    return out


def derived_denominator(
    numerator: ArrayLike,
    rate: ArrayLike,
    rate_type: str,
    multiplier: float,
    denominator: ArrayLike | None = None,
) -> FloatArray:
    """Denominator implied by a count and its rate: ``multiplier × numerator / rate``.

    Rows with no events have no implied denominator: for DSRs it is missing, for crude
    rates the supplied ``denominator`` (if any) is used.
    """
    x = np.asarray(numerator, dtype=float)
    r = np.asarray(rate, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        derived = np.where(x == 0, np.nan, multiplier * x / r)
    if _rate_type(rate_type) == "crude" and denominator is not None:
        derived = np.where(x == 0, np.asarray(denominator, dtype=float), derived)
    return derived


def _rate_type(rate_type: str) -> str:
    kind = str(rate_type).strip().lower()
    if kind not in ("dsr", "crude"):
        raise ValueError("rate_type must be 'dsr' or 'crude'")
    return kind


def rate_funnel_table(
    numerator: ArrayLike,
    rate: ArrayLike,
    rate_type: str,
    years_of_data: float,
    multiplier: float = 100_000,
    denominator: ArrayLike | None = None,
) -> pd.DataFrame:
    """100-row table of rate funnel limits (x axis: events).

    For each ``Events`` E and level: ``<bound>_<level>_population_1_year`` (the
    population per year at which E events sit on the limit) and ``<bound>_<level>_limit``
    (the rate at the limit), with ``baseline`` the pooled rate, ``statistic`` e.g.
    ``"rate (dsr per 100,000)"`` and ``method`` ``"Poisson"``.
    """
    kind = _rate_type(rate_type)
    # read only where the derived denominator (a float, missing where x is) is known
    x = np.asarray(numerator, dtype=float)  # pragma: no mutate (numbers there either way)
    den = derived_denominator(x, rate, kind, multiplier, denominator)
    known = np.isfinite(den)
    av = np.nansum(x[known]) / np.nansum(den[known])
    lo, hi = axis_range(den / years_of_data)
    lo, hi = lo * years_of_data, hi * years_of_data
    events = axis_points(np.floor(lo * av), np.ceil(hi * av))
    out = pd.DataFrame({"Events": events})
    for name, tail, _ in LEVELS:
        for bound, side in (("lower", "high"), ("upper", "low")):
            lam = poisson_funnel(events, tail, side)
            out[f"{bound}_{name}_population_1_year"] = lam / av / years_of_data
            out[f"{bound}_{name}_limit"] = events / (lam / av) * multiplier
    out["baseline"] = av * multiplier
    out["statistic"] = f"rate ({kind} per {_format_multiplier(multiplier)})"
    out["method"] = "Poisson"
    return out


def rate_funnel_points(
    numerator: ArrayLike,
    rate: ArrayLike,
    rate_type: str,
    years_of_data: float,
    multiplier: float = 100_000,
    denominator: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Points to plot on a rate funnel: ``(rate_chart, denominator_derived)`` per area.

    ``denominator_derived`` is the per-year denominator (see :func:`derived_denominator`).
    For DSRs both are missing where there are fewer than 10 events.
    """
    kind = _rate_type(rate_type)
    x = np.asarray(numerator, dtype=float)
    chart = np.asarray(rate, dtype=float).copy()
    den = derived_denominator(x, chart, kind, multiplier, denominator) / years_of_data
    if kind == "dsr":
        few = x < 10
        chart[few] = np.nan  # pragma: no mutate (None is NaN in a float array)
        den[few] = np.nan  # pragma: no mutate (None is NaN in a float array)
    return chart, den


# --------------------------------------------------------------------------------------
# Significance
# --------------------------------------------------------------------------------------


def _label(
    below_3s: NDArray[np.bool_],
    below_2s: NDArray[np.bool_],
    above_3s: NDArray[np.bool_],
    above_2s: NDArray[np.bool_],
) -> NDArray[np.object_]:
    """Turn the four comparisons into labels, the 0.001 tests taking priority.

    Below and above exclude each other (a lower limit is never above the upper one), so
    which side is looked at first does not matter.
    """
    conds = [below_3s, below_2s, above_3s, above_2s]
    labels = [LOW_001, LOW_025, HIGH_001, HIGH_025]
    return np.select(conds, labels, default=NOT_SIGNIFICANT).astype(object)


def proportion_significance(numerator: ArrayLike, denominator: ArrayLike) -> NDArray[np.object_]:
    """Funnel significance of each area's proportion against the pooled proportion.

    Each proportion ``x/n`` is compared with the funnel limits at its own ``n``: below
    the 99.8% lower limit → ``Low (0.001)``, else below the 95% lower limit → ``Low
    (0.025)``, else above the 99.8% upper → ``High (0.001)``, else above the 95% upper →
    ``High (0.025)``, else ``Not significant``.  Missing inputs give None.
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    ok = np.isfinite(x) & np.isfinite(n)
    av = x[ok].sum() / n[ok].sum()
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        p = x / n
    lo3, hi3 = proportion_funnel_limits(n, av, 0.999)
    lo2, hi2 = proportion_funnel_limits(n, av, 0.975)
    out = _label(p < lo3, p < lo2, p > hi3, p > hi2)
    out[~ok] = None
    return out


def _poisson_interval(count: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson limits below 10 events, Byar's from 10 (limits of the count)."""
    few = count < 10
    exact_lower, exact_upper = exact_poisson_limits(count, confidence)
    byars_lower, byars_upper = byars_limits(count, confidence)
    return np.where(few, exact_lower, byars_lower), np.where(few, exact_upper, byars_upper)


def _poisson_significance(count: FloatArray, base: FloatArray, target: float) -> NDArray[np.object_]:
    """Compare ``target`` with the interval of ``count / base`` at 99.8% and 95%."""
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        lo3, hi3 = (v / base for v in _poisson_interval(count, 0.998))
        lo2, hi2 = (v / base for v in _poisson_interval(count, 0.95))
    # The area is significantly low when the target lies above its interval, and high
    # when the target lies below it; the 0.001 tests come first, as in the package.
    out = _label(
        below_3s=target > hi3,
        below_2s=target > hi2,
        above_3s=target < lo3,
        above_2s=target < lo2,
    )
    out[~(np.isfinite(count) & np.isfinite(base))] = None
    return out


def ratio_significance(observed: ArrayLike, expected: ArrayLike) -> NDArray[np.object_]:
    """Funnel significance of observed/expected ratios against 1.

    The ratio's 99.8% and 95% intervals (exact Poisson for fewer than 10 observed, Byar's
    otherwise, divided by the expected count) are compared with 1: interval wholly above
    1 → ``High``, wholly below → ``Low``, 0.001 level checked first.
    """
    obs = np.asarray(observed, dtype=float)
    exp = np.asarray(expected, dtype=float)
    return _poisson_significance(obs, exp, 1.0)


def rate_significance(
    numerator: ArrayLike,
    rate: ArrayLike,
    rate_type: str,
    multiplier: float = 100_000,
    denominator: ArrayLike | None = None,
) -> NDArray[np.object_]:
    """Funnel significance of rates against the pooled rate.

    The derived denominators (:func:`derived_denominator`) give the pooled rate
    ``Σ numerator / Σ denominator``; each area's Poisson interval for its count divided
    by its denominator is compared with it as for ratios.  DSRs with fewer than 10 events
    are labelled ``Not applicable for events less than 10 for dsrs``.
    """
    kind = _rate_type(rate_type)
    x = np.asarray(numerator, dtype=float)
    den = derived_denominator(x, rate, kind, multiplier, denominator)
    known = np.isfinite(den) & np.isfinite(x)
    av = x[known].sum() / den[known].sum()
    out = _poisson_significance(x, den, av)
    if kind == "dsr":
        out[x < 10] = DSR_NOT_APPLICABLE
    return out


# --------------------------------------------------------------------------------------
# CSV entry point
# --------------------------------------------------------------------------------------


def _funnel_confidence_problems(confidence: float | Iterable[float]) -> list[str]:
    try:
        levels = as_confidence_tuple(confidence)
    except (TypeError, ValueError):
        return [f"confidence {confidence!r} is not a number or list of numbers"]
    bad = [c for c in levels if not (np.isfinite(c) and 0 < c < 1)]
    problems = [f"confidence {c:g} is outside (0, 1); give e.g. 0.95 for 95%" for c in bad]
    if not bad and sorted(levels) != sorted(DEFAULT_CONFIDENCE):
        problems.append("funnel limits are always at 95% and 99.8%; leave confidence out")
    return problems


def funnel_frame(
    df: pd.DataFrame,
    *,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """CSV entry point: funnel-plot significance per area (layouts in module docstring)."""
    problems: list[str] = _funnel_confidence_problems(confidence)
    if multiplier is not None:
        problems += multiplier_problems(multiplier)
    cols = find_columns(
        df,
        ("obs", "expected", "numerator", "denominator", "rate", "rate_type"),
        problems,
        required=False,  # pragma: no mutate (None is as false as False)
    )
    if {"obs", "expected"} <= cols.keys():
        kind = "ratio"
        needed: tuple[str, ...] = ("obs", "expected")
    elif {"numerator", "rate"} <= cols.keys():
        kind = "rate"
        needed = ("numerator", "rate", "denominator") if "denominator" in cols else ("numerator", "rate")
    elif {"numerator", "denominator"} <= cols.keys():
        kind = "proportion"
        needed = ("numerator", "denominator")
    else:
        problems.append(
            "need columns 'numerator' and 'denominator' (proportions), 'obs' and "
            "'expected' (ratios) or 'numerator' and 'rate' (rates)"
        )
        raise InputProblem(problems)

    data: dict[str, FloatArray] = {}
    missing: dict[str, NDArray[np.bool_]] = {}
    for key in needed:
        name = cols[key]
        # a DSR with no events may have no rate: checked below
        data[key], missing[key] = parse_numbers(df[name], name, problems, allow_missing=key == "rate")
        report_rows(data[key] < 0, f"row {{row}}, column '{name}': must not be negative", problems)
    rate_type = "crude"
    if kind == "ratio":
        name = cols["expected"]
        report_rows(data["expected"] == 0, f"row {{row}}, column '{name}': must not be 0", problems)
    elif kind == "proportion":
        num, den_col = cols["numerator"], cols["denominator"]
        report_rows(data["denominator"] == 0, f"row {{row}}, column '{den_col}': must not be 0", problems)
        report_rows(
            data["numerator"] > data["denominator"],
            f"row {{row}}, column '{num}': numerator is greater than the denominator",
            problems,
        )
    else:
        name = cols["rate"]
        report_rows(
            missing["rate"] & (data["numerator"] != 0),
            f"row {{row}}, column '{name}': value is missing",
            problems,
        )
        report_rows(
            (data["rate"] == 0) & (data["numerator"] > 0),
            f"row {{row}}, column '{name}': rate is 0 but the numerator is not",
            problems,
        )
        if "rate_type" in cols:
            kinds = set(df[cols["rate_type"]].astype(str).str.strip().str.lower())
            if kinds in ({"crude"}, {"dsr"}):
                rate_type = kinds.pop()
            elif kinds:
                problems.append(
                    f"column '{cols['rate_type']}' must hold 'crude' or 'dsr', the same on every row"
                )
    if problems:
        raise InputProblem(problems)

    out = df.copy()
    if kind == "proportion":
        m = 100.0 if multiplier is None else float(multiplier)
        x, n = data["numerator"], data["denominator"]
        out["value"] = x / n * m
        out["baseline"] = x.sum() / n.sum() * m
        out["significance"] = proportion_significance(x, n)
        out["statistic"] = "proportion" if m != 100 else "percentage"
        out["method"] = "Wilson"
    elif kind == "ratio":
        m = 1.0 if multiplier is None else float(multiplier)
        o, e = data["obs"], data["expected"]
        out["value"] = o / e * m
        out["baseline"] = 1.0 * m
        out["significance"] = ratio_significance(o, e)
        out["statistic"] = "ratio"
        out["method"] = "Poisson"
    elif kind == "rate":
        m = 100_000.0 if multiplier is None else float(multiplier)
        x, r = data["numerator"], data["rate"]
        den = derived_denominator(x, r, rate_type, m, data.get("denominator"))
        known = np.isfinite(den)
        out["value"] = r
        out["baseline"] = x[known].sum() / den[known].sum() * m
        out["significance"] = rate_significance(x, r, rate_type, m, data.get("denominator"))
        out["statistic"] = f"rate ({rate_type} per {_format_multiplier(m)})"
        out["method"] = "Poisson"
    return out


__all__ = [
    "axis_points",
    "axis_range",
    "derived_denominator",
    "funnel_frame",
    "poisson_funnel",
    "proportion_funnel_limits",
    "proportion_funnel_table",
    "proportion_significance",
    "rate_funnel_points",
    "rate_funnel_table",
    "rate_significance",
    "ratio_funnel_table",
    "ratio_significance",
]
