"""Life expectancy at its edges, against a life table worked out in this file.

``chiang_silcocks`` below is an independent, one-band-at-a-time transcription of the published
method (Chiang II abridged life table; Silcocks et al. for the variance of the last band), so
that zero-death bands, the q = 1 cap and the suppression thresholds are checked against numbers
the code under test did not produce.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from jointly.stats import life_expectancy as le_module
from jointly.stats.errors import InputProblem
from jointly.stats.life_expectancy import STANDARD_START_AGES, life_expectancy

STARTS = list(STANDARD_START_AGES)
Z95 = 1.959963984540054


def chiang_silcocks(deaths: list[float], pops: list[float]) -> tuple[list[float], list[float]]:
    """Life expectancy and its standard error at the start of each of the 20 bands."""
    k = len(STARTS)
    m = [d / p for d, p in zip(deaths, pops, strict=True)]
    n = [STARTS[i + 1] - STARTS[i] for i in range(k - 1)] + [2 / m[-1]]
    a = [0.1 if s == 0 else 0.5 for s in STARTS]
    q = []
    for i in range(k):
        if i == k - 1 or deaths[i] > pops[i] / n[i] / a[i]:
            q.append(1.0)
        else:
            q.append(m[i] * n[i] / (1 + m[i] * n[i] * (1 - a[i])))
    lx = [100_000.0]
    for i in range(k - 1):
        lx.append(lx[i] * (1 - q[i]))
    dx = [lx[i] - (lx[i + 1] if i < k - 1 else 0.0) for i in range(k)]
    big_l = [n[i] * ((lx[i + 1] if i < k - 1 else 0.0) + a[i] * dx[i]) for i in range(k - 1)]
    big_l.append(lx[-1] / m[-1])
    t = [sum(big_l[i:]) for i in range(k)]
    e = [0.0 if lx[i] == 0 else t[i] / lx[i] for i in range(k)]
    s2 = [0.0 if dx[i] == 0 else q[i] ** 2 * (1 - q[i]) / deaths[i] for i in range(k - 1)]
    s2.append(4 / (deaths[-1] * m[-1] ** 2))
    w = [
        s2[i] * lx[i] ** 2 * ((1 - a[i]) * n[i] + (e[i + 1] if i < k - 1 else 0.0)) ** 2 for i in range(k - 1)
    ]
    w.append((lx[-1] / 2) ** 2 * s2[-1])
    se = [math.sqrt(sum(w[i:]) / lx[i] ** 2) if lx[i] else math.nan for i in range(k)]
    return e, se


# A plausible small area: 20 bands, population 6,000+, some bands with no deaths at all.
POPS = [70, 300, 400, 420, 410, 380, 390, 420, 440, 430, 410, 380, 350, 320, 280, 220, 160, 110, 60, 30]
DEATHS = [1, 0, 0, 0, 0, 1, 0, 1, 1, 2, 2, 3, 4, 6, 8, 10, 12, 14, 12, 10]


def frame(deaths: list[float], pops: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"startage": STARTS, "pops": pops, "deaths": deaths})


def test_bands_with_no_deaths_are_computed_not_suppressed() -> None:
    assert sum(POPS) > 5000 and 0 in DEATHS
    out = life_expectancy(frame(DEATHS, POPS), confidence=0.95)
    e, se = chiang_silcocks(DEATHS, POPS)
    assert (out["note"] == "").all()
    np.testing.assert_allclose(out["lowercl"], np.array(e) - Z95 * np.array(se), rtol=1e-10)
    np.testing.assert_allclose(out["uppercl"], np.array(e) + Z95 * np.array(se), rtol=1e-10)
    wide = Z95 * np.array(se) > 10
    np.testing.assert_allclose(out["value"][~wide], np.array(e)[~wide], rtol=1e-10)
    assert out["value"][wide].isna().all()


def test_deaths_above_p_over_n_a_take_q_as_one_and_later_bands_have_no_survivors() -> None:
    # Band 40-44: n = 5, a = 0.5, so q = 1 once deaths exceed P/2.5 (here 200 of 400), yet deaths
    # do not exceed the population, so the group is computed, not suppressed.
    deaths = [*DEATHS]
    pops = [p * 3 for p in POPS]
    deaths[10] = 201
    pops[10] = 400
    out = life_expectancy(frame(deaths, pops), confidence=0.95)
    e, _ = chiang_silcocks(deaths, pops)
    assert (out["note"] == "").all()
    assert e[11:] == [0.0] * 9
    np.testing.assert_allclose(out["lowercl"].iloc[:11] + out["uppercl"].iloc[:11], 2 * np.array(e[:11]))
    assert (out["value"].iloc[11:].fillna(0) == 0).all()


@pytest.mark.parametrize(
    ("total", "suppressed"), [(5000, True), (5001, False)], ids=["5000 suppressed", "5001 computed"]
)
def test_total_population_threshold_is_5000_or_less(total: int, suppressed: bool) -> None:
    pops = [*POPS]
    for i in range(2, 12):  # bands of 380 or more people each give up a tenth of the excess
        pops[i] -= (sum(POPS) - total) // 10
    pops[2] -= sum(pops) - total
    assert sum(pops) == total and min(pops) > 0
    if suppressed:
        with pytest.warns(UserWarning, match=r"^some groups have a total population of less than 5,000; "):
            out = life_expectancy(frame(DEATHS, pops))
        assert out["value"].isna().all()
    else:
        out = life_expectancy(frame(DEATHS, pops))
        assert out["value"].notna().any()


def test_deaths_equal_to_population_are_allowed() -> None:
    deaths = [*DEATHS]
    deaths[-1] = POPS[-1]
    out = life_expectancy(frame(deaths, POPS), confidence=0.95)
    assert (out["note"] == "").all()
    e, _ = chiang_silcocks(deaths, POPS)
    np.testing.assert_allclose(out["lowercl"] + out["uppercl"], 2 * np.array(e), rtol=1e-10)


def test_the_default_output_is_95_percent_with_the_method() -> None:
    out = life_expectancy(frame(DEATHS, POPS))
    assert list(out.columns) == [
        "startage", "pops", "deaths", "value", "lowercl", "uppercl",
        "pops_used", "dths_used", "confidence", "statistic", "method", "note",
    ]  # fmt: skip
    assert set(out["method"]) == {"Chiang, using Silcocks et al for confidence limits"}
    assert list(out["statistic"].iloc[:3]) == [
        "life expectancy at 0",
        "life expectancy at 1",
        "life expectancy at 5",
    ]
    assert set(out["confidence"]) == {"95%"}
    assert list(out["pops_used"].iloc[-2:]) == [90.0, 30.0]
    assert list(out["dths_used"].iloc[-2:]) == [22.0, 10.0]


def test_le_age_keeps_only_the_bands_asked_for() -> None:
    out = life_expectancy(frame(DEATHS, POPS), le_age=[0, 65])
    assert list(out["startage"]) == [0, 65]
    out = life_expectancy(frame(DEATHS, POPS), le_age=1)
    assert list(out["startage"]) == [1]


def test_a_band_label_is_named_by_its_start_age() -> None:
    labels = ["0", "1-4", *(f"{a}-{a + 4}" for a in range(5, 90, 5)), "90+"]
    out = life_expectancy(frame(DEATHS, POPS).assign(startage=labels), age_contents=labels)
    assert list(out["statistic"].iloc[[1, 2, 19]]) == [
        "life expectancy at 1",
        "life expectancy at 5",
        "life expectancy at 90",
    ]
    assert list(out["startage"].iloc[[1, 19]]) == ["1-4", "90+"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deaths": (3, -1)}, "some age bands have negative deaths"),
        ({"pops": (3, 0)}, "some age bands have a zero or less population"),
        ({"deaths": (3, None)}, "some age bands have missing deaths or population"),
        ({"deaths": (3, 500)}, "some age bands have more deaths than population"),
    ],
)
def test_each_rule_suppresses_in_its_own_words(change: dict, message: str) -> None:
    data = frame(DEATHS, POPS)
    for column, (row, value) in change.items():
        data[column] = data[column].astype(float)
        data.loc[row, column] = np.nan if value is None else value
    with pytest.warns(
        UserWarning, match=rf"^{re.escape(message)}; life expectancy set to NA for those groups$"
    ):
        out = life_expectancy(data, confidence=(0.95, 0.998))
    assert (out["note"] == message).all()
    assert out[["value", "lower95_0cl", "upper99_8cl"]].isna().all().all()


# --- Found by mutation testing (issue 18) ------------------------------------------------------------


def test_groups_come_out_in_key_order_and_a_missing_key_is_a_group() -> None:
    parts = [frame(DEATHS, POPS).assign(area=name) for name in ("b", "a", None)]
    data = pd.concat(parts, ignore_index=True)
    out = life_expectancy(data, group_by="area")
    assert out["area"].iloc[[0, 20]].tolist() == ["a", "b"] and out["area"].iloc[40:].isna().all()
    assert len(out) == 60
    e, _ = chiang_silcocks(DEATHS, POPS)
    np.testing.assert_allclose(out["lowercl"] + out["uppercl"], np.tile(2 * np.array(e), 3), rtol=1e-10)


def test_the_first_rule_broken_names_the_group_and_warns_once() -> None:
    data = frame(DEATHS, POPS).astype({"deaths": float, "pops": float})
    data.loc[3, "deaths"] = -1  # negative deaths, and (later in the order) a zero population
    data.loc[4, "pops"] = 0
    with pytest.warns(UserWarning) as record:
        out = life_expectancy(data)
    assert [str(w.message) for w in record] == [
        "some age bands have negative deaths; life expectancy set to NA for those groups"
    ]
    assert record[0].filename != le_module.__file__  # it points past the function, at its caller
    assert (out["note"] == "some age bands have negative deaths").all()


def test_twenty_rows_with_a_band_twice_are_not_twenty_bands() -> None:
    data = frame(DEATHS, POPS)
    data.loc[3, "startage"] = 5  # 20 rows, but band 10-14 is missing and 5-9 appears twice
    with pytest.warns(UserWarning, match=r"^some groups contain a different number of age bands than 20; "):
        out = life_expectancy(data)
    assert out["value"].isna().all()


def test_a_missing_start_age_does_not_match_the_contents() -> None:
    data = frame(DEATHS, POPS).astype({"startage": float})
    data.loc[19, "startage"] = np.nan
    with pytest.raises(InputProblem) as info:
        life_expectancy(data)
    assert info.value.problems == [
        "the contents in the startage field do not match the contents of the age_contents vector"
    ]
    with pytest.raises(InputProblem) as info:
        life_expectancy(frame(DEATHS, POPS), age_contents=[0, "x", *STARTS[2:]])
    assert info.value.problems == ["every age_contents label needs a start age (digits)"]


def test_a_confidence_of_100_percent_gives_no_finite_limits() -> None:
    out = life_expectancy(frame(DEATHS, POPS), confidence=(0.95, 100))
    e, se = chiang_silcocks(DEATHS, POPS)
    assert out[["lower100_0cl", "upper100_0cl"]].isna().all().all()
    np.testing.assert_allclose(out["upper95_0cl"], np.array(e) + Z95 * np.array(se), rtol=1e-10)
    assert set(out["confidence"]) == {"95%, 100%"}


# --- Found by mutation testing, second pass (issue 18) ----------------------------------------------


def test_a_missing_column_and_a_first_band_not_at_0_are_refused_in_their_own_words() -> None:
    with pytest.raises(InputProblem) as info:
        life_expectancy(frame(DEATHS, POPS).drop(columns="deaths"))
    assert info.value.problems == ["column 'deaths' is missing"]
    with pytest.raises(InputProblem) as info:
        life_expectancy(frame(DEATHS, POPS), age_contents=[s + 1 for s in STARTS])
    assert info.value.problems == ["the first age band must start at age 0"]


def test_a_column_called_index_is_an_ordinary_grouping_key() -> None:
    data = pd.concat([frame(DEATHS, POPS).assign(index=k) for k in (2, 1)], ignore_index=True)
    data.index = data.index + 100  # an index of its own, not 0..n-1
    out = life_expectancy(data, group_by="index", confidence=0.95)
    assert list(out.columns[:2]) == ["index", "startage"]
    assert out["index"].tolist() == [1] * 20 + [2] * 20
    e, se = chiang_silcocks(DEATHS, POPS)
    np.testing.assert_allclose(out["uppercl"], np.tile(np.array(e) + Z95 * np.array(se), 2), rtol=1e-10)


@pytest.mark.parametrize(("pop", "suppressed"), [(0, True), (0.5, False), (1, False)])
def test_a_band_of_one_person_is_computed_and_of_none_suppressed(pop: float, suppressed: bool) -> None:
    pops = [*POPS]
    pops[1] = pop  # band 1-4, no deaths in it
    assert DEATHS[1] == 0 and sum(pops) > 5000
    if suppressed:
        with pytest.warns(UserWarning, match=r"^some age bands have a zero or less population; "):
            out = life_expectancy(frame(DEATHS, pops), confidence=0.95)
        assert out["lowercl"].isna().all()
        return
    out = life_expectancy(frame(DEATHS, pops), confidence=0.95)
    e, se = chiang_silcocks(DEATHS, pops)
    assert (out["note"] == "").all()
    np.testing.assert_allclose(out["lowercl"], np.array(e) - Z95 * np.array(se), rtol=1e-10)


def test_numeric_output_columns_are_floats_whether_computed_or_suppressed() -> None:
    numeric = ["value", "lowercl", "uppercl", "pops_used", "dths_used"]
    computed = life_expectancy(frame(DEATHS, POPS), confidence=0.95)
    assert (computed[numeric].dtypes == np.float64).all()
    deaths = [*DEATHS]
    deaths[3] = -1
    with pytest.warns(UserWarning):
        suppressed = life_expectancy(frame(deaths, POPS), confidence=0.95)
    assert (suppressed[numeric].dtypes == np.float64).all()
    assert suppressed[numeric].isna().all().all()


# No deaths before the last band: every l is 100 000 and every variance term but the last is 0, so
# SE at every age is sqrt((l/2)² · 4/(D·M²) / l²) = P/D^1.5 = P for D = 1, exactly as written out in
# chiang_silcocks. P = 10/z makes z·SE exactly 10 (a 95% interval of exactly 20 years: kept).
@pytest.mark.parametrize(
    ("last_pop", "kept"),
    [
        (10 / Z95, True),
        (float(np.nextafter(10 / Z95, 99)), False),
        (10.5 / Z95, False),
    ],
    ids=["z*SE = 10 kept", "z*SE just over 10 set missing", "z*SE = 10.5 set missing"],
)
def test_the_value_is_set_missing_only_when_the_interval_is_wider_than_20_years(
    last_pop: float, kept: bool
) -> None:
    deaths = [0.0] * 19 + [1.0]
    pops = [300.0] * 19 + [last_pop]
    e, se = chiang_silcocks(deaths, pops)
    assert se == [se[0]] * 20 and (Z95 * se[0] == 10.0) == kept and Z95 * se[0] <= 10.5
    out = life_expectancy(frame(deaths, pops), confidence=0.95)
    assert (out["note"] == "").all()
    np.testing.assert_allclose(out["lowercl"], np.array(e) - Z95 * np.array(se), rtol=1e-12)
    if kept:
        np.testing.assert_allclose(out["value"], e, rtol=1e-12)
    else:
        assert out["value"].isna().all()


def test_deaths_exactly_p_over_n_a_use_the_formula_not_the_cap() -> None:
    # Band 40-44 (n = 5, a = 0.5): D = P/n/a exactly. The package keeps the formula there (q = 1
    # only when D > P/n/a); in floating point it gives q = 1 - 1.1e-16, not 1, so a few survivors
    # remain and the later bands have a life expectancy, where the cap would give them 0.
    deaths = [d * 3 for d in DEATHS]
    pops = [p * 3 for p in POPS]
    deaths[10], pops[10] = 40.4, 101.0
    assert deaths[10] == pops[10] / 5 / 0.5
    e, se = chiang_silcocks(deaths, pops)
    assert min(e[11:]) > 1
    out = life_expectancy(frame(deaths, pops), confidence=0.95)
    assert (out["note"] == "").all()
    np.testing.assert_allclose(out["lowercl"] + out["uppercl"], 2 * np.array(e), rtol=1e-9)
    np.testing.assert_allclose(out["uppercl"] - out["lowercl"], 2 * Z95 * np.array(se), rtol=1e-9, atol=1e-12)
    deaths[10] = float(np.nextafter(40.4, 99))  # the other side: capped, nobody left after 44
    e, se = chiang_silcocks(deaths, pops)
    assert e[11:] == [0.0] * 9 and np.isnan(se[11:]).all()  # no survivors: e = 0, its SE 0/0
    out = life_expectancy(frame(deaths, pops), confidence=0.95)
    assert out["value"].iloc[11:].tolist() == [0.0] * 9
    assert out[["lowercl", "uppercl"]].iloc[11:].isna().all().all()


# --- The CSV entry point (every cell a string, as read from a file) ----------------------------------

LABELS = ["0", "1-4", *(f"{a}-{a + 4}" for a in range(5, 90, 5)), "90+"]


def text_frame(deaths: list[float], pops: list[float], **keys: str) -> pd.DataFrame:
    data = pd.DataFrame(
        {"startage": LABELS, "pops": [str(p) for p in pops], "deaths": [str(d) for d in deaths]}
    )
    return data.assign(**keys)[[*keys, "startage", "pops", "deaths"]]


def test_frame_accepts_a_100_percent_level() -> None:
    out = le_module.life_expectancy_frame(text_frame(DEATHS, POPS), confidence=(0.95, 1))
    e, se = chiang_silcocks(DEATHS, POPS)
    assert out[["lower100_0cl", "upper100_0cl"]].isna().all().all()
    np.testing.assert_allclose(out["lower95_0cl"], np.array(e) - Z95 * np.array(se), rtol=1e-10)
    assert set(out["confidence"]) == {"95%, 100%"}


def test_frame_requires_a_population_in_every_row() -> None:
    data = text_frame(DEATHS, POPS)
    data.loc[2, "pops"] = ""
    with pytest.raises(InputProblem) as info:
        le_module.life_expectancy_frame(data)
    assert info.value.problems == ["row 4, column 'pops': a value is required"]


def test_frame_silences_only_its_suppression_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    inner = le_module.life_expectancy

    def noisy(*args, **kwargs):
        warnings.warn("something else", RuntimeWarning, stacklevel=2)
        return inner(*args, **kwargs)

    monkeypatch.setattr(le_module, "life_expectancy", noisy)
    deaths = [*DEATHS]
    deaths[3] = -1  # suppressed: the note says so, no UserWarning
    with pytest.warns(RuntimeWarning) as record:
        out = le_module.life_expectancy_frame(text_frame(deaths, POPS))
    assert [(w.category, str(w.message)) for w in record] == [(RuntimeWarning, "something else")]
    assert (out["note"] == "some age bands have negative deaths").all()


def test_frame_keys_its_groups_by_any_column_name_and_keeps_each_label_as_typed() -> None:
    twice = text_frame(DEATHS, POPS, index="b")
    twice.loc[3, "startage"] = "5 to 9"  # 20 rows, band 5 twice under two labels, band 10 missing
    data = pd.concat([twice, text_frame(DEATHS, POPS, index="a")], ignore_index=True)
    data.index = data.index + 7
    out = le_module.life_expectancy_frame(data, confidence=0.95)
    assert list(out.columns[:4]) == ["index", "startage", "pops", "deaths"]
    assert out["index"].tolist() == ["a"] * 20 + ["b"] * 20  # computed first, then suppressed
    assert out["startage"].tolist() == LABELS + ["0", "1-4", "5-9", "5 to 9", *LABELS[4:]]
    e, se = chiang_silcocks(DEATHS, POPS)
    np.testing.assert_allclose(out["uppercl"].iloc[:20], np.array(e) + Z95 * np.array(se), rtol=1e-10)
    assert (out["note"].iloc[20:] == "some groups contain a different number of age bands than 20").all()
    assert out["value"].iloc[20:].isna().all()


def test_start_ages_given_as_floats_match_whole_number_contents() -> None:
    data = frame(DEATHS, POPS).astype({"startage": float})  # 0.0, 1.0, 5.0 … against 0, 1, 5 …
    out = life_expectancy(data, confidence=0.95)
    e, se = chiang_silcocks(DEATHS, POPS)
    assert (out["note"] == "").all()
    assert out["startage"].tolist() == [float(s) for s in STARTS]
    np.testing.assert_allclose(out["lowercl"], np.array(e) - Z95 * np.array(se), rtol=1e-10)


def test_keys_may_be_named_like_pandas_reset_index_columns() -> None:
    # reset_index() without drop=True would add a column "index", or "level_0" when "index" exists
    # already, and fail when both exist.
    data = frame(DEATHS, POPS).assign(index="i", level_0="l")
    out = life_expectancy(data, group_by=["index", "level_0"], confidence=0.95)
    assert list(out.columns[:3]) == ["index", "level_0", "startage"]
    e, _ = chiang_silcocks(DEATHS, POPS)
    np.testing.assert_allclose(out["lowercl"] + out["uppercl"], 2 * np.array(e), rtol=1e-10)
    text = text_frame(DEATHS, POPS, index="i", level_0="l")
    out = le_module.life_expectancy_frame(text, confidence=0.95)
    assert list(out.columns[:3]) == ["index", "level_0", "startage"]
    np.testing.assert_allclose(out["lowercl"] + out["uppercl"], 2 * np.array(e), rtol=1e-10)
