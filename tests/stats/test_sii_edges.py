"""SII edges pinned (issue 18): the point estimates and the simulated limits against an independent
calculation written out here (weighted least squares per draw, the documented order statistics and
the same seeded random stream), the Wilson limits against the textbook form, proportions of exactly
0 and 1, defaults, and every message whole."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jointly.stats import sii as sii_module
from jointly.stats.errors import InputProblem
from jointly.stats.sii import calculate_sii

Z95 = 1.959963984540054
# five equal quintiles: weights 0.2, relative ranks 0.1, 0.3, 0.5, 0.7, 0.9; y = 10 + 20 b
B = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
LINE = 10 + 20 * B  # 12, 16, 20, 24, 28


def frame(values, se=None, lower=None, upper=None, pops=(100.0,) * 5, **extra) -> pd.DataFrame:
    data = {"q": [1, 2, 3, 4, 5], "pop": list(pops), "v": list(values)}
    if se is not None:
        data["se"] = list(se)
    if lower is not None:
        data["lo"], data["hi"] = list(lower), list(upper)
    data.update(extra)
    return pd.DataFrame(data)


def wls(b: np.ndarray, w: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Intercept and slope of weighted least squares, by the normal equations."""
    design = np.column_stack([np.ones_like(b), b]) * np.sqrt(w)[:, None]
    coef, *_ = np.linalg.lstsq(design, y * np.sqrt(w), rcond=None)
    return float(coef[0]), float(coef[1])


def simulated_limits(centre, se, b, w, reps, seed, conf, back=lambda v: v, multiplier=1.0):
    """The documented simulation, written out draw by draw."""
    noise = np.random.default_rng(seed).standard_normal((1, reps, len(centre)))[0]
    slopes, ratios = [], []
    for row in noise:
        b0, b1 = wls(b, w, back(centre + row * se))
        slopes.append(b1 * multiplier)
        ratio = (b0 + b1) / b0
        ratios.append(1 / ratio if multiplier < 0 else ratio)  # a reversed scale inverts the ratio
    q = conf + (1 - conf) / 2
    lo, hi = round(reps * (1 - q)) - 1, round(reps * q) - 1  # 1-based order statistics
    s, r = np.sort(slopes), np.sort(ratios)
    return (s[lo], s[hi]), (r[lo], r[hi])


def test_point_estimates_by_hand_and_the_defaults() -> None:
    out = calculate_sii(
        frame(LINE, se=[1.0] * 5),
        quantile="q",
        population="pop",
        value="v",
        se="se",
        seed=1,
        repetitions=1000,
    )
    # defaults: one group, multiplier 1, 95% limits, no RII or intercept
    assert list(out.columns) == ["sii", "sii_lower95_0cl", "sii_upper95_0cl"]
    assert out["sii"].iloc[0] == pytest.approx(20.0, rel=1e-12)
    out = calculate_sii(
        frame(LINE, se=[1.0] * 5), quantile="q", population="pop", value="v", se="se",
        seed=1, repetitions=1000, rii=True, intercept=True, multiplier=-2,
    )  # fmt: skip
    assert out["sii"].iloc[0] == pytest.approx(-40.0, rel=1e-12)
    assert out["rii"].iloc[0] == pytest.approx(10 / 30, rel=1e-12)  # (β₀ + β₁)/β₀ = 30/10, inverted
    assert out["intercept"].iloc[0] == pytest.approx(10.0, rel=1e-12)
    assert list(out.columns) == [
        "sii",
        "sii_lower95_0cl",
        "sii_upper95_0cl",
        "rii",
        "rii_lower95_0cl",
        "rii_upper95_0cl",
        "intercept",
    ]


def test_unequal_populations_weight_the_ranks() -> None:
    pops = np.array([100.0, 300.0, 200.0, 250.0, 150.0])
    a = pops / pops.sum()
    b = np.cumsum(a) - a / 2
    y = np.array([30.0, 26.0, 25.0, 21.0, 15.0])
    b0, b1 = wls(b, a, y)
    out = calculate_sii(frame(y, se=[1.0] * 5, pops=pops), quantile="q", population="pop", value="v", se="se",
                        seed=1, repetitions=1000, rii=True, intercept=True)  # fmt: skip
    assert out["sii"].iloc[0] == pytest.approx(b1, rel=1e-12)
    assert out["intercept"].iloc[0] == pytest.approx(b0, rel=1e-12)
    assert out["rii"].iloc[0] == pytest.approx((b0 + b1) / b0, rel=1e-12)


def test_simulated_limits_normal_values_from_standard_errors() -> None:
    se = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    out = calculate_sii(frame(LINE, se=se), quantile="q", population="pop", value="v", se="se", value_type=0,
                        repetitions=1000, seed=7, rii=True, confidence=(0.95, 0.998))  # fmt: skip
    w = np.full(5, 0.2)
    for conf, label in ((0.95, "95_0"), (0.998, "99_8")):
        (s_lo, s_hi), (r_lo, r_hi) = simulated_limits(LINE, se, B, w, 1000, 7, conf)
        assert out[f"sii_lower{label}cl"].iloc[0] == pytest.approx(s_lo, rel=1e-10)
        assert out[f"sii_upper{label}cl"].iloc[0] == pytest.approx(s_hi, rel=1e-10)
        assert out[f"rii_lower{label}cl"].iloc[0] == pytest.approx(r_lo, rel=1e-10)
        assert out[f"rii_upper{label}cl"].iloc[0] == pytest.approx(r_hi, rel=1e-10)


def test_simulated_limits_rates_from_95_percent_limits_on_the_log_scale() -> None:
    rates = np.array([50.0, 42.0, 40.0, 33.0, 30.0])
    lower, upper = rates * 0.8, rates * 1.3
    se = (np.log(upper) - np.log(lower)) / (2 * Z95)
    out = calculate_sii(frame(rates, lower=lower, upper=upper), quantile="q", population="pop", value="v",
                        value_type=1, lower_cl="lo", upper_cl="hi", repetitions=2000, seed=3, multiplier=-1,
                        rii=True)  # fmt: skip
    (s_lo, s_hi), (r_lo, r_hi) = simulated_limits(
        np.log(rates), se, B, np.full(5, 0.2), 2000, 3, 0.95, back=np.exp, multiplier=-1
    )
    assert out["sii"].iloc[0] == pytest.approx(-wls(B, np.full(5, 0.2), rates)[1], rel=1e-12)
    assert out["sii_lower95_0cl"].iloc[0] == pytest.approx(s_lo, rel=1e-10)
    assert out["sii_upper95_0cl"].iloc[0] == pytest.approx(s_hi, rel=1e-10)
    assert out["rii_lower95_0cl"].iloc[0] == pytest.approx(r_lo, rel=1e-10)
    assert out["rii_upper95_0cl"].iloc[0] == pytest.approx(r_hi, rel=1e-10)
    assert r_lo > 1  # inverted: most to least deprived, the rates fall


def test_transform_fits_on_the_log_scale_and_maps_back() -> None:
    rates = np.array([50.0, 42.0, 40.0, 33.0, 30.0])
    b0, b1 = wls(B, np.full(5, 0.2), np.log(rates))
    out = calculate_sii(frame(rates, lower=rates * 0.8, upper=rates * 1.3), quantile="q", population="pop",
                        value="v", value_type=1, lower_cl="lo", upper_cl="hi", transform=True, repetitions=1000,
                        seed=1, rii=True, intercept=True, multiplier=100)  # fmt: skip
    assert out["sii"].iloc[0] == pytest.approx((np.exp(b0 + b1) - np.exp(b0)) * 100, rel=1e-12)
    assert out["rii"].iloc[0] == pytest.approx(np.exp(b1), rel=1e-12)
    assert out["intercept"].iloc[0] == pytest.approx(np.exp(b0) * 100, rel=1e-12)
    assert out["sii_lower95_0cl"].iloc[0] < out["sii"].iloc[0] < out["sii_upper95_0cl"].iloc[0]


def test_wilson_limits_match_the_textbook_form() -> None:
    x = np.array([0.0, 1.0, 37.0, 99.0, 100.0])
    n = np.full(5, 100.0)
    p = x / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n**2))
    lo, hi = sii_module._wilson95(x, n)
    assert lo == pytest.approx(centre - half, rel=1e-12, abs=1e-15)
    assert hi == pytest.approx(centre + half, rel=1e-12)


def test_proportions_of_exactly_0_and_1_are_accepted_and_just_outside_refused() -> None:
    props = np.array([0.4, 0.35, 0.3, 0.25, 0.2])
    lower = np.array([0.0, 0.3, 0.25, 0.2, 0.15])
    upper = np.array([0.5, 0.4, 0.35, 0.3, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = calculate_sii(frame(props, lower=lower, upper=upper), quantile="q", population="pop", value="v",
                            value_type=2, lower_cl="lo", upper_cl="hi", repetitions=1000, seed=1)  # fmt: skip
    assert out["sii"].iloc[0] == pytest.approx(wls(B, np.full(5, 0.2), props)[1], rel=1e-12)
    for column, bad in (("lo", -1e-9), ("hi", 1 + 1e-9)):
        data = frame(props, lower=lower, upper=upper)
        data.loc[2, column] = bad
        with pytest.raises(InputProblem) as info:
            calculate_sii(
                data, quantile="q", population="pop", value="v", value_type=2, lower_cl="lo", upper_cl="hi"
            )
        assert info.value.problems == ["proportions and their limits must be between 0 and 1"]
    with pytest.raises(InputProblem, match=r"^proportions and their limits must be between 0 and 1$"):
        calculate_sii(frame([0.2, 0.3, 1.2, 0.3, 0.2], se=[0.1] * 5), quantile="q", population="pop", value="v",
                      value_type=2, se="se")  # fmt: skip


def test_counts_give_values_and_wilson_limits() -> None:
    counts = np.array([40.0, 35.0, 30.0, 25.0, 20.0])
    lo, hi = sii_module._wilson95(counts, np.full(5, 100.0))
    by_count = calculate_sii(frame([0] * 5, c=counts), quantile="q", population="pop", count="c",
                             value_type=2, repetitions=1000, seed=5)  # fmt: skip
    by_limits = calculate_sii(frame(counts / 100, lower=lo, upper=hi), quantile="q", population="pop", value="v",
                              value_type=2, lower_cl="lo", upper_cl="hi", repetitions=1000, seed=5)  # fmt: skip
    pd.testing.assert_frame_equal(by_count, by_limits)
    with pytest.raises(InputProblem, match=r"^count must be greater than zero$"):
        calculate_sii(
            frame([0] * 5, c=[1, 2, 0, 3, 4]), quantile="q", population="pop", count="c", value_type=2
        )


def test_argument_messages_whole_and_together() -> None:
    data = frame(LINE, se=[1.0] * 5)
    with pytest.raises(InputProblem) as info:
        calculate_sii(data, quantile="q", population="pop", value_type=3, transform=True, se="se", count="c",
                      repetitions=999, multiplier=0)  # fmt: skip
    assert info.value.problems == [
        "value_type must be 0 (normal), 1 (rate) or 2 (proportion)",
        "transform is only available for rates (1) and proportions (2)",
        "se cannot be used with transform=True; give lower_cl and upper_cl",
        "count can only be used for proportions (value_type 2)",
        "repetitions must be at least 1000",
        "multiplier must be a non-zero number",
    ]
    with pytest.raises(InputProblem) as info:
        calculate_sii(data, quantile="q", population="pop", lower_cl="lo", multiplier=float("inf"))
    assert info.value.problems == [
        "either value or count is required",
        "either se or both lower_cl and upper_cl are required",
        "multiplier must be a non-zero number",
    ]
    with pytest.raises(InputProblem) as info:
        calculate_sii(data, quantile="q", population="pop", value="v", upper_cl="hi")
    assert info.value.problems == ["either se or both lower_cl and upper_cl are required"]
    # 1000 repetitions and a negative multiplier are allowed
    calculate_sii(
        data, quantile="q", population="pop", value="v", se="se", repetitions=1000, multiplier=-1, seed=1
    )
    with pytest.raises(InputProblem) as info:
        calculate_sii(data, quantile="q", population="people", value="v", se="err")
    assert info.value.problems == ["column 'people' is missing", "column 'err' is missing"]
    with pytest.raises(InputProblem, match=r"^some input fields in data\.frame are non-numeric$"):
        calculate_sii(data.assign(v=["a"] * 5), quantile="q", population="pop", value="v", se="se")
    with pytest.raises(InputProblem, match=r"^standard errors must not be negative$"):
        calculate_sii(data.assign(se=[1, 1, -0.1, 1, 1]), quantile="q", population="pop", value="v", se="se")
    out = calculate_sii(data.assign(se=[1, 1, 0, 1, 1]), quantile="q", population="pop", value="v", se="se",
                        repetitions=1000, seed=1)  # fmt: skip
    assert out["sii"].iloc[0] == pytest.approx(20.0)


DROP_WARNING = (
    "WARNING: some records have been removed due to incomplete or invalid data (missing or non-positive "
    "populations, missing values / standard errors, or fewer quantiles than other groups)"
)


def grouped(sizes: dict[str, int], changes: dict | None = None) -> pd.DataFrame:
    parts = []
    for name, k in sizes.items():
        q = np.arange(1, k + 1)
        parts.append(pd.DataFrame({"g": name, "q": q, "pop": 100.0, "v": 10 + 2.0 * q, "se": 1.0}))
    data = pd.concat(parts, ignore_index=True)
    for (row, column), value in (changes or {}).items():
        data.loc[row, column] = value
    return data


def run(data: pd.DataFrame, **kw) -> pd.DataFrame:
    return calculate_sii(data, quantile="q", population="pop", value="v", se="se", group_by="g",
                         repetitions=1000, seed=1, **kw)  # fmt: skip


def test_groups_dropped_with_the_warning_whole() -> None:
    for change in ({(0, "pop"): 0.0}, {(1, "v"): np.nan}, {(2, "se"): np.nan}, {(3, "pop"): -5.0}):
        with pytest.warns(UserWarning) as record:
            out = run(grouped({"a": 5, "b": 5}, change))
        assert [str(w.message) for w in record] == [DROP_WARNING]
        assert out["g"].tolist() == ["b"]
    with pytest.warns(UserWarning) as record:
        out = run(grouped({"a": 5, "b": 6}))  # fewer quantiles than the largest group
    assert [str(w.message) for w in record] == [DROP_WARNING] and out["g"].tolist() == ["b"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = run(grouped({"a": 5, "b": 5}))
    assert out["g"].tolist() == ["a", "b"] and out["sii"].tolist() == pytest.approx([10.0, 10.0])
    with pytest.warns(UserWarning), pytest.raises(InputProblem, match=r"^no group has complete data$"):
        run(grouped({"a": 5}, {(0, "pop"): np.nan}))


def test_between_5_and_100_quantiles_and_a_warning_above_10() -> None:
    with pytest.raises(InputProblem, match=r"^each group needs between 5 and 100 quantiles$"):
        run(grouped({"a": 4}))
    with pytest.raises(InputProblem, match=r"^each group needs between 5 and 100 quantiles$"):
        run(grouped({"a": 101}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run(grouped({"a": 5}))
        run(grouped({"a": 10}))
    with pytest.warns(UserWarning) as record:
        run(grouped({"a": 11}))
    assert [str(w.message) for w in record] == ["WARNING: more than 10 quantiles"]
    with pytest.warns(UserWarning, match=r"^WARNING: more than 10 quantiles$"):
        out = run(grouped({"a": 100}))
    assert out["sii"].iloc[0] == pytest.approx(2.0 * 100)  # y = 10 + 2q = 10 + 2(100 b + 0.5)


def test_batches_of_groups_give_the_same_limits(monkeypatch) -> None:
    data = grouped({"a": 5, "b": 5, "c": 5})
    whole = run(data)
    monkeypatch.setattr(sii_module, "_CELLS_PER_BATCH", 5000)  # one group per batch of 1000 × 5
    pd.testing.assert_frame_equal(run(data), whole)
    monkeypatch.setattr(sii_module, "_CELLS_PER_BATCH", 10_000)  # two groups, then one
    pd.testing.assert_frame_equal(run(data), whole)
    monkeypatch.setattr(sii_module, "_CELLS_PER_BATCH", 1)  # never fewer than one group
    pd.testing.assert_frame_equal(run(data), whole)


def test_a_generator_is_used_as_given() -> None:
    data = frame(LINE, se=[1.0] * 5)
    a = calculate_sii(data, quantile="q", population="pop", value="v", se="se", repetitions=1000,
                      seed=np.random.default_rng(11))  # fmt: skip
    b = calculate_sii(data, quantile="q", population="pop", value="v", se="se", repetitions=1000, seed=11)
    pd.testing.assert_frame_equal(a, b)


# --- Transformed limits and extreme order statistics (issue 18, mutation testing) --------------------


def logit(p):
    return np.log(p / (1 - p))


def expit(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("multiplier", [100, -100])
@pytest.mark.parametrize("value_type", [1, 2])
def test_transformed_limits_come_from_the_slope_limits_on_the_fitted_scale(value_type, multiplier) -> None:
    """With ``transform=True`` the simulated slope limits ``s`` (log or logit scale) map back around the
    midpoint ``m = β₀ + β₁/2``: SII limits ``(f(m + s/2) − f(m − s/2)) × multiplier``, RII limits
    ``f(m + s/2) / f(m − s/2)``; a negative multiplier reverses the pair (and inverts the RII)."""
    if value_type == 1:
        v, scale, back = np.array([50.0, 42.0, 40.0, 33.0, 30.0]), np.log, np.exp
    else:
        v, scale, back = np.array([0.30, 0.26, 0.25, 0.21, 0.15]), logit, expit
    lower, upper = v * 0.8, v * 1.2
    se = (scale(upper) - scale(lower)) / (2 * Z95)
    w = np.full(5, 0.2)
    b0, b1 = wls(B, w, scale(v))
    (s_lo, s_hi), _ = simulated_limits(scale(v), se, B, w, 1000, 4, 0.95)
    out = calculate_sii(frame(v, lower=lower, upper=upper), quantile="q", population="pop", value="v",
                        value_type=value_type, lower_cl="lo", upper_cl="hi", transform=True, repetitions=1000,
                        seed=4, rii=True, intercept=True, multiplier=multiplier)  # fmt: skip
    mid = b0 + b1 / 2
    sii_pair = [(back(mid + s / 2) - back(mid - s / 2)) * multiplier for s in (s_lo, s_hi)]
    rii_pair = [back(mid + s / 2) / back(mid - s / 2) for s in (s_lo, s_hi)]
    rii_point = back(b0 + b1) / back(b0)
    if multiplier < 0:
        sii_pair, rii_pair, rii_point = sii_pair[::-1], [1 / rii_pair[1], 1 / rii_pair[0]], 1 / rii_point
    assert out["sii"].iloc[0] == pytest.approx((back(b0 + b1) - back(b0)) * multiplier, rel=1e-12)
    assert out["rii"].iloc[0] == pytest.approx(rii_point, rel=1e-12)
    assert out["intercept"].iloc[0] == pytest.approx(back(b0) * 100, rel=1e-12)
    assert [out["sii_lower95_0cl"].iloc[0], out["sii_upper95_0cl"].iloc[0]] == pytest.approx(
        sii_pair, rel=1e-10
    )
    assert [out["rii_lower95_0cl"].iloc[0], out["rii_upper95_0cl"].iloc[0]] == pytest.approx(
        rii_pair, rel=1e-10
    )
    assert out["sii_lower95_0cl"].iloc[0] < out["sii_upper95_0cl"].iloc[0]


def test_a_level_beyond_the_draws_takes_the_smallest_and_largest() -> None:
    # 99.95%: q = 0.99975, 1000 × (1 − q) = 0.25 rounds to position 0, clamped to the first draw;
    # 1000 × q = 999.75 rounds to 1000, the last draw.
    se = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    out = calculate_sii(frame(LINE, se=se), quantile="q", population="pop", value="v", se="se",
                        repetitions=1000, seed=9, confidence=0.9995)  # fmt: skip
    noise = np.random.default_rng(9).standard_normal((1000, 5))
    slopes = [wls(B, np.full(5, 0.2), LINE + row * se)[1] for row in noise]
    assert out["sii_lower99_95cl"].iloc[0] == pytest.approx(min(slopes), rel=1e-10)
    assert out["sii_upper99_95cl"].iloc[0] == pytest.approx(max(slopes), rel=1e-10)


def test_warnings_point_at_the_caller() -> None:
    with pytest.warns(UserWarning) as record:
        run(grouped({"a": 5, "b": 11}))  # a is dropped (fewer quantiles), b has more than 10
    assert [str(w.message) for w in record] == [DROP_WARNING, "WARNING: more than 10 quantiles"]
    assert sii_module.__file__ not in [w.filename for w in record]  # they point past the function


# --- Survivors of the first full mutation run (issue 18, third session) ------------------------------


def test_the_default_is_100_000_repetitions() -> None:
    # Seed 28: its 100 001st draw lands in the upper tail, so 100 000 and 100 001 draws give different
    # upper limits (for most seeds one more draw moves neither order statistic).
    data = frame(LINE, se=[1.0] * 5)
    default = calculate_sii(data, quantile="q", population="pop", value="v", se="se", seed=28)
    # the documented order statistics of the draws, written out here (vectorised: the slope of weighted
    # least squares with equal weights is Σ(b − b̄)y / Σ(b − b̄)²)
    noise = np.random.default_rng(28).standard_normal((100_001, 5))
    centred = B - B.mean()
    slopes = (LINE + noise) @ centred / np.sum(centred**2)
    first = np.sort(slopes[:100_000])
    assert default["sii_lower95_0cl"].iloc[0] == pytest.approx(first[2500 - 1], rel=1e-10)
    assert default["sii_upper95_0cl"].iloc[0] == pytest.approx(first[97_500 - 1], rel=1e-10)
    one_more = np.sort(slopes)  # 100 001 draws: positions round(2 500.025) and round(97 500.975)
    assert not np.isclose(default["sii_upper95_0cl"].iloc[0], one_more[97_501 - 1], rtol=1e-10)


def test_a_count_of_one_is_accepted() -> None:
    counts = np.array([1.0, 35.0, 30.0, 25.0, 20.0])
    out = calculate_sii(frame([0] * 5, c=counts), quantile="q", population="pop", count="c",
                        value_type=2, repetitions=1000, seed=5)  # fmt: skip
    assert out["sii"].iloc[0] == pytest.approx(wls(B, np.full(5, 0.2), counts / 100)[1], rel=1e-12)


def test_counts_with_both_limits_use_the_limits_given_and_with_one_limit_wilson() -> None:
    counts = np.array([40.0, 35.0, 30.0, 25.0, 20.0])
    lower, upper = counts / 100 - 0.1, counts / 100 + 0.1  # deliberately not Wilson's
    with_limits = calculate_sii(frame([0] * 5, c=counts, lo=lower, hi=upper), quantile="q", population="pop",
                                count="c", value_type=2, lower_cl="lo", upper_cl="hi",
                                repetitions=1000, seed=5)  # fmt: skip
    by_value = calculate_sii(frame(counts / 100, lower=lower, upper=upper), quantile="q", population="pop",
                             value="v", value_type=2, lower_cl="lo", upper_cl="hi",
                             repetitions=1000, seed=5)  # fmt: skip
    pd.testing.assert_frame_equal(with_limits, by_value)
    by_count = calculate_sii(frame([0] * 5, c=counts), quantile="q", population="pop", count="c",
                             value_type=2, repetitions=1000, seed=5)  # fmt: skip
    assert not np.isclose(with_limits["sii_lower95_0cl"].iloc[0], by_count["sii_lower95_0cl"].iloc[0])
    for side in ("lower_cl", "upper_cl"):  # one limit alone is not a pair: Wilson's are used
        one = calculate_sii(frame([0] * 5, c=counts, lo=lower), quantile="q", population="pop", count="c",
                            value_type=2, repetitions=1000, seed=5, **{side: "lo"})  # fmt: skip
        pd.testing.assert_frame_equal(one, by_count)


def test_populations_of_one_and_below_are_kept() -> None:
    pops = (1.0, 0.5, 2.0, 1.0, 3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no group dropped
        out = calculate_sii(frame(LINE, se=[1.0] * 5, pops=pops), quantile="q", population="pop", value="v",
                            se="se", repetitions=1000, seed=1)  # fmt: skip
    w = np.array(pops) / sum(pops)
    b = np.cumsum(w) - w / 2
    assert out["sii"].iloc[0] == pytest.approx(wls(b, w, LINE)[1], rel=1e-12)


def test_grouping_columns_called_index_and_level_0_and_a_fresh_row_index_after_dropping() -> None:
    # pandas names a kept row index "index", or "level_0" when "index" is taken: with both taken,
    # keeping it would fail, so the row index must be dropped.
    data = grouped({"a": 5, "b": 5, "c": 5}, {(5, "pop"): 0.0}).rename(columns={"g": "index"})
    data["level_0"] = "x"
    with pytest.warns(UserWarning, match=r"^WARNING: some records have been removed"):
        out = calculate_sii(data, quantile="q", population="pop", value="v", se="se",
                            group_by=["index", "level_0"], repetitions=1000, seed=1)  # fmt: skip
    assert out["index"].tolist() == ["a", "c"] and out["level_0"].tolist() == ["x", "x"]
    assert out.index.tolist() == [0, 1]
    assert out["sii"].tolist() == pytest.approx([10.0, 10.0])
