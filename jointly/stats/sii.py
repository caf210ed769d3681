"""Slope index of inequality (SII) and relative index of inequality (RII).

Re-implements, from the published method description, ``phe_sii`` of the
PHE/OHID ``PHEindicatormethods`` R package (2.1.0). Per group, with quantiles
1 … k in order (1 = most deprived), populations ``Popⱼ`` and values ``Yⱼ``:

1. relative rank ``bⱼ`` = midpoint of quantile ``j`` on the cumulative population
   share scale, weights ``aⱼ = Popⱼ / ΣPop``;
2. weighted least squares ``Y = β₀ + β₁·b`` (weights ``a``);
3. ``sii = β₁ × multiplier`` and ``rii = (β₀ + β₁)/β₀`` (inverted for a negative
   multiplier); with ``transform=True`` the regression is done on the log (rates,
   ``value_type=1``) or logit (proportions, ``value_type=2``) scale and mapped back:
   ``sii = (f(β₀+β₁) − f(β₀)) × multiplier``, ``rii = f(β₀+β₁)/f(β₀)``;
4. confidence limits by simulation: each quantile's value is drawn from a normal
   distribution with its standard error (on the log/logit scale for rates and
   proportions, then back-transformed unless ``transform=True``), the regression
   is refitted, and the limits are the order statistics at positions
   ``round(reps·(1−q))`` and ``round(reps·q)`` with ``q = conf + (1 − conf)/2``.

The standard error is taken from a column, or from 95% limits as
``(upper − lower) / (2 × 1.959964)`` on the transformed scale.

**Random numbers.** The package uses R's generator, whose stream cannot be
reproduced here; limits are therefore Monte-Carlo estimates that agree with the
package's (and its fixture's) to Monte-Carlo error, not digit for digit. Pass
``seed`` for reproducible results. Point estimates (``sii``, ``rii``,
``intercept``) are deterministic and exact.

Deliberate difference: with ``transform=True`` the package swaps the lower and
upper limits when a *rate*'s multiplier is below 1 (not only below 0); here they
are swapped only for a negative multiplier, which keeps lower ≤ upper.

Groups with a missing or non-positive population, missing value, or missing SE
and limits are dropped with a :class:`UserWarning`, as are groups with fewer
quantiles than the largest group. This module has no CSV entry point.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jointly.stats.dsr import group_codes, group_columns, level_label, normalise_confidence, z_value
from jointly.stats.errors import InputProblem

__all__ = ["calculate_sii"]

_Z95 = z_value(0.95)
_CELLS_PER_BATCH = 20_000_000  # pragma: no mutate (a memory bound: any batch size gives the same draws)


def _forward(values: np.ndarray, value_type: int) -> np.ndarray:
    """Transform to the scale on which values are normal: none, log, logit."""
    with np.errstate(divide="ignore", invalid="ignore"):  # pragma: no mutate (warning switches only)
        if value_type == 1:
            return np.log(values)
        if value_type == 2:
            return np.log(values / (1 - values))
    return values


def _backward(values: np.ndarray, value_type: int) -> np.ndarray:
    """Inverse of :func:`_forward`: identity, exp, inverse logit."""
    if value_type == 1:
        return np.exp(values)
    if value_type == 2:
        return 1 / (1 + np.exp(-values))
    return values


def _wilson95(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95% limits of a proportion x/n."""
    z = _Z95
    root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    return (2 * x + z**2 - root) / (2 * (n + z**2)), (2 * x + z**2 + root) / (2 * (n + z**2))


def _fit(y: np.ndarray, coef: np.ndarray, a: np.ndarray, bbar: np.ndarray):
    """Weighted LS intercept and slope for stacked responses.

    ``y`` has shape (G, …, Q); ``coef`` = aⱼ(bⱼ − b̄)/Sxx and ``a`` the weights, both (G, Q).
    """
    shape = (y.shape[0],) + (1,) * (y.ndim - 2) + (y.shape[-1],)
    slope = np.sum(y * coef.reshape(shape), axis=-1)
    mean_y = np.sum(y * a.reshape(shape), axis=-1)
    extra = (1,) * (y.ndim - 2)
    return mean_y - slope * bbar.reshape(bbar.shape + extra), slope


def calculate_sii(
    data: pd.DataFrame,
    *,
    quantile: str,
    population: str,
    value: str | None = None,
    count: str | None = None,
    value_type: int = 0,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    se: str | None = None,
    group_by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 1,
    repetitions: int = 100_000,
    rii: bool = False,
    intercept: bool = False,
    transform: bool = False,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """SII (and optionally RII and intercept) with simulated confidence limits, per group.

    Args:
        data: one row per group and quantile, numeric columns.
        quantile: quantile number column (1 = most deprived); rows are ordered by it.
        population: population of each quantile.
        value: indicator value column (proportions as fractions 0–1).
        count: for proportions (``value_type=2``) the numerator, instead of ``value``
            (``value = count / population``; missing limits then come from Wilson 95%).
        value_type: 0 normal, 1 rate (log scale), 2 proportion (logit scale).
        lower_cl, upper_cl: 95% limits of the value (used when ``se`` is not given).
        se: standard error column (on the transformed scale for rates/proportions);
            not allowed with ``transform=True``.
        group_by: grouping column(s); ``None`` = one group.
        confidence: one or more levels (fractions or percentages, 0.9 to < 1).
        multiplier: scale of the SII (e.g. 100 for percentages; negative to reverse).
        repetitions: simulation size (at least 1 000).
        rii, intercept: also return the RII (and its limits) / the intercept.
        transform: fit on the log/logit scale (value_type 1 or 2 only).
        seed: seed or generator for the simulation.

    Returns:
        One row per group: keys, ``sii``, ``sii_lower<c>cl``, ``sii_upper<c>cl`` per
        level (e.g. ``sii_lower95_0cl``), and if requested ``rii`` with its limits and
        ``intercept``.
    """
    levels = normalise_confidence(confidence)
    problems: list[str] = []
    if value_type not in (0, 1, 2):
        problems.append("value_type must be 0 (normal), 1 (rate) or 2 (proportion)")
    if transform and value_type not in (1, 2):
        problems.append("transform is only available for rates (1) and proportions (2)")
    if transform and se is not None:
        problems.append("se cannot be used with transform=True; give lower_cl and upper_cl")
    if value is None and count is None:
        problems.append("either value or count is required")
    if count is not None and value_type != 2:
        problems.append("count can only be used for proportions (value_type 2)")
    if se is None and (lower_cl is None or upper_cl is None) and count is None:
        problems.append("either se or both lower_cl and upper_cl are required")
    if int(repetitions) < 1000:
        problems.append("repetitions must be at least 1000")
    if not np.isfinite(multiplier) or multiplier == 0:
        problems.append("multiplier must be a non-zero number")
    if problems:
        raise InputProblem(problems)
    keys = group_columns(data, group_by)
    cols = [quantile, population] + [c for c in (value, count, lower_cl, upper_cl, se) if c is not None]
    missing = [f"column '{c}' is missing" for c in cols if c not in data.columns]
    if missing:
        raise InputProblem(missing)
    try:
        num = {
            c: pd.to_numeric(data[c])
            .astype(float)  # pragma: no mutate (astype(None) is float64 too)
            .to_numpy()
            for c in cols
        }
    except (TypeError, ValueError):
        raise InputProblem(["some input fields in data.frame are non-numeric"]) from None

    pop = num[population]
    if count is not None:
        x = num[count]
        if np.any(x <= 0):
            raise InputProblem(["count must be greater than zero"])
        val = x / pop
    else:
        val = num[value]  # type: ignore[index]
    lower = num[lower_cl] if lower_cl is not None else None
    upper = num[upper_cl] if upper_cl is not None else None
    if count is not None and se is None and (lower is None or upper is None):
        lower, upper = _wilson95(x, pop)
    if se is not None:
        std_err = num[se]
        if np.any(std_err < 0):
            raise InputProblem(["standard errors must not be negative"])
    else:
        std_err = (_forward(upper, value_type) - _forward(lower, value_type)) / (2 * _Z95)  # type: ignore[arg-type]
    if value_type == 2:
        checks = [val] + [v for v in (lower, upper) if v is not None]
        if any(np.any((v < 0) | (v > 1)) for v in checks):
            raise InputProblem(["proportions and their limits must be between 0 and 1"])

    codes, key_frame = group_codes(data, keys)
    bad_row = ~(pop > 0) | np.isnan(val) | np.isnan(std_err)
    # every group code occurs, so these have one entry per group
    bad_group = np.bincount(codes, weights=bad_row) > 0
    sizes = np.bincount(codes)
    incomplete = sizes < sizes[~bad_group].max() if (~bad_group).any() else bad_group
    drop = bad_group | incomplete
    if drop.any():
        warnings.warn(
            "WARNING: some records have been removed due to incomplete or invalid data "
            "(missing or non-positive populations, missing values / standard errors, or "
            "fewer quantiles than other groups)",
            stacklevel=2,  # pragma: no mutate (3 would name the caller's caller)
        )
    keep_groups = np.flatnonzero(~drop)
    if keep_groups.size == 0:
        raise InputProblem(["no group has complete data"])
    too_few = sizes[keep_groups] < 5
    too_many = sizes[keep_groups] > 100
    if too_few.any() or too_many.any():
        raise InputProblem(["each group needs between 5 and 100 quantiles"])
    if (sizes[keep_groups] > 10).any():
        warnings.warn(
            "WARNING: more than 10 quantiles",
            stacklevel=2,  # pragma: no mutate (3 would name the caller's caller)
        )

    # --- arrange as (groups, quantiles) arrays (kept groups all have `width` quantiles) --
    rows = np.flatnonzero(np.isin(codes, keep_groups))
    frame = pd.DataFrame({"g": codes[rows], "q": num[quantile][rows], "pop": pop[rows], "val": val[rows]})
    frame["se"] = std_err[rows]
    frame = frame.sort_values(["g", "q"])  # several columns: always a stable lexicographic sort
    g_index = np.searchsorted(keep_groups, frame["g"].to_numpy())
    pos = frame.groupby("g").cumcount().to_numpy()
    n_g, width = keep_groups.size, int(sizes[keep_groups].max())

    def grid(column: str) -> np.ndarray:
        arr = np.zeros((n_g, width))
        arr[g_index, pos] = frame[column].to_numpy()
        return arr

    pops, vals, ses = grid("pop"), grid("val"), grid("se")
    a = pops / pops.sum(axis=1, keepdims=True)
    b = np.cumsum(a, axis=1) - a / 2
    bbar = np.sum(a * b, axis=1)
    sxx = np.sum(a * (b - bbar[:, None]) ** 2, axis=1)
    coef = a * (b - bbar[:, None]) / sxx[:, None]
    centre = _forward(vals, value_type)
    fit_y = centre if transform else vals
    beta0, beta1 = _fit(fit_y, coef, a, bbar)
    negative = multiplier < 0  # pragma: no mutate (a multiplier of 0 is refused above)

    out = key_frame.iloc[keep_groups].reset_index(drop=True).copy()
    if transform:
        f0, f1 = _backward(beta0, value_type), _backward(beta0 + beta1, value_type)
        out["sii"] = (f1 - f0) * multiplier
        rii_value = f1 / f0
        intercept_value = f0 * abs(multiplier)
    else:
        out["sii"] = beta1 * multiplier
        rii_value = (beta0 + beta1) / beta0
        intercept_value = beta0
    if negative:
        rii_value = 1 / rii_value

    # --- simulation ---------------------------------------------------------------------
    reps = int(repetitions)
    rng = np.random.default_rng(seed)  # a Generator is returned as it is
    probs = [c + (1 - c) / 2 for c in levels]
    lo_pos = [max(int(np.rint(reps * (1 - q))) - 1, 0) for q in probs]
    hi_pos = [int(np.rint(reps * q)) - 1 for q in probs]  # q < 1: never past the last draw
    slope_lims = np.empty((n_g, len(levels), 2))
    ratio_lims = np.empty((n_g, len(levels), 2))
    batch = max(1, _CELLS_PER_BATCH // (reps * width))  # pragma: no mutate (memory only, as above)
    for start in range(0, n_g, batch):  # batches of groups, to bound memory
        sl = slice(start, min(start + batch, n_g))
        noise = rng.standard_normal((sl.stop - sl.start, reps, width))
        draws = centre[sl, None, :] + noise * ses[sl, None, :]
        if not transform:
            draws = _backward(draws, value_type)
        d0, d1 = _fit(draws, coef[sl], a[sl], bbar[sl])
        slopes = np.sort(d1 if transform else d1 * multiplier)  # (groups, reps): along the draws
        ratios = (d0 + d1) / d0
        ratios = np.sort(1 / ratios if negative and not transform else ratios)
        for k in range(len(levels)):
            slope_lims[sl, k] = slopes[:, [lo_pos[k], hi_pos[k]]]
            ratio_lims[sl, k] = ratios[:, [lo_pos[k], hi_pos[k]]]

    for k, c in enumerate(levels):
        label = level_label(c)
        if transform:
            mid = beta0 + beta1 / 2
            sii_l, rii_l = [], []
            for lim in (slope_lims[:, k, 0], slope_lims[:, k, 1]):
                x0 = _backward(mid - lim / 2, value_type)
                x1 = _backward(mid + lim / 2, value_type)
                sii_l.append((x1 - x0) * multiplier)
                rii_l.append(x1 / x0)
            if negative:
                sii_l = sii_l[::-1]
                rii_l = [1 / rii_l[1], 1 / rii_l[0]]
            out[f"sii_lower{label}cl"], out[f"sii_upper{label}cl"] = sii_l
            ratio_pair = rii_l
        else:
            out[f"sii_lower{label}cl"] = slope_lims[:, k, 0]
            out[f"sii_upper{label}cl"] = slope_lims[:, k, 1]
            ratio_pair = [ratio_lims[:, k, 0], ratio_lims[:, k, 1]]
        if rii:
            out[f"rii_lower{label}cl"], out[f"rii_upper{label}cl"] = ratio_pair
    columns = [*keys, "sii"]
    columns += [f"sii_{side}{level_label(c)}cl" for c in levels for side in ("lower", "upper")]
    if rii:
        out["rii"] = rii_value
        columns.append("rii")
        columns += [f"rii_{side}{level_label(c)}cl" for c in levels for side in ("lower", "upper")]
    if intercept:
        out["intercept"] = intercept_value
        columns.append("intercept")
    return out[columns]
