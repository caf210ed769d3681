"""Life expectancy at its edges, against a life table worked out in this file.

``chiang_silcocks`` below is an independent, one-band-at-a-time transcription of the published
method (Chiang II abridged life table; Silcocks et al. for the variance of the last band), so
that zero-death bands, the q = 1 cap and the suppression thresholds are checked against numbers
the code under test did not produce.
"""

from __future__ import annotations

import math
import re

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
