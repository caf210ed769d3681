"""The one tick algorithm and scale used by every chart."""

from __future__ import annotations

import math

import pytest

from jointly.charts.axes import LinearScale, fmt, nice_step, nice_ticks


@pytest.mark.parametrize(
    ("low", "high", "step"), [(0, 10, 2), (0, 1, 0.2), (0, 12, 2.5), (3, 97, 20), (0, 0.05, 0.01)]
)
def test_nice_step_is_one_two_two_and_a_half_or_five_times_a_power_of_ten(low, high, step):
    assert nice_step(low, high) == pytest.approx(step)


def test_inside_ticks_stay_within_the_range():
    assert nice_ticks(3, 97) == [20, 40, 60, 80]
    assert nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]


def test_covering_ticks_reach_beyond_both_ends():
    assert nice_ticks(3, 97, cover=True) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 10, cover=True) == [0, 2, 4, 6, 8, 10]


def test_degenerate_ranges():
    assert nice_ticks(5, 5) == [5]
    assert nice_ticks(5, 5, cover=True) == [5.0, 5.2, 5.4, 5.6, 5.8, 6.0]
    assert nice_ticks(math.nan, 1) == [] and nice_ticks(math.inf, 1, cover=True) == [0.0]
    assert nice_ticks(None, 3) == []  # type: ignore[arg-type]


def test_linear_scale_maps_ends_and_reverses():
    y = LinearScale(0, 100, 200, 0)  # SVG y grows downwards
    assert (y(0), y(100), y(25)) == (200, 0, 150)
    flat = LinearScale(7, 7, 0, 10)
    assert flat(7) == 5


def test_fmt():
    assert fmt(1234.56) == "1,234.6" and fmt(12.0, "%") == "12%" and fmt(3, "days") == "3 days"
    assert fmt(None) == "–" and fmt(math.nan) == "–"
