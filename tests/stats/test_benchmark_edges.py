"""Benchmark and recent trend: every boundary, default and message pinned (issue 18).

Expected statistics are worked by hand in the comments (t = 1..5, so t̄ = 3 with equal
denominators and Σ n (t − t̄)² = 10 n).
"""

from __future__ import annotations

import numpy as np
import pytest

from jointly.stats import benchmark as bm
from jointly.stats.benchmark import CANNOT_CALCULATE, NO_SIGNIFICANT_CHANGE, NOT_COMPARED

# x = 10, 13, 16, 19, 22 of 100: U = −20 − 13 + 0 + 19 + 44 = 30, p̄ = 80/500 = 0.16,
# proportion: V = 0.16·0.84·1000 = 134.4, χ² = 900/134.4 = 6.6964…  (between the 95% point 3.84
# and the 99.8% point 9.55);  rate: V = 0.16·1000 = 160, χ² = 900/160 = 5.625.
MIDDLING = [10.0, 13.0, 16.0, 19.0, 22.0]
HUNDREDS = [100.0] * 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("higher is better", "higher is better"),
        ("High is good", "higher is better"),
        ("RAG - High is good", "higher is better"),
        (" HIGH ", "higher is better"),
        ("lower is better", "lower is better"),
        ("Low is good", "lower is better"),
        ("rag - low is good", "lower is better"),
        ("low", "lower is better"),
        ("neutral", "neutral"),
        ("No judgement", "neutral"),
        ("not applicable", "neutral"),
        ("BOB", "neutral"),
        ("", "neutral"),
        ("  ", "neutral"),
        (None, "neutral"),
    ],
)
def test_every_polarity_spelling(text, expected) -> None:
    assert bm.normalise_polarity(text) == expected


def test_unknown_polarity_message_whole() -> None:
    with pytest.raises(
        ValueError,
        match=r"^unknown polarity 'sideways'; use 'higher is better', 'lower is better' or 'neutral'$",
    ):
        bm.normalise_polarity("sideways")
    with pytest.raises(ValueError, match=r"^unknown polarity 'up'"):
        bm.benchmark([1.0], [2.0], 0.0, ["up"])


def test_constants_as_published() -> None:
    assert (bm.HIGHER, bm.LOWER, bm.SIMILAR, bm.BETTER, bm.WORSE) == (
        "higher",
        "lower",
        "similar",
        "better",
        "worse",
    )
    assert NOT_COMPARED == "not compared" and CANNOT_CALCULATE == "cannot be calculated"
    assert NO_SIGNIFICANT_CHANGE == "no significant change"
    assert (bm.GETTING_BETTER, bm.GETTING_WORSE) == ("and getting better", "and getting worse")
    assert (bm.TREND_POINTS, bm.TREND_CONFIDENCE) == (5, 0.998)


def test_benchmark_limits_touching_the_comparator_are_similar_and_missing_values_not_compared() -> None:
    lower = [5.0, 5.000001, 1.0, 4.999999, 1.0, 1.0, -np.inf]
    upper = [9.0, 9.0, 5.0, 4.999999, 2.0, np.inf, 2.0]
    comparator = [5.0, 5.0, 5.0, 5.0, np.nan, 5.0, 5.0]
    got = bm.benchmark(lower, upper, comparator)
    assert got.tolist() == ["similar", "higher", "similar", "lower", NOT_COMPARED, NOT_COMPARED, NOT_COMPARED]
    assert got.dtype == object


def test_benchmark_polarity_per_row_with_missing_polarity_neutral() -> None:
    lower = np.array([[6.0, 6.0, 1.0], [1.0, 1.0, 6.0]])
    upper = lower + 1.0
    got = bm.benchmark(lower, upper, 5.0, [None, np.nan, "low is good"])
    assert got.tolist() == [["higher", "higher", "better"], ["lower", "lower", "worse"]]
    got = bm.benchmark(lower, upper, 5.0, "higher is better")
    assert got.tolist() == [["better", "better", "worse"], ["worse", "worse", "better"]]
    assert bm.benchmark([6.0], [7.0], 5.0, None).tolist() == ["higher"]


def test_trend_chi_square_by_hand_defaults_to_proportions() -> None:
    chi2, score = bm.trend_chi_square(MIDDLING, HUNDREDS)
    assert chi2.shape == (1,) and score.tolist() == [30.0]
    assert chi2[0] == pytest.approx(900 / 134.4, rel=1e-12)
    chi2, _ = bm.trend_chi_square(MIDDLING, HUNDREDS, "rate")
    assert chi2[0] == pytest.approx(5.625, rel=1e-12)
    # unequal denominators: n = 100, 300: t̄ = (100 + 600)/400 = 1.75; U = 10(−0.75) + 60(0.25) = 7.5;
    # p̄ = 70/400; Σ n (t − t̄)² = 100·0.5625 + 300·0.0625 = 75; V = 0.175·0.825·75
    chi2, score = bm.trend_chi_square([10.0, 60.0], [100.0, 300.0])
    assert score[0] == pytest.approx(7.5)
    assert chi2[0] == pytest.approx(7.5**2 / (0.175 * 0.825 * 75), rel=1e-12)


def test_trend_chi_square_no_variance_is_missing() -> None:
    all_events, _ = bm.trend_chi_square(HUNDREDS, HUNDREDS)  # p̄ = 1: V = 0
    no_events, _ = bm.trend_chi_square(np.zeros(5), HUNDREDS)
    assert np.isnan(all_events[0]) and np.isnan(no_events[0])
    with pytest.raises(ValueError, match=r"^kind must be 'proportion' or 'rate'$"):
        bm.trend_chi_square(MIDDLING, HUNDREDS, "ratio")  # type: ignore[arg-type]


def test_recent_trend_defaults_to_proportions_at_99_8_percent_over_five_points() -> None:
    assert bm.recent_trend(MIDDLING, HUNDREDS).tolist() == [NO_SIGNIFICANT_CHANGE]
    assert bm.recent_trend(MIDDLING, HUNDREDS, confidence=0.95).tolist() == ["increasing"]
    assert bm.recent_trend(MIDDLING[::-1], HUNDREDS, confidence=0.95).tolist() == ["decreasing"]
    # rate 5.625 is above 3.84 too; at 99% (6.63) proportion 6.70 is significant and rate is not
    assert bm.recent_trend(MIDDLING, HUNDREDS, "rate", confidence=0.95).tolist() == ["increasing"]
    assert bm.recent_trend(MIDDLING, HUNDREDS, "proportion", confidence=0.99).tolist() == ["increasing"]
    assert bm.recent_trend(MIDDLING, HUNDREDS, "rate", confidence=0.99).tolist() == [NO_SIGNIFICANT_CHANGE]
    # four points cannot be calculated by default, but can when four are asked for
    assert bm.recent_trend(MIDDLING[1:], HUNDREDS[1:]).tolist() == [CANNOT_CALCULATE]
    assert bm.recent_trend(MIDDLING[1:], HUNDREDS[1:], points=4).tolist() == [NO_SIGNIFICANT_CHANGE]


def test_recent_trend_decreasing_words_with_polarity() -> None:
    x = [MIDDLING[::-1]] * 3
    n = [HUNDREDS] * 3
    got = bm.recent_trend(
        x, n, "proportion", ["higher is better", "lower is better", "neutral"], confidence=0.95
    )
    assert got.tolist() == ["decreasing and getting worse", "decreasing and getting better", "decreasing"]
    got = bm.recent_trend(x, n, "proportion", "lower is better", confidence=0.95)
    assert got.tolist() == ["decreasing and getting better"] * 3


@pytest.mark.parametrize(
    ("x", "n", "kind"),
    [
        ([10, 13, 16, 19, np.nan], HUNDREDS, "proportion"),  # missing numerator
        ([10, 13, 16, 19, 22], [100, 100, np.nan, 100, 100], "proportion"),  # missing denominator
        ([10, 13, 16, 19, 22], [100, 100, 0, 100, 100], "proportion"),  # zero denominator
        ([10, 13, 16, 19, 22], [100, 100, -100, 100, 100], "rate"),  # negative denominator
        ([10, -1, 16, 19, 22], HUNDREDS, "rate"),  # negative numerator
        ([10, 13, 16, 19, 101], HUNDREDS, "proportion"),  # numerator above the denominator
        ([10, 13, np.inf, 19, 22], HUNDREDS, "rate"),  # not finite
        ([10, 13, 16, 19, 22], [100, 100, np.inf, 100, 100], "rate"),
    ],
)
def test_a_point_missing_zero_or_out_of_range_cannot_be_calculated(x, n, kind) -> None:
    assert bm.recent_trend(x, n, kind).tolist() == [CANNOT_CALCULATE]


def test_edge_points_that_are_valid() -> None:
    # zero numerators and a numerator equal to its denominator are valid; a rate may exceed it
    rows = [[0, 13, 16, 19, 22], [10, 13, 16, 19, 100], [10, 13, 16, 19, 150]]
    got = bm.recent_trend(rows, [HUNDREDS] * 3, "rate")
    assert CANNOT_CALCULATE not in got.tolist()
    got = bm.recent_trend(rows[:2], [HUNDREDS] * 2, "proportion")
    assert CANNOT_CALCULATE not in got.tolist()


def test_recent_trend_shape_mismatch_message_whole() -> None:
    with pytest.raises(ValueError, match=r"^numerators and denominators must have the same shape$"):
        bm.recent_trend([MIDDLING], [HUNDREDS[:4]])


def test_one_bad_series_leaves_the_others() -> None:
    x = np.array([MIDDLING, [10, 13, 16, 19, np.nan], [25, 19, 15, 12, 10]])
    n = np.array([HUNDREDS] * 3)
    # the last row: U = −50 −19 + 0 + 12 + 20 = −37, χ² = 37²/(0.162·0.838·1000) = 10.08 > 9.55
    assert bm.recent_trend(x, n).tolist() == [NO_SIGNIFICANT_CHANGE, CANNOT_CALCULATE, "decreasing"]


def test_missing_values_given_as_none_are_not_compared() -> None:
    got = bm.benchmark([None, 6.0, 1.0], [None, 7.0, 2.0], [5.0, None, 5.0])
    assert got.tolist() == [NOT_COMPARED, NOT_COMPARED, "lower"]
    got = bm.recent_trend([[10, 13, None, 19, 22], MIDDLING], [HUNDREDS, [100, None, 100, 100, 100]])
    assert got.tolist() == [CANNOT_CALCULATE, CANNOT_CALCULATE]


def test_denominators_of_zero_and_one() -> None:
    # a zero denominator cannot be calculated, for rates too and even with no events
    assert bm.recent_trend(MIDDLING, [100, 100, 0, 100, 100], "rate").tolist() == [CANNOT_CALCULATE]
    assert bm.recent_trend([10, 13, 0, 19, 22], [100, 100, 0, 100, 100]).tolist() == [CANNOT_CALCULATE]
    # a denominator of 1 is valid
    assert bm.recent_trend([0, 0, 1, 1, 1], [1, 1, 1, 1, 1]).tolist() == [NO_SIGNIFICANT_CHANGE]
    # a negative numerator cannot be calculated for proportions either
    assert bm.recent_trend([10, -1, 16, 19, 22], HUNDREDS).tolist() == [CANNOT_CALCULATE]


def test_a_statistic_exactly_at_the_critical_value_is_not_significant(monkeypatch) -> None:
    from types import SimpleNamespace

    chi2 = bm.trend_chi_square(MIDDLING, HUNDREDS)[0][0]
    at = SimpleNamespace(chi2=SimpleNamespace(ppf=lambda confidence, df: chi2))
    monkeypatch.setattr(bm, "stats", at)
    assert bm.recent_trend(MIDDLING, HUNDREDS).tolist() == [NO_SIGNIFICANT_CHANGE]
    below = SimpleNamespace(chi2=SimpleNamespace(ppf=lambda confidence, df: np.nextafter(chi2, 0)))
    monkeypatch.setattr(bm, "stats", below)
    assert bm.recent_trend(MIDDLING, HUNDREDS).tolist() == ["increasing"]


def test_trend_chi_square_row_by_row_and_missing_values() -> None:
    other = [25.0, 19.0, 15.0, 12.0, 10.0]
    both_chi2, both_score = bm.trend_chi_square([MIDDLING, other], [HUNDREDS, [200.0] * 5])
    one_chi2, one_score = bm.trend_chi_square(other, [200.0] * 5)
    assert both_chi2[0] == pytest.approx(900 / 134.4, rel=1e-12)
    assert both_chi2[1] == pytest.approx(one_chi2[0], rel=1e-12) and both_score[1] == one_score[0]
    chi2, score = bm.trend_chi_square([10, None, 16, 19, 22], HUNDREDS)
    assert np.isnan(chi2[0]) and np.isnan(score[0])
    chi2, _ = bm.trend_chi_square(MIDDLING, [100, None, 100, 100, 100])
    assert np.isnan(chi2[0])


def test_polarity_words_only_on_significant_series() -> None:
    strong = [10.0, 12.0, 15.0, 19.0, 25.0]  # χ² = 10.08 > 9.55
    for polarity in ("higher is better", "lower is better"):
        got = bm.recent_trend([MIDDLING, strong], [HUNDREDS, HUNDREDS], "proportion", polarity)
        word = "better" if polarity == "higher is better" else "worse"
        assert got.tolist() == [NO_SIGNIFICANT_CHANGE, f"increasing and getting {word}"]
        got = bm.recent_trend([MIDDLING[::-1], strong[::-1]], [HUNDREDS, HUNDREDS], "proportion", polarity)
        word = "worse" if polarity == "higher is better" else "better"
        assert got.tolist() == [NO_SIGNIFICANT_CHANGE, f"decreasing and getting {word}"]
    assert bm.benchmark([[6.0, 1.0]], [[7.0, 2.0]], 5.0, [["low", None]]).tolist() == [["worse", "lower"]]


def test_a_variance_below_one_still_gives_a_statistic() -> None:
    # two points, 0 of 1 then 1 of 1: t̄ = 1.5, U = 0.5, p̄ = 0.5, V = 0.25 · 0.5 = 0.125, χ² = 0.25/0.125
    chi2, score = bm.trend_chi_square([0.0, 1.0], [1.0, 1.0])
    assert score[0] == pytest.approx(0.5) and chi2[0] == pytest.approx(2.0, rel=1e-12)
