"""The pure 5×5 arithmetic (jointly/risks/scoring.py): every boundary."""

from __future__ import annotations

import datetime as dt

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
