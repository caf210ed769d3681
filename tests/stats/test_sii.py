"""SII / RII against shared/reference/…/sii/sii.csv.

Point estimates (sii, rii, intercept): relative 1e-9. Limits are Monte-Carlo (the package's
R random stream cannot be reproduced): relative 0.05 as in the package's own tests, here with
100 000 repetitions and a fixed seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jointly.stats.errors import InputProblem
from jointly.stats.sii import calculate_sii
from tests.paths import PHE_METHODS

REF = PHE_METHODS
KEYS = ["Area", "Grouping1", "Grouping2"]
REPS = 100_000


@pytest.fixture(scope="module")
def sii_data() -> pd.DataFrame:
    data = pd.read_csv(REF / "sii" / "sii.csv", keep_default_na=False, na_values=["NA"])
    return data.set_index("RecordNo", drop=False)


def rows(data: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return data.loc[first:last]


# (input rows, expected rows, kwargs, input variants) – the README table, row by row.
CL = {"lower_cl": "LowerCL", "upper_cl": "UpperCL"}
SE = {"se": "StandardError"}
BLOCKS = [
    ((1, 20), (1, 11), {"value_type": 0, "confidence": 0.95, "rii": True}, [SE, CL]),
    ((1, 20), (246, 256), {"value_type": 0, "rii": True, "intercept": True}, [SE, CL]),
    ((21, 40), (21, 31), {"value_type": 0, "confidence": 0.99, "rii": True}, [SE, CL]),
    ((21, 40), (21, 31), {"value_type": 0, "confidence": 99, "rii": True}, [SE]),
    ((226, 245), (226, 236), {"value_type": 0, "confidence": (0.95, 0.99), "rii": True}, [SE, CL]),
    ((41, 60), (41, 51), {"value_type": 0, "rii": True}, [SE, CL]),
    ((61, 70), (61, 66), {"value_type": 0}, [SE, CL]),
    ((71, 90), (71, 81), {"value_type": 1, "rii": True}, [SE, CL]),
    ((71, 90), (266, 276), {"value_type": 1, "rii": True, "intercept": True}, [SE, CL]),
    (
        (306, 325),
        (306, 316),
        {"value_type": 1, "transform": True, "rii": True, "intercept": True},
        [CL],
    ),
    (
        (386, 405),
        (386, 396),
        {"value_type": 1, "transform": True, "multiplier": -1, "rii": True, "intercept": True},
        [CL],
    ),
    (
        (406, 425),
        (406, 416),
        {"value_type": 1, "transform": True, "confidence": 0.98, "rii": True, "intercept": True},
        [CL],
    ),
    (
        (366, 385),
        (366, 376),
        {
            "value_type": 1,
            "transform": True,
            "confidence": (0.95, 0.98),
            "rii": True,
            "intercept": True,
        },
        [CL],
    ),
    ((426, 445), (426, 436), {"value_type": 1, "transform": True}, [CL]),
    ((91, 110), (91, 101), {"value_type": 2, "rii": True}, [SE, CL, {"count": "Count"}]),
    ((91, 110), (286, 296), {"value_type": 1, "rii": True, "intercept": True}, [SE, CL]),
    ((111, 130), (111, 121), {"value_type": 2, "multiplier": 100, "rii": True}, [SE, CL]),
    ((111, 130), (111, 121), {"value_type": 2, "multiplier": 100}, [CL]),
    ((131, 150), (131, 141), {"value_type": 2, "multiplier": -100, "rii": True}, [SE, CL]),
    (
        (326, 345),
        (326, 336),
        {"value_type": 2, "transform": True, "rii": True, "intercept": True},
        [CL],
    ),
    (
        (346, 365),
        (346, 356),
        {"value_type": 2, "transform": True, "multiplier": -1, "rii": True, "intercept": True},
        [CL],
    ),
    (
        (466, 485),
        (466, 476),
        {"value_type": 2, "transform": True, "confidence": 0.98, "rii": True, "intercept": True},
        [CL],
    ),
    (
        (486, 505),
        (486, 496),
        {
            "value_type": 2,
            "transform": True,
            "confidence": (0.95, 0.98),
            "rii": True,
            "intercept": True,
        },
        [CL],
    ),
    ((446, 465), (446, 456), {"value_type": 2, "transform": True}, [CL]),
]

CASES = [
    pytest.param(block, variant, id=f"rows{block[0][0]}-{block[0][1]}-{'+'.join(variant)}")
    for block in BLOCKS
    for variant in block[3]
]


def run(data: pd.DataFrame, first: int, last: int, kwargs: dict, variant: dict, **extra):
    value = {} if "count" in variant else {"value": "Value"}
    return calculate_sii(
        rows(data, first, last),
        quantile="Quantile",
        population="Population",
        group_by=KEYS,
        repetitions=REPS,
        seed=20241213,
        **value,
        **variant,
        **kwargs,
        **extra,
    )


def close(actual, expected, rel: float) -> bool:
    return bool(np.all(np.abs(np.asarray(actual) - np.asarray(expected)) <= rel * np.abs(expected)))


@pytest.mark.parametrize(("block", "variant"), CASES)
def test_sii_blocks(sii_data: pd.DataFrame, block, variant) -> None:
    (first, last), expected_rows, kwargs, _ = block
    out = run(sii_data, first, last, kwargs, variant).set_index("Area")
    exp = sii_data.loc[list(expected_rows)].set_index("Area")
    assert list(out.index) == list(exp.index)
    np.testing.assert_allclose(out["sii"], exp["sii"], rtol=1e-9)
    if kwargs.get("rii"):
        np.testing.assert_allclose(out["rii"], exp["rii"], rtol=1e-9)
    else:
        assert "rii" not in out.columns
    if kwargs.get("intercept"):
        np.testing.assert_allclose(out["intercept"], exp["Intercept"], rtol=1e-9)
    conf = kwargs.get("confidence", 0.95)
    levels = [conf] if np.isscalar(conf) else list(conf)
    labels = {0.95: "95_0", 0.99: "99_0", 99: "99_0", 0.98: "98_0"}
    checked = 0
    for k, level in enumerate(levels, start=1):
        label = labels[level]
        stats = ["sii", "rii"] if kwargs.get("rii") else ["sii"]
        for stat in stats:
            for side in ("lower", "upper"):
                expected = exp[f"{stat}_{side}cl_{k}"]
                if expected.isna().all():  # the quintile block stores no limits
                    continue
                actual = out[f"{stat}_{side}{label}cl"]
                assert close(actual, expected, 0.05), (stat, side, level)
                checked += 1
    assert checked > 0 or first == 61


def test_quintile_block_has_sii_only(sii_data) -> None:
    exp = sii_data.loc[[61, 66]]
    assert exp[["sii_lowercl_1", "rii_lowercl_1"]].isna().all().all()
    assert exp["rii"].notna().all()  # rii stored but the package test asserts only sii


def test_same_seed_same_limits(sii_data) -> None:
    kwargs = {"value_type": 0, "rii": True}
    a = run(sii_data, 1, 20, kwargs, SE)
    b = run(sii_data, 1, 20, kwargs, SE)
    pd.testing.assert_frame_equal(a, b)


def test_ungrouped_first_area(sii_data) -> None:
    out = calculate_sii(
        rows(sii_data, 1, 10),
        quantile="Quantile",
        population="Population",
        value="Value",
        se="StandardError",
        rii=True,
        seed=1,
    )
    exp = sii_data.loc[1]
    assert len(out) == 1
    np.testing.assert_allclose(out["sii"], exp["sii"], rtol=1e-9)
    np.testing.assert_allclose(out["rii"], exp["rii"], rtol=1e-9)
    assert close(out["sii_lower95_0cl"], exp["sii_lowercl_1"], 0.05)


def test_rows_are_ordered_by_quantile(sii_data) -> None:
    data = rows(sii_data, 1, 20).sample(frac=1, random_state=0)
    out = calculate_sii(
        data,
        quantile="Quantile",
        population="Population",
        value="Value",
        se="StandardError",
        group_by=KEYS,
        rii=True,
        seed=1,
    )
    np.testing.assert_allclose(out["sii"], sii_data.loc[[1, 11], "sii"], rtol=1e-9)


def base(data: pd.DataFrame, **kwargs):
    args = {"quantile": "Quantile", "population": "Population", "group_by": KEYS, "seed": 1}
    args.update(repetitions=1000)
    args.update(kwargs)
    return calculate_sii(data, **args)


def test_non_numeric_population_is_an_error(sii_data) -> None:
    data = rows(sii_data, 151, 160).copy()
    data["Population"] = data["Population"].astype(str) + "x"
    with pytest.raises(InputProblem, match="non-numeric"):
        base(data, value="Value", se="StandardError")


def test_negative_population_group_is_removed(sii_data) -> None:
    data = pd.concat([rows(sii_data, 151, 160), rows(sii_data, 11, 20)])
    with pytest.warns(UserWarning, match="removed"):
        out = base(data, value="Value", se="StandardError")
    assert list(out["Area"]) == ["area2"]
    with pytest.warns(UserWarning), pytest.raises(InputProblem):
        base(rows(sii_data, 151, 160), value="Value", se="StandardError")


def test_negative_se_and_zero_count_are_errors(sii_data) -> None:
    with pytest.raises(InputProblem, match="standard errors"):
        base(rows(sii_data, 161, 165), value="Value", se="StandardError")
    with pytest.raises(InputProblem, match="count"):
        base(rows(sii_data, 166, 170), count="Count", value_type=2)


def test_proportions_outside_0_1_are_errors(sii_data) -> None:
    with pytest.raises(InputProblem, match="between 0 and 1"):
        base(rows(sii_data, 1, 20), value="Value", se="StandardError", value_type=2)
    for first, last in [(171, 175), (176, 180)]:
        with pytest.raises(InputProblem, match="between 0 and 1"):
            base(rows(sii_data, first, last), value="Value", value_type=2, **CL)


def test_missing_se_and_limits_removes_group(sii_data) -> None:
    with pytest.warns(UserWarning, match="removed"), pytest.raises(InputProblem):
        base(rows(sii_data, 191, 200), value="Value", **SE)
    with pytest.warns(UserWarning, match="removed"), pytest.raises(InputProblem):
        base(rows(sii_data, 191, 200), value="Value", **CL)
    with pytest.warns(UserWarning, match="removed"), pytest.raises(InputProblem):
        base(rows(sii_data, 201, 210), value="Value", **CL)


def test_too_few_quantiles_and_incomplete_areas(sii_data) -> None:
    with pytest.raises(InputProblem, match="between 5 and 100"):
        base(rows(sii_data, 1, 3), value="Value", se="StandardError")
    data = sii_data.loc[[*range(1, 16), *range(17, 21)]]
    with pytest.warns(UserWarning, match="removed"):
        out = base(data, value="Value", se="StandardError")
    assert list(out["Area"]) == ["area1"]


def test_many_quantiles_warns(sii_data) -> None:
    with pytest.warns(UserWarning, match="more than 10 quantiles"):
        out = base(rows(sii_data, 211, 225), value="Value", se="StandardError")
    assert len(out) == 1


def test_argument_checks(sii_data) -> None:
    data = rows(sii_data, 1, 20)
    for kwargs in [
        {"value": "Value", "se": "StandardError", "value_type": 1, "transform": True},
        dict(value="Value", **SE, transform=True),
        dict(value="Value", **SE, repetitions=999),
        {"value": "Value"},
        dict(value="Value", **SE, value_type=3),
    ]:
        with pytest.raises(InputProblem):
            base(data, **kwargs)
