"""CSV entry points (wilson, rate, mean, funnel): registration, validation and reference files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jointly.stats import tabular
from jointly.stats.errors import InputProblem
from tests.paths import REFERENCE

REF = REFERENCE
PHE = REF / "phe_indicator_methods"
RTOL = 1e-9
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def as_strings(path: Path) -> pd.DataFrame:
    """Read a CSV the way the CLI / web does: every cell a string."""
    return tabular.read_csv(str(path))


def expected(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=["NA"])


def same(actual, wanted, rtol: float = RTOL) -> None:
    a = np.asarray(actual, dtype=float)
    b = np.asarray(wanted, dtype=float)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=0, equal_nan=True)


def problems_of(func, df: pd.DataFrame, **kwargs) -> list[str]:
    with pytest.raises(InputProblem) as info:
        func(df, **kwargs)
    return info.value.problems


@pytest.mark.parametrize("name", ["wilson", "rate", "mean", "funnel"])
def test_methods_are_registered(name: str) -> None:
    assert callable(tabular.get_method(name))


# ----------------------------------------------------------------------------- wilson


@pytest.mark.parametrize("multiplier", ["1", "100"])
def test_wilson_frame_reproduces_reference(multiplier: str) -> None:
    path = PHE / "proportions_and_rates" / "proportion_wilson.csv"
    raw = as_strings(path)
    ref = expected(path)
    keep = (raw.multiplier == multiplier).to_numpy()
    inputs = raw.loc[keep, ["Area", "Numerator", "Denominator"]].reset_index(drop=True)
    want = ref[keep].reset_index(drop=True)
    mult = None if multiplier == "1" else float(multiplier)
    out = tabular.get_method("wilson")(inputs, multiplier=mult)
    assert list(out.columns) == [
        "Area",
        "Numerator",
        "Denominator",
        "value",
        *LIMITS,
        "statistic",
        "method",
    ]
    pd.testing.assert_frame_equal(out[["Area", "Numerator", "Denominator"]], inputs)
    for col in ["value", *LIMITS]:
        same(out[col], want[col])
    assert list(out.statistic) == list(want.statistic)
    assert list(out.method) == list(want.method)


def test_wilson_frame_single_level_and_lowercase_columns() -> None:
    df = pd.DataFrame({"numerator": ["65"], "denominator": ["100"], "note": ["x"]})
    out = tabular.get_method("wilson")(df, confidence=[0.998], multiplier=100)
    assert list(out.columns) == [
        "numerator",
        "denominator",
        "note",
        "value",
        "lower99_8cl",
        "upper99_8cl",
        "statistic",
        "method",
    ]
    ref = expected(PHE / "proportions_and_rates" / "proportion_wilson.csv")
    row = ref[(ref.Area == "Area4") & (ref.multiplier == 100)]
    same(out.lower99_8cl, row.lower99_8cl)
    assert out.statistic[0] == "percentage"


# ------------------------------------------------------------------------------- rate


@pytest.mark.parametrize("multiplier", ["100", "100000"])
def test_rate_frame_reproduces_reference(multiplier: str) -> None:
    path = PHE / "proportions_and_rates" / "rate_byars_exact.csv"
    raw = as_strings(path)
    ref = expected(path)
    keep = (raw.multiplier == multiplier).to_numpy()
    inputs = raw.loc[keep, ["Area", "Numerator", "Denominator"]].reset_index(drop=True)
    want = ref[keep].reset_index(drop=True)
    mult = None if multiplier == "100000" else float(multiplier)
    out = tabular.get_method("rate")(inputs, multiplier=mult)
    for col in ["value", *LIMITS]:
        same(out[col], want[col])
    assert list(out.statistic) == list(want.statistic)
    got_methods = [m if isinstance(m, str) else None for m in out.method]
    want_methods = [m if isinstance(m, str) else None for m in want.method]
    assert got_methods == want_methods


def test_rate_allows_numerator_above_denominator() -> None:
    df = pd.DataFrame({"numerator": ["250"], "denominator": ["220"]})
    out = tabular.get_method("rate")(df)
    ref = expected(PHE / "proportions_and_rates" / "rate_byars_exact.csv")
    row = ref[ref.Area == "Area12"]
    for col in ["value", *LIMITS]:
        same(out[col], row[col])


# ------------------------------------------------------------------------- validation


def test_validation_lists_every_problem() -> None:
    df = pd.DataFrame(
        {
            "numerator": ["1", "abc", "-3", "7", "5", "2"],
            "denominator": ["10", "10", "10", "5", "0", "x1"],
        }
    )
    problems = problems_of(tabular.get_method("wilson"), df)
    assert problems == [
        "row 3, column 'numerator': 'abc' is not a number",
        "row 7, column 'denominator': 'x1' is not a number",
        "row 4, column 'numerator': numerator must not be negative",
        "row 6, column 'denominator': denominator must not be 0",
        "row 5, column 'numerator': numerator is greater than the denominator",
    ]
    rate_problems = problems_of(tabular.get_method("rate"), df)
    assert not any("greater than" in p for p in rate_problems)
    assert len(rate_problems) == 4


def test_negative_denominator_and_infinite_values() -> None:
    df = pd.DataFrame({"numerator": ["1", "inf"], "denominator": ["-10", "10"]})
    problems = problems_of(tabular.get_method("rate"), df)
    assert "row 2, column 'denominator': denominator must not be negative" in problems
    assert "row 3, column 'numerator': 'inf' is not a number" in problems


@pytest.mark.parametrize("name", ["wilson", "rate"])
def test_missing_columns(name: str) -> None:
    df = pd.DataFrame({"num": ["1"], "denominator": ["2"]})
    assert problems_of(tabular.get_method(name), df) == ["missing column 'numerator'"]


@pytest.mark.parametrize("name", ["wilson", "rate", "mean"])
@pytest.mark.parametrize("bad", [[1.5], [0.0], [0.95, 95], [1.0], [-0.5]])
def test_confidence_outside_zero_one(name: str, bad: list[float]) -> None:
    if name == "mean":
        df = pd.DataFrame({"values": ["1", "2", "3"]})
    else:
        df = pd.DataFrame({"numerator": ["1"], "denominator": ["2"]})
    problems = problems_of(tabular.get_method(name), df, confidence=bad)
    assert any("outside (0, 1)" in p for p in problems)


@pytest.mark.parametrize("name", ["wilson", "rate"])
def test_bad_multiplier(name: str) -> None:
    df = pd.DataFrame({"numerator": ["1"], "denominator": ["2"]})
    assert problems_of(tabular.get_method(name), df, multiplier=0)


def test_problems_are_collected_before_any_computation() -> None:
    df = pd.DataFrame({"numerator": ["x"] * 3, "denominator": ["y"] * 3})
    problems = problems_of(tabular.get_method("wilson"), df, confidence=[2])
    assert len(problems) == 7


def test_empty_cells_give_empty_results() -> None:
    df = pd.DataFrame({"numerator": ["", "NA", "3"], "denominator": ["10", "10", ""]})
    out = tabular.get_method("wilson")(df)
    assert out[["value", *LIMITS]].isna().all().all()


# ------------------------------------------------------------------------------- mean


def test_mean_frame_reproduces_reference_grouped_and_ungrouped() -> None:
    raw = as_strings(PHE / "means" / "mean_input.csv")
    want = expected(PHE / "means" / "mean_results.csv")
    cols = ["value_sum", "value_count", "stdev", "value", *LIMITS]
    grouped = tabular.get_method("mean")(raw)
    assert list(grouped.columns) == list(want.columns)
    assert list(grouped.area) == ["Area1", "Area2"]
    for col in cols:
        same(grouped[col], want[col][:2])
    assert list(grouped.statistic) == list(want.statistic[:2])
    assert list(grouped.method) == list(want.method[:2])
    whole = tabular.get_method("mean")(raw[["values"]])
    assert list(whole.columns) == list(want.columns[1:])
    for col in cols:
        same(whole[col], want[col][2:])


def test_mean_frame_validation() -> None:
    df = pd.DataFrame({"area": ["a", "a", "b"], "values": ["1", "", "two"]})
    problems = problems_of(tabular.get_method("mean"), df)
    assert problems == [
        "row 4, column 'values': 'two' is not a number",
        "row 3, column 'values': value is missing",
    ]
    assert problems_of(tabular.get_method("mean"), pd.DataFrame({"area": ["a"]})) == [
        "missing column 'values'"
    ]
    assert problems_of(tabular.get_method("mean"), df.iloc[:1], multiplier=100)


# ----------------------------------------------------------------------------- funnel


def test_funnel_frame_proportions_reproduce_reference() -> None:
    raw = as_strings(PHE / "funnels" / "funnel_proportion_inputs.csv")
    out = tabular.get_method("funnel")(raw.drop(columns="significance"))
    assert list(out.significance) == list(raw.significance)
    num = raw.numerator.astype(float)
    den = raw.denominator.astype(float)
    same(out.value, num / den * 100)
    limits = expected(PHE / "funnels" / "funnel_proportion_limits.csv")
    np.testing.assert_allclose(out.baseline, limits.baseline[0], atol=1e-6)
    assert set(out.statistic) == {"percentage"} and set(out.method) == {"Wilson"}


def test_funnel_frame_ratios_reproduce_reference() -> None:
    raw = as_strings(PHE / "funnels" / "funnel_ratio_inputs.csv")
    out = tabular.get_method("funnel")(raw.drop(columns="significance"))
    assert list(out.significance) == list(raw.significance)
    same(out.value, raw.obs.astype(float) / raw.expected.astype(float))


@pytest.mark.parametrize("kind", ["dsr", "crude"])
def test_funnel_frame_rates_reproduce_reference(kind: str) -> None:
    raw = as_strings(PHE / "funnels" / "funnel_rate_significance.csv")
    rate_col = "rate_dsr" if kind == "dsr" else "rate_crude_per_100000"
    df = pd.DataFrame(
        {
            "numerator": raw["count"],
            "rate": raw[rate_col],
            "denominator": raw["pop"],
            "rate_type": kind,
        }
    )
    out = tabular.get_method("funnel")(df)
    assert list(out.significance) == list(raw[f"{kind}_per_100000_with_0"])
    assert set(out.statistic) == {f"rate ({kind} per 100,000)"}


def test_funnel_frame_validation() -> None:
    func = tabular.get_method("funnel")
    df = pd.DataFrame({"numerator": ["5", "x", "12"], "denominator": ["10", "10", "10"]})
    assert problems_of(func, df) == [
        "row 3, column 'numerator': 'x' is not a number",
        "row 4, column 'numerator': numerator is greater than the denominator",
    ]
    assert problems_of(func, pd.DataFrame({"a": ["1"]}))[0].startswith("need columns")
    ok = pd.DataFrame({"obs": ["5"], "expected": ["4"]})
    assert problems_of(func, ok, confidence=[0.9]) == [
        "funnel limits are always at 95% and 99.8%; leave confidence out"
    ]
    assert any("outside (0, 1)" in p for p in problems_of(func, ok, confidence=[1.5]))
    bad_rate = pd.DataFrame({"numerator": ["5", "0"], "rate": ["", ""], "rate_type": "dsr"})
    assert problems_of(func, bad_rate) == ["row 2, column 'rate': value is missing"]
