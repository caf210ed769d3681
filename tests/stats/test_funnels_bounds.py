"""Funnels at their boundaries (issue 18, second pass): limits clipped to exactly 0 and 1 met
by proportions of exactly 0 and 1, targets exactly on a Poisson limit, the truncated series'
end and tail to 1e-12, the bisection's last step, missing inputs given as None, default
multipliers, and the CSV entry point's remaining checks with every message whole.

Expected values are worked here from the textbook formulas (Wilson end points, exact and
Byar's Poisson limits, Poisson terms summed one by one) or from the reference files; where
an input has to sit exactly on a limit it is built with the limit functions of
:mod:`jointly.stats.proportions`, whose own tests check them against the reference data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats import funnels as fn
from jointly.stats.errors import InputProblem
from jointly.stats.proportions import byars_limits, exact_poisson_limits
from tests.paths import REFERENCE
from tests.stats.poisson_limits import byar, exact

DIR = REFERENCE / "phe_indicator_methods" / "funnels"
Z2 = stats.norm.ppf(0.975)  # 95% funnel (tail 0.025)
Z3 = stats.norm.ppf(0.999)  # 99.8% funnel (tail 0.001)


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DIR / name, keep_default_na=False, na_values=["NA"])


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: [str(v) for v in vs] for k, vs in columns.items()})


def series_end(lam: float) -> int:
    """Last term of the package's series: walk up from the first whole number above λ until
    the term is at most 1e-10 of the sum before it; that term is left out."""
    k = math.floor(lam) + 1
    while stats.poisson.pmf(k, lam) > 1e-10 * stats.poisson.cdf(k - 1, lam):
        k += 1
    return k - 1


# ------------------------------------------------------------------------------ axis


def test_axis_rounding_below_one_and_negative_gives_zero() -> None:
    assert fn.signif_floor(2.0) == 1.0  # 0.95 × 2 = 1.9 → 1
    assert fn.signif_floor(1.0) == 0.0  # 0.95 → 0
    assert fn.signif_floor(-5.0) == 0.0
    # 1.05 × 0.5 = 0.525 rounds up to 1 as a whole number: one digit, so steps of 0.1 → 0.6
    assert fn.signif_ceiling(0.5) == pytest.approx(0.6, rel=1e-12)
    assert fn.signif_ceiling(-0.5) == 0.0  # 1.05 × −0.5 → 0 as a whole number
    assert fn.signif_ceiling(-5.0) == 0.0


def test_axis_range_skips_none() -> None:
    assert fn.axis_range([100, None, 150]) == (90.0, 160.0)


# ---------------------------------------------------------------------------- limits


def test_proportion_limits_at_a_baseline_of_one_are_clipped_to_the_multiplier() -> None:
    # av = 1: both roots are 1 (the Wilson interval of p = 1 ends at 1); at N = 7 the lower root
    # comes out a rounding above 1 and is clipped back to exactly 1
    for mult in (1.0, 100.0):
        low, high = fn.proportion_funnel_limits(np.array([7.0]), 1.0, 0.975, mult)
        assert (low[0], high[0]) == (mult, mult)


def test_proportion_limits_of_a_missing_population_are_missing() -> None:
    low, high = fn.proportion_funnel_limits([200, None], 0.3, 0.975)
    assert np.isnan(low[1]) and np.isnan(high[1])
    x = low[0] * 200  # the lower limit's Wilson upper end is the baseline
    wilson = (2 * x + Z2**2 + Z2 * np.sqrt(Z2**2 + 4 * x * (1 - x / 200))) / (2 * (200 + Z2**2))
    assert wilson == pytest.approx(0.3, rel=1e-9)


@pytest.mark.parametrize("lam", [1.00000000005e-10, 0.99999999995e-10, 2.5])
def test_series_end_where_the_last_term_is_just_above_the_cutoff(lam) -> None:
    # 1e-10 (1 + 5e-11): pmf(1) = λ e^{−λ} is just above 1e-10 × P(X = 0) = 1e-10 e^{−λ}, so
    # the series takes a second term; just below 1e-10 it stops after the first
    assert fn._series_end(np.array([lam]))[0] == series_end(lam) + 1
    if lam < 1:
        assert series_end(lam) == (1 if lam > 1e-10 else 0)


def test_poisson_tail_past_the_end_of_the_series_is_zero() -> None:
    end = series_end(1.0)
    lam = np.array([1.0, 1.0])
    got = fn.poisson_tail(np.array([float(end), 50.0]), lam, "low")
    want = stats.poisson.pmf(end, 1.0) / stats.poisson.cdf(end, 1.0)
    assert got[0] == pytest.approx(want, rel=1e-9) and got[0] > 0
    assert got[1] == 0.0


@pytest.mark.parametrize(("lam", "low_at", "high_at"), [(10_000.0, 10_100.0, 9_900.0), (50.0, 60.0, 40.0)])
def test_poisson_tail_is_normalised_over_the_series_to_1e12(lam, low_at, high_at) -> None:
    # the series' missing tail is 1.7e-9 of the total at λ = 10 000: not normalising (or
    # normalising the wrong way) is out by twice that
    end = series_end(lam)
    terms = stats.poisson.pmf(np.arange(end + 1), lam)
    total = math.fsum(terms)
    want_low = math.fsum(terms[int(low_at) :]) / total
    want_high = math.fsum(terms[: int(high_at) + 1]) / total
    assert fn.poisson_tail(np.array([low_at]), np.array([lam]), "low")[0] == pytest.approx(
        want_low, rel=1e-12
    )
    assert fn.poisson_tail(np.array([high_at]), np.array([lam]), "high")[0] == pytest.approx(
        want_high, rel=1e-12
    )


@pytest.mark.parametrize("side", ["low", "high"])
def test_poisson_funnel_takes_its_last_step_at_the_tolerance(side) -> None:
    # tolerance 2^-10 (a power of two): steps 2^-2 … 2^-10, nine moves from v = 1/2, written out
    obs = np.array([0.0, 3.0, 12.0, 40.0])
    want = []
    for o in obs:
        v = 0.5
        for k in range(2, 11):
            step = 2.0**-k
            lam = (1 + o) * v / (1 - v)
            if side == "low":
                v = v - step if stats.poisson.sf(o - 1, lam) > 0.025 else v + step
            else:
                v = v - step if stats.poisson.cdf(o, lam) < 0.025 else v + step
        want.append((1 + o) * v / (1 - v))
    got = fn.poisson_funnel(obs, 0.025, side, tolerance=2.0**-10)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_poisson_funnel_of_a_missing_count_is_missing() -> None:
    got = fn.poisson_funnel([5, None], 0.025, "low")
    assert got[0] == pytest.approx(stats.gamma.ppf(0.025, 5), rel=1e-5) and np.isnan(got[1])


# ---------------------------------------------------------------------------- tables


def test_proportion_table_skips_none() -> None:
    t = fn.proportion_funnel_table([10, None, 20], [100, None, 150])
    assert t["baseline"].iloc[0] == pytest.approx(30 / 250 * 100)
    assert t["Population"].iloc[0] == 90.0  # 0.95 × 100 rounded down to one figure
    assert np.isfinite(t.drop(columns=["statistic", "method"]).to_numpy(float)).all()


def test_isr_table_default_multiplier_is_100() -> None:
    t = fn.ratio_funnel_table([5, 8], [6.0, 9.0], "isr")
    for col in ("lower_2s", "upper_2s", "lower_3s", "upper_3s"):
        np.testing.assert_allclose(
            t[f"{col}_isr"], t["Observed_events"] / t[f"{col}_exp_events"] * 100, rtol=1e-12
        )


def test_rate_table_and_points_default_multiplier_is_100_000() -> None:
    points = read("funnel_rate_points_and_limit_inputs.csv")
    want = read("funnel_rate_limits_dsr.csv")
    got = fn.rate_funnel_table(points.ev, points.rate, "dsr", 3)
    np.testing.assert_array_equal(got.Events, want.Events)
    for col in ("lower_2s_population_1_year", "upper_3s_population_1_year", "lower_2s_limit", "baseline"):
        np.testing.assert_allclose(got[col], want[col], rtol=1e-6)
    chart, den = fn.rate_funnel_points(points.ev, points.rate, "crude", 3)
    np.testing.assert_allclose(den, points.denominator_derived_crude, rtol=1e-8)
    np.testing.assert_allclose(chart, points.rate_chart_crude, rtol=1e-8)


def test_rate_table_pools_only_areas_with_a_denominator() -> None:
    # denominators 100 000 × 30 / 300 and × 10 / 100 = 10 000 each; the area with no rate and
    # the area with no count are left out: 40 / 20 000 per 100 000 = 200
    t = fn.rate_funnel_table([30, 10, 5, None], [300, 100, np.nan, 50], "crude", 1)
    assert t["baseline"].iloc[0] == pytest.approx(200.0, rel=1e-12)


def test_rate_points_with_none_and_few_dsr_events() -> None:
    chart, den = fn.rate_funnel_points([20, None, 4], [200, 50, 40], "dsr", 2)
    assert chart[0] == 200.0 and den[0] == pytest.approx(100_000 * 20 / 200 / 2, rel=1e-12)
    assert np.isnan(den[1]) and chart[1] == 50.0
    assert np.isnan(chart[2]) and np.isnan(den[2])


# ---------------------------------------------------------------------- denominators


def test_derived_denominator_of_one_event_none_and_dsr_zeros() -> None:
    got = fn.derived_denominator([1, 0, None], [50, 50, 50], "dsr", 1000)
    assert got[0] == 20.0 and np.isnan(got[1]) and np.isnan(got[2])
    got = fn.derived_denominator([0, 0, 2], [0, 0, None], "crude", 1000, [None, 7, 3])
    assert got.dtype == np.float64
    assert np.isnan(got[0]) and got[1] == 7.0 and np.isnan(got[2])


# ---------------------------------------------------------------------- significance


def test_proportions_of_0_and_1_on_limits_clipped_to_0_and_1() -> None:
    # pooled 8 / 16 = 0.5.  The funnel's lower limit at N is clipped to 0 when even a
    # proportion of 0 has a Wilson upper end, z² / (N + z²), above the baseline; its upper limit
    # to 1 when the Wilson lower end of 1, N / (N + z²), is below it.
    assert Z2**2 / (3 + Z2**2) > 0.5 > Z2**2 / (5 + Z2**2)  # N = 3 both clipped, N = 5 the 99.8% only
    assert Z3**2 / (5 + Z3**2) > 0.5
    assert 3 / (3 + Z2**2) < 0.5 < 5 / (5 + Z2**2) and 5 / (5 + Z3**2) < 0.5
    got = fn.proportion_significance([0, 3, 0, 5], [3, 3, 5, 5]).tolist()
    # a proportion exactly on a clipped limit is not outside it
    assert got == ["Not significant", "Not significant", "Low (0.025)", "High (0.025)"]
    out = fn.funnel_frame(frame(numerator=[0, 3, 0, 5], denominator=[3, 3, 5, 5]))
    assert out["significance"].tolist() == got  # numerator equal to the denominator is accepted


def test_proportion_significance_missing_inputs_are_none_and_left_out_of_the_pool() -> None:
    # pooled (10 + 90) / 200 = 0.5 without the missing rows
    got = fn.proportion_significance([10, np.nan, 90, 50, None], [100, 100, 100, None, 100]).tolist()
    assert got == ["Low (0.001)", None, "High (0.001)", None, None]


def test_ratio_significance_missing_inputs_given_as_none() -> None:
    assert fn.ratio_significance([17, None], [10, 10]).tolist() == ["Not significant", None]
    assert fn.ratio_significance([18, 18], [10, None]).tolist() == ["High (0.025)", None]


@pytest.mark.parametrize("count", [5.0, 20.0])
def test_a_target_exactly_on_a_poisson_limit_is_not_outside_it(count) -> None:
    # the expected count is set to one of the count's limits, so that limit / expected is
    # exactly the target 1: only the other level's limit decides
    limits = exact_poisson_limits if count < 10 else byars_limits
    lo95, hi95 = (v[0] for v in limits(np.array([count]), 0.95))
    lo998, hi998 = (v[0] for v in limits(np.array([count]), 0.998))
    want = exact(count, 0.95) if count < 10 else byar(count, 0.95)
    assert (lo95, hi95) == pytest.approx(want, rel=1e-9)
    got = fn.ratio_significance([count] * 4, [hi998, hi95, lo998, lo95]).tolist()
    assert got == ["Low (0.025)", "Not significant", "High (0.025)", "Not significant"]


def test_rate_significance_default_multiplier_scales_derived_but_not_supplied_denominators() -> None:
    # area A: 20 events at 200 per 100 000 (derived denominator m / 10); area Z: no events,
    # supplied denominator D.  A is High (0.025) while the pooled rate 20 / (m / 10 + D) is below
    # its Byar 95% lower limit L / (m / 10), i.e. while D > m (20 − L) / (10 L).  D is set where
    # that holds for m = 100 000 but not for 100 001.
    lo95 = byar(20, 0.95)[0]
    lo998 = byar(20, 0.998)[0]
    d = 100_000.5 * (20 - lo95) / (10 * lo95)
    for m, want in ((100_000, True), (100_001, False)):
        assert bool(20 / (m / 10 + d) < lo95 / (m / 10)) is want
    assert 20 / (100_000 / 10 + d) > lo998 / (100_000 / 10)
    av = 20 / (10_000 + d)
    assert av > exact(0, 0.998)[1] / d  # Z is low at 99.8%
    got = fn.rate_significance([20, 0], [200, 0], "crude", denominator=[1, d]).tolist()
    assert got == ["High (0.025)", "Low (0.001)"]
    got = fn.rate_significance([20, None], [200, 50], "crude").tolist()
    assert got[1] is None


# -------------------------------------------------------------------------------- CSV


def test_confidence_of_exactly_0_and_1_is_refused() -> None:
    for c in (0, 1):
        with pytest.raises(InputProblem) as info:
            fn.funnel_frame(frame(obs=[1], expected=[1]), confidence=[0.95, c])
        assert info.value.problems == [f"confidence {c} is outside (0, 1); give e.g. 0.95 for 95%"]


def test_funnel_frame_rate_with_only_numerator_and_rate() -> None:
    out = fn.funnel_frame(frame(numerator=[30, 10], rate=[300, 100]))
    assert out["baseline"].tolist() == pytest.approx([200.0, 200.0], rel=1e-12)
    assert out["statistic"].tolist() == ["rate (crude per 100,000)"] * 2
    assert out["value"].tolist() == [300.0, 100.0]


def test_funnel_frame_crude_rate_type_on_every_row() -> None:
    df = frame(numerator=[30, 0], rate=[300, 0], denominator=[10000, 10000], rate_type=["crude", " Crude"])
    out = fn.funnel_frame(df)
    assert out["statistic"].tolist() == ["rate (crude per 100,000)"] * 2
    assert out["baseline"].tolist() == pytest.approx([150.0, 150.0], rel=1e-12)


def test_funnel_frame_dsr_with_no_events_and_no_rate_leaves_them_out_of_the_pool() -> None:
    # denominators 100 000 × 20 / 200 and 100 000 × 30 / 300: pooled 50 / 20 000 per 100 000
    df = frame(numerator=[20, 0, 30], rate=[200, "", 300], rate_type=["dsr"] * 3)
    out = fn.funnel_frame(df)
    assert out["baseline"].tolist() == pytest.approx([250.0] * 3, rel=1e-12)
    assert out["significance"].iloc[1] == "Not applicable for events less than 10 for dsrs"
    assert np.isnan(out["value"].iloc[1])


def test_funnel_frame_remaining_messages_whole() -> None:
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(numerator=[5, 1], rate=["abc", 0]))
    assert info.value.problems == [
        "row 2, column 'rate': 'abc' is not a number",
        "row 3, column 'rate': rate is 0 but the numerator is not",
    ]
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(Obs=[1], OBS=[1], expected=[1]))
    assert info.value.problems == [
        "column 'obs' appears more than once (Obs, OBS)",
        "need columns 'numerator' and 'denominator' (proportions), 'obs' and 'expected' (ratios) "
        "or 'numerator' and 'rate' (rates)",
    ]
