"""Indirectly standardised ratios (SMR-type) and indirectly standardised rates.

Re-implements, from the published method description, ``calculate_ISRatio`` and
``calculate_ISRate`` of the PHE/OHID ``PHEindicatormethods`` R package (2.1.0).
Per group, over age bands with local events ``xᵢ``, local population ``nᵢ``,
reference events ``Xᵢ`` and reference population ``Nᵢ`` (missing ``xᵢ``, ``nᵢ``,
``Xᵢ`` count as 0):

* ``observed = Σ xᵢ`` (or given per group in an ``observed_totals`` table);
* ``expected = Σ (Xᵢ / Nᵢ) · nᵢ``;
* ratio: ``observed / expected × refvalue``;
  rate: ``observed / expected × ref_rate`` with ``ref_rate = ΣXᵢ / ΣNᵢ × multiplier``;
* limits: exact Poisson limits of ``observed`` when it is below 10 (``method``
  ``"Exact"``), Byar's limits otherwise (``"Byars"``), scaled the same way.

A zero local population is allowed (unlike for DSRs).

CSV entry point :func:`isr_frame` (registered as ``isr`` in
:mod:`jointly.stats.tabular`) computes the indirectly standardised **ratio**
(``multiplier`` = the ratio's reference value, default 100, i.e. an SMR-style
ratio × 100). Long layout, one row per group and age band:

============ =====================================================================
column       meaning
============ =====================================================================
``count``    observed events in the age band (blank / ``NA`` = 0, ≥ 0)
``pop``      local population of the age band (blank / ``NA`` = 0, ≥ 0)
``refcount`` events in the reference population for the band (blank / ``NA`` = 0)
``refpop``   reference population for the band (required, > 0)
``ageband``  optional label (not a grouping key)
============ =====================================================================

Every other column is a grouping key and is passed through. Output, one row per
group: keys, ``observed``, ``expected``, ``value``, limit columns,
``confidence``, ``statistic``, ``method``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jointly.stats.dsr import (
    DEFAULT_CONFIDENCE,
    byars_lower,
    byars_upper,
    confidence_text,
    exact_lower,
    exact_upper,
    frame_multiplier,
    group_codes,
    group_columns,
    limit_names,
    normalise_confidence,
    number_text,
    parse_number_column,
    report_rows,
    require_columns,
)
from jointly.stats.errors import InputProblem

__all__ = ["calculate_israte", "calculate_isratio", "isr_frame"]


def _reference_values(
    data: pd.DataFrame, keys: list[str], ref: str | Sequence[float], label: str
) -> np.ndarray:
    """Reference values per row: a column of ``data`` or a vector applied by position."""
    if isinstance(ref, str):
        column = pd.to_numeric(data[ref], errors="raise")  # pragma: no mutate (the default)
        return column.astype(float).to_numpy()
    vector = np.asarray(ref, dtype=float)
    if keys:
        # positions within each group do not depend on the order of the groups
        grouped = data.groupby(keys, sort=False, dropna=False)  # pragma: no mutate
        position = grouped.cumcount().to_numpy()
        size = grouped[keys[0]].transform("size").to_numpy()
    else:
        position = np.arange(len(data))
        size = np.full(len(data), len(data))
    if np.any(size != len(vector)):
        raise InputProblem([f"{label} has {len(vector)} values, so every group must have {len(vector)} rows"])
    return vector[position]


def _isr(
    data: pd.DataFrame,
    *,
    count: str | None,
    population: str,
    ref_count: str | Sequence[float],
    ref_population: str | Sequence[float],
    group_by: str | Sequence[str] | None,
    confidence: float | Sequence[float],
    observed_totals: pd.DataFrame | None,
    observed_column: str,
    rate_multiplier: float | None,
    refvalue: float,
) -> pd.DataFrame:
    levels = normalise_confidence(confidence)
    keys = group_columns(data, group_by)
    needed = [population] + [r for r in (ref_count, ref_population) if isinstance(r, str)]
    if observed_totals is None:
        if count is None:
            raise InputProblem(["a count column or an observed_totals table is required"])
        needed.append(count)
    missing = require_columns(data, needed)
    if missing:
        raise InputProblem(missing)

    populations = pd.to_numeric(data[population], errors="raise")  # pragma: no mutate (the default)
    n = populations.astype(float).fillna(0.0).to_numpy()
    big_x = np.nan_to_num(_reference_values(data, keys, ref_count, "ref_count"), nan=0.0)  # pragma: no mutate
    big_n = _reference_values(data, keys, ref_population, "ref_population")
    problems = []
    if observed_totals is None:
        counts = pd.to_numeric(data[count], errors="raise")  # pragma: no mutate (the default)
        x = counts.astype(float).fillna(0.0).to_numpy()
        if np.any(x < 0):
            problems.append("numerators must all be greater than or equal to zero")
    if np.any(n < 0):
        problems.append("denominators must all be greater than or equal to zero")
    if np.any(big_x < 0):
        problems.append("reference counts must all be greater than or equal to zero")
    if np.any(~(big_n > 0)):
        problems.append("reference populations must all be present and greater than zero")
    if problems:
        raise InputProblem(problems)

    codes, key_frame = group_codes(data, keys)
    size = len(key_frame)
    expected = np.bincount(codes, weights=big_x / big_n * n)  # codes are 0..size−1, every one used
    out = key_frame.reset_index(drop=True).copy()
    if observed_totals is None:
        observed = np.bincount(codes, weights=x)
    else:
        shared = [k for k in keys if k in observed_totals.columns]
        if observed_column not in observed_totals.columns:
            raise InputProblem([f"observed_totals has no column '{observed_column}'"])
        if keys and not shared:
            raise InputProblem(["observed_totals shares no grouping column with the data"])
        totals = observed_totals[shared + [observed_column]]
        # without grouping there is one group, so one row (pandas cannot look for duplicates on no columns)
        if totals.duplicated(shared).any() if shared else len(totals) > 1:
            raise InputProblem(["observed_totals has more than one row for a group"])
        if shared:
            merged = out[shared].merge(
                totals, how="left"
            )  # joined on the shared columns, the only common ones
            observed = pd.to_numeric(merged[observed_column]).astype(float).to_numpy()  # pragma: no mutate
        else:
            observed = np.full(size, float(totals[observed_column].iloc[0]))
        if np.any(observed < 0):
            raise InputProblem(["observed totals must all be greater than or equal to zero"])

    if rate_multiplier is not None:
        # Per group, so that groups may carry their own reference data as columns.
        ref_x = np.bincount(codes, weights=big_x)
        ref_n = np.bincount(codes, weights=big_n)
        ref_rate = ref_x / ref_n * rate_multiplier
        scale = ref_rate
    else:
        scale = np.full(size, float(refvalue))

    exact = observed < 10
    with np.errstate(divide="ignore", invalid="ignore"):  # pragma: no mutate (warning switches only)
        out["observed"] = observed
        out["expected"] = expected
        if rate_multiplier is not None:
            out["ref_rate"] = ref_rate
        value = observed / expected * scale
        out["value"] = np.where(np.isfinite(value), value, np.nan)  # pragma: no mutate (None becomes NaN)
        for c, lo_name, hi_name in limit_names(levels):
            lo = np.where(exact, exact_lower(observed, c), byars_lower(observed, c))
            hi = np.where(exact, exact_upper(observed, c), byars_upper(observed, c))
            lo = lo / expected * scale
            hi = hi / expected * scale
            out[lo_name] = np.where(np.isfinite(lo), lo, np.nan)
            out[hi_name] = np.where(np.isfinite(hi), hi, np.nan)
    out["confidence"] = confidence_text(levels)
    if rate_multiplier is not None:
        out["statistic"] = f"indirectly standardised rate per {number_text(rate_multiplier)}"
    else:
        out["statistic"] = f"indirectly standardised ratio x {number_text(refvalue)}"
    out["method"] = np.where(exact, "Exact", "Byars")
    return out


def calculate_isratio(
    data: pd.DataFrame,
    *,
    count: str | None = "count",
    population: str = "pop",
    ref_count: str | Sequence[float] = "refcount",
    ref_population: str | Sequence[float] = "refpop",
    group_by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    refvalue: float = 1,
    observed_totals: pd.DataFrame | None = None,
    observed_column: str = "total_count",
) -> pd.DataFrame:
    """Indirectly standardised ratio (observed / expected × ``refvalue``) per group.

    Args:
        data: one row per group and age band, numeric columns.
        count: column of observed events (missing = 0); may be ``None`` when
            ``observed_totals`` is given.
        population: column of local populations (missing = 0, zero allowed).
        ref_count, ref_population: reference events / population, either column
            names or sequences with one value per age band applied by row position
            within each group (every group must then have that many rows).
        group_by: grouping column(s); ``None`` = one group.
        confidence: one or more levels (fractions or percentages).
        refvalue: reference value of the ratio (1; 100 for an SMR × 100).
        observed_totals: optional table of observed totals per group, joined on
            the grouping columns it shares with ``data``.
        observed_column: the totals column of ``observed_totals``.

    Returns:
        One row per group: keys, ``observed``, ``expected``, ``value``, limits,
        ``confidence``, ``statistic``, ``method`` (``Exact`` below 10 events, else
        ``Byars``).
    """
    if not np.isfinite(refvalue):
        raise InputProblem(["refvalue must be a finite number"])
    return _isr(
        data,
        count=count,
        population=population,
        ref_count=ref_count,
        ref_population=ref_population,
        group_by=group_by,
        confidence=confidence,
        observed_totals=observed_totals,
        observed_column=observed_column,
        rate_multiplier=None,
        refvalue=refvalue,
    )


def calculate_israte(
    data: pd.DataFrame,
    *,
    count: str | None = "count",
    population: str = "pop",
    ref_count: str | Sequence[float] = "refcount",
    ref_population: str | Sequence[float] = "refpop",
    group_by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    observed_totals: pd.DataFrame | None = None,
    observed_column: str = "total_count",
) -> pd.DataFrame:
    """Indirectly standardised rate (observed / expected × reference rate) per group.

    Arguments as for :func:`calculate_isratio`, with ``multiplier`` (rate per this
    many people, default 100 000) instead of ``refvalue``. The output also has
    ``ref_rate`` = ΣX / ΣN × multiplier over the group's reference rows.
    """
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise InputProblem(["multiplier must be greater than zero"])
    return _isr(
        data,
        count=count,
        population=population,
        ref_count=ref_count,
        ref_population=ref_population,
        group_by=group_by,
        confidence=confidence,
        observed_totals=observed_totals,
        observed_column=observed_column,
        rate_multiplier=multiplier,
        refvalue=1.0,  # pragma: no mutate (not used for rates: the reference rate scales them)
    )


ISR_COLUMNS = ("count", "pop", "refcount", "refpop", "ageband")


def isr_frame(
    df: pd.DataFrame,
    *,
    confidence: float | Sequence[float] = DEFAULT_CONFIDENCE,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """CSV entry point: indirectly standardised ratios × ``multiplier`` (default 100).

    See the module docstring for the columns. Validates every row first and
    raises :class:`InputProblem` listing every problem.
    """
    m = frame_multiplier(multiplier, 100)
    levels = normalise_confidence(confidence)
    problems = require_columns(df, ["count", "pop", "refcount", "refpop"])
    if problems:
        raise InputProblem(problems)
    keys = [c for c in df.columns if c not in ISR_COLUMNS]
    numeric = pd.DataFrame({k: df[k].to_numpy() for k in keys})
    for col in ("count", "pop", "refcount"):
        values = parse_number_column(df, col, problems)
        report_rows(problems, values < 0, col, values, "is negative (must be 0 or more)")
        numeric[col] = values.to_numpy()
    refpop = parse_number_column(df, "refpop", problems, required=True)
    report_rows(problems, refpop <= 0, "refpop", refpop, "must be greater than zero")
    numeric["refpop"] = refpop.to_numpy()
    if problems:
        raise InputProblem(problems)
    return calculate_isratio(
        numeric,
        group_by=keys,
        confidence=levels,
        refvalue=m,
    )
