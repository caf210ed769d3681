"""Funnel plot maths for an indicator's areas at one period: where each area sits, the 95% (2s)
and 99.8% (3s) control limits, the baseline and the statistic named.

Pure: numbers in, numbers out (no Django import); the methods are :mod:`jointly.stats.funnels`.
The page (``needs.views.funnel``) picks the values and draws the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jointly.stats import funnels

#: Value types a funnel plot is drawn for (``ValueType`` values of :mod:`jointly.needs.models`).
FUNNEL_TYPES = frozenset({"proportion", "crude_rate", "dsr"})


@dataclass
class Funnel:
    xs: Any  # population (denominator) of each area, in input order
    ys: Any  # its value
    significance: Any  # its comparison with the baseline
    limits: dict[str, list[tuple[Any, Any]]]  # "lower_2s" … "upper_3s": (population, limit) pairs
    baseline: float
    statistic: str


def funnel(
    value_type: str,
    counts: Sequence[float],
    denominators: Sequence[float | None],
    values: Sequence[float | None],
    multiplier: float,
) -> Funnel:
    """The funnel of areas with these counts, denominators and published values (same order)."""
    x = np.array(counts, dtype=float)
    n = np.array([np.nan if d is None else d for d in denominators], dtype=float)
    m = multiplier
    if value_type == "proportion":
        table = funnels.proportion_funnel_table(x, n, m)
        significance = funnels.proportion_significance(x, n)
        pop = table["Population"].to_numpy()
        limits = {f"{b}_{lv}": list(zip(pop, table[f"{b}_{lv}_limit"], strict=True))
                  for b in ("lower", "upper") for lv in ("2s", "3s")}  # fmt: skip
        xs, ys = n, x / n * m
    else:
        kind = "dsr" if value_type == "dsr" else "crude"
        rates = np.array([np.nan if v is None else v for v in values], dtype=float)
        den = None if kind == "dsr" else n
        table = funnels.rate_funnel_table(x, rates, kind, 1, m, den)
        significance = funnels.rate_significance(x, rates, kind, m, den)
        ys, xs = funnels.rate_funnel_points(x, rates, kind, 1, m, den)
        limits = {f"{b}_{lv}": list(zip(table[f"{b}_{lv}_population_1_year"], table[f"{b}_{lv}_limit"], strict=True))
                  for b in ("lower", "upper") for lv in ("2s", "3s")}  # fmt: skip
    return Funnel(
        xs, ys, significance, limits, float(table["baseline"].iat[0]), str(table["statistic"].iat[0])
    )
