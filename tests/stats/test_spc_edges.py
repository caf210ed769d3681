"""SPC edges pinned (issue 18): targets on a limit, trends and runs at series boundaries, the
outlier screen's strict inequality, defaults and messages.  Expected values are worked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from jointly.stats import spc
from jointly.stats.errors import InputProblem


def test_constants_as_in_making_data_count() -> None:
    assert (spc.LIMIT_MULTIPLIER, spc.SCREEN_MULTIPLIER, spc.RUN_LENGTH) == (2.66, 3.267, 7)
    assert spc.NEAR_LIMIT_MULTIPLIER == pytest.approx(2.66 * 2 / 3, rel=1e-15)
    assert (spc.MIN_FIX_AFTER_N_POINTS, spc.DEFAULT_WARNING_THRESHOLD) == (12, 13)


def test_a_target_exactly_on_a_process_limit_is_inconsistent() -> None:
    # limits 0 .. 10; targets on, just inside and just outside each limit
    d = [1, 1, 1, 1, -1, -1, -1, -1, 1, 0]
    target = [10.0, 0.0, 10.000001, -0.000001, 10.0, 0.0, 10.000001, -0.000001, np.nan, 20.0]
    got = spc.assurance_types(d, [0.0] * 10, [10.0] * 10, target).tolist()
    assert got == [
        "inconsistent", "inconsistent", "consistent_fail", "consistent_pass",
        "inconsistent", "inconsistent", "consistent_pass", "consistent_fail",
        None, None,
    ]  # fmt: skip


def test_xmr_limits_by_hand() -> None:
    # y = 1, 3, 2, 4, 3: mean 2.6, moving ranges 2, 1, 2, 1 → AMR 1.5 (none screened: all < 4.9)
    lim = spc.xmr_limits([1.0, 3.0, 2.0, 4.0, 3.0])
    assert lim["mean"].tolist() == pytest.approx([2.6] * 5)
    assert lim["amr"].tolist() == pytest.approx([1.5] * 5)
    assert lim["lpl"][0] == pytest.approx(2.6 - 2.66 * 1.5)
    assert lim["upl"][0] == pytest.approx(2.6 + 2.66 * 1.5)
    assert lim["nlpl"][0] == pytest.approx(2.6 - 2.66 * 1.5 * 2 / 3)
    assert lim["nupl"][0] == pytest.approx(2.6 + 2.66 * 1.5 * 2 / 3)


def test_outlier_screen_drops_a_moving_range_equal_to_the_screen_limit() -> None:
    # moving ranges 433.25 ×4 and 3267: AMR = 5000/5 = 1000, screen limit 3.267 × 1000 = 3267, and
    # "not strictly below" drops the 3267 → AMR 433.25
    y = [0.0, 433.25, 0.0, 433.25, 0.0, 3267.0]
    assert spc.xmr_limits(y)["amr"][0] == 433.25
    assert spc.xmr_limits(y, screen_outliers=False)["amr"][0] == 1000.0
    # just below the screen limit it stays
    y[-1] = 3266.0  # AMR = 4999/5 = 999.8, limit 3266.35: kept
    assert spc.xmr_limits(y)["amr"][0] == pytest.approx(999.8)


def test_xmr_limits_per_group_and_baseline_prefix() -> None:
    y = [1.0, 3.0, 10.0, 20.0, 40.0]
    lim = spc.xmr_limits(y, ["a", "a", "b", "b", "b"])
    # group a: mean 2, AMR 2; group b: mean 70/3, ranges 10, 20 → AMR 15 (the 7 between groups is no range)
    assert lim["mean"].tolist() == pytest.approx([2, 2, 70 / 3, 70 / 3, 70 / 3])
    assert lim["amr"].tolist() == pytest.approx([2, 2, 15, 15, 15])
    lim = spc.xmr_limits(y, baseline=[True, True, True, False, False])
    # baseline 1, 3, 10: mean 14/3, ranges 2, 7 → AMR 4.5, applied to every point
    assert lim["mean"].tolist() == pytest.approx([14 / 3] * 5)
    assert lim["amr"].tolist() == pytest.approx([4.5] * 5)
    with pytest.raises(ValueError, match=r"^groups must have one label per point$"):
        spc.xmr_limits(y, ["a", "b"])


def test_a_run_needs_seven_points_on_one_side_and_a_point_on_the_mean_breaks_it() -> None:
    assert spc.seven_point_one_side_mean([1] * 6).tolist() == [0] * 6
    assert spc.seven_point_one_side_mean([1] * 7).tolist() == [0] * 6 + [1]
    assert spc.seven_point_one_side_mean([-1] * 8).tolist() == [0] * 6 + [1, 1]
    assert spc.seven_point_one_side_mean([1, 1, 1, 0, 1, 1, 1, 1]).tolist() == [0] * 8
    assert spc.seven_point_one_side_mean([0] * 9).tolist() == [0] * 9
    # a run split over two series is no run
    assert spc.seven_point_one_side_mean([1] * 8, ["a"] * 4 + ["b"] * 4).tolist() == [0] * 8
    assert spc.part_of_seven([0] * 6 + [1]).tolist() == [1] * 7
    assert spc.part_of_seven([0] * 7 + [-1]).tolist() == [0] + [1] * 7
    assert spc.part_of_seven([0, 0, 0, 1], ["a", "a", "b", "b"]).tolist() == [0, 0, 1, 1]


def test_a_trend_ending_at_the_last_point_of_one_series_followed_by_another() -> None:
    y = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]  # one long rise split after the 7th point
    groups = ["a"] * 7 + ["b"] * 6
    assert spc.seven_point_trend(y, groups).tolist() == [0] * 6 + [1] + [0] * 6
    assert spc.seven_point_trend(y[:6]).tolist() == [0] * 6
    assert spc.seven_point_trend(y[::-1][:8]).tolist() == [0] * 6 + [-1, -1]
    # a tie breaks a trend
    assert spc.seven_point_trend([1.0, 2, 3, 3, 4, 5, 6, 7]).tolist() == [0] * 8
    # the first series rises into its last point; the next series falls and is all trend
    y = [1.0, 2, 3, 4, 5, 6, 7, 6.5, 6, 5, 4, 3, 2, 1]
    groups = ["a"] * 7 + ["b"] * 7
    trend = spc.part_of_seven(spc.seven_point_trend(y, groups), groups)
    assert trend.tolist() == [1] * 14  # each series is a trend of its own: 7 points, 6 steps
    trend = np.array([1] * 14)
    code = spc.special_cause_types(y, [0] * 14, [0] * 14, trend, [0] * 14, [0] * 14, groups)
    # the last point of "a" rose into itself: its direction is not taken from the fall into "b"
    assert code[6] == 3 and code[7] == 4  # 7 Point Trend (Increasing) / (Decreasing)
    assert [spc.SPECIAL_CAUSE_TYPES[c] for c in code[:2]] == ["7 Point Trend (Increasing)"] * 2
    # without a following trend point, the last point's direction is the step into it
    code = spc.special_cause_types([1.0, 2, 3], [0] * 3, [0] * 3, [1, 1, 1], [0] * 3, [0] * 3)
    assert code.tolist() == [3, 3, 3]
    code = spc.special_cause_types([3.0, 2, 1], [0] * 3, [0] * 3, [1, 1, 1], [0] * 3, [0] * 3)
    assert code.tolist() == [4, 4, 4]


def test_two_in_three_window_inside_one_series_and_strictly_one_side() -> None:
    close = [1, 0, 1]
    assert spc.two_in_three(close, [1, 1, 1]).tolist() == [1, 1, 1]
    assert spc.two_in_three(close, [-1, -1, -1]).tolist() == [1, 1, 1]
    assert spc.two_in_three([1, 0, 0], [1, 1, 1]).tolist() == [0, 0, 0]
    assert spc.two_in_three(close, [1, 0, 1]).tolist() == [0, 0, 0]
    assert spc.two_in_three(close, [1, 1, 1], ["a", "a", "b"]).tolist() == [0, 0, 0]
    assert spc.two_in_three([1, 1], [1, 1]).tolist() == [0, 0]
    assert spc.two_in_three([0, 1, 1, 0], [1, 1, 1, 1]).tolist() == [1, 1, 1, 1]
    assert spc.part_of_two_in_three([1, 1, 1], [1, 0, 1]).tolist() == [1, 0, 1]


def test_label_precedence_and_sides() -> None:
    y = [5.0] * 5
    rtm = [1, -1, 1, -1, 1]
    code = spc.special_cause_types(y, rtm, [0] * 5, [0] * 5, [1] * 5, [0] * 5)
    assert code.tolist() == [7, 8, 7, 8, 7]
    code = spc.special_cause_types(y, rtm, [0] * 5, [0] * 5, [1] * 5, [1] * 5)
    assert code.tolist() == [5, 6, 5, 6, 5]
    code = spc.special_cause_types(y, rtm, [1] * 5, [1] * 5, [1] * 5, [1] * 5)
    assert code.tolist() == [1, 2, 1, 2, 1]
    assert spc.special_cause_types([], [], [], [], [], []).tolist() == []


def test_point_types_and_icons() -> None:
    codes = list(range(9))
    assert spc.point_types(codes, [1] * 9).tolist() == [0, 1, 2, 1, 2, 1, 2, 1, 2]
    assert spc.point_types(codes, [-1] * 9).tolist() == [0, 2, 1, 2, 1, 2, 1, 2, 1]
    assert spc.point_types(codes, [0] * 9).tolist() == [0, 3, 4, 3, 4, 3, 4, 3, 4]
    icons = spc.variation_icons([0, 1, 1, 2, 2, 3, 4], [1, 1, -1, 1, -1, 0, 0]).tolist()
    assert icons == [
        "common_cause", "improvement_high", "improvement_low", "concern_low", "concern_high",
        "neutral_high", "neutral_low",
    ]  # fmt: skip


def test_short_group_warning_threshold() -> None:
    assert spc.short_group_warnings(["a"] * 12).tolist() == [True] * 12
    assert spc.short_group_warnings(["a"] * 13).tolist() == [False] * 13
    assert spc.short_group_warnings(["a", "b", "a"], threshold=2).tolist() == [False, True, False]
    assert spc.short_group_warnings([]).tolist() == []


def _series(n: int, start: dt.date = dt.date(2024, 1, 1)) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def test_spc_series_defaults_and_messages() -> None:
    values = [1.0, 3.0, 2.0, 4.0, 3.0]
    r = spc.spc_series(_series(5), values)
    assert r.improvement_direction == "increase" and r.target is None and r.assurance_type is None
    assert r.short_group_warning and r.warnings == [spc.SHORT_GROUP_WARNING]
    assert spc.SHORT_GROUP_WARNING == (
        "Some groups have 'n < 12' observations. These have trial limits, which will be revised with "
        "each additional observation until 'n = fix_after_n_points' has been reached."
    )
    assert not spc.spc_series(_series(5), values, warning_threshold=5).short_group_warning
    assert spc.spc_series(_series(13), [1.0, 2.0] * 6 + [1.0]).warnings == []
    with pytest.raises(
        ValueError, match=r"^improvement_direction must be one of \('increase', 'decrease', 'neutral'\)$"
    ):
        spc.spc_series(_series(5), values, improvement_direction="up")
    with pytest.raises(ValueError, match=r"^dates and values must have the same length$"):
        spc.spc_series(_series(4), values)
    with pytest.raises(ValueError, match=r"^fix_after_n_points must be at least 12$"):
        spc.spc_series(_series(5), values, fix_after_n_points=11)
    spc.spc_series(_series(13), [1.0] * 13, fix_after_n_points=12)  # 12 itself is allowed
    with pytest.raises(ValueError, match=r"^series 0 has more than one point on 2024-01-01$"):
        spc.spc_series([dt.date(2024, 1, 1)] * 2, [1.0, 2.0])


def test_spc_series_target_and_point_dicts() -> None:
    # limits 2.6 ∓ 3.99: a target of 7 lies above the upper limit 6.59
    r = spc.spc_series(_series(5), [1.0, 3.0, 2.0, 4.0, 3.0], target=7, improvement_direction="decrease")
    assert (r.assurance_type, r.assurance_icon, r.target) == ("consistent_pass", "pass", 7.0)
    assert (r.variation_type, r.variation_icon) == ("common_cause", "common_cause")
    p = r.points()[0]
    assert p["date"] == "2024-01-01" and p["value"] == 1.0 and p["rebase_group"] == 0
    assert p["mean"] == pytest.approx(2.6) and p["upl"] == pytest.approx(6.59)
    assert p["relative_to_mean"] == -1 and p["outside_limits"] is False and p["close_to_limits"] is False
    assert p["special_cause_type"] == "Common Cause" and p["special_cause_flag"] is False
    assert p["point_type"] == "common_cause"
    r = spc.spc_series(_series(5), [1.0, 3.0, 2.0, 4.0, 3.0], target=-5, improvement_direction="decrease")
    assert (r.assurance_type, r.assurance_icon) == ("consistent_fail", "fail")
    r = spc.spc_series(_series(5), [1.0, 3.0, 2.0, 4.0, 3.0], target=3, improvement_direction="neutral")
    assert (r.assurance_type, r.assurance_icon) == (None, None)
    r = spc.spc_series([], [])
    assert r.variation_type is None and r.points() == [] and not r.short_group_warning


def test_spc_series_rebase_on_or_after_a_date() -> None:
    days = _series(6)
    r = spc.spc_series(days, [1.0, 2, 3, 10, 11, 12], rebase_dates=[dt.date(2024, 1, 4)])
    assert r.rebase_group.tolist() == [0, 0, 0, 1, 1, 1]
    assert r.mean.tolist() == pytest.approx([2, 2, 2, 11, 11, 11])
    r = spc.spc_series(days, [1.0, 2, 3, 10, 11, 12], rebase_dates=[dt.date(2023, 12, 1)])
    # a rebase before the first point numbers the first group 1 (as the package does) and splits nothing
    assert r.rebase_group.tolist() == [1] * 6 and r.mean.tolist() == pytest.approx([6.5] * 6)
    r = spc.spc_series(days[::-1], [12.0, 11, 10, 3, 2, 1], rebase_dates=[dt.date(2024, 1, 3)])
    assert r.rebase_group.tolist() == [0, 0, 1, 1, 1, 1] and r.values.tolist() == [1, 2, 3, 10, 11, 12]


def test_spc_points_unknown_direction_and_absent_optional_columns() -> None:
    frame = pd.DataFrame({"series": ["a"] * 3, "date": _series(3), "value": [1.0, 2.0, 3.0]})
    pts = spc.spc_points(frame)
    assert pts["improvement_direction"].tolist() == ["increase"] * 3
    assert pts["rebase_group"].tolist() == [0, 0, 0] and pts["point_index"].tolist() == [1, 2, 3]
    assert pts["assurance_type"].tolist() == [None] * 3
    frame["improvement_direction"] = ["sideways"] * 3
    with pytest.raises(
        ValueError,
        match=r"^unknown improvement_direction 'sideways'; use \('increase', 'decrease', 'neutral'\)$",
    ):
        spc.spc_points(frame)
    frame["improvement_direction"] = [None, "neutral", None]
    assert spc.spc_points(frame)["improvement_direction"].tolist() == ["increase", "neutral", "increase"]


def test_spc_points_two_series_rebase_groups_count_from_zero_in_each() -> None:
    frame = pd.DataFrame(
        {
            "series": ["a", "a", "a", "b", "b", "b"],
            "date": _series(3) * 2,
            "value": [1.0, 2, 3, 4, 5, 6],
            "rebase": [0, 1, 0, 1, 0, 1],
        }
    )
    pts = spc.spc_points(frame)
    assert pts["rebase_group"].tolist() == [0, 1, 1, 1, 1, 2]  # counted within each series
    assert pts["point_index"].tolist() == [1, 2, 3, 1, 2, 3]


def test_spc_frame_messages_whole() -> None:
    frame = pd.DataFrame(
        {
            "series": ["a", "a", "a"],
            "date": ["2024-01-01", "2024-01-01", "31/02/2024"],
            "value": ["1", "x", ""],
            "target": ["5", "6", "nan"],
            "improvement_direction": ["up", "", ""],
            "rebase": ["maybe", "", "1"],
        }
    )
    with pytest.raises(InputProblem) as info:
        spc.spc_frame(frame)
    assert info.value.problems == [
        "row 2, column 'improvement_direction': 'up' is not one of increase, decrease, neutral",
        "row 2, column 'rebase': 'maybe' is not one of 1, 0, true, false, yes, no (or empty)",
        "row 3, column 'date': series 'a' already has a point on 2024-01-01 (row 2)",
        "row 3, column 'value': 'x' is not a number",
        "row 3, column 'target': '6' differs from '5' in row 2 for series 'a' (a series must have one target)",
        "row 4, column 'date': '31/02/2024' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        "row 4, column 'target': 'nan' is not a number",
    ]
    with pytest.raises(InputProblem) as info:
        spc.spc_frame(pd.DataFrame({"when": ["2024-01-01"]}))
    assert info.value.problems == [
        "missing required column 'series'",
        "missing required column 'date'",
        "missing required column 'value'",
    ]
