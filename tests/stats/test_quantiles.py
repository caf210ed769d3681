"""Quantile assignment against ``quantiles/quantiles.csv`` (exact integer match, NA included)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jointly.stats.quantiles import (
    MIXED_INVERT_ERROR,
    TOO_FEW_WARNING,
    assign_quantiles,
    quantile_description,
)
from tests.paths import REFERENCE

REF = REFERENCE
DATA = pd.read_csv(
    REF / "phe_indicator_methods" / "quantiles" / "quantiles.csv",
    keep_default_na=False,
    na_values=["NA"],
)
INVERT = {"RAG - High is good": False, "RAG - Low is good": True, "True": True, "False": False}
GOOD = DATA[DATA.Test.str.startswith("Good")]

CONFIGS = {
    "IndSexReg": (["IndSexRef", "ParentCode"], 10),
    "IndSex": (["IndSexRef"], 7),
    "None": (None, 4),
}


def run(rows: pd.DataFrame, group_cols, k: int, invert=None) -> np.ndarray:
    groups = None
    if group_cols:
        groups = rows[group_cols].astype(str).agg("|".join, axis=1).to_numpy()
    if invert is None:
        invert = rows.Polarity.map(INVERT).to_numpy()
    return assign_quantiles(rows.Value.to_numpy(), k, invert=invert, groups=groups)


def check(got: np.ndarray, want: pd.Series) -> None:
    want_arr = want.to_numpy(dtype=float)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want_arr))
    np.testing.assert_array_equal(got[~np.isnan(got)], want_arr[~np.isnan(want_arr)])


def test_file_size_and_coverage() -> None:
    assert len(DATA) == 1017
    assert len(GOOD) == 982
    assert set(GOOD.GroupSet) == set(CONFIGS)


@pytest.mark.parametrize("groupset", list(CONFIGS))
def test_groupset(groupset: str) -> None:
    rows = GOOD[GOOD.GroupSet == groupset]
    cols, k = CONFIGS[groupset]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        invert = True if groupset == "None" else None
        got = run(rows, cols, k, invert)
    check(got, rows.QuantileInGrp)


def test_none_groupset_grouped_by_groupset_is_the_same() -> None:
    rows = GOOD[GOOD.GroupSet == "None"]
    got = assign_quantiles(rows.Value, 4, groups=rows.GroupSet.to_numpy())
    check(got, rows.QuantileInGrp)


def test_single_indicator_with_too_few_areas_warns() -> None:
    rows = GOOD[(GOOD.GroupSet == "IndSexReg") & (GOOD.IndSexRef == "90366Female")]
    assert len(rows)
    with pytest.warns(UserWarning, match=TOO_FEW_WARNING):
        got = run(rows, ["IndSexRef", "ParentCode"], 10, invert=False)
    check(got, rows.QuantileInGrp)


def test_region_all_missing_warns_and_gives_no_quantiles() -> None:
    rows = GOOD[GOOD.GroupSet == "IndSexReg"].copy()
    region = rows.ParentCode == "E12000006"
    assert region.any()
    rows.loc[region, "Value"] = np.nan
    with pytest.warns(UserWarning, match=TOO_FEW_WARNING):
        got = run(rows, ["IndSexRef", "ParentCode"], 10)
    assert np.isnan(got[region.to_numpy()]).all()
    others = ~region.to_numpy()
    check(got[others], rows.QuantileInGrp[others])


def test_polarity_varying_within_group_is_an_error() -> None:
    rows = DATA[DATA.Test == "BadPolarity"]
    assert len(rows) == 35
    with pytest.raises(ValueError, match=MIXED_INVERT_ERROR):
        run(rows, ["IndSexRef"], 7)


def test_properties() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=1000)
    q = assign_quantiles(x, 10, invert=False)
    assert set(np.unique(q)) == set(range(1, 11))
    assert np.all(np.bincount(q.astype(int))[1:] == 100)
    order = np.argsort(x)
    assert np.all(np.diff(q[order]) >= 0)
    np.testing.assert_array_equal(assign_quantiles(x, 10), 11 - q)
    assert quantile_description(True) == "lowest quantile represents highest values"
