"""DSR at its edges: the "fewer than 10 events" rule on both sides, worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jointly.stats import dsr as dsr_module
from jointly.stats.dsr import calculate_dsr
from jointly.stats.errors import InputProblem


def two_bands(counts: tuple[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"count": counts, "pop": [1000, 2000], "stdpop": [3000, 1000]})


def test_ten_events_are_enough() -> None:
    out = calculate_dsr(two_bands((6, 4)), stdpop="stdpop", confidence=0.95)
    # value = (6/1000·3000 + 4/2000·1000) / 4000 × 100,000 = (18 + 2) / 4000 × 100,000 = 500
    assert out["total_count"].iloc[0] == 10
    assert out["value"].iloc[0] == pytest.approx(500.0, rel=1e-12)
    assert out["lowercl"].iloc[0] < 500.0 < out["uppercl"].iloc[0]
    assert out["statistic"].iloc[0] == "dsr per 100000"


def test_nine_events_are_suppressed_in_these_words() -> None:
    out = calculate_dsr(two_bands((5, 4)), stdpop="stdpop", confidence=0.95)
    assert out["total_count"].iloc[0] == 9
    assert np.isnan(out[["value", "lowercl", "uppercl"]].to_numpy(dtype=float)).all()
    assert (out[["value", "lowercl", "uppercl"]].dtypes == np.float64).all()
    assert out["statistic"].iloc[0] == "dsr NA for total count < 10"


# --- Defaults, positional standard populations, the limits by hand and every message (issue 18) ----


def byar(o: float, z: float) -> tuple[float, float]:
    lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lo, hi


def test_dobson_limits_by_hand_with_a_positional_standard_population() -> None:
    data = pd.DataFrame({"count": [10, 20], "pop": [1000, 2000]})
    out = calculate_dsr(data, stdpop=[3, 1], multiplier=1000)
    # value = (10/1000·3 + 20/2000·1) / 4 × 1000 = 10; var = Σ x (w/n)² / (Σw)² = (10·0.003² + 20·0.0005²)/16
    var = (10 * 0.003**2 + 20 * 0.0005**2) / 16
    scale = np.sqrt(var / 30) * 1000
    lo, hi = byar(30, 1.959963984540054)
    assert out["value"].iloc[0] == pytest.approx(10.0, rel=1e-12)
    assert out["lowercl"].iloc[0] == pytest.approx(10 + scale * (lo - 30), rel=1e-9)
    assert out["uppercl"].iloc[0] == pytest.approx(10 + scale * (hi - 30), rel=1e-9)
    assert out["total_count"].iloc[0] == 30 and out["total_pop"].iloc[0] == 3000
    assert out["statistic"].iloc[0] == "dsr per 1000" and out["method"].iloc[0] == "Dobson"
    assert out["confidence"].iloc[0] == "95%"
    assert list(out.columns) == [
        "total_count",
        "total_pop",
        "value",
        "lowercl",
        "uppercl",
        "confidence",
        "statistic",
        "method",
    ]


def test_defaults_esp2013_by_position_and_per_100000() -> None:
    esp = dsr_module.ESP2013
    assert len(esp) == 19 and esp.sum() == 100_000
    data = pd.DataFrame({"count": [1.0] * 19, "pop": [1000.0] * 19})
    out = calculate_dsr(data)
    # every band at 1 per 1000: the standardised rate is 100 per 100 000 whatever the weights
    assert out["value"].iloc[0] == pytest.approx(100.0, rel=1e-12)
    assert out["statistic"].iloc[0] == "dsr per 100000"
    data.loc[0, "count"] = 11.0  # band 0-4 (weight 5000): +10 per 1000 there → +10·5000/1000 per 100 000
    assert calculate_dsr(data)["value"].iloc[0] == pytest.approx(100.0 + 50.0, rel=1e-12)


def test_a_positional_standard_population_needs_every_group_the_same_length() -> None:
    data = pd.DataFrame({"g": ["a", "a", "b"], "count": [10, 20, 30], "pop": [100, 200, 300]})
    with pytest.raises(InputProblem) as info:
        calculate_dsr(data, stdpop=[1, 1], group_by="g")
    assert info.value.problems == [
        "each group must have exactly 2 age bands to use a standard population given by position"
    ]
    with pytest.raises(InputProblem) as info:
        calculate_dsr(data, stdpop=[1, 1])
    assert info.value.problems == [
        "each group must have exactly 2 age bands to use a standard population given by position"
    ]
    out = calculate_dsr(data.iloc[:2], stdpop=[1, 1], group_by="g")
    assert out["g"].tolist() == ["a"] and out["value"].iloc[0] == pytest.approx(10_000.0)


def test_calculate_dsr_messages_whole() -> None:
    data = pd.DataFrame({"count": [-1, 20], "pop": [0, np.nan], "w": [1, -1]})
    with pytest.raises(InputProblem) as info:
        calculate_dsr(data, stdpop="w")
    assert info.value.problems == [
        "populations and standard populations must not be missing",
        "numerators must all be greater than or equal to zero",
        "denominators must all be greater than zero",
        "stdpop must all be greater than or equal to zero",
    ]
    for bad in (0, -5, float("inf"), float("nan")):
        with pytest.raises(InputProblem, match=r"^multiplier must be greater than zero$"):
            calculate_dsr(data, stdpop="w", multiplier=bad)
    with pytest.raises(
        InputProblem, match=r"^eventfreq and ageband are required when independent_events is False$"
    ):
        calculate_dsr(data, stdpop="w", independent_events=False, eventfreq="f")
    with pytest.raises(InputProblem) as info:
        calculate_dsr(data, count="n", population="people", stdpop="sp")
    assert info.value.problems == [
        "column 'n' is missing",
        "column 'people' is missing",
        "column 'sp' is missing",
    ]
    with pytest.raises(InputProblem, match=r"^grouping column 'area' is missing$"):
        calculate_dsr(data, stdpop="w", group_by=["area"])


def test_missing_counts_are_zero() -> None:
    data = pd.DataFrame({"count": [np.nan, 20.0], "pop": [1000, 2000], "w": [1, 1]})
    out = calculate_dsr(data, stdpop="w")
    assert out["total_count"].iloc[0] == 20
    assert out["value"].iloc[0] == pytest.approx((0 + 20 / 2000) / 2 * 100_000)


def test_non_independent_events_by_hand() -> None:
    # one band: 5 people with 1 event and 3 with 2 events, pop 100, stdpop 1
    data = pd.DataFrame({"band": ["x", "x"], "f": [1, 2], "count": [5, 3], "pop": [100, 100], "w": [1, 1]})
    out = calculate_dsr(
        data, stdpop="w", independent_events=False, eventfreq="f", ageband="band", multiplier=100
    )
    # events 5 + 6 = 11; value 11/100 × 100 = 11; var = Σ f² x (w/n)² / (Σw)² = (5 + 12)/100²
    assert out["total_count"].iloc[0] == 11 and out["total_pop"].iloc[0] == 100
    assert out["value"].iloc[0] == pytest.approx(11.0)
    scale = np.sqrt(17 / 100**2 / 11) * 100
    lo, hi = byar(11, 1.959963984540054)
    assert out["lowercl"].iloc[0] == pytest.approx(11 + scale * (lo - 11), rel=1e-9)
    assert out["uppercl"].iloc[0] == pytest.approx(11 + scale * (hi - 11), rel=1e-9)
    assert out["method"].iloc[0] == "Dobson, with confidence adjusted for non-independent events"
    with pytest.raises(InputProblem, match=r"^event frequencies must be whole numbers of at least 1$"):
        calculate_dsr(
            data.assign(f=[0, 2]), stdpop="w", independent_events=False, eventfreq="f", ageband="band"
        )
    with pytest.raises(
        InputProblem,
        match=r"^There are rows with the same grouping variables and ageband but with different populations "
        r"or standard populations$",
    ):
        calculate_dsr(
            data.assign(pop=[100, 101]), stdpop="w", independent_events=False, eventfreq="f", ageband="band"
        )


def test_dsr_frame_messages_whole() -> None:
    df = pd.DataFrame(
        {
            "count": ["-1", "x", "3"],
            "pop": ["0", "", "10"],
            "stdpop": ["-2", "1", "1"],
            "eventfreq": ["1", "1.5", "0"],
            "ageband": ["a", "b", "c"],
        }
    )
    with pytest.raises(InputProblem) as info:
        dsr_module.dsr_frame(df)
    assert info.value.problems == [
        "row 3, column 'count': 'x' is not a number",
        "row 3, column 'pop': a value is required",
        "row 2, column 'count': -1 is negative (must be 0 or more)",
        "row 2, column 'pop': 0 must be greater than zero",
        "row 2, column 'stdpop': -2 is negative (must be 0 or more)",
        "row 3, column 'eventfreq': 1.5 must be a whole number of at least 1",
        "row 4, column 'eventfreq': 0 must be a whole number of at least 1",
    ]
    with pytest.raises(InputProblem) as info:
        dsr_module.dsr_frame(pd.DataFrame({"count": ["1"], "eventfreq": ["1"]}))
    assert info.value.problems == [
        "column 'pop' is missing",
        "column 'ageband' is missing (needed with 'eventfreq')",
    ]
    with pytest.raises(InputProblem) as info:
        dsr_module.dsr_frame(pd.DataFrame({"count": ["1"] * 18, "pop": ["10"] * 18}))
    assert info.value.problems == [
        "without a 'stdpop' column the European Standard Population 2013 is used, so each group needs "
        "exactly 19 age-band rows (0-4 … 90+, in order)"
    ]
    with pytest.raises(InputProblem, match=r"^multiplier: 'x' is not a number$"):
        dsr_module.dsr_frame(pd.DataFrame({"count": ["1"], "pop": ["1"]}), multiplier="x")  # type: ignore[arg-type]
    with pytest.raises(InputProblem, match=r"^multiplier: 0 must be greater than zero$"):
        dsr_module.dsr_frame(pd.DataFrame({"count": ["1"], "pop": ["1"]}), multiplier=0)


def test_dsr_frame_defaults_to_esp2013_and_both_levels() -> None:
    df = pd.DataFrame({"area": ["a"] * 19, "count": ["1"] * 19, "pop": ["1000"] * 19})
    out = dsr_module.dsr_frame(df)
    assert out["area"].tolist() == ["a"] and out["value"].iloc[0] == pytest.approx(100.0)
    assert [c for c in out.columns if "cl" in c] == [
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
    ]
    assert out["statistic"].iloc[0] == "dsr per 100000"


# --- Boundaries found by mutation testing (issue 18) ---------------------------------------------


def test_confidence_levels_at_their_bounds() -> None:
    nc = dsr_module.normalise_confidence
    assert nc(0.9) == (0.9,) and nc(90) == (0.9,)  # 90 is read as a percentage, not refused
    assert nc(0.9999) == (0.9999,)
    assert nc(1, allow_one=True) == (1.0,) and nc(100, allow_one=True) == (1.0,)
    below = "must be between 0.9 and below 1 (or 90 to 100 as a percentage)"
    one = "must be between 0.9 and 1 (or 90 to 100 as a percentage)"
    cases = [
        (0.8999, {}, [f"confidence: 0.8999 {below}"]),
        (1, {}, [f"confidence: 1 {below}"]),
        (100, {}, [f"confidence: 100 {below}"]),
        (89.99, {}, [f"confidence: 89.99 {below}"]),
        (100.01, {"allow_one": True}, [f"confidence: 100.01 {one}"]),
        (float("nan"), {}, [f"confidence: nan {below}"]),
        (float("inf"), {"allow_one": True}, [f"confidence: inf {one}"]),
        (["x", 2], {}, ["confidence: 'x' is not a number", f"confidence: 2 {below}"]),
        ([2, "y"], {}, [f"confidence: 2 {below}", "confidence: 'y' is not a number"]),
        ([], {}, ["confidence: at least one confidence level is needed"]),
        ((95, 0.95), {}, ["confidence: the same level is given twice"]),
    ]
    for level, options, problems in cases:
        with pytest.raises(InputProblem) as info:
            nc(level, **options)
        assert info.value.problems == problems, level


def test_level_labels_and_texts() -> None:
    assert [dsr_module.level_label(c) for c in (0.95, 0.998, 0.9995, 1.0)] == [
        "95_0",
        "99_8",
        "99_95",
        "100_0",
    ]
    assert dsr_module.confidence_text((0.9995, 0.9, 0.998)) == "99.95%, 90%, 99.8%"
    assert dsr_module.limit_names((0.95, 0.9995)) == [
        (0.95, "lower95_0cl", "upper95_0cl"),
        (0.9995, "lower99_95cl", "upper99_95cl"),
    ]
    assert [dsr_module.number_text(x) for x in (1000.0, 1_000_000, 0.5, 2.5e-7)] == [
        "1000",
        "1000000",
        "0.5",
        "2.5e-07",
    ]


def test_frame_multiplier_refuses_what_is_not_a_positive_finite_number() -> None:
    fm = dsr_module.frame_multiplier
    assert fm(None, 100) == 100.0 and fm(0.001, 100) == 0.001 and fm("10", 100) == 10.0
    for bad, shown in [(float("inf"), "inf"), (float("nan"), "nan"), (-1, "-1"), (0.0, "0.0")]:
        with pytest.raises(InputProblem) as info:
            fm(bad, 100)
        assert info.value.problems == [f"multiplier: {shown} must be greater than zero"]
    with pytest.raises(InputProblem) as info:
        fm([1], 100, name="per")  # type: ignore[arg-type]
    assert info.value.problems == ["per: [1] is not a number"]


def test_groups_come_out_sorted_and_a_missing_key_is_a_group() -> None:
    data = pd.DataFrame(
        {"g": ["b", "b", "a", "a", None, None], "count": [10, 10, 20, 20, 30, 30], "pop": [100] * 6}
    )
    out = calculate_dsr(data, stdpop=[1, 1], group_by="g", multiplier=1)
    assert out["g"].tolist()[:2] == ["a", "b"] and pd.isna(out["g"].iloc[2])
    # equal weights: (x₁/100 + x₂/100) / 2
    assert out["value"].tolist() == pytest.approx([0.2, 0.1, 0.3])
    assert out["total_count"].tolist() == [40, 20, 60]
    assert len(calculate_dsr(data.iloc[:2], stdpop=[1, 1])) == 1


def test_zero_counts_and_zero_standard_weights_are_accepted() -> None:
    data = pd.DataFrame({"count": [0, 12, 5], "pop": [100, 100, 100], "w": [1, 1, 0]})
    out = calculate_dsr(data, stdpop="w", multiplier=100)
    # the band with weight 0 counts towards the total events but not the rate
    assert out["total_count"].iloc[0] == 17 and out["value"].iloc[0] == pytest.approx(6.0)
    with pytest.raises(InputProblem) as info:
        calculate_dsr(data, stdpop=[1, None, 1])
    assert info.value.problems == ["populations and standard populations must not be missing"]


def test_non_independent_columns_and_frequencies() -> None:
    data = pd.DataFrame({"band": ["x", "x"], "f": [1, 2], "count": [5, 3], "pop": [100, 100], "w": [1, 1]})
    options = {"independent_events": False, "eventfreq": "f", "ageband": "band"}
    with pytest.raises(InputProblem) as info:
        calculate_dsr(data.drop(columns=["count", "band"]), stdpop="w", **options)
    assert info.value.problems == ["column 'count' is missing", "column 'band' is missing"]
    with pytest.raises(InputProblem, match=r"^event frequencies must be whole numbers of at least 1$"):
        calculate_dsr(data.assign(f=[np.nan, 2]), stdpop="w", **options)
    # a standard population by position counts the bands of each frequency separately
    out = calculate_dsr(data, stdpop=[1], multiplier=100, **options)
    assert out["value"].iloc[0] == pytest.approx(11.0)


def test_dsr_frame_accepts_zero_counts_and_weights_and_reports_blank_frequencies_once() -> None:
    df = pd.DataFrame({"count": ["0", "12"], "pop": ["100", "100"], "stdpop": ["0", "1"]})
    out = dsr_module.dsr_frame(df, confidence=0.95, multiplier=100)
    assert out["value"].iloc[0] == pytest.approx(12.0) and out["total_count"].iloc[0] == 12
    with pytest.raises(InputProblem) as info:
        dsr_module.dsr_frame(df.assign(eventfreq=["", "1"], ageband=["a", "b"]))
    assert info.value.problems == ["row 2, column 'eventfreq': a value is required"]


def test_dsr_frame_checks_the_esp2013_rows_only_once_the_cells_are_good() -> None:
    df = pd.DataFrame({"count": ["1"] * 18, "pop": ["10"] * 18})
    df.loc[1, "count"] = "x"
    with pytest.raises(InputProblem) as info:
        dsr_module.dsr_frame(df)
    assert info.value.problems == ["row 3, column 'count': 'x' is not a number"]


def test_dsr_frame_non_independent_events_with_esp2013_per_frequency() -> None:
    # 19 bands for each frequency: 1 person with one event and 1 person with two events in every band
    df = pd.DataFrame(
        {
            "ageband": list(dsr_module.ESP2013_AGEBANDS) * 2,
            "eventfreq": ["1"] * 19 + ["2"] * 19,
            "count": ["1"] * 38,
            "pop": ["1000"] * 38,
        }
    )
    out = dsr_module.dsr_frame(df, confidence=0.95)
    # three events per 1000 in every band: 300 per 100 000 whatever the weights
    assert out["total_count"].iloc[0] == 57 and out["total_pop"].iloc[0] == 19_000
    assert out["value"].iloc[0] == pytest.approx(300.0)
    assert out["method"].iloc[0] == "Dobson, with confidence adjusted for non-independent events"


def test_dsr_frame_reads_every_missing_word_as_no_events() -> None:
    words = ["", "NA", "nan", "n/a", "NULL", "None", " na "]
    df = pd.DataFrame({"count": [*words, "12"], "pop": ["100"] * 8, "stdpop": ["1"] * 8})
    out = dsr_module.dsr_frame(df, confidence=0.95, multiplier=800)
    assert out["total_count"].iloc[0] == 12 and out["value"].iloc[0] == pytest.approx(12.0)
    with pytest.raises(InputProblem) as info:
        dsr_module.dsr_frame(df.assign(count=["inf", "-inf", "1e", "x", "NaN", "1", "2", "12"]))
    assert info.value.problems == [
        "row 2, column 'count': 'inf' is not a number",
        "row 3, column 'count': '-inf' is not a number",
        "row 4, column 'count': '1e' is not a number",
        "row 5, column 'count': 'x' is not a number",
    ]


def test_dsr_frame_populations_just_above_zero_and_standard_population_cells() -> None:
    df = pd.DataFrame({"count": ["6", "6"], "pop": ["1", "0.5"], "stdpop": ["1", "1"]})
    out = dsr_module.dsr_frame(df, confidence=0.95, multiplier=1)
    assert out["value"].iloc[0] == pytest.approx((6 / 1 + 6 / 0.5) / 2)
    with pytest.raises(InputProblem) as info:
        dsr_module.dsr_frame(df.assign(stdpop=["x", ""]))
    assert info.value.problems == [
        "row 2, column 'stdpop': 'x' is not a number",
        "row 3, column 'stdpop': a value is required",
    ]


def test_dsr_frame_esp2013_without_grouping_columns_and_with_a_missing_key() -> None:
    df = pd.DataFrame({"count": ["1"] * 19, "pop": ["1000"] * 19})
    assert dsr_module.dsr_frame(df)["value"].iloc[0] == pytest.approx(100.0)
    out = dsr_module.dsr_frame(df.assign(area=None))
    assert len(out) == 1 and pd.isna(out["area"].iloc[0]) and out["value"].iloc[0] == pytest.approx(100.0)


def test_non_independent_rows_of_a_missing_band_must_agree_too() -> None:
    data = pd.DataFrame({"band": [None, None], "f": [1, 2], "count": [5, 3], "pop": [100, 101], "w": [1, 1]})
    with pytest.raises(InputProblem, match=r"^There are rows with the same grouping variables and ageband"):
        calculate_dsr(data, stdpop="w", independent_events=False, eventfreq="f", ageband="band")
