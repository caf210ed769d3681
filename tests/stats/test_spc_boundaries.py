"""SPC's vectorised core at its edges (issue 18, third session): points exactly on a process limit
or a near limit, and series that must not see each other. Expected values are worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from jointly.stats import spc


def frame(values: dict[str, list[float]]) -> pd.DataFrame:
    """One long frame, the series in the order given, monthly points from January 2024."""
    parts = [
        pd.DataFrame(
            {"series": name, "date": pd.date_range("2024-01-01", periods=len(v), freq="MS"), "value": v}
        )
        for name, v in values.items()
    ]
    return pd.concat(parts, ignore_index=True)


def test_points_exactly_on_a_limit_are_close_not_outside_and_exactly_on_a_near_limit_are_neither() -> None:
    # Baseline: the first 12 points 0, 3, 0, 3, … have mean 18/12 = 1.5 and 11 moving ranges of 3
    # (none screened: 3 < 3.267 × 3), so the limits are 1.5 ± 2.66 × 3 and the near limits
    # 1.5 ± (2.66 × 2/3) × 3, computed here in the same floating-point steps as the definition.
    upl, lpl = 1.5 + 2.66 * 3, 1.5 - 2.66 * 3
    near = 2.66 * 2 / 3
    nupl, nlpl = 1.5 + near * 3, 1.5 - near * 3
    after = [upl, lpl, nupl, nlpl, upl + 0.01, lpl - 0.01, nupl + 0.01, nlpl - 0.01]
    points = spc.spc_points(frame({"s": [0.0, 3.0] * 6 + after}), fix_after_n_points=12)
    tail = points.iloc[12:]
    assert tail["upl"].tolist() == [upl] * 8 and tail["lpl"].tolist() == [lpl] * 8
    assert tail["near_upl"].tolist() == [nupl] * 8 and tail["near_lpl"].tolist() == [nlpl] * 8
    # "outside" is strictly beyond a limit, "close" strictly beyond a near limit and not outside
    assert tail["outside_limits"].tolist() == [False, False, False, False, True, True, False, False]
    assert tail["close_to_limits"].tolist() == [True, True, False, False, False, False, True, True]
    # sides of the mean are small whole numbers (-1, 0, 1), not floats
    assert points["relative_to_mean"].dtype == "int8"
    assert points["relative_to_mean"].tolist() == [-1, 1] * 6 + [1, -1, 1, -1, 1, -1, 1, -1]


def test_a_series_is_not_changed_by_the_series_next_to_it() -> None:
    # "a" ends with two points close to its upper limits after one below its mean, and "b" starts
    # above its mean: a 2-in-3 window across the two would flag the end of "a".
    # "c" ends with a rise of 7 points, and "d" starts with a fall of 7 from far below: taking the
    # direction of the step into the next series would make the end of "c" a falling trend.
    a = [10.0, 11, 9, 10, 11, 9, 10, 11, 9, 8, 13.5, 13.5]
    b = [12.0, 10, 11, 9, 10, 11, 9, 10, 11, 10, 10, 10]
    c = [5.0, 4, 6, 1, 2, 3, 4, 5, 6, 7]
    d = [0.0, -1, -2, -3, -4, -5, -6, 3, 2, 4]
    together = spc.spc_points(frame({"a": a, "b": b, "c": c, "d": d}))
    for name, values in {"a": a, "b": b, "c": c, "d": d}.items():
        alone = spc.spc_points(frame({name: values}))
        pd.testing.assert_frame_equal(
            together[together["series"] == name].reset_index(drop=True), alone, check_dtype=False
        )
    # the situations the series were built for did arise
    end_a = together[together["series"] == "a"].iloc[-3:]
    assert end_a["close_to_limits"].tolist() == [True, True, True]  # 8 below, 13.5 above
    assert end_a["relative_to_mean"].tolist() == [-1, 1, 1]
    assert end_a["special_cause_type"].tolist() == ["Common Cause"] * 3
    assert together[together["series"] == "b"]["relative_to_mean"].iloc[0] == 1
    assert (
        together[together["series"] == "c"]["special_cause_type"].iloc[-7:].tolist()
        == ["7 Point Trend (Increasing)"] * 7
    )
    first_d = together[together["series"] == "d"]["special_cause_type"].iloc[:3].tolist()
    assert first_d == ["7 Point Trend (Decreasing)"] * 3  # (its 6th and 7th points are below the LCL)


@pytest.mark.parametrize("name", ["a", "b"])
def test_one_series_alone_keeps_its_name(name: str) -> None:
    points = spc.spc_points(frame({name: [1.0, 2, 3]}))
    assert points["series"].tolist() == [name] * 3
