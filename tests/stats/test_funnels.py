"""Funnel plot limits and significance against every file in ``funnels/``.

Tolerances from the README: significance labels and axis columns exact; proportion limits
absolute 1e-6 (6-decimal file) / 1e-7 (the <31 000 file); ratio and rate limits relative
1e-6; rate points relative 1e-8.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats.funnels import (
    DSR_NOT_APPLICABLE,
    axis_points,
    poisson_funnel,
    poisson_tail,
    proportion_funnel_limits,
    proportion_funnel_table,
    proportion_significance,
    rate_funnel_points,
    rate_funnel_table,
    rate_significance,
    ratio_funnel_table,
    ratio_significance,
    signif_ceiling,
    signif_floor,
)
from tests.paths import REFERENCE

REF = REFERENCE
DIR = REF / "phe_indicator_methods" / "funnels"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DIR / name, keep_default_na=False, na_values=["NA"])


def close_rel(actual, expected, rtol: float) -> None:
    a = np.asarray(actual, dtype=float)
    b = np.asarray(expected, dtype=float)
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=0, equal_nan=True)


def close_abs(actual, expected, atol: float) -> None:
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=0, atol=atol)


PROP_IN = read("funnel_proportion_inputs.csv")
RATIO_IN = read("funnel_ratio_inputs.csv")
RATE_SIG = read("funnel_rate_significance.csv")
POINTS = read("funnel_rate_points_and_limit_inputs.csv")
PROP_LIMITS = ["lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit", "baseline"]


def test_input_sizes() -> None:
    assert (len(PROP_IN), len(RATIO_IN), len(RATE_SIG), len(POINTS)) == (303, 300, 40, 50)


# ------------------------------------------------------------------------ proportions


def test_proportion_limits_all_inputs() -> None:
    want = read("funnel_proportion_limits.csv")
    assert len(want) == 100
    got = proportion_funnel_table(PROP_IN.numerator, PROP_IN.denominator, 100)
    np.testing.assert_array_equal(got.Population, want.Population)
    for col in PROP_LIMITS:
        close_abs(got[col], want[col], 1e-6)


def test_proportion_limits_small_denominators_axis_not_from_zero() -> None:
    want = read("funnel_proportion_limits_denominator_lt_31000.csv")
    assert len(want) == 100
    rows = PROP_IN[PROP_IN.denominator < 31000]
    got = proportion_funnel_table(rows.numerator, rows.denominator, 100)
    assert got.Population[0] > 1
    np.testing.assert_array_equal(got.Population, want.Population)
    for col in PROP_LIMITS:
        close_abs(got[col], want[col], 1e-7)
    assert list(got.statistic) == list(want.statistic)
    assert list(got.method) == list(want.method)


def test_proportion_significance_every_row() -> None:
    got = proportion_significance(PROP_IN.numerator, PROP_IN.denominator)
    assert list(got) == list(PROP_IN.significance)


def test_proportion_limits_are_where_wilson_interval_reaches_the_average() -> None:
    # Independent check: at the lower limit p, the Wilson upper limit of p equals av.
    av, n = 0.3, np.array([50.0, 500.0, 5000.0])
    low, high = proportion_funnel_limits(n, av, 0.975)
    z = stats.norm.ppf(0.975)

    def wilson(p, sign):
        x = p * n
        return (2 * x + z**2 + sign * z * np.sqrt(z**2 + 4 * x * (1 - p))) / (2 * (n + z**2))

    np.testing.assert_allclose(wilson(low, +1), av, rtol=1e-10)
    np.testing.assert_allclose(wilson(high, -1), av, rtol=1e-10)


# ----------------------------------------------------------------------------- ratios


@pytest.mark.parametrize("ratio_type", ["count", "isr"])
def test_ratio_limits_every_row(ratio_type: str) -> None:
    want = read("funnel_ratio_limits.csv")
    assert len(want) == 100
    got = ratio_funnel_table(RATIO_IN.obs, RATIO_IN.expected, ratio_type, 100)
    np.testing.assert_array_equal(got.Observed_events, want.Observed_events)
    cols = [c for c in want.columns if c.endswith(("_exp_events", f"_{ratio_type}"))]
    assert len(cols) == 8
    for col in cols:
        close_rel(got[col], want[col], 1e-6)
    assert set(got.statistic) == {f"ratio ({ratio_type})"}
    assert set(got.method) == {"Poisson"}


def test_ratio_significance_every_row() -> None:
    assert list(ratio_significance(RATIO_IN.obs, RATIO_IN.expected)) == list(RATIO_IN.significance)


# ------------------------------------------------------------------------------ rates


@pytest.mark.parametrize("kind", ["dsr", "crude"])
@pytest.mark.parametrize("multiplier", [100_000, 100])
@pytest.mark.parametrize("zeros", ["with", "without"])
def test_rate_significance(kind: str, multiplier: int, zeros: str) -> None:
    rows = RATE_SIG if zeros == "with" else RATE_SIG[RATE_SIG["count"] != 0]
    rate = rows.rate_dsr if kind == "dsr" else rows[f"rate_crude_per_{multiplier}"]
    denominator = rows["pop"] if kind == "crude" else None
    got = rate_significance(rows["count"], rate, kind, multiplier, denominator)
    assert list(got) == list(rows[f"{kind}_per_{multiplier}_{zeros}_0"])


def test_rate_points_dsr_with_largest_events_set_to_five() -> None:
    ev = POINTS.ev.to_numpy(float)
    ev[np.argmax(ev)] = 5
    chart, den = rate_funnel_points(ev, POINTS.rate, "dsr", 3, 100_000)
    close_rel(chart, POINTS.rate_chart, 1e-8)
    close_rel(den, POINTS.denominator_derived, 1e-8)


def test_rate_points_crude() -> None:
    chart, den = rate_funnel_points(POINTS.ev, POINTS.rate, "crude", 3, 100_000)
    close_rel(chart, POINTS.rate_chart_crude, 1e-8)
    close_rel(den, POINTS.denominator_derived_crude, 1e-8)


def test_rate_points_crude_with_denominator_and_zero_events() -> None:
    ev = POINTS.ev.to_numpy(float)
    ev[np.argmax(ev)] = 0
    chart, den = rate_funnel_points(ev, POINTS.rate, "crude", 5, 100_000, POINTS["pop"])
    close_rel(chart, POINTS.rate_chart_crude_with_denom, 1e-8)
    close_rel(den, POINTS.denominator_derived_crude_with_denom, 1e-8)


RATE_COLS = [
    f"{b}_{lvl}_{what}"
    for lvl in ("2s", "3s")
    for b in ("lower", "upper")
    for what in ("population_1_year", "limit")
] + ["baseline"]


def check_rate_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert len(want) == 100
    np.testing.assert_array_equal(got.Events, want.Events)
    for col in RATE_COLS:
        close_rel(got[col], want[col], 1e-6)
    assert list(got.statistic) == list(want.statistic)
    assert list(got.method) == list(want.method)


def test_rate_limits_dsr() -> None:
    got = rate_funnel_table(POINTS.ev, POINTS.rate, "dsr", 3, 100_000)
    check_rate_table(got, read("funnel_rate_limits_dsr.csv"))


def test_rate_limits_crude_largest_events_set_to_five() -> None:
    ev = POINTS.ev.to_numpy(float)
    ev[np.argmax(ev)] = 5
    got = rate_funnel_table(ev, POINTS.rate, "crude", 3, 100_000)
    check_rate_table(got, read("funnel_rate_limits_crude_max_events_set_to_5.csv"))


def test_rate_limits_crude_zero_events_with_denominator() -> None:
    ev = POINTS.ev.to_numpy(float)
    rate = POINTS.rate.to_numpy(float)
    pop = 1e5 * ev / rate
    biggest = np.argmax(ev)
    ev[biggest] = 0
    rate[biggest] = 0
    keep = pop > pop.max() / 2
    got = rate_funnel_table(ev[keep], rate[keep], "crude", 3, 100_000, pop[keep])
    check_rate_table(got, read("funnel_rate_limits_crude_zero_events_with_denominator.csv"))


# ------------------------------------------------------------------------- properties


def test_signif_rounding() -> None:
    assert signif_floor(16386) == 10000  # 0.95 × 16386 = 15566.7 → 1 significant figure
    assert signif_ceiling(100000) == 110000  # 105000 → up to 2 significant figures
    assert signif_floor(0) == 0 and signif_ceiling(0) == 0
    pts = axis_points(0, 110000)
    assert pts[0] == 1 and pts[-1] <= 110000 and np.all(np.diff(pts) >= 1)


def test_poisson_funnel_is_close_to_the_exact_gamma_quantile() -> None:
    obs = np.array([5.0, 50.0, 500.0, 5000.0])
    for p in (0.025, 0.001):
        low = poisson_funnel(obs, p, "low")  # P(X >= O) = p  →  gamma(O) quantile
        high = poisson_funnel(obs, p, "high")  # P(X <= O) = p  →  gamma(O + 1) upper quantile
        np.testing.assert_allclose(low, stats.gamma.ppf(p, obs), rtol=1e-5)
        np.testing.assert_allclose(high, stats.gamma.isf(p, obs + 1), rtol=1e-5)


def test_truncated_tail_matches_explicit_series() -> None:
    # The series as described: add terms from 0 while past-the-mean terms exceed 1e-10 × total.
    for lam, obs in ((3.7, 6.0), (274.87001482405327, 328.0), (80.0, 60.0)):
        terms, total, k, q = [], 0.0, 0, 1.0
        while k <= lam or q > total * 1e-10:
            terms.append(q)
            total += q
            k += 1
            q *= lam / k
        t = np.array(terms)
        want_low = t[int(obs) :].sum() / t.sum()
        want_high = t[: int(obs) + 1].sum() / t.sum()
        got_low = poisson_tail(np.array([obs]), np.array([lam]), "low")[0]
        got_high = poisson_tail(np.array([obs]), np.array([lam]), "high")[0]
        assert got_low == pytest.approx(want_low, rel=1e-9, abs=1e-15)
        assert got_high == pytest.approx(want_high, rel=1e-9, abs=1e-15)


def test_dsr_with_few_events_is_not_assessed() -> None:
    got = rate_significance([5, 50, 60], [100.0, 120.0, 80.0], "dsr", 100_000)
    assert got[0] == DSR_NOT_APPLICABLE and got[1] != DSR_NOT_APPLICABLE
