"""ISR at its edges (issue 18): exact limits below 10 events and Byar's from 10, the multiplier and
refvalue checks, reference vectors by position, observed totals, defaults and every message whole.
Expected values are worked here (exact limits from chi-square quantiles, Byar's by formula)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats.errors import InputProblem
from jointly.stats.isr import calculate_israte, calculate_isratio, isr_frame

Z95 = 1.959963984540054


def exact(o: float, conf: float = 0.95) -> tuple[float, float]:
    a = 1 - conf
    lo = stats.chi2.ppf(a / 2, 2 * o) / 2 if o > 0 else 0.0
    return lo, stats.chi2.ppf(1 - a / 2, 2 * o + 2) / 2


def byar(o: float, z: float = Z95) -> tuple[float, float]:
    lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lo, hi


def bands(count) -> pd.DataFrame:
    # reference rates 1% and 2%: expected = 0.01·1000 + 0.02·500 = 20
    return pd.DataFrame({"count": count, "pop": [1000, 500], "refcount": [10, 40], "refpop": [1000, 2000]})


@pytest.mark.parametrize(("observed", "method"), [(9, "Exact"), (10, "Byars")])
def test_isratio_exact_below_10_and_byars_from_10_with_default_refvalue(observed, method) -> None:
    out = calculate_isratio(bands([observed - 4, 4]))
    assert out["expected"].iloc[0] == pytest.approx(20.0, rel=1e-12)
    assert out["observed"].iloc[0] == observed
    assert out["value"].iloc[0] == pytest.approx(observed / 20, rel=1e-12)
    lo, hi = exact(observed) if method == "Exact" else byar(observed)
    assert out["lowercl"].iloc[0] == pytest.approx(lo / 20, rel=1e-9)
    assert out["uppercl"].iloc[0] == pytest.approx(hi / 20, rel=1e-9)
    assert out["method"].iloc[0] == method
    assert out["statistic"].iloc[0] == "indirectly standardised ratio x 1"
    assert out["confidence"].iloc[0] == "95%"
    assert list(out.columns) == [
        "observed",
        "expected",
        "value",
        "lowercl",
        "uppercl",
        "confidence",
        "statistic",
        "method",
    ]


def test_israte_default_multiplier_and_reference_rate() -> None:
    out = calculate_israte(bands([6, 4]))
    # reference rate (10 + 40)/(1000 + 2000) per 100 000; value = 10/20 × that
    ref = 50 / 3000 * 100_000
    assert out["ref_rate"].iloc[0] == pytest.approx(ref, rel=1e-12)
    assert out["value"].iloc[0] == pytest.approx(0.5 * ref, rel=1e-12)
    lo, hi = byar(10)
    assert out["lowercl"].iloc[0] == pytest.approx(lo / 20 * ref, rel=1e-9)
    assert out["statistic"].iloc[0] == "indirectly standardised rate per 100000"
    assert list(out.columns) == [
        "observed", "expected", "ref_rate", "value", "lowercl", "uppercl", "confidence", "statistic", "method",
    ]  # fmt: skip
    out = calculate_israte(bands([6, 4]), multiplier=1000)
    assert out["ref_rate"].iloc[0] == pytest.approx(50 / 3000 * 1000, rel=1e-12)
    assert out["statistic"].iloc[0] == "indirectly standardised rate per 1000"


def test_israte_multiplier_and_isratio_refvalue_checks() -> None:
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(InputProblem) as info:
            calculate_israte(bands([6, 4]), multiplier=bad)
        assert info.value.problems == ["multiplier must be greater than zero"]
    for bad in (float("inf"), float("nan")):
        with pytest.raises(InputProblem) as info:
            calculate_isratio(bands([6, 4]), refvalue=bad)
        assert info.value.problems == ["refvalue must be a finite number"]
    out = calculate_isratio(bands([6, 4]), refvalue=100)
    assert (
        out["value"].iloc[0] == pytest.approx(50.0)
        and out["statistic"].iloc[0] == "indirectly standardised ratio x 100"
    )


def test_zero_observed_and_zero_expected() -> None:
    out = calculate_isratio(bands([0, 0]))
    assert out["value"].iloc[0] == 0.0 and out["lowercl"].iloc[0] == 0.0
    assert out["uppercl"].iloc[0] == pytest.approx(exact(0)[1] / 20, rel=1e-9)
    out = calculate_isratio(bands([1, 0]).assign(pop=[0, 0]))
    assert out["expected"].iloc[0] == 0.0
    assert np.isnan(out[["value", "lowercl", "uppercl"]].to_numpy(dtype=float)).all()


def test_reference_vectors_by_position_per_group() -> None:
    data = pd.DataFrame({"g": ["a", "a", "b", "b"], "count": [6, 4, 1, 1], "pop": [1000, 500, 100, 100]})
    out = calculate_isratio(data, ref_count=[10, 40], ref_population=[1000, 2000], group_by="g")
    assert out["g"].tolist() == ["a", "b"]
    assert out["expected"].tolist() == pytest.approx([20.0, 0.01 * 100 + 0.02 * 100])
    with pytest.raises(InputProblem) as info:
        calculate_isratio(data.iloc[:3], ref_count=[10, 40], ref_population="pop", group_by="g")
    assert info.value.problems == ["ref_count has 2 values, so every group must have 2 rows"]
    with pytest.raises(InputProblem) as info:
        calculate_isratio(data, ref_count="count", ref_population=[1, 2, 3])
    assert info.value.problems == ["ref_population has 3 values, so every group must have 3 rows"]


def test_observed_totals_replace_counts() -> None:
    data = pd.DataFrame(
        {
            "g": ["a", "a", "b", "b"],
            "pop": [1000, 500, 1000, 500],
            "refcount": [10, 40] * 2,
            "refpop": [1000, 2000] * 2,
        }
    )
    totals = pd.DataFrame({"g": ["b", "a"], "total_count": [30, 10]})
    out = calculate_isratio(data, count=None, group_by="g", observed_totals=totals)
    assert out["observed"].tolist() == [10.0, 30.0] and out["value"].tolist() == pytest.approx([0.5, 1.5])
    one = calculate_isratio(
        data.iloc[:2], count=None, observed_totals=pd.DataFrame({"n": [12]}), observed_column="n"
    )
    assert one["observed"].tolist() == [12.0]
    with pytest.raises(InputProblem) as info:
        calculate_isratio(
            data.iloc[:2], count=None, observed_totals=pd.DataFrame({"n": [12, 13]}), observed_column="n"
        )
    assert info.value.problems == ["observed_totals has more than one row for a group"]
    cases = [
        (dict(observed_totals=totals, observed_column="n"), "observed_totals has no column 'n'"),
        (
            dict(observed_totals=totals.rename(columns={"g": "h"})),
            "observed_totals shares no grouping column with the data",
        ),
        (
            dict(observed_totals=pd.concat([totals, totals])),
            "observed_totals has more than one row for a group",
        ),
        (
            dict(observed_totals=totals.assign(total_count=[-1, 2])),
            "observed totals must all be greater than or equal to zero",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(InputProblem) as info:
            calculate_isratio(data, count=None, group_by="g", **kwargs)
        assert info.value.problems == [message]
    with pytest.raises(InputProblem) as info:
        calculate_isratio(data, count=None)
    assert info.value.problems == ["a count column or an observed_totals table is required"]


def test_input_messages_whole() -> None:
    data = pd.DataFrame({"count": [-1, 2], "pop": [-5, np.nan], "refcount": [-1, 1], "refpop": [0, np.nan]})
    with pytest.raises(InputProblem) as info:
        calculate_isratio(data)
    assert info.value.problems == [
        "numerators must all be greater than or equal to zero",
        "denominators must all be greater than or equal to zero",
        "reference counts must all be greater than or equal to zero",
        "reference populations must all be present and greater than zero",
    ]
    with pytest.raises(InputProblem) as info:
        calculate_isratio(data, count="n", population="people", ref_count="rc", ref_population=[1, 1])
    assert info.value.problems == [
        "column 'people' is missing",
        "column 'rc' is missing",
        "column 'n' is missing",
    ]
    # missing populations and counts are zero; a missing reference count is zero
    out = calculate_isratio(
        pd.DataFrame(
            {"count": [np.nan, 3], "pop": [np.nan, 100], "refcount": [np.nan, 1], "refpop": [10, 100]}
        )
    )
    assert out["observed"].tolist() == [3.0] and out["expected"].tolist() == [1.0]


def test_isr_frame_default_multiplier_100_both_levels_and_messages() -> None:
    df = pd.DataFrame(
        {
            "area": ["a", "a"],
            "count": ["6", "4"],
            "pop": ["1000", "500"],
            "refcount": ["10", "40"],
            "refpop": ["1000", "2000"],
        }
    )
    out = isr_frame(df)
    assert out["area"].tolist() == ["a"] and out["value"].iloc[0] == pytest.approx(50.0)
    assert out["statistic"].iloc[0] == "indirectly standardised ratio x 100"
    assert [c for c in out.columns if "cl" in c] == [
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
    ]
    assert out["confidence"].iloc[0] == "95%, 99.8%"
    bad = pd.DataFrame(
        {"count": ["-1", "x"], "pop": ["1", "-2"], "refcount": ["1", "-3"], "refpop": ["0", ""]}
    )
    with pytest.raises(InputProblem) as info:
        isr_frame(bad)
    assert info.value.problems == [
        "row 3, column 'count': 'x' is not a number",
        "row 2, column 'count': -1 is negative (must be 0 or more)",
        "row 3, column 'pop': -2 is negative (must be 0 or more)",
        "row 3, column 'refcount': -3 is negative (must be 0 or more)",
        "row 3, column 'refpop': a value is required",
        "row 2, column 'refpop': 0 must be greater than zero",
    ]
    with pytest.raises(InputProblem) as info:
        isr_frame(pd.DataFrame({"count": ["1"]}))
    assert info.value.problems == [
        "column 'pop' is missing",
        "column 'refcount' is missing",
        "column 'refpop' is missing",
    ]


def test_reference_vectors_without_groups_and_with_a_missing_group_key() -> None:
    out = calculate_isratio(
        bands([6, 4]).drop(columns=["refcount", "refpop"]), ref_count=[10, 40], ref_population=[1000, 2000]
    )
    assert out["expected"].tolist() == pytest.approx([20.0])
    with pytest.raises(InputProblem) as info:
        calculate_isratio(bands([6, 4]), ref_count=[10, 40, 1], ref_population="refpop")
    assert info.value.problems == ["ref_count has 3 values, so every group must have 3 rows"]
    data = pd.DataFrame({"g": [np.nan, np.nan], "count": [6, 4], "pop": [1000, 500]})
    out = calculate_isratio(data, ref_count=[10, 40], ref_population=[1000, 2000], group_by="g")
    assert out["expected"].tolist() == pytest.approx([20.0])


def test_small_multipliers_and_reference_populations_of_one_are_allowed() -> None:
    out = calculate_israte(bands([6, 4]), multiplier=0.5)
    assert out["ref_rate"].iloc[0] == pytest.approx(50 / 3000 * 0.5)
    df = pd.DataFrame({"count": ["1"], "pop": ["1"], "refcount": ["1"], "refpop": ["1"]})
    assert isr_frame(df)["expected"].tolist() == [1.0]


def test_zero_and_missing_populations_and_observed_totals() -> None:
    # a missing population counts as 0 people: band 2's reference rate adds nothing
    data = bands([6, 4]).assign(pop=[1000, np.nan])
    assert calculate_isratio(data)["expected"].tolist() == pytest.approx([10.0])
    with pytest.raises(InputProblem) as info:
        calculate_isratio(bands([6, 4]).assign(refpop=[1000, 0]))
    assert info.value.problems == ["reference populations must all be present and greater than zero"]
    assert calculate_isratio(bands([6, 4]).assign(refpop=[1000, 1]))["expected"].tolist() == pytest.approx(
        [10 + 40 * 500]
    )
    data = pd.DataFrame(
        {
            "g": ["a", "a", "b", "b"],
            "pop": [1000, 500] * 2,
            "refcount": [10, 40] * 2,
            "refpop": [1000, 2000] * 2,
        }
    )
    out = calculate_isratio(
        data, count=None, group_by="g", observed_totals=pd.DataFrame({"g": ["a"], "total_count": [0]})
    )
    assert out["observed"].iloc[0] == 0.0 and np.isnan(out["observed"].iloc[1])
    with pytest.raises(InputProblem) as info:
        calculate_isratio(
            data,
            count=None,
            group_by="g",
            observed_totals=pd.DataFrame({"g": ["a", "a"], "total_count": [1, 2]}),
        )
    assert info.value.problems == ["observed_totals has more than one row for a group"]
