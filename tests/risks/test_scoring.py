"""The pure 5×5 arithmetic (jointly/risks/scoring.py): every boundary."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from jointly.risks import scoring as s


@pytest.mark.parametrize(
    ("impact", "likelihood", "rating"), [(1, 1, 1), (5, 5, 25), (5, 4, 20), (3, 5, 15), (4, 3, 12)]
)
def test_rating_is_the_product(impact, likelihood, rating):
    assert s.rating(impact, likelihood) == rating


def test_unscored_is_none_and_half_a_score_is_refused():
    assert s.rating(None, None) is None
    with pytest.raises(s.ScoreError):
        s.rating(3, None)
    with pytest.raises(s.ScoreError):
        s.rating(None, 3)


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, True, "3"])
def test_scores_outside_1_to_5_are_refused(bad):
    with pytest.raises(s.ScoreError):
        s.rating(bad, 3)
    with pytest.raises(s.ScoreError):
        s.rating(3, bad)
    assert "inherent_impact" in s.pair_problems(bad, 3, prefix="inherent_")


def test_pair_problems():
    assert s.pair_problems(None, None) == {}
    assert s.pair_problems(1, 5) == {}
    assert s.pair_problems(3, None) == {"likelihood": "Give the likelihood as well, or leave both blank."}
    assert set(s.pair_problems(None, 3)) == {"impact"}
    assert set(s.pair_problems(0, 6)) == {"impact", "likelihood"}


@pytest.mark.parametrize(
    ("rating", "key"),
    [
        (1, "low"),
        (3, "low"),
        (4, "moderate"),
        (6, "moderate"),
        (8, "high"),
        (12, "high"),
        (15, "extreme"),
        (25, "extreme"),
    ],
)
def test_default_npsa_bands_at_every_boundary(rating, key):
    assert s.DEFAULT_MATRIX.band(rating).key == key


def test_every_possible_rating_has_exactly_one_band():
    for value in s.POSSIBLE_RATINGS:
        assert sum(value in band for band in s.DEFAULT_MATRIX.bands) == 1
    assert s.POSSIBLE_RATINGS == (1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25)


def test_band_outside_the_scale_is_an_error_and_unscored_has_none():
    assert s.DEFAULT_MATRIX.band(None) is None
    assert s.DEFAULT_MATRIX.label(None) == ""
    for bad in (0, 26):
        with pytest.raises(s.ScoreError):
            s.DEFAULT_MATRIX.band(bad)


def test_seed_001_names_its_bands():
    m = s.make_matrix(s.DEFAULT_BOUNDS, ("Low", "Moderate", "High", "Serious"))
    assert [m.label(v) for v in (20, 16, 15, 12)] == ["Serious", "Serious", "Serious", "High"]


def test_matrix_validation():
    assert s.matrix_problems((3, 6, 12), s.DEFAULT_LABELS) == {}
    assert s.matrix_problems((4, 9, 16), s.DEFAULT_LABELS) == {}
    assert "moderate_max" in s.matrix_problems((6, 6, 12), s.DEFAULT_LABELS)  # not rising
    assert "moderate_max" in s.matrix_problems((6, 7, 12), s.DEFAULT_LABELS)  # 7 alone: no possible rating
    assert "high_max" in s.matrix_problems((3, 6, 25), s.DEFAULT_LABELS)  # leaves extreme empty
    assert "low_max" in s.matrix_problems((0, 6, 12), s.DEFAULT_LABELS)
    assert "extreme_label" in s.matrix_problems((3, 6, 12), ("Low", "Moderate", "High", "high"))
    assert "low_label" in s.matrix_problems((3, 6, 12), (" ", "Moderate", "High", "Extreme"))
    assert "bounds" in s.matrix_problems((3, 6), s.DEFAULT_LABELS)
    with pytest.raises(s.ScoreError):
        s.make_matrix((6, 6, 12))


def test_target_not_above_inherent():
    assert s.target_problems(12, 12) == {}
    assert s.target_problems(12, 6) == {}
    assert s.target_problems(None, 6) == {}
    assert "target_impact" in s.target_problems(12, 15)


@pytest.mark.parametrize(
    ("rating", "threshold", "up"),
    [(15, 15, True), (14, 15, False), (25, 15, True), (None, 15, False), (20, None, False)],
)
def test_escalation_is_at_or_above_the_threshold(rating, threshold, up):
    assert s.escalates(rating, threshold) is up


def test_heat_grid_counts_and_orientation():
    grid = s.heat_grid([(5, 4), (5, 4), (1, 1), (None, None), (3, 5)])
    assert [c.impact for c in (row[0] for row in grid)] == [5, 4, 3, 2, 1]
    assert [c.likelihood for c in grid[0]] == [1, 2, 3, 4, 5]
    assert grid[0][3].count == 2 and grid[0][3].rating == 20 and grid[0][3].band.key == "extreme"
    assert grid[4][0].count == 1 and grid[4][0].band.key == "low"
    assert grid[2][4].count == 1
    assert sum(c.count for row in grid for c in row) == 4  # the unscored risk is left out


def test_heat_layout_places_cells_on_a_grid():
    layout = s.heat_layout(s.heat_grid([(5, 1)]), size=50, left=40, top=8)
    first = layout.cells[0]
    assert (first.cell.impact, first.cell.likelihood, first.x, first.y) == (5, 1, 40, 8)
    last = layout.cells[-1]
    assert (last.cell.impact, last.cell.likelihood, last.x, last.y) == (1, 5, 240, 208)
    assert len(layout.cells) == 25 and len(layout.impact_ticks) == len(layout.likelihood_ticks) == 5


def test_history_chart():
    assert s.history_chart([]) is None
    one = s.history_chart([(dt.date(2014, 1, 1), 12)])
    assert len(one.points) == 1 and "H" in one.path
    chart = s.history_chart([(dt.date(2014, 4, 1), 9), (dt.date(2014, 1, 1), 20)], width=640, height=240)
    assert [p.rating for p in chart.points] == [20, 9]  # sorted by date
    assert chart.points[0].x == chart.left and chart.points[-1].x == chart.right
    assert chart.points[0].y < chart.points[1].y  # a higher rating is drawn higher
    assert chart.y_ticks[0].label == "0" and chart.y_ticks[-1].pos == chart.top
    assert sum(h for _k, _y, h in chart.bands) == pytest.approx(chart.bottom - chart.top, abs=0.5)


# --- Edges: every message pinned whole, both sides of every boundary (expected values by hand) ---


def _refused(message: str):
    return pytest.raises(s.ScoreError, match=f"^{re.escape(message)}$")


def test_rating_messages():
    for impact, likelihood in ((3, None), (None, 3)):
        with _refused("Give both the impact and the likelihood, or neither."):
            s.rating(impact, likelihood)
    for impact, likelihood in ((0, 3), (3, 6)):
        with _refused("Impact and likelihood are each a whole number from 1 to 5."):
            s.rating(impact, likelihood)


def test_pair_problem_messages_and_prefix():
    assert s.pair_problems(0, 6) == {
        "impact": "The impact is a whole number from 1 to 5.",
        "likelihood": "The likelihood is a whole number from 1 to 5.",
    }
    assert s.pair_problems(None, 3, prefix="target_") == {
        "target_impact": "Give the impact as well, or leave both blank."
    }
    # A bad score is the problem; the missing other half is not piled on top.
    assert s.pair_problems(0, None) == {"impact": "The impact is a whole number from 1 to 5."}


def test_band_message_names_the_rating():
    for bad in (0, 26):
        with _refused(f"A rating runs from 1 to 25; {bad} is outside it."):
            s.DEFAULT_MATRIX.band(bad)
        with _refused(f"A rating runs from 1 to 25; {bad} is outside it."):
            s.DEFAULT_MATRIX.band_of(bad)
    assert s.DEFAULT_MATRIX.band_of(7).key == "high"  # 7 cannot occur, but 6 < 7 <= 12
    assert s.DEFAULT_MATRIX.label(13) == "Extreme"


def test_default_matrix_bands_and_spans():
    assert s.DEFAULT_MATRIX.bands == (
        s.Band("low", "Low", 1, 3),
        s.Band("moderate", "Moderate", 4, 6),
        s.Band("high", "High", 7, 12),
        s.Band("extreme", "Extreme", 13, 25),
    )
    assert [b.span for b in s.DEFAULT_MATRIX.bands] == ["1–3", "4–6", "7–12", "13–25"]


def test_make_matrix_bands_from_bounds_and_stripped_labels():
    m = s.make_matrix((4, 9, 16), (" Low ", "Medium", "High", "Very high"))
    assert m.bands == (
        s.Band("low", "Low", 1, 4),
        s.Band("moderate", "Medium", 5, 9),
        s.Band("high", "High", 10, 16),
        s.Band("extreme", "Very high", 17, 25),
    )
    narrow = s.make_matrix((1, 2, 3))  # the narrowest bands: one rating each, then 4-25
    assert [(b.low, b.high, b.span) for b in narrow.bands] == [
        (1, 1, "1"),
        (2, 2, "2"),
        (3, 3, "3"),
        (4, 25, "4–25"),
    ]
    assert [narrow.band(v).key for v in (1, 2, 3, 4, 25)] == ["low", "moderate", "high", "extreme", "extreme"]


def test_make_matrix_refuses_with_every_problem_joined():
    with _refused(
        "The moderate band (7–6) holds no rating a 5×5 matrix can give: each bound must be above the one "
        "before.; The high bound must be below 25, leaving the top band a rating.; "
        "Each band needs a different name."
    ):
        s.make_matrix((6, 6, 25), ("Low", "low", "High", "Extreme"))


WHOLE = "An upper bound is a whole number from 1 to 25."


def _empty(key: str, low: int, high: int) -> str:
    return (
        f"The {key} band ({low}–{high}) holds no rating a 5×5 matrix can give: "
        "each bound must be above the one before."
    )


@pytest.mark.parametrize(
    ("bounds", "problems"),
    [
        ((3, 6, 12), {}),
        ((1, 2, 3), {}),  # the lowest bounds: each band one rating
        ((3, 4, 12), {}),  # moderate is 4 alone
        ((3, 6, 24), {}),  # extreme is 25 alone
        ((16, 20, 24), {"high_max": _empty("high", 21, 24)}),  # 20 and 25 are outside it
        ((0, 6, 12), {"low_max": WHOLE}),
        ((True, 6, 12), {"low_max": WHOLE}),  # a boolean is no bound
        ((2.5, 6, 12), {"low_max": WHOLE}),
        ((3, 6, 26), {"high_max": WHOLE}),  # and no "must be below 25" on top of it
        ((6, 6, 12), {"moderate_max": _empty("moderate", 7, 6)}),
        ((6, 7, 12), {"moderate_max": _empty("moderate", 7, 7)}),  # 7 alone: no possible rating
        ((3, 6, 25), {"high_max": "The high bound must be below 25, leaving the top band a rating."}),
        ((3, 25, 25), {"high_max": _empty("high", 26, 25)}),
        ((13, 14, 20), {"moderate_max": _empty("moderate", 14, 14)}),
    ],
)
def test_matrix_bounds(bounds, problems):
    assert s.matrix_problems(bounds, s.DEFAULT_LABELS) == problems


def test_matrix_bounds_that_are_not_numbers_are_a_problem_not_a_crash():
    # The matrix form passes None for a bound left blank (its own "required" error is shown).
    assert s.matrix_problems((None, 6, 12), s.DEFAULT_LABELS) == {"low_max": WHOLE}
    # The band after a missing bound has no known start: only the missing bound is a problem.
    assert s.matrix_problems((3, None, 5), s.DEFAULT_LABELS) == {"moderate_max": WHOLE}
    assert s.matrix_problems((3, 6, None), s.DEFAULT_LABELS) == {"high_max": WHOLE}
    assert s.matrix_problems(("4", 6, 12), s.DEFAULT_LABELS) == {"low_max": WHOLE}


def test_matrix_shape_and_labels():
    shape = {"bounds": "A matrix has three upper bounds and four band names."}
    assert s.matrix_problems((3, 6), s.DEFAULT_LABELS) == shape
    assert s.matrix_problems((3, 6, 12, 20), s.DEFAULT_LABELS) == shape
    assert s.matrix_problems((3, 6, 12), ("Low", "Moderate", "High")) == shape
    assert s.matrix_problems((3, 6, 12), (" Low ", "low", "HIGH", "High")) == {
        "moderate_label": "Each band needs a different name.",
        "extreme_label": "Each band needs a different name.",
    }
    assert s.matrix_problems((3, 6, 12), (" ", None, "", "Extreme")) == {
        "low_label": "Give the band a name.",
        "moderate_label": "Give the band a name.",
        "high_label": "Give the band a name.",
    }


def test_heat_counts_leave_out_half_scored_pairs():
    pairs = [(3, None), (None, 2), (None, None), (3, 2), (3, 2), (5, 5)]
    assert s.heat_counts(pairs) == Counter({(3, 2): 2, (5, 5): 1})


def test_heat_grid_bands_follow_the_matrix():
    grid = s.heat_grid([], s.make_matrix((4, 9, 16)))
    # Row impact 2 (the fourth row): ratings 2, 4, 6, 8, 10.
    assert [(c.rating, c.band.key, c.count) for c in grid[3]] == [
        (2, "low", 0),
        (4, "low", 0),
        (6, "moderate", 0),
        (8, "moderate", 0),
        (10, "high", 0),
    ]


def test_heat_layout_defaults_worked_out():
    layout = s.heat_layout(s.heat_grid([(5, 1), (5, 1), (1, 5)]))
    # size 56, left 40, top 8: column c at x = 40 + 56c, row r at y = 8 + 56r; the count is written at
    # (x + 28, y + 28 + 6).
    xs, ys = [40, 96, 152, 208, 264], [8, 64, 120, 176, 232]
    cxs, cys = [68, 124, 180, 236, 292], [42, 98, 154, 210, 266]
    expected = [
        (5 - r, c + 1, xs[c], ys[r], cxs[c], cys[r]) for r in range(5) for c in range(5)
    ]  # rows impact 5..1, columns likelihood 1..5
    got = [(p.cell.impact, p.cell.likelihood, p.x, p.y, p.cx, p.cy) for p in layout.cells]
    assert got == expected
    assert layout.cells[0].cell.count == 2 and layout.cells[24].cell.count == 1
    assert (layout.width, layout.height, layout.size, layout.left, layout.top) == (328, 328, 56, 40, 8)
    # 40 + 5 × 56 + 8 = 328 wide; 8 + 5 × 56 = 288, + 40 = 328 high.
    assert [(t.pos, t.label) for t in layout.impact_ticks] == [
        (265.0, "1"),  # 8 + 4 × 56 + 28 + 5
        (209.0, "2"),
        (153.0, "3"),
        (97.0, "4"),
        (41.0, "5"),  # 8 + 0 + 28 + 5
    ]
    assert [(t.pos, t.label) for t in layout.likelihood_ticks] == [
        (68.0, "1"),  # 40 + 0 + 28
        (124.0, "2"),
        (180.0, "3"),
        (236.0, "4"),
        (292.0, "5"),
    ]


def test_heat_layout_odd_size_halves_whole_for_cells_exact_for_ticks():
    layout = s.heat_layout(s.heat_grid([]), size=55, left=0, top=0)
    corners = [0, 55, 110, 165, 220]
    assert [(p.x, p.y, p.cx, p.cy) for p in layout.cells[:5]] == [(x, 0, x + 27, 33) for x in corners]
    assert [(p.x, p.y, p.cx, p.cy) for p in layout.cells[20:]] == [(x, 220, x + 27, 253) for x in corners]
    assert (layout.width, layout.height) == (283, 315)  # 5 × 55 + 8; 5 × 55 + 40
    assert [t.pos for t in layout.impact_ticks] == [252.5, 197.5, 142.5, 87.5, 32.5]  # (5 - i) 55 + 27.5 + 5
    assert [t.pos for t in layout.likelihood_ticks] == [27.5, 82.5, 137.5, 192.5, 247.5]  # (lk - 1) 55 + 27.5


# History chart, 640 × 240 by default: x from 48 to 624 (576 wide), y from 204 (rating 0) up to 12
# (rating 25), so y = 204 - 7.68 × rating, rounded to tenths.
D1, D2, D8 = dt.date(2014, 1, 1), dt.date(2014, 1, 2), dt.date(2014, 1, 8)


def test_history_chart_worked_out():
    chart = s.history_chart([(D8, 9), (D2, 20), (D1, 20), (D2, 12)])
    assert (chart.width, chart.height, chart.left, chart.right, chart.top, chart.bottom) == (
        640,
        240,
        48.0,
        624.0,
        12.0,
        204.0,
    )
    assert chart.plot_width == 576.0
    # Sorted by date only: the two readings of 2 January keep their order (20, then 12).
    # x: 48 + days/7 × 576 (1 day: 130.29 -> 130.3); y: 20 -> 50.4, 12 -> 111.84 -> 111.8, 9 -> 134.88 -> 134.9.
    assert [(p.x, p.y, p.on, p.rating, p.label) for p in chart.points] == [
        (48.0, 50.4, D1, 20, "2014-01-01: 20 (Extreme)"),
        (130.3, 50.4, D2, 20, "2014-01-02: 20 (Extreme)"),
        (130.3, 111.8, D2, 12, "2014-01-02: 12 (High)"),
        (624.0, 134.9, D8, 9, "2014-01-08: 9 (High)"),
    ]
    assert chart.path == "M 48.0 50.4 H 130.3 H 130.3 V 111.8 H 624.0 V 134.9"
    assert [(t.pos, t.label) for t in chart.y_ticks] == [
        (204.0, "0"),
        (165.6, "5"),
        (127.2, "10"),
        (88.8, "15"),
        (50.4, "20"),
        (12.0, "25"),
    ]
    assert [(t.pos, t.label) for t in chart.x_ticks] == [(48.0, "2014-01-01"), (624.0, "2014-01-08")]
    # Bands low 1-3, moderate 4-6, high 7-12, extreme 13-25: top at y(high), height y(low - 1) - y(high):
    # y(3) = 180.96 -> 181.0, y(6) = 157.92 -> 157.9, y(12) = 111.8, y(25) = 12.0.
    assert chart.bands == (
        ("low", 181.0, 23.0),
        ("moderate", 157.9, 23.1),
        ("high", 111.8, 46.1),
        ("extreme", 12.0, 99.8),
    )


def test_history_chart_one_reading_sits_in_the_middle_and_runs_to_the_right():
    chart = s.history_chart(
        [(D1, 12)], s.make_matrix(s.DEFAULT_BOUNDS, ("Low", "Moderate", "High", "Serious"))
    )
    # x = (48 + 624) / 2 = 336.0
    assert [(p.x, p.y, p.label) for p in chart.points] == [(336.0, 111.8, "2014-01-01: 12 (High)")]
    assert chart.path == "M 336.0 111.8 H 624.0"
    assert [(t.pos, t.label) for t in chart.x_ticks] == [(336.0, "2014-01-01")]
    odd = s.history_chart(
        [(D1, 20)], s.make_matrix(s.DEFAULT_BOUNDS, ("Low", "Moderate", "High", "Serious")), width=641
    )
    # right = 625; x = (48 + 625) / 2 = 336.5
    assert (odd.right, odd.points[0].x, odd.path) == (625.0, 336.5, "M 336.5 50.4 H 625.0")
    assert odd.points[0].label == "2014-01-01: 20 (Serious)"


def test_history_chart_one_day_two_readings_custom_size():
    # 600 × 200: x from 48 to 584, middle 316.0; y from 164 to 12, y = 164 - 6.08 × rating:
    # 4 -> 139.68 -> 139.7, 16 -> 66.72 -> 66.7.
    chart = s.history_chart([(D1, 4), (D1, 16)], width=600, height=200)
    assert (chart.width, chart.height, chart.right, chart.bottom) == (600, 200, 584.0, 164.0)
    assert [(p.x, p.y) for p in chart.points] == [(316.0, 139.7), (316.0, 66.7)]
    assert chart.path == "M 316.0 139.7 H 316.0 V 66.7"  # no run to the right: there are two points
    assert [(t.pos, t.label) for t in chart.x_ticks] == [(316.0, "2014-01-01")]
    assert [t.pos for t in chart.y_ticks] == [164.0, 133.6, 103.2, 72.8, 42.4, 12.0]


def test_history_chart_consecutive_days():
    # 1 -> 204 - 7.68 = 196.32 -> 196.3; a day apart: left edge to right edge.
    chart = s.history_chart([(D1, 1), (D2, 25)])
    assert chart.path == "M 48.0 196.3 H 624.0 V 12.0"
    assert [(t.pos, t.label) for t in chart.x_ticks] == [(48.0, "2014-01-01"), (624.0, "2014-01-02")]
