"""Proportions and crude rates at their edges (issue 18): 0 and n events, confidence exactly 1, the
exact/Byar switch at 10, defaults, column matching and every message whole.  Expected values come
from the textbook formulas written out here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats import proportions as pr
from jointly.stats.errors import InputProblem

Z95 = 1.959963984540054


def wilson(x, n, z=Z95):
    x, n = np.asarray(x, float), np.asarray(n, float)
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def exact(o, conf=0.95):
    a = 1 - conf
    lo = stats.chi2.ppf(a / 2, 2 * o) / 2 if o > 0 else 0.0
    return lo, stats.chi2.ppf(1 - a / 2, 2 * o + 2) / 2


def byar(o, z=Z95):
    return (
        o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3,
        (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3,
    )


def test_wilson_at_none_some_and_all() -> None:
    lo, hi = pr.wilson_limits([0, 7, 20], [20, 20, 20])
    want_lo, want_hi = wilson([0, 7, 20], [20, 20, 20])
    assert lo == pytest.approx(want_lo, abs=1e-15) and hi == pytest.approx(want_hi, rel=1e-12)
    assert lo[0] == 0.0 and hi[2] == pytest.approx(1.0, rel=1e-15)
    lo, hi = pr.wilson_limits([3, np.nan], [10, 10], 1)
    assert lo[0] == 0.0 and hi[0] == 1.0 and np.isnan(lo[1]) and np.isnan(hi[1])
    lo, hi = pr.wilson_limits([3], [np.nan], 1.0)
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    # the default level is 95%
    assert pr.wilson_limits([7], [20])[0] == pytest.approx(wilson(7, 20)[0], rel=1e-12)


def test_proportion_defaults_both_levels_and_multiplier() -> None:
    out = pr.proportion([7], [20])
    assert list(out) == ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]
    assert out["value"][0] == pytest.approx(0.35)
    z998 = stats.norm.ppf(0.999)
    assert out["lower99_8cl"][0] == pytest.approx(wilson(7, 20, z998)[0], rel=1e-12)
    out = pr.proportion([7], [20], 0.9, multiplier=100)
    assert list(out) == ["value", "lower90_0cl", "upper90_0cl"]
    assert out["value"][0] == pytest.approx(35.0)
    assert out["upper90_0cl"][0] == pytest.approx(100 * wilson(7, 20, stats.norm.ppf(0.95))[1], rel=1e-12)


@pytest.mark.parametrize("count", [0.0, 1.0, 9.0, 10.0, 11.0, 250.0])
def test_rate_limits_exact_below_10_and_byar_from_10(count) -> None:
    lo, hi = pr.rate_limits([count], [2000.0])
    want = exact(count) if count < 10 else byar(count)
    assert lo[0] == pytest.approx(want[0] / 2000 * 100_000, rel=1e-9, abs=1e-12)
    assert hi[0] == pytest.approx(want[1] / 2000 * 100_000, rel=1e-9)
    assert pr.rate_method([count]).tolist() == ["Exact" if count < 10 else "Byars"]


def test_rate_method_and_limits_of_missing_counts() -> None:
    assert pr.rate_method([np.nan, 9.999, 10]).tolist() == [None, "Exact", "Byars"]
    lo, hi = pr.rate_limits([np.nan], [100.0])
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    assert pr.EXACT_BELOW == 10.0


def test_byars_lower_limit_missing_where_the_bracket_goes_negative() -> None:
    lo, hi = pr.byars_limits([0.0, 1.0, 2.0], 0.998)
    # x = 1 at 99.8%: 1 − 1/9 − 3.09/3 < 0; x = 2: 1 − 1/18 − 3.09/(3√2) = 0.216 > 0
    assert np.isnan(lo[0]) and np.isnan(lo[1]) and lo[2] == pytest.approx(byar(2.0, stats.norm.ppf(0.999))[0])
    assert hi[0] == pytest.approx((1 - 1 / 9 + stats.norm.ppf(0.999) / 3) ** 3, rel=1e-12)
    assert pr.byars_limits([20.0])[0][0] == pytest.approx(byar(20.0)[0], rel=1e-12)  # default 95%


def test_exact_limits_for_many_repeated_counts_equal_one_by_one() -> None:
    counts = np.tile(np.arange(10.0), 150).reshape(3, 500)  # 1500 values, 10 distinct
    lo, hi = pr.exact_poisson_limits(counts, 0.998)
    assert lo.shape == (3, 500)
    for k in range(10):
        want = exact(k, 0.998)
        assert np.allclose(lo[counts == k], want[0], rtol=1e-9, atol=1e-12)
        assert np.allclose(hi[counts == k], want[1], rtol=1e-9)
    lo, hi = pr.exact_poisson_limits([-1.0, np.nan, 0.0])
    assert np.isnan(lo[0]) and np.isnan(lo[1]) and lo[2] == 0.0
    # many values, mostly distinct: element by element
    many = np.linspace(0, 50, 1200)
    lo, _ = pr.exact_poisson_limits(many)
    assert lo[-1] == pytest.approx(exact(50.0)[0], rel=1e-9)


def test_rate_defaults_per_100000_both_levels() -> None:
    out = pr.rate([12], [3000])
    assert list(out) == ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]
    assert out["value"][0] == pytest.approx(400.0)
    assert out["upper95_0cl"][0] == pytest.approx(byar(12)[1] / 3000 * 100_000, rel=1e-12)


def test_labels_and_column_names() -> None:
    assert pr.proportion_statistic(100) == "percentage"
    assert pr.proportion_statistic(1) == "proportion of 1"
    assert pr.proportion_statistic(2.5) == "proportion of 2.5"
    assert pr.rate_statistic(100_000) == "rate per 100000"
    assert pr.rate_statistic(1000.5) == "rate per 1000.5"
    assert [pr.confidence_suffix(c) for c in (0.95, 0.998, 0.9995, 0.9, 0.99)] == [
        "95_0",
        "99_8",
        "99_95",
        "90_0",
        "99_0",
    ]
    assert pr.limit_column_names(0.998) == ("lower99_8cl", "upper99_8cl")
    assert pr.normal_z(0.95) == pytest.approx(Z95, rel=1e-12)
    assert pr.normal_z([0.95, 0.998]) == pytest.approx([Z95, stats.norm.ppf(0.999)], rel=1e-12)
    assert pr.DEFAULT_CONFIDENCE == (0.95, 0.998)


def test_confidence_and_multiplier_messages_whole() -> None:
    assert pr.confidence_problems([]) == ["at least one confidence level is needed"]
    assert pr.confidence_problems([0.95, 0.998, 0.95]) == ["confidence levels must not repeat"]
    assert pr.confidence_problems([0, 1, float("nan")]) == [
        "confidence 0 is outside (0, 1); give e.g. 0.95 for 95%",
        "confidence 1 is outside (0, 1); give e.g. 0.95 for 95%",
        "confidence nan is outside (0, 1); give e.g. 0.95 for 95%",
    ]
    assert pr.confidence_problems("x") == ["confidence 'x' is not a number or list of numbers"]
    assert pr.confidence_problems(0.95) == [] and pr.confidence_problems(np.float64(0.9)) == []
    assert pr.multiplier_problems("x") == ["multiplier 'x' is not a number"]  # type: ignore[arg-type]
    assert pr.multiplier_problems(-1) == ["multiplier -1 must be a number greater than 0"]
    assert pr.multiplier_problems(0) == ["multiplier 0 must be a number greater than 0"]
    assert pr.multiplier_problems(float("inf")) == ["multiplier inf must be a number greater than 0"]
    assert pr.multiplier_problems(0.001) == []


def test_column_matching() -> None:
    problems: list[str] = []
    df = pd.DataFrame(columns=["numerator", " Numerator ", "DENOMINATOR", "Denominator", "rate"])
    found = pr.find_columns(df, ("numerator", "denominator", "rate", "count"), problems)
    assert found == {"numerator": "numerator", "rate": "rate"}  # an exact match wins
    assert problems == [
        "column 'denominator' appears more than once (DENOMINATOR, Denominator)",
        "missing column 'count'",
    ]
    problems = []
    assert pr.find_columns(df, ("count",), problems, required=False) == {} and problems == []
    assert pr.find_columns(pd.DataFrame(columns=[" Count "]), ("count",), problems) == {"count": " Count "}


def test_parse_numbers() -> None:
    problems: list[str] = []
    values, missing = pr.parse_numbers(pd.Series(["1", " 2.5 ", "NA", "", "x", "inf", "null"]), "n", problems)
    assert values[:2].tolist() == [1.0, 2.5] and np.isnan(values[2:]).all()
    assert missing.tolist() == [False, False, True, True, False, False, True]
    assert problems == ["row 6, column 'n': 'x' is not a number", "row 7, column 'n': 'inf' is not a number"]
    problems = []
    pr.parse_numbers(pd.Series(["1", "None"]), "n", problems, allow_missing=False)
    assert problems == ["row 3, column 'n': value is missing"]


def test_wilson_frame_defaults_and_messages() -> None:
    df = pd.DataFrame({"area": ["a", "b"], "Numerator": ["7", ""], "denominator": ["20", "5"]})
    out = pr.wilson_frame(df)
    assert out["area"].tolist() == ["a", "b"] and out["value"].iloc[0] == pytest.approx(0.35)
    assert np.isnan(out["value"].iloc[1])
    assert out["statistic"].tolist() == ["proportion of 1"] * 2 and out["method"].tolist() == ["Wilson"] * 2
    assert [c for c in out.columns if c.endswith("cl")] == [
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
    ]
    out = pr.wilson_frame(df, multiplier=100, confidence=0.9)
    assert out["statistic"].tolist() == ["percentage"] * 2 and out["value"].iloc[0] == pytest.approx(35.0)
    bad = pd.DataFrame(
        {"numerator": ["-1", "5", "5", "-2", "20"], "denominator": ["4", "-3", "0", "-5", "20"]}
    )
    with pytest.raises(InputProblem) as info:
        pr.wilson_frame(bad, confidence=[0.95, 0.95], multiplier=0)
    assert info.value.problems == [
        "confidence levels must not repeat",
        "multiplier 0 must be a number greater than 0",
        "row 2, column 'numerator': numerator must not be negative",
        "row 5, column 'numerator': numerator must not be negative",
        "row 3, column 'denominator': denominator must not be negative",
        "row 5, column 'denominator': denominator must not be negative",
        "row 4, column 'denominator': denominator must not be 0",
    ]
    with pytest.raises(InputProblem) as info:
        pr.wilson_frame(pd.DataFrame({"numerator": ["21", "20"], "denominator": ["20", "20"]}))
    assert info.value.problems == ["row 2, column 'numerator': numerator is greater than the denominator"]
    with pytest.raises(InputProblem) as info:
        pr.wilson_frame(pd.DataFrame({"n": ["1"]}))
    assert info.value.problems == ["missing column 'numerator'", "missing column 'denominator'"]


def test_rate_frame_defaults_and_a_numerator_above_the_denominator() -> None:
    df = pd.DataFrame({"numerator": ["9", "10", "30", ""], "denominator": ["1000", "1000", "20", "10"]})
    out = pr.rate_frame(df)
    assert out["statistic"].tolist() == ["rate per 100000"] * 4
    assert out["method"].tolist()[:3] == ["Exact", "Byars", "Byars"] and pd.isna(out["method"].iloc[3])
    assert out["value"].iloc[2] == pytest.approx(150_000.0)
    assert out["lower95_0cl"].iloc[0] == pytest.approx(exact(9)[0] * 100, rel=1e-9)
    out = pr.rate_frame(df, multiplier=1000, confidence=[0.998])
    assert out["statistic"].tolist() == ["rate per 1000"] * 4
    assert [c for c in out.columns if c.endswith("cl")] == ["lower99_8cl", "upper99_8cl"]


def test_missing_values_given_as_none() -> None:
    lo, hi = pr.wilson_limits([None, 3], [10, None])
    assert np.isnan(lo).all() and np.isnan(hi).all()
    assert np.isnan(pr.proportion([None], [10])["value"]).all()
    assert np.isnan(pr.proportion([3], [None])["lower95_0cl"]).all()
    lo, hi = pr.rate_limits([None, 12], [1000, None])
    assert np.isnan(lo).all() and np.isnan(hi).all()
    assert pr.rate_method([None, 3, 12]).tolist() == [None, "Exact", "Byars"]
    out = pr.rate([None, 12], [1000, None])
    assert np.isnan(out["value"]).all() and np.isnan(out["upper99_8cl"]).all()


def test_frame_numerator_zero_and_fractions_above_the_denominator() -> None:
    out = pr.wilson_frame(pd.DataFrame({"numerator": ["0", "1"], "denominator": ["10", "1"]}))
    assert out["value"].tolist() == [0.0, 1.0] and out["lower95_0cl"].iloc[0] == 0.0
    with pytest.raises(InputProblem) as info:
        pr.wilson_frame(pd.DataFrame({"numerator": ["0.5", "2", "-1"], "denominator": ["0.2", "1", "-2"]}))
    assert info.value.problems == [
        "row 4, column 'numerator': numerator must not be negative",
        "row 4, column 'denominator': denominator must not be negative",
        "row 2, column 'numerator': numerator is greater than the denominator",
        "row 3, column 'numerator': numerator is greater than the denominator",
    ]


def test_one_level_gives_a_plain_float_and_counts_given_as_none_are_missing() -> None:
    assert type(pr.normal_z(0.95)) is float
    assert pr.normal_z([0.95]).shape == (1,)
    lo, hi = pr.byars_limits([None, 20])
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and hi[1] == pytest.approx(byar(20.0)[1])
    lo, hi = pr.exact_poisson_limits([None, 2])
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and hi[1] == pytest.approx(exact(2.0)[1])
