"""Benchmarking against a comparator and the recent-trend chi-square test.

There is no reference file for these; expected values are derived independently here:
the trend statistic for proportions as N·r² of the individual-level data (Pearson
correlation between time and outcome, via scipy), and for rates as the Poisson
regression score test computed from numerically differentiated log-likelihoods.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from jointly.stats.benchmark import (
    CANNOT_CALCULATE,
    NO_SIGNIFICANT_CHANGE,
    NOT_COMPARED,
    benchmark,
    normalise_polarity,
    recent_trend,
    trend_chi_square,
)

CRITICAL = stats.chi2.ppf(0.998, 1)

# ------------------------------------------------------------------------ benchmarking

LOWER = np.array([10.0, 1.0, 4.0, 5.0, 2.0, np.nan, 3.0])
UPPER = np.array([12.0, 3.0, 6.0, 7.0, 5.0, 8.0, 4.0])
# comparator 5: wholly above, wholly below, contains, touches at lower, touches at upper,
# missing limit, wholly below
COMPARATOR = 5.0


def test_neutral_polarity_keeps_higher_lower() -> None:
    got = benchmark(LOWER, UPPER, COMPARATOR)
    assert list(got) == [
        "higher",
        "lower",
        "similar",
        "similar",
        "similar",
        NOT_COMPARED,
        "lower",
    ]


def test_polarity_maps_to_better_and_worse() -> None:
    hib = benchmark(LOWER, UPPER, COMPARATOR, "higher is better")
    lib = benchmark(LOWER, UPPER, COMPARATOR, "RAG - Low is good")
    assert list(hib) == ["better", "worse", "similar", "similar", "similar", NOT_COMPARED, "worse"]
    assert list(lib) == ["worse", "better", "similar", "similar", "similar", NOT_COMPARED, "better"]


def test_per_row_comparators_and_polarities() -> None:
    got = benchmark(
        [1.0, 1.0, 1.0, 1.0],
        [2.0, 2.0, 2.0, 2.0],
        [0.5, 0.5, 3.0, np.nan],
        ["higher is better", "lower is better", None, "neutral"],
    )
    assert list(got) == ["better", "worse", "lower", NOT_COMPARED]


def test_benchmark_is_consistent_with_wilson_limits_at_both_levels() -> None:
    from jointly.stats.proportions import wilson_limits

    x = np.array([60.0, 60.0, 51.0])
    n = np.array([100.0, 100.0, 100.0])
    lo95, hi95 = wilson_limits(x, n, 0.95)
    lo998, hi998 = wilson_limits(x, n, 0.998)
    # 60/100 vs 0.5: above at 95% (lower 0.502) but not at 99.8%.
    assert list(benchmark(lo95, hi95, 0.5)) == ["higher", "higher", "similar"]
    assert list(benchmark(lo998, hi998, 0.5)) == ["similar", "similar", "similar"]


def test_unknown_polarity_rejected() -> None:
    with pytest.raises(ValueError):
        normalise_polarity("sideways")
    assert normalise_polarity(None) == "neutral"


# ------------------------------------------------------------------------------ trend


def individual_correlation(x, n) -> float:
    """Pearson r between time and a 0/1 outcome over every individual."""
    t = np.concatenate([np.full(int(k), i + 1.0) for i, k in enumerate(n)])
    y = np.concatenate([np.r_[np.ones(int(a)), np.zeros(int(k - a))] for a, k in zip(x, n, strict=True)])
    return float(stats.pearsonr(t, y).statistic)


def armitage_by_correlation(x, n) -> float:
    """N·r² of (time, outcome) over individuals: the Cochran–Armitage statistic."""
    return float(np.sum(n)) * individual_correlation(x, n) ** 2


def poisson_score_test(x, n) -> float:
    """Score test of β = 0 in log E[x_t] = log n_t + α + β t, by numeric derivatives."""
    x = np.asarray(x, float)
    n = np.asarray(n, float)
    t = np.arange(1, len(x) + 1, dtype=float)

    def loglik(theta):
        a, b = theta
        mu = n * np.exp(a + b * t)
        return np.sum(x * np.log(mu) - mu)

    a0 = optimize.minimize_scalar(lambda a: -loglik([a, 0.0]), tol=1e-12).x
    theta0 = np.array([a0, 0.0])
    h = 1e-4
    eye = np.eye(2) * h

    def grad_at(theta):  # central differences
        return np.array([(loglik(theta + e) - loglik(theta - e)) / (2 * h) for e in eye])

    grad = grad_at(theta0)
    hess = np.array([(grad_at(theta0 + e) - grad_at(theta0 - e)) / (2 * h) for e in eye])
    info = -(hess + hess.T) / 2
    return float(grad @ np.linalg.solve(info, grad))


PROPORTION_CASES = [
    ([10, 12, 15, 19, 25], [100, 100, 100, 100, 100]),
    ([30, 28, 20, 18, 9], [120, 110, 100, 90, 80]),
    ([5, 6, 5, 7, 6], [50, 60, 55, 65, 70]),
    ([40, 41, 40, 39, 40], [80, 80, 80, 80, 80]),
]


@pytest.mark.parametrize(("x", "n"), PROPORTION_CASES)
def test_proportion_trend_statistic_equals_n_r_squared(x, n) -> None:
    chi2, score = trend_chi_square(x, n, "proportion")
    assert chi2[0] == pytest.approx(armitage_by_correlation(x, n), rel=1e-10)
    assert np.sign(score[0]) == np.sign(individual_correlation(x, n))


RATE_CASES = [
    ([10, 12, 15, 19, 25], [10_000, 10_000, 10_500, 11_000, 11_000]),
    ([300, 280, 240, 200, 190], [50_000, 51_000, 52_000, 53_000, 54_000]),
    ([3, 4, 2, 5, 3], [1_000, 1_000, 1_200, 900, 1_000]),
]


@pytest.mark.parametrize(("x", "n"), RATE_CASES)
def test_rate_trend_statistic_equals_poisson_score_test(x, n) -> None:
    chi2, _ = trend_chi_square(x, n, "rate")
    assert chi2[0] == pytest.approx(poisson_score_test(x, n), rel=1e-4)


def test_hand_computed_example() -> None:
    # x = 10,12,15,19,25 of 100 each: t̄ = 3, U = Σ x (t − 3) = −20 −12 + 0 + 19 + 50 = 37,
    # p̄ = 81/500, Σ n (t − t̄)² = 100·10 = 1000, χ² = 37² / (0.162·0.838·1000) = 10.0846...
    chi2, score = trend_chi_square([10, 12, 15, 19, 25], [100] * 5)
    assert score[0] == pytest.approx(37.0)
    assert chi2[0] == pytest.approx(37**2 / (0.162 * 0.838 * 1000), rel=1e-12)
    assert chi2[0] > CRITICAL
    labels = recent_trend(
        [[10, 12, 15, 19, 25]] * 3,
        [[100] * 5] * 3,
        "proportion",
        ["neutral", "higher is better", "lower is better"],
    )
    assert list(labels) == [
        "increasing",
        "increasing and getting better",
        "increasing and getting worse",
    ]


def test_labels_from_independent_statistic() -> None:
    rng = np.random.default_rng(11)
    n = rng.integers(200, 400, size=(60, 5)).astype(float)
    p = np.clip(0.3 + rng.normal(0, 0.04, (60, 1)) * np.arange(-2, 3), 0.01, 0.99)
    x = rng.binomial(n.astype(int), p).astype(float)
    got = recent_trend(x, n, "proportion", "lower is better")
    for row, label in zip(range(60), got, strict=True):
        chi2 = armitage_by_correlation(x[row], n[row])
        r = individual_correlation(x[row], n[row])
        if chi2 <= CRITICAL:
            assert label == NO_SIGNIFICANT_CHANGE
        elif r > 0:
            assert label == "increasing and getting worse"
        else:
            assert label == "decreasing and getting better"
    assert {NO_SIGNIFICANT_CHANGE} < set(got)


def test_properties() -> None:
    x = np.array([10.0, 12, 15, 19, 25])
    n = np.full(5, 100.0)
    up = recent_trend(4 * x, 4 * n, "rate")[0]
    down = recent_trend(4 * x[::-1], 4 * n[::-1], "rate")[0]
    assert (up, down) == ("increasing", "decreasing")
    # constant proportion → statistic 0; no events at all → no significant change
    assert trend_chi_square(np.full(5, 20.0), n)[0][0] == 0.0
    assert recent_trend(np.zeros(5), n)[0] == NO_SIGNIFICANT_CHANGE
    # more data with the same proportions → larger statistic
    small = trend_chi_square(x, n)[0][0]
    assert trend_chi_square(4 * x, 4 * n)[0][0] == pytest.approx(4 * small)
    # the rate variance has no (1 − p̄) factor, so its statistic is smaller
    assert trend_chi_square(x, n, "rate")[0][0] < small


def test_only_last_five_points_and_missing_values() -> None:
    x = np.array(
        [
            [99, 10, 12, 15, 19, 25],  # earlier point ignored
            [10, 12, 15, 19, 25, np.nan],  # missing latest point
            [0, 0, 12, 15, 19, 25],  # fine: zero earlier values are still valid data
        ]
    )
    n = np.array([[100.0] * 6, [100.0] * 6, [100.0] * 6])
    got = recent_trend(x, n)
    assert got[0] == recent_trend(x[0, 1:], n[0, 1:])[0] == "increasing"
    assert got[1] == CANNOT_CALCULATE
    assert recent_trend(x[:, :4], n[:, :4]).tolist() == [CANNOT_CALCULATE] * 3
    assert recent_trend([[120, 1, 1, 1, 1]], [[100] * 5])[0] == CANNOT_CALCULATE
    assert recent_trend([[120, 1, 1, 1, 1]], [[100] * 5], "rate")[0] != CANNOT_CALCULATE
