"""DSR (Dobson) against the PHEindicatormethods reference fixtures in shared/reference/…/dsr."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jointly.stats.dsr import (
    ESP2013,
    ESP2013_AGEBANDS,
    byars_lower,
    byars_upper,
    calculate_dsr,
    level_label,
    normalise_confidence,
)
from jointly.stats.errors import InputProblem
from tests.paths import PHE_METHODS

REF = PHE_METHODS
DSR = REF / "dsr"
BOTH = (0.95, 0.998)
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DSR / name, keep_default_na=False, na_values=["NA"])


def assert_close(actual, expected, *, rel: float = 0.0, abs_: float = 0.0, what: str = "") -> None:
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, what
    assert np.array_equal(np.isnan(actual), np.isnan(expected)), f"NA positions differ: {what}"
    ok = ~np.isnan(expected)
    np.testing.assert_allclose(actual[ok], expected[ok], rtol=rel, atol=abs_, err_msg=what)


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return read("dsr_results.csv").set_index("result_row")


def check_rows(out: pd.DataFrame, expected: pd.DataFrame, columns, **tol) -> None:
    out = out.set_index("area").loc[expected["area"]]
    for col in columns:
        assert_close(out[col], expected[col], what=col, **tol)
    assert list(out["statistic"]) == list(expected["statistic"])
    assert list(out["method"]) == list(expected["method"])


def test_esp2013_matches_reference_file() -> None:
    esp = read("esp2013.csv")
    assert list(esp["ageband"]) == list(ESP2013_AGEBANDS)
    assert_close(ESP2013, esp["esp2013"], rel=0)
    assert ESP2013.sum() == 100_000


def test_rows_1_to_3_multiplier_10000(results: pd.DataFrame) -> None:
    out = calculate_dsr(
        read("dsr_input_multiarea.csv"),
        stdpop="esp2013",
        group_by="area",
        multiplier=10_000,
        confidence=BOTH,
    )
    exp = results.loc[[1, 2, 3]]
    check_rows(out, exp, ["total_count", "total_pop", "value", *LIMITS], rel=1e-9)


@pytest.mark.parametrize("stdpop", ["esp2013", None, list(ESP2013)])
def test_rows_5_to_7_default_multiplier(results: pd.DataFrame, stdpop) -> None:
    """Column, default ESP2013 by position and an explicit vector give the same answer."""
    out = calculate_dsr(read("dsr_input_multiarea.csv"), stdpop=stdpop, group_by="area", confidence=BOTH)
    exp = results.loc[[5, 6, 7]]
    check_rows(out, exp, ["total_count", "total_pop", "value", *LIMITS], rel=1e-9)
    assert (out["confidence"] == "95%, 99.8%").all()


def test_confidence_as_percentages_and_single_level(results: pd.DataFrame) -> None:
    data = read("dsr_input_multiarea.csv")
    pct = calculate_dsr(data, stdpop="esp2013", group_by="area", confidence=(95, 99.8))
    check_rows(pct, results.loc[[5, 6, 7]], ["value", *LIMITS], rel=1e-9)
    one = calculate_dsr(data, stdpop="esp2013", group_by="area", confidence=99.8).set_index("area")
    exp = results.loc[[5, 6, 7]].set_index("area")
    assert_close(one.loc[exp.index, "lowercl"], exp["lower99_8cl"], rel=1e-9)
    assert_close(one.loc[exp.index, "uppercl"], exp["upper99_8cl"], rel=1e-9)


def test_rows_4_and_8_esp1976(results: pd.DataFrame) -> None:
    """Rows 4 and 8: only the 95% limits are valid (the 99.8% cells are a fixture defect)."""
    data = read("dsr_input_esp1976.csv").assign(area="testdata_1976")
    cols = ["total_count", "total_pop", "value", "lower95_0cl", "upper95_0cl"]
    for row, mult in [(4, 10_000), (8, 100_000)]:
        out = calculate_dsr(data, stdpop="esp1976", group_by="area", multiplier=mult, confidence=BOTH)
        check_rows(out, results.loc[[row]], cols, rel=1e-9)
        # The defect is exactly a factor of 10 on the stored 99.8% limits.
        exp = results.loc[row]
        assert_close(out["lower99_8cl"] * 10, [exp["lower99_8cl"]], rel=1e-9)
        assert_close(out["upper99_8cl"] * 10, [exp["upper99_8cl"]], rel=1e-9)


@pytest.mark.parametrize("group_by", [["area"], ["area", "freq"]])
def test_rows_9_to_12_non_independent(results: pd.DataFrame, group_by) -> None:
    out = calculate_dsr(
        read("dsr_input_nonindependent_long.csv"),
        count="persons",
        stdpop="esp2013",
        group_by=group_by,
        confidence=BOTH,
        independent_events=False,
        eventfreq="freq",
        ageband="ageband",
    )
    exp = results.loc[[9, 10, 11, 12]]
    check_rows(out, exp, ["total_count", "total_pop", "value", *LIMITS], abs_=1e-7)


def test_long_nonindependent_file_is_the_reshaped_wide_sheet() -> None:
    long = read("dsr_input_nonindependent_long.csv").fillna({"persons": 0})
    wide = read("dsr_input_nonindependent_wide_original.csv").fillna(0)
    melted = wide.melt(
        id_vars=["area", "ageband", "count", "pop"],
        value_vars=["f1", "f2", "f3", "f4"],
        var_name="freq",
        value_name="persons",
    )
    melted["freq"] = melted["freq"].str[1:].astype(int)
    merged = long.merge(melted, on=["area", "ageband", "freq"], suffixes=("", "_wide"))
    assert len(merged) == len(long)
    assert_close(merged["persons"], merged["persons_wide"], rel=0)
    # total events per band = Σ f · persons = count of the wide sheet
    ev = long.assign(e=long["freq"] * long["persons"]).groupby(["area", "ageband"])["e"].sum()
    assert_close(ev.to_numpy(), wide.set_index(["area", "ageband"]).loc[ev.index, "count"], rel=0)


def test_nonindependent_with_single_frequency_equals_independent(results) -> None:
    data = read("dsr_input_multiarea.csv").assign(freq=1)
    out = calculate_dsr(
        data,
        stdpop="esp2013",
        group_by="area",
        confidence=BOTH,
        independent_events=False,
        eventfreq="freq",
        ageband="ageband",
    )
    check_rows(out.assign(method="Dobson"), results.loc[[5, 6, 7]], ["value", *LIMITS], rel=1e-12)


def test_nonindependent_inconsistent_population_is_an_error() -> None:
    data = read("dsr_input_nonindependent_long.csv")
    data.loc[data.index[-1], "pop"] += 1
    with pytest.raises(InputProblem, match="same grouping variables and ageband"):
        calculate_dsr(
            data,
            count="persons",
            stdpop="esp2013",
            group_by="area",
            independent_events=False,
            eventfreq="freq",
            ageband="ageband",
        )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("testdata_err1", "numerators must all be greater than or equal to zero"),
        ("testdata_err3", "denominators must all be greater than zero"),
        ("testdata_err4", "stdpop must all be greater than or equal to zero"),
    ],
)
def test_invalid_inputs(case: str, message: str) -> None:
    bad = read("dsr_isr_invalid_inputs.csv")
    bad = bad[bad["case"] == case]
    assert bad["expected_error"].iloc[0].startswith(message.split(" must")[0])
    with pytest.raises(InputProblem, match=message):
        calculate_dsr(bad, stdpop="stdpop", group_by="case")


def test_zero_population_is_an_error_for_dsr() -> None:
    data = pd.read_csv(REF / "isr" / "isr_input_zero_population.csv", keep_default_na=False, na_values=["NA"])
    with pytest.raises(InputProblem, match="greater than zero"):
        calculate_dsr(data, group_by="area")


def test_byars_helpers_against_proportions_fixture() -> None:
    ref = pd.read_csv(
        REF / "proportions_and_rates" / "byars_wilson_ci.csv",
        keep_default_na=False,
        na_values=["NA"],
    )
    ref = ref[ref["method"] == "Byars"]
    for conf_text, c in [("95%", 0.95), ("99.8%", 0.998)]:
        rows = ref[ref["confidence"] == conf_text]
        assert_close(byars_lower(rows["x"], c), rows["lowercl"], rel=1e-9, what=conf_text)
        assert_close(byars_upper(rows["x"], c), rows["uppercl"], rel=1e-9, what=conf_text)


def test_confidence_helpers() -> None:
    assert normalise_confidence(95) == (0.95,)
    assert normalise_confidence((0.95, 99.8)) == (0.95, 0.998)
    assert [level_label(c) for c in (0.95, 0.998, 0.99, 0.9)] == ["95_0", "99_8", "99_0", "90_0"]
    for bad in (0.5, 1.5, 89, 101, "x"):
        with pytest.raises(InputProblem):
            normalise_confidence(bad)


def test_multiplier_must_be_positive() -> None:
    with pytest.raises(InputProblem, match="multiplier"):
        calculate_dsr(read("dsr_input_multiarea.csv"), group_by="area", multiplier=0)
