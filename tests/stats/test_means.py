"""Means with Student-t intervals against ``means/`` reference data (relative 1e-9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats.means import grouped_mean, mean_from_summary, t_half_width
from tests.paths import REFERENCE

REF = REFERENCE
DIR = REF / "phe_indicator_methods" / "means"
RTOL = 1e-9
COLS = ["value_sum", "value_count", "stdev", "value"]
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]

INPUT = pd.read_csv(DIR / "mean_input.csv")
RESULTS = pd.read_csv(DIR / "mean_results.csv").set_index("area")


def test_file_sizes() -> None:
    assert len(INPUT) == 26 and len(RESULTS) == 3


def test_grouped_rows() -> None:
    codes, areas = pd.factorize(INPUT.area)
    got = grouped_mean(INPUT["values"], codes, (0.95, 0.998))
    want = RESULTS.loc[list(areas)]
    for col in COLS + LIMITS:
        np.testing.assert_allclose(got[col], want[col], rtol=RTOL, atol=0)


def test_ungrouped_row() -> None:
    got = grouped_mean(INPUT["values"], None, (0.95, 0.998))
    want = RESULTS.loc[["No grouping"]]
    for col in COLS + LIMITS:
        np.testing.assert_allclose(got[col], want[col], rtol=RTOL, atol=0)


def test_single_998_level() -> None:
    codes, areas = pd.factorize(INPUT.area)
    got = grouped_mean(INPUT["values"], codes, 0.998)
    assert "lower95_0cl" not in got
    want = RESULTS.loc[list(areas)]
    np.testing.assert_allclose(got["lower99_8cl"], want.lower99_8cl, rtol=RTOL)
    np.testing.assert_allclose(got["upper99_8cl"], want.upper99_8cl, rtol=RTOL)


def test_summary_form_matches_scipy_interval() -> None:
    rng = np.random.default_rng(3)
    for k in (2, 5, 40):
        x = rng.normal(10, 3, k)
        lo, hi = stats.t.interval(0.95, k - 1, loc=x.mean(), scale=stats.sem(x))
        got = mean_from_summary(x.sum(), k, x.std(ddof=1), 0.95)
        assert got["lower95_0cl"] == pytest.approx(lo, rel=1e-12)
        assert got["upper95_0cl"] == pytest.approx(hi, rel=1e-12)


def test_single_value_group_has_no_limits() -> None:
    got = grouped_mean([5.0, 1.0, 2.0], [0, 1, 1], 0.95)
    assert got["value"][0] == 5.0 and np.isnan(got["stdev"][0])
    assert np.isnan(got["lower95_0cl"][0]) and not np.isnan(got["lower95_0cl"][1])
    assert np.isnan(t_half_width(1.0, 1, 0.95))
