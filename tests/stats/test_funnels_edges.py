"""Funnels: baseline, statistic and method of every kind, defaults, the exact/Byar boundary at 10
events, DSRs under 10 events and every message whole (issue 18).  Expected values are worked here
from the textbook formulas (exact Poisson limits from chi-square quantiles; Byar's approximation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats import funnels as fn
from jointly.stats.errors import InputProblem
from tests.stats.poisson_limits import byar, exact


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: [str(v) for v in vs] for k, vs in columns.items()})


def test_constants() -> None:
    assert fn.LEVELS == (("2s", 0.025, 0.95), ("3s", 0.001, 0.998))
    assert (fn.HIGH_001, fn.HIGH_025, fn.LOW_001, fn.LOW_025) == (
        "High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)",
    )  # fmt: skip
    assert fn.NOT_SIGNIFICANT == "Not significant"
    assert fn.DSR_NOT_APPLICABLE == "Not applicable for events less than 10 for dsrs"


@pytest.mark.parametrize("count", [9.0, 10.0])
def test_poisson_interval_is_exact_below_10_events_and_byar_from_10(count) -> None:
    for conf in (0.95, 0.998):
        lo, hi = fn._poisson_interval(np.array([count]), conf)
        want = exact(count, conf) if count < 10 else byar(count, conf)
        assert (lo[0], hi[0]) == pytest.approx(want, rel=1e-9)


def test_ratio_funnel_frame_baseline_method_and_default_multiplier() -> None:
    # O/E: 30/10 far above; 2/10 below; 10/10 on target; O = 15, E = 10: Byar 95% lower 8.39 < 10
    out = fn.funnel_frame(frame(obs=[30, 2, 10, 15], expected=[10, 10, 10, 10], area=["a", "b", "c", "d"]))
    assert out["value"].tolist() == pytest.approx([3.0, 0.2, 1.0, 1.5])
    assert out["baseline"].tolist() == [1.0] * 4
    assert out["statistic"].tolist() == ["ratio"] * 4 and out["method"].tolist() == ["Poisson"] * 4
    assert out["area"].tolist() == ["a", "b", "c", "d"]
    assert out["significance"].tolist() == [
        "High (0.001)",
        "Low (0.025)",
        "Not significant",
        "Not significant",
    ]
    # by hand: 2 events: exact 95% upper 7.22 < 10 (Low at 0.025), 99.8% upper 11.2 > 10
    assert exact(2, 0.95)[1] < 10 < exact(2, 0.998)[1]
    out = fn.funnel_frame(frame(obs=[30], expected=[10]), multiplier=100)
    assert out["value"].tolist() == [300.0] and out["baseline"].tolist() == [100.0]


def test_ratio_significance_on_both_sides_at_both_levels() -> None:
    # O = 17, E = 10: Byar 95% lower 9.90 < 10 → not significant; O = 18: lower 10.67 → High (0.025)
    assert byar(17, 0.95)[0] < 10 < byar(18, 0.95)[0]
    assert byar(18, 0.998)[0] < 10
    got = fn.ratio_significance([17, 18, 40, np.nan], [10, 10, 10, 10]).tolist()
    assert got == ["Not significant", "High (0.025)", "High (0.001)", None]
    assert byar(40, 0.998)[0] > 10
    # O = 3, E = 10: exact 99.8% upper 11.23 > 10 → Low (0.025); O = 1: upper 9.23 → Low (0.001)
    assert exact(1, 0.998)[1] < 10 < exact(3, 0.998)[1]
    assert fn.ratio_significance([3, 1], [10, 10]).tolist() == ["Low (0.025)", "Low (0.001)"]


def test_proportion_funnel_frame_default_percentage() -> None:
    out = fn.funnel_frame(frame(numerator=[10, 50, 90], denominator=[100, 100, 100]))
    assert out["value"].tolist() == pytest.approx([10.0, 50.0, 90.0])
    assert out["baseline"].tolist() == pytest.approx([50.0] * 3)
    assert out["statistic"].tolist() == ["percentage"] * 3 and out["method"].tolist() == ["Wilson"] * 3
    assert out["significance"].tolist() == ["Low (0.001)", "Not significant", "High (0.001)"]
    out = fn.funnel_frame(frame(numerator=[10, 50, 90], denominator=[100, 100, 100]), multiplier=1)
    assert out["value"].tolist() == pytest.approx([0.1, 0.5, 0.9])
    assert out["baseline"].tolist() == pytest.approx([0.5] * 3)
    assert out["statistic"].tolist() == ["proportion"] * 3


def test_proportion_limits_are_where_the_wilson_interval_reaches_the_baseline() -> None:
    # at the lower limit p the Wilson upper limit of p (at the same N) equals the baseline
    n, av = 200.0, 0.3
    for prob in (0.975, 0.999):
        z = stats.norm.ppf(prob)
        low, high = fn.proportion_funnel_limits(n, av, prob)
        for p, side in ((low, 1), (high, -1)):
            x = p * n
            wilson = (2 * x + z**2 + side * z * np.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))
            assert wilson == pytest.approx(av, rel=1e-9)
    low, high = fn.proportion_funnel_limits([5.0], 0.02, 0.999, multiplier=100)
    assert low[0] == 0.0 and 0 < high[0] <= 100  # clipped at 0


def test_rate_funnel_frame_crude_default_multiplier_and_dsr_under_10_events() -> None:
    # crude: denominators 100 000 × x / rate = 10 000 each; pooled rate (30 + 10 + 0 + 20) / 40 000
    df = frame(numerator=[30, 10, 0, 20], rate=[300, 100, 0, 200], denominator=[10000] * 4)
    out = fn.funnel_frame(df)
    assert out["value"].tolist() == [300.0, 100.0, 0.0, 200.0]
    assert out["baseline"].tolist() == pytest.approx([60 / 40000 * 100_000] * 4)
    assert out["statistic"].tolist() == ["rate (crude per 100,000)"] * 4
    assert out["method"].tolist() == ["Poisson"] * 4
    # area with no events: 0 / 10 000 against 150 per 100 000 (15 expected): exact 99.8% upper 6.9 < 15
    assert exact(0, 0.998)[1] < 15
    assert out["significance"].iloc[2] == "Low (0.001)"
    dsr = frame(numerator=[9, 10, 60], rate=[90, 100, 600], rate_type=["DSR", "dsr", " dsr "])
    out = fn.funnel_frame(dsr, multiplier=1000)
    assert out["statistic"].tolist() == ["rate (dsr per 1,000)"] * 3
    assert out["significance"].iloc[0] == "Not applicable for events less than 10 for dsrs"
    assert out["significance"].iloc[1] != "Not applicable for events less than 10 for dsrs"
    # every area's denominator is 1 000 × 9 / 90 = 100 → pooled rate 79 / 300 × 1 000
    assert out["baseline"].tolist() == pytest.approx([79 / 300 * 1000] * 3)


def test_derived_denominators() -> None:
    assert fn.derived_denominator([20, 0], [200, 0], "crude", 100_000, [9, 7]).tolist() == [10_000.0, 7.0]
    got = fn.derived_denominator([20, 0], [200, 0], "DSR", 100_000, [9, 7])
    assert got[0] == 10_000.0 and np.isnan(got[1])
    assert np.isnan(fn.derived_denominator([0], [0], "crude", 100_000)[0])
    with pytest.raises(ValueError, match=r"^rate_type must be 'dsr' or 'crude'$"):
        fn.derived_denominator([1], [1], "age", 100)
    chart, den = fn.rate_funnel_points([9, 10], [90, 100], "dsr", 2, multiplier=1000)
    assert np.isnan(chart[0]) and np.isnan(den[0]) and chart[1] == 100.0 and den[1] == 50.0
    chart, den = fn.rate_funnel_points([9, 10], [90, 100], "crude", 2, multiplier=1000)
    assert chart.tolist() == [90.0, 100.0] and den.tolist() == [50.0, 50.0]


def test_funnel_tables_name_their_statistic_and_method() -> None:
    t = fn.proportion_funnel_table([10, 20], [100, 150])
    assert t["statistic"].unique().tolist() == ["proportion"] and t["method"].unique().tolist() == ["Wilson"]
    assert t["baseline"].iloc[0] == pytest.approx(30 / 250 * 100) and len(t) == 100
    t = fn.ratio_funnel_table([5, 8], [6.0, 9.0])
    assert t["statistic"].unique().tolist() == ["ratio (count)"] and t["method"].unique().tolist() == [
        "Poisson"
    ]
    t = fn.ratio_funnel_table([5, 8], [6.0, 9.0], "isr", multiplier=100)
    assert t["statistic"].unique().tolist() == ["ratio (isr)"]
    assert np.allclose(t["upper_2s_isr"], t["Observed_events"] / t["upper_2s_exp_events"] * 100)
    with pytest.raises(ValueError, match=r"^ratio_type must be 'count' or 'isr'$"):
        fn.ratio_funnel_table([5], [6.0], "rate")
    t = fn.rate_funnel_table([30, 10], [300, 100], "crude", 1, multiplier=1000.5)
    assert t["statistic"].unique().tolist() == ["rate (crude per 1,000.5)"] and t[
        "method"
    ].unique().tolist() == ["Poisson"]
    with pytest.raises(ValueError, match=r"^side must be 'low' or 'high'$"):
        fn.poisson_funnel([5], 0.025, "middle")


def test_axis_rounding() -> None:
    assert fn.signif_floor(0.5) == 0.0
    assert fn.signif_floor(1000) == 900.0  # 950 → one significant figure, down
    assert fn.signif_ceiling(0.0) == 0.0
    assert fn.signif_ceiling(1000) == 1100.0  # 1050 → two significant figures, up
    assert fn.axis_range([100, 150]) == (90.0, 160.0)  # span under a factor of 2
    assert fn.axis_range([100, 200]) == (90.0, 210.0)
    assert fn.axis_range([100, 201, np.nan]) == (0.0, 220.0)
    pts = fn.axis_points(0.0, 1000.0)
    assert pts[0] == 1.0 and pts[-1] == 1000.0 and np.all(np.diff(pts) >= 1)


def test_funnel_frame_messages_whole() -> None:
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(a=[1]), confidence=0.95, multiplier=0)
    assert info.value.problems == [
        "funnel limits are always at 95% and 99.8%; leave confidence out",
        "multiplier 0 must be a number greater than 0",
        "need columns 'numerator' and 'denominator' (proportions), 'obs' and 'expected' (ratios) "
        "or 'numerator' and 'rate' (rates)",
    ]
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(obs=[1]), confidence=[1.5, "x"])
    assert info.value.problems[0] == "confidence [1.5, 'x'] is not a number or list of numbers"
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(obs=[1], expected=[1]), confidence=[0.95, 1.5])
    assert info.value.problems == ["confidence 1.5 is outside (0, 1); give e.g. 0.95 for 95%"]
    fn.funnel_frame(frame(obs=[1], expected=[1]), confidence=[0.998, 0.95])  # any order
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(obs=[-1, 2, ""], expected=[1, 0, 1]))
    assert info.value.problems == [
        "row 4, column 'obs': value is missing",
        "row 2, column 'obs': must not be negative",
        "row 3, column 'expected': must not be 0",
    ]
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(Numerator=[5, 3], Denominator=[4, 0]))
    assert info.value.problems == [
        "row 3, column 'Denominator': must not be 0",
        "row 2, column 'Numerator': numerator is greater than the denominator",
        "row 3, column 'Numerator': numerator is greater than the denominator",
    ]
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(numerator=[5, 3, 0], rate=["", 0, ""], rate_type=["crude", "dsr", "crude"]))
    assert info.value.problems == [
        "row 2, column 'rate': value is missing",
        "row 3, column 'rate': rate is 0 but the numerator is not",
        "column 'rate_type' must hold 'crude' or 'dsr', the same on every row",
    ]
    with pytest.raises(InputProblem) as info:
        fn.funnel_frame(frame(numerator=[5], rate=[50], rate_type=["age"]))
    assert info.value.problems == ["column 'rate_type' must hold 'crude' or 'dsr', the same on every row"]


@pytest.mark.parametrize("lam", [1e-12, 0.3, 1.0, 7.5, 100.0, 10_000.0])
def test_series_end_is_the_first_count_past_the_mean_where_the_term_is_negligible(lam) -> None:
    # written out: walk up from the first whole number above λ until pmf(k) ≤ 1e-10 · P(X ≤ k − 1)
    ks = np.arange(np.floor(lam) + 1, np.floor(lam) + 5000)
    stop = stats.poisson.pmf(ks, lam) <= 1e-10 * stats.poisson.cdf(ks - 1, lam)
    want = ks[np.argmax(stop)]
    assert stop.any()
    assert fn._series_end(np.array([lam]))[0] == want
