"""SPC outputs pinned whole (issue 18): every key and value of the per-point dicts, the summary
frame and the CSV frame for small series worked by hand.  Expected values are written out here
(mean, moving ranges, 2.66 x AMR), never taken from the code under test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jointly.stats import spc
from jointly.stats.errors import InputProblem

# y = 1 2 1 2 1 2 1 2 1 5.5 1 9 (monthly from January 2024).
# Moving ranges: 1 x8, 4.5, 4.5, 8 -> sum 25 over 11 -> AMR 25/11; the screen 3.267 x 25/11 = 7.43
# drops the 8 only -> AMR 17/10 = 1.7.  Mean (6 x 1 + 4 x 2 + 5.5 + 9)/12 = 28.5/12 = 2.375.
# Limits 2.375 -/+ 2.66 x 1.7 = 2.375 -/+ 4.522 -> -2.147 .. 6.897; near limits
# 2.375 -/+ 1.7733 x 1.7 = 2.375 -/+ 3.0147 -> -0.640 .. 5.390.  The first nine points are below the
# mean (2 < 2.375): a run of 9 below.  5.5 is above the near upper limit but inside the upper limit:
# close to a limit, alone (its neighbours are below the mean) so common cause.  9 is above the upper
# limit.
Y = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 5.5, 1.0, 9.0]
DATES = [dt.date(2024, m, 1) for m in range(1, 13)]
MEAN = 28.5 / 12
AMR = 1.7
LPL, UPL = MEAN - 2.66 * AMR, MEAN + 2.66 * AMR
NLPL, NUPL = MEAN - 2.66 * 2 / 3 * AMR, MEAN + 2.66 * 2 / 3 * AMR


def _expected_point(i: int) -> dict[str, Any]:
    y = Y[i]
    if i < 9:
        label, ptype, flag = "7 Points Below CL", "special_cause_concern", True
    elif i == 11:
        label, ptype, flag = "Above UCL", "special_cause_improvement", True
    else:
        label, ptype, flag = "Common Cause", "common_cause", False
    return {
        "date": DATES[i].isoformat(),
        "value": y,
        "rebase_group": 0,
        "mean": MEAN,
        "lpl": LPL,
        "upl": UPL,
        "near_lpl": NLPL,
        "near_upl": NUPL,
        "outside_limits": i == 11,
        "relative_to_mean": 1 if y > MEAN else -1,
        "close_to_limits": i == 9,
        "special_cause_type": label,
        "special_cause_flag": flag,
        "point_type": ptype,
    }


def _assert_record(got: dict[str, Any], expected: dict[str, Any]) -> None:
    assert list(got) == list(expected)
    for key, want in expected.items():
        assert type(got[key]) is type(want), key
        if isinstance(want, float):
            assert got[key] == pytest.approx(want, rel=1e-12), key
        else:
            assert got[key] == want, key


def test_points_pinned_whole() -> None:
    r = spc.spc_series(DATES[::-1], Y[::-1], target=10.0)
    assert len(r.points()) == 12
    for i, rec in enumerate(r.points()):
        _assert_record(rec, _expected_point(i))
    assert r.improvement_direction == "increase" and r.target == 10.0
    # last point above the upper limit, direction increase; target 10 above the upper limit 6.90
    assert (r.variation_type, r.variation_icon) == ("special_cause_improvement", "improvement_high")
    assert (r.assurance_type, r.assurance_icon) == ("consistent_fail", "fail")
    assert r.short_group_warning is True and r.warnings == [spc.SHORT_GROUP_WARNING]


def test_points_of_a_constant_series_have_no_limits() -> None:
    # all moving ranges 0: none is strictly below 3.267 x 0, so no AMR and no limits
    r = spc.spc_series(DATES[:3], [4.0, 4.0, 4.0])
    assert r.points()[1] == {
        "date": "2024-02-01",
        "value": 4.0,
        "rebase_group": 0,
        "mean": 4.0,
        "lpl": None,
        "upl": None,
        "near_lpl": None,
        "near_upl": None,
        "outside_limits": False,
        "relative_to_mean": 0,
        "close_to_limits": False,
        "special_cause_type": "Common Cause",
        "special_cause_flag": False,
        "point_type": "common_cause",
    }


def test_spc_series_drops_missing_values_before_rebasing() -> None:
    # a missing value on the same day as a real one must not take the rebase away from it
    dates = [dt.date(2024, 1, d) for d in (1, 2, 3, 3, 4)]
    r = spc.spc_series(dates, [1.0, 2.0, np.nan, 10.0, 12.0], rebase_dates=[dt.date(2024, 1, 3)])
    assert r.values.tolist() == [1.0, 2.0, 10.0, 12.0]
    assert r.rebase_group.tolist() == [0, 0, 1, 1]
    assert r.mean.tolist() == [1.5, 1.5, 11.0, 11.0]


def test_spc_series_accepts_integer_values_and_string_dates() -> None:
    r = spc.spc_series(["2024-01-03", "2024-01-01", "2024-01-02"], [3, 1, 2], rebase_dates=["2024-01-02"])
    assert r.dates == [dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)]
    assert r.values.dtype == np.float64 and r.values.tolist() == [1.0, 2.0, 3.0]
    assert r.rebase_group.tolist() == [0, 1, 1]
    assert r.mean.tolist() == [1.0, 2.5, 2.5]


# ----------------------------------------------------------------------------------------------
# spc_summary, pinned whole
# ----------------------------------------------------------------------------------------------


def _days(n: int, start: dt.date = dt.date(2024, 1, 1)) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def test_summary_pinned_whole() -> None:
    alternating = [1.0, 2.0] * 6 + [1.0]  # 13 points: mean 19/13, moving ranges all 1 -> AMR 1
    frame = pd.DataFrame(
        {
            # "b" first: the summary keeps the order of first appearance
            "series": ["b"] * 3 + ["a"] * 14 + ["c"] * 13,
            "date": _days(3) + _days(14) + _days(13),
            # b: 1 3 2 -> mean 2, moving ranges 2 1 -> AMR 1.5 (none screened: both < 4.9)
            # a: 50 alone in group 0 (one short point), then the 13 alternating points in group 1
            # c: the 13 alternating points, one group of 13 (not short)
            "value": [1.0, 3.0, 2.0] + [50.0] + alternating + alternating,
            "target": [100.0] * 3 + [np.nan] * 14 + [0.0] * 13,
            "improvement_direction": ["decrease"] * 3 + ["increase"] * 14 + ["neutral"] * 13,
            "rebase": [0] * 3 + [0, 1] + [0] * 12 + [0] * 13,
        }
    )
    summ = spc.spc_summary(spc.spc_points(frame))
    assert list(summ.columns) == [
        "series",
        "n",
        "mean_col",
        "lpl",
        "upl",
        "target",
        "improvement_direction",
        "variation_type",
        "variation_icon",
        "assurance_type",
        "assurance_icon",
        "short_group_warning",
    ]
    assert summ["series"].tolist() == ["b", "a", "c"]
    assert summ["n"].tolist() == [3, 14, 13]
    m = 19 / 13
    np.testing.assert_allclose(summ["mean_col"], [2.0, m, m], rtol=1e-12)
    np.testing.assert_allclose(summ["lpl"], [2.0 - 2.66 * 1.5, m - 2.66, m - 2.66], rtol=1e-12)
    np.testing.assert_allclose(summ["upl"], [2.0 + 2.66 * 1.5, m + 2.66, m + 2.66], rtol=1e-12)
    np.testing.assert_array_equal(summ["target"], [100.0, np.nan, 0.0])
    assert summ["improvement_direction"].tolist() == ["decrease", "increase", "neutral"]
    assert summ["variation_type"].tolist() == ["common_cause"] * 3
    assert summ["variation_icon"].tolist() == ["common_cause"] * 3
    # b: target 100 above the upper limit 5.99 and decrease wanted: pass; a: no target; c: neutral
    assert summ["assurance_type"].tolist()[0] == "consistent_pass"
    assert summ["assurance_type"].isna().tolist() == [False, True, True]
    assert summ["assurance_icon"].tolist()[0] == "pass"
    assert summ["assurance_icon"].isna().tolist() == [False, True, True]
    assert summ["short_group_warning"].tolist() == [True, True, False]
    assert summ["short_group_warning"].dtype == bool


def test_summary_of_a_single_point_per_series() -> None:
    frame = pd.DataFrame({"series": ["x", "y"], "date": _days(1) * 2, "value": [3.0, 4.0]})
    summ = spc.spc_summary(spc.spc_points(frame))
    assert summ["series"].tolist() == ["x", "y"] and summ["n"].tolist() == [1, 1]
    assert summ["mean_col"].tolist() == [3.0, 4.0]


# ----------------------------------------------------------------------------------------------
# spc_frame: defaults, words, index, messages
# ----------------------------------------------------------------------------------------------


def _csv(series: list[str], dates: list[str], values: list[str], **extra: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"series": series, "date": dates, "value": values, **extra})


def _iso(n: int) -> list[str]:
    return [d.isoformat() for d in _days(n)]


def test_frame_screens_outliers_by_default() -> None:
    # Y: screened AMR 1.7 (worked above); unscreened AMR 25/11
    table = _csv(["s"] * 12, [d.isoformat() for d in DATES], [repr(v) for v in Y])
    out = spc.spc_frame(table)
    np.testing.assert_allclose(out["lpl"], LPL, rtol=1e-12)
    np.testing.assert_allclose(out["upl"], UPL, rtol=1e-12)
    raw = spc.spc_frame(table, screen_outliers=False)
    np.testing.assert_allclose(raw["upl"], MEAN + 2.66 * 25 / 11, rtol=1e-12)
    assert out["special_cause_type"].tolist() == [_expected_point(i)["special_cause_type"] for i in range(12)]
    assert out["point_type"].tolist() == [_expected_point(i)["point_type"] for i in range(12)]
    assert out["special_cause_flag"].tolist() == [_expected_point(i)["special_cause_flag"] for i in range(12)]


def test_frame_keeps_the_callers_index() -> None:
    # 1 3 2: mean 2, AMR 1.5 -> limits 2 -/+ 3.99
    table = _csv(["s"] * 3, _iso(3), ["1", "3", "2"])
    table.index = pd.Index(["x", "y", "z"])
    out = spc.spc_frame(table)
    assert list(out.index) == ["x", "y", "z"]
    assert out["value"].tolist() == ["1", "3", "2"]
    np.testing.assert_allclose(out["mean_col"], [2.0] * 3)
    np.testing.assert_allclose(out["lpl"], [2.0 - 3.99] * 3)
    np.testing.assert_allclose(out["upl"], [2.0 + 3.99] * 3)
    assert out["special_cause_type"].tolist() == ["Common Cause"] * 3
    assert out["assurance_type"].tolist() == [""] * 3
    # with an index that is not 0..n-1 and a target but no direction: increase is assumed
    table["target"] = ["", "", "100"]
    out = spc.spc_frame(table)
    assert out["assurance_type"].tolist() == ["", "", "consistent_fail"]


def test_frame_rebase_words() -> None:
    # every spelling, any case; only 1 / true / yes start a group (rows 2, 4 and 6 here)
    words = ["0", "True", "no", "YES", "false", "1", ""]
    table = _csv(["s"] * 7, _iso(7), ["1", "2", "3", "4", "5", "6", "7"], rebase=words)
    out = spc.spc_frame(table)
    # groups: 1 | 2 3 | 4 5 | 6 7 -> means 1, 2.5, 4.5, 6.5
    assert out["mean_col"].tolist() == [1.0, 2.5, 2.5, 4.5, 4.5, 6.5, 6.5]


def test_frame_direction_default_and_given_on_one_row() -> None:
    # 1 3 2 with target 100 (above the upper limit 5.99): increase fails, decrease passes
    base = _csv(["s"] * 3, _iso(3), ["1", "3", "2"], target=["100", "", ""])
    assert spc.spc_frame(base)["assurance_type"].tolist() == ["", "", "consistent_fail"]
    given = base.assign(improvement_direction=["", "Decrease", ""])
    assert spc.spc_frame(given)["assurance_type"].tolist() == ["", "", "consistent_pass"]
    empty = base.assign(improvement_direction=["", "", ""])
    assert spc.spc_frame(empty)["assurance_type"].tolist() == ["", "", "consistent_fail"]


def test_frame_impossible_first_iso_date_is_a_problem() -> None:
    table = _csv(["s", "s"], ["2021-13-01", "2021-01-02"], ["1", "2"])
    with pytest.raises(InputProblem) as info:
        spc.spc_frame(table)
    assert info.value.problems == [
        "row 2, column 'date': '2021-13-01' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    ]


def test_frame_missing_columns_come_before_cell_problems() -> None:
    table = pd.DataFrame({"date": ["2024-01-01", "soon"], "value": ["1", "x"]})
    with pytest.raises(InputProblem) as info:
        spc.spc_frame(table)
    assert info.value.problems == [
        "missing required column 'series'",
        "row 3, column 'date': 'soon' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        "row 3, column 'value': 'x' is not a number",
    ]


def test_frame_duplicate_dates_refer_to_the_first_row() -> None:
    table = _csv(
        ["b", "a", "b", "a", "b", "a"],
        ["2024-01-02", "2024-01-02", "02/01/2024", "2024-01-03", "2024-01-02", "bad"],
        ["1", "2", "3", "4", "5", "6"],
        target=["", "7", "", "8", "", "9"],
    )
    with pytest.raises(InputProblem) as info:
        spc.spc_frame(table)
    assert info.value.problems == [
        "row 4, column 'date': series 'b' already has a point on 2024-01-02 (row 2)",
        "row 5, column 'target': '8' differs from '7' in row 3 for series 'a' (a series must have one target)",
        "row 6, column 'date': series 'b' already has a point on 2024-01-02 (row 2)",
        "row 7, column 'date': 'bad' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ]


def test_spc_series_none_is_a_missing_value() -> None:
    r = spc.spc_series(_days(4), [1.0, None, 3.0, 2.0])
    assert r.dates == [dt.date(2024, 1, 1), dt.date(2024, 1, 3), dt.date(2024, 1, 4)]
    assert r.values.tolist() == [1.0, 3.0, 2.0] and r.mean.tolist() == [2.0] * 3


def test_spc_series_rebase_before_the_first_point_and_between_points() -> None:
    # rebase dates 2023-12-31 (before everything: group 1 from the start) and 2024-01-03 (a day
    # without a point: the next point, 4 January, starts group 2); given in any order
    dates = [dt.date(2024, 1, d) for d in (1, 2, 4, 5)]
    r = spc.spc_series(dates, [1.0, 3.0, 10.0, 20.0], rebase_dates=["2024-01-03", dt.date(2023, 12, 31)])
    assert r.rebase_group.tolist() == [1, 1, 2, 2]
    assert r.mean.tolist() == [2.0, 2.0, 15.0, 15.0]


def test_summary_of_no_points_has_text_columns() -> None:
    empty = pd.DataFrame({"series": [], "date": pd.to_datetime([]), "value": []})
    summ = spc.spc_summary(spc.spc_points(empty))
    assert len(summ) == 0 and summ["short_group_warning"].dtype == bool
    for col in ("variation_type", "variation_icon", "assurance_type", "assurance_icon"):
        assert summ[col].dtype == object, col


def test_frame_row_of_a_missing_value_is_blank() -> None:
    # 1 3 (missing) 2 with target 100: the missing row is left out -> 1 3 2, mean 2, limits 2 -/+ 3.99
    table = _csv(["s"] * 4, _iso(4), ["1", "3", "", "2"], target=["100", "", "", ""])
    out = spc.spc_frame(table)
    blank = out.iloc[2]
    assert blank["value"] == "" and np.isnan(blank["mean_col"])
    assert np.isnan(blank["lpl"]) and np.isnan(blank["upl"]) and pd.isna(blank["special_cause_flag"])
    assert (blank["special_cause_type"], blank["point_type"], blank["assurance_type"]) == ("", "", "")
    assert out["point_type"].tolist() == ["common_cause", "common_cause", "", "common_cause"]
    assert out["assurance_type"].tolist() == ["", "", "", "consistent_fail"]
    np.testing.assert_allclose(out["upl"].to_numpy()[[0, 1, 3]], 2.0 + 3.99)


# ----------------------------------------------------------------------------------------------
# spc_points, pinned whole
# ----------------------------------------------------------------------------------------------


def test_spc_points_pinned_whole() -> None:
    # series "y": Y (worked above) given newest first with integer-free floats; series "k": 1 3 2
    # (mean 2, AMR 1.5) given as integers with an integer target, rebased at its second point
    frame = pd.DataFrame(
        {
            "series": ["y"] * 12 + ["k"] * 3,
            "date": [d.isoformat() for d in DATES[::-1]] + ["2024-01-01", "2024-01-02", "2024-01-03"],
            "value": Y[::-1] + [1, 3, 2],
            "target": [10.0] * 12 + [7, 7, 7],
            "improvement_direction": ["increase"] * 12 + ["neutral"] * 3,
            "rebase": [False] * 12 + [False, True, False],
        },
        index=range(100, 115),
    )
    pts = spc.spc_points(frame)
    assert list(pts.columns) == [
        "series",
        "date",
        "value",
        "target",
        "improvement_direction",
        "point_index",
        "rebase_group",
        "short_group_warning",
        "fix_y",
        "mean_col",
        "lpl",
        "upl",
        "near_lpl",
        "near_upl",
        "outside_limits",
        "relative_to_mean",
        "close_to_limits",
        "special_cause_type",
        "special_cause_flag",
        "point_type",
        "assurance_type",
    ]
    assert list(pts.index) == list(range(111, 99, -1)) + [112, 113, 114]
    assert pts["series"].tolist() == ["y"] * 12 + ["k"] * 3
    assert pts["date"].tolist() == [pd.Timestamp(d) for d in DATES] + [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-01-02"),
        pd.Timestamp("2024-01-03"),
    ]
    assert pts["value"].dtype == np.float64 and pts["value"].tolist() == Y + [1.0, 3.0, 2.0]
    assert pts["target"].dtype == np.float64 and pts["target"].tolist() == [10.0] * 12 + [7.0] * 3
    assert pts["improvement_direction"].tolist() == ["increase"] * 12 + ["neutral"] * 3
    assert pts["point_index"].tolist() == list(range(1, 13)) + [1, 2, 3]
    assert pts["rebase_group"].tolist() == [0] * 12 + [0, 1, 1]
    assert pts["short_group_warning"].tolist() == [True] * 15
    assert pts["fix_y"].tolist() == Y + [1.0, 3.0, 2.0]
    # k: group 0 is the single point 1 (no moving range: no limits); group 1 is 3 2 (mean 2.5,
    # moving range 1 -> AMR 1; the screen keeps it: 1 < 3.267)
    m = [MEAN] * 12 + [1.0, 2.5, 2.5]
    np.testing.assert_allclose(pts["mean_col"], m, rtol=1e-12)
    np.testing.assert_allclose(pts["lpl"], [LPL] * 12 + [np.nan, 2.5 - 2.66, 2.5 - 2.66], rtol=1e-12)
    np.testing.assert_allclose(pts["upl"], [UPL] * 12 + [np.nan, 2.5 + 2.66, 2.5 + 2.66], rtol=1e-12)
    near = 2.66 * 2 / 3
    np.testing.assert_allclose(pts["near_lpl"], [NLPL] * 12 + [np.nan, 2.5 - near, 2.5 - near], rtol=1e-12)
    np.testing.assert_allclose(pts["near_upl"], [NUPL] * 12 + [np.nan, 2.5 + near, 2.5 + near], rtol=1e-12)
    assert pts["outside_limits"].tolist() == [False] * 11 + [True] + [False] * 3
    assert pts["relative_to_mean"].tolist() == [-1] * 9 + [1, -1, 1] + [0, 1, -1]
    assert pts["close_to_limits"].tolist() == [False] * 9 + [True] + [False] * 5
    expected = [_expected_point(i) for i in range(12)]
    assert (
        pts["special_cause_type"].astype(str).tolist()
        == [e["special_cause_type"] for e in expected] + ["Common Cause"] * 3
    )
    assert pts["special_cause_flag"].tolist() == [e["special_cause_flag"] for e in expected] + [False] * 3
    assert (
        pts["point_type"].astype(str).tolist() == [e["point_type"] for e in expected] + ["common_cause"] * 3
    )
    # assurance on the last point of each series: y (increase, target 10 above 6.90) fails; k is neutral
    # (pandas 3 stores the other cells of this text column as missing: NaN)
    assert pts["assurance_type"].iloc[11] == "consistent_fail"
    assert pts["assurance_type"].isna().tolist() == [True] * 11 + [False] + [True] * 3


def test_spc_points_duplicate_time_of_day_in_the_message() -> None:
    frame = pd.DataFrame(
        {"series": ["a", "a"], "date": ["2024-01-01 10:30", "2024-01-01 10:30"], "value": [1.0, 2.0]}
    )
    with pytest.raises(ValueError, match=r"^series 'a' has more than one point on 2024-01-01T10:30:00$"):
        spc.spc_points(frame)


def test_frame_problems_of_one_cell_keep_their_order() -> None:
    # row 3's direction is both unknown and different from row 2's: the cell check comes first
    table = _csv(["s", "s"], _iso(2), ["1", "2"], improvement_direction=["decrease", "up"])
    with pytest.raises(InputProblem) as info:
        spc.spc_frame(table)
    assert info.value.problems == [
        "row 3, column 'improvement_direction': 'up' is not one of increase, decrease, neutral",
        (
            "row 3, column 'improvement_direction': 'up' differs from 'decrease' in row 2 for series 's' "
            "(a series must have one improvement direction)"
        ),
    ]


def test_spc_points_integer_columns_and_missing_rebase_cells() -> None:
    # all-integer values and targets come out as floats; a missing rebase cell is no rebase;
    # 1 2 | 3 4 (rebase at the third point) -> means 1.5 and 3.5
    frame = pd.DataFrame(
        {
            "series": ["a"] * 4,
            "date": _iso(4),
            "value": [1, 2, 3, 4],
            "target": [5, 5, 5, 5],
            "rebase": [np.nan, np.nan, 1.0, np.nan],
        }
    )
    pts = spc.spc_points(frame)
    assert pts["value"].dtype == np.float64 and pts["target"].dtype == np.float64
    assert pts["date"].dtype == np.dtype("datetime64[ns]")
    assert pts["rebase_group"].tolist() == [0, 0, 1, 1]
    assert pts["mean_col"].tolist() == [1.5, 1.5, 3.5, 3.5]
    no_target = spc.spc_points(frame.drop(columns=["target"]))
    assert no_target["target"].dtype == np.float64 and no_target["target"].isna().all()


def test_rule_helpers_return_small_integer_codes() -> None:
    y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    rtm = [1] * 8
    close = [0, 1, 1, 0, 0, 0, 0, 0]
    results = {
        "seven_point_one_side_mean": spc.seven_point_one_side_mean(rtm),
        "part_of_seven": spc.part_of_seven([0] * 6 + [1, 0]),
        "seven_point_trend": spc.seven_point_trend(y),
        "two_in_three": spc.two_in_three(close, rtm),
        "part_of_two_in_three": spc.part_of_two_in_three([1, 1, 1, 0, 0, 0, 0, 0], close),
        "special_cause_types": spc.special_cause_types(y, rtm, [0] * 8, [1] * 8, [1] * 8, [0] * 8),
        "point_types": spc.point_types([3] * 8, [1] * 8),
    }
    for name, got in results.items():
        assert got.dtype == np.int8, name
    assert results["seven_point_one_side_mean"].tolist() == [0] * 6 + [1, 1]
    assert results["part_of_seven"].tolist() == [1] * 7 + [0]
    # 8 rising points: the 7th and 8th points each end 6 rising steps
    assert results["seven_point_trend"].tolist() == [0] * 6 + [1, 1]
    assert results["two_in_three"].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert results["part_of_two_in_three"].tolist() == [0, 1, 1, 0, 0, 0, 0, 0]
    assert results["special_cause_types"].tolist() == [3] * 8  # trend up beats the run
    assert results["point_types"].tolist() == [1] * 8


def test_assurance_without_a_target_or_without_limits() -> None:
    # None is a missing target; missing limits (a constant series) leave the target inconsistent
    got = spc.assurance_types([1, -1, 1], [0.0, 0.0, None], [10.0, 10.0, None], [None, None, 5.0])
    assert got.tolist() == [None, None, "inconsistent"]


def test_spc_points_duplicate_after_the_first_date() -> None:
    frame = pd.DataFrame(
        {"series": ["a", "b", "b", "b"], "date": _iso(1) + _iso(2) + _iso(2)[1:], "value": [1.0, 2, 3, 4]}
    )
    with pytest.raises(ValueError, match=r"^series 'b' has more than one point on 2024-01-02$"):
        spc.spc_points(frame)


def test_spc_points_no_trend_across_two_series() -> None:
    # a: ... 1 2 3 4 then b: 5 6 7 8 ...: 7 rising steps only if the series ran together
    a, b = [5.0, 1.0, 5.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0, 0.0, 8.0, 0.0]
    assert spc.seven_point_trend(a + b).tolist()[10] == 1  # one series: the 11th point ends a trend
    frame = pd.DataFrame({"series": ["a"] * 7 + ["b"] * 7, "date": _iso(7) * 2, "value": a + b})
    labels = spc.spc_points(frame)["special_cause_type"].astype(str)
    assert not labels.str.startswith("7 Point Trend").any()
