"""Indirectly standardised ratios and rates against shared/reference/…/isr."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jointly.stats.errors import InputProblem
from jointly.stats.isr import calculate_israte, calculate_isratio
from tests.paths import PHE_METHODS

REF = PHE_METHODS
ISR = REF / "isr"
BOTH = (0.95, 0.998)
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def read(name: str, folder: Path = ISR) -> pd.DataFrame:
    return pd.read_csv(folder / name, keep_default_na=False, na_values=["NA"])


def assert_close(actual, expected, *, rel: float = 1e-9, what: str = "") -> None:
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, what
    assert np.array_equal(np.isnan(actual), np.isnan(expected)), f"NA positions differ: {what}"
    ok = ~np.isnan(expected)
    np.testing.assert_allclose(actual[ok], expected[ok], rtol=rel, atol=0, err_msg=what)


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return read("isr_results.csv").set_index("result_row")


@pytest.fixture(scope="module")
def refdata() -> pd.DataFrame:
    return read("isr_refdata.csv")


def multiarea() -> pd.DataFrame:
    return read("isr_input_multiarea_with_ref.csv")


def check(out: pd.DataFrame, expected: pd.DataFrame, limits: list[str]) -> None:
    out = out.set_index("area").loc[expected["area"]]
    cols = ["observed", "expected", "value", *limits]
    if "ref_rate" in out.columns:
        cols.append("ref_rate")
    else:
        assert expected["ref_rate"].isna().all()
    for col in cols:
        assert_close(out[col], expected[col], what=col)
    assert list(out["statistic"]) == list(expected["statistic"])
    assert list(out["method"]) == list(expected["method"])


def reference_variants(refdata: pd.DataFrame) -> list[dict]:
    """Reference data as vectors, as vectors with NA for the zero count, or as columns."""
    with_na = refdata["refcount"].where(refdata["refcount"] != 0)
    return [
        {"ref_count": refdata["refcount"].tolist(), "ref_population": refdata["refpop"].tolist()},
        {"ref_count": with_na.tolist(), "ref_population": refdata["refpop"].tolist()},
        {"ref_count": "refcount", "ref_population": "refpop"},
    ]


@pytest.mark.parametrize("variant", [0, 1, 2])
@pytest.mark.parametrize(("rows", "multiplier"), [((1, 2, 3), 100_000), ((4, 5, 6), 1_000)])
def test_israte_rows_1_to_6(results, refdata, variant, rows, multiplier) -> None:
    out = calculate_israte(
        multiarea(),
        group_by="area",
        confidence=BOTH,
        multiplier=multiplier,
        **reference_variants(refdata)[variant],
    )
    check(out, results.loc[list(rows)], LIMITS)


@pytest.mark.parametrize("variant", [0, 1, 2])
@pytest.mark.parametrize(("rows", "refvalue"), [((7, 8, 9), 1), ((10, 11, 12), 100)])
def test_isratio_rows_7_to_12(results, refdata, variant, rows, refvalue) -> None:
    out = calculate_isratio(
        multiarea(),
        group_by="area",
        confidence=BOTH,
        refvalue=refvalue,
        **reference_variants(refdata)[variant],
    )
    check(out, results.loc[list(rows)], LIMITS)


def test_observed_totals_table_replaces_counts(results, refdata) -> None:
    totals = read("isr_observed_totals.csv")
    data = multiarea().drop(columns="count")
    ratio = calculate_isratio(
        data,
        count=None,
        group_by="area",
        confidence=BOTH,
        refvalue=100,
        observed_totals=totals,
    )
    check(ratio, results.loc[[10, 11, 12]], LIMITS)
    rate = calculate_israte(data, count=None, group_by="area", confidence=BOTH, observed_totals=totals)
    check(rate, results.loc[[1, 2, 3]], LIMITS)


def test_zero_population_rows_13_to_16(results, refdata) -> None:
    data = read("isr_input_zero_population.csv")
    assert (data["pop"] == 0).sum() == 1
    ref = {"ref_count": refdata["refcount"], "ref_population": refdata["refpop"]}
    rate = calculate_israte(data, group_by="area", **ref)
    ratio = calculate_isratio(data, group_by="area", refvalue=100, **ref)
    for out, rows in [(rate, [13, 14]), (ratio, [15, 16])]:
        exp = results.loc[rows]
        assert exp["lower99_8cl"].isna().all() and exp["upper99_8cl"].isna().all()
        renamed = exp.rename(columns={"lower95_0cl": "lowercl", "upper95_0cl": "uppercl"})
        check(out, renamed, ["lowercl", "uppercl"])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("testdata_err1", "numerators must all be greater than or equal to zero"),
        ("testdata_err3", "denominators must all be greater than or equal to zero"),
    ],
)
@pytest.mark.parametrize("func", [calculate_isratio, calculate_israte])
def test_invalid_inputs(refdata, case, message, func) -> None:
    bad = read("dsr_isr_invalid_inputs.csv", REF / "dsr")
    bad = bad[bad["case"] == case]
    with pytest.raises(InputProblem, match=message):
        func(
            bad,
            group_by="case",
            ref_count=refdata["refcount"],
            ref_population=refdata["refpop"],
        )


def test_reference_vector_length_must_match_groups(refdata) -> None:
    with pytest.raises(InputProblem, match="19 rows"):
        calculate_isratio(
            multiarea().iloc[:-1],
            group_by="area",
            ref_count=refdata["refcount"],
            ref_population=refdata["refpop"],
        )
