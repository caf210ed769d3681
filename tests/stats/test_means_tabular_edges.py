"""Means and the CSV entry points at their edges (issue 18): a single value has no limits, the sample
standard deviation by hand, the t quantile with count − 1 degrees of freedom, defaults, the method
table and every message whole."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats import means, tabular
from jointly.stats.errors import InputProblem


def test_grouped_mean_by_hand() -> None:
    # group 0: 2, 4, 9 → sum 15, mean 5, squares 9 + 1 + 16 = 26, sd √13; group 1: a single 7
    out = means.grouped_mean([2.0, 7.0, 4.0, 9.0], [0, 1, 0, 0], 0.95)
    assert out["value_sum"].tolist() == [15.0, 7.0]
    assert out["value_count"].tolist() == [3.0, 1.0]
    assert out["stdev"][0] == pytest.approx(np.sqrt(13), rel=1e-12) and np.isnan(out["stdev"][1])
    assert out["value"].tolist() == [5.0, 7.0]
    half = stats.t.ppf(0.975, 2) * np.sqrt(13) / np.sqrt(3)
    assert out["lower95_0cl"][0] == pytest.approx(5 - half, rel=1e-12)
    assert out["upper95_0cl"][0] == pytest.approx(5 + half, rel=1e-12)
    assert np.isnan(out["lower95_0cl"][1]) and np.isnan(out["upper95_0cl"][1])
    assert list(out) == ["value_sum", "value_count", "stdev", "value", "lower95_0cl", "upper95_0cl"]


def test_grouped_mean_defaults_one_group_both_levels() -> None:
    out = means.grouped_mean([1.0, 2.0])
    assert list(out) == [
        "value_sum",
        "value_count",
        "stdev",
        "value",
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
    ]
    half = stats.t.ppf(0.999, 1) * np.sqrt(0.5) / np.sqrt(2)
    assert out["upper99_8cl"][0] == pytest.approx(1.5 + half, rel=1e-12)
    assert means.grouped_mean([])["value"].tolist() == []


def test_t_half_width_and_mean_from_summary() -> None:
    assert means.t_half_width(2.0, 5) == pytest.approx(stats.t.ppf(0.975, 4) * 2 / np.sqrt(5), rel=1e-12)
    assert np.isnan(means.t_half_width(2.0, 1)) and np.isnan(means.t_half_width(2.0, 0))
    out = means.mean_from_summary([10.0], [4], [2.0], 0.9)
    assert out["value"].tolist() == [2.5]
    assert out["lower90_0cl"][0] == pytest.approx(2.5 - stats.t.ppf(0.95, 3) * 2 / 2, rel=1e-12)


def test_mean_frame_groups_in_order_of_first_appearance() -> None:
    df = pd.DataFrame({"area": ["b", "a", "b", "a"], "Values": ["1", "10", "3", "20"]})
    out = means.mean_frame(df, confidence=0.95)
    assert out["area"].tolist() == ["b", "a"]
    assert out["value"].tolist() == [2.0, 15.0] and out["value_count"].tolist() == [2, 2]
    assert out["value_count"].dtype == np.int64
    assert (
        out["statistic"].tolist() == ["mean"] * 2
        and out["method"].tolist() == ["Student's t-distribution"] * 2
    )
    assert list(out.columns) == [
        "area", "value_sum", "value_count", "stdev", "value", "lower95_0cl", "upper95_0cl", "statistic", "method",
    ]  # fmt: skip
    one = means.mean_frame(pd.DataFrame({"value": ["1", "2", "6"]}), multiplier=1)
    assert one["value"].tolist() == [3.0] and len(one) == 1
    empty = means.mean_frame(pd.DataFrame({"values": pd.Series([], dtype=str)}))
    assert len(empty) == 0


def test_mean_frame_messages_whole() -> None:
    with pytest.raises(InputProblem) as info:
        means.mean_frame(pd.DataFrame({"x": ["1"]}), confidence=[2], multiplier=100)
    assert info.value.problems == [
        "confidence 2 is outside (0, 1); give e.g. 0.95 for 95%",
        "a multiplier does not apply to means; leave it out",
        "missing column 'values'",
    ]
    with pytest.raises(InputProblem) as info:
        means.mean_frame(pd.DataFrame({"values": ["1", "", "x"]}))
    assert info.value.problems == [
        "row 4, column 'values': 'x' is not a number",
        "row 3, column 'values': value is missing",
    ]


def test_method_table() -> None:
    assert tabular.METHODS == {
        "wilson": "jointly.stats.proportions:wilson_frame",
        "rate": "jointly.stats.proportions:rate_frame",
        "mean": "jointly.stats.means:mean_frame",
        "funnel": "jointly.stats.funnels:funnel_frame",
        "dsr": "jointly.stats.dsr:dsr_frame",
        "isr": "jointly.stats.isr:isr_frame",
        "life-expectancy": "jointly.stats.life_expectancy:life_expectancy_frame",
        "spc": "jointly.stats.spc:spc_frame",
    }
    assert tabular.get_method("mean") is means.mean_frame
    for name in tabular.METHODS:
        assert callable(tabular.get_method(name))
    with pytest.raises(KeyError):
        tabular.get_method("median")
    assert tabular.DEFAULT_CONFIDENCE == (0.95, 0.998)


def test_read_csv_keeps_what_was_typed(tmp_path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes("\ufeffarea,numerator\nNA,007\n,1.50\n".encode())
    df = tabular.read_csv(str(path))
    assert list(df.columns) == ["area", "numerator"]
    assert df.to_dict("list") == {"area": ["NA", ""], "numerator": ["007", "1.50"]}


def test_missing_values_given_as_none_are_missing() -> None:
    out = means.grouped_mean([1.0, None, 3.0], [0, 0, 1], 0.95)
    assert np.isnan(out["value"][0]) and out["value"][1] == 3.0
    assert np.isnan(means.t_half_width(None, 5)) and np.isnan(means.t_half_width(2.0, None))
    out = means.mean_from_summary([None, 6.0], [2, None], [1.0, 1.0], 0.95)
    assert np.isnan(out["value"]).all()


def test_mean_frame_values_column_given_twice() -> None:
    with pytest.raises(InputProblem) as info:
        means.mean_frame(pd.DataFrame({"Values": ["1"], "VALUES": ["2"]}))
    assert info.value.problems == [
        "column 'values' appears more than once (Values, VALUES)",
        "missing column 'values'",
    ]
    with pytest.raises(InputProblem) as info:
        means.mean_frame(pd.DataFrame({"Value": ["1"], " value ": ["2"]}))
    assert info.value.problems == [
        "column 'value' appears more than once (Value,  value )",
        "missing column 'values'",
    ]


def test_group_codes_given_as_floats() -> None:
    out = means.grouped_mean([2.0, 4.0, 10.0], [0.0, 0.0, 1.0], 0.95)
    assert out["value"].tolist() == [3.0, 10.0] and out["value_count"].tolist() == [2.0, 1.0]
