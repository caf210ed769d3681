"""CSV entry points dsr / isr / life-expectancy: registration, validation, reference files.

Inputs are read as the CLI / web read them (every cell a string, via ``tabular.read_csv``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jointly.stats import tabular
from jointly.stats.errors import InputProblem
from tests.paths import PHE_METHODS

REF = PHE_METHODS
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def as_strings(path: Path) -> pd.DataFrame:
    return tabular.read_csv(str(path))


def expected(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=["NA"])


def same(actual, wanted, *, rtol: float = 1e-9, atol: float = 0.0) -> None:
    a = np.asarray(actual, dtype=float)
    b = np.asarray(wanted, dtype=float)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def problems_of(func, df: pd.DataFrame, **kwargs) -> list[str]:
    with pytest.raises(InputProblem) as info:
        func(df, **kwargs)
    return info.value.problems


@pytest.mark.parametrize("name", ["dsr", "isr", "life-expectancy"])
def test_methods_are_registered(name: str) -> None:
    assert callable(tabular.get_method(name))


# --------------------------------------------------------------------------------- dsr

dsr_frame = tabular.get_method("dsr")
DSR_RESULTS = expected(REF / "dsr" / "dsr_results.csv").set_index("result_row")


def check_dsr(out: pd.DataFrame, rows: list[int], columns: list[str], **tol) -> None:
    want = DSR_RESULTS.loc[rows]
    got = out.set_index("area").loc[want["area"]]
    for col in ["total_count", "total_pop", "value", *columns]:
        same(got[col], want[col], **tol)
    assert list(got["statistic"]) == list(want["statistic"])
    assert list(got["method"]) == list(want["method"])


@pytest.mark.parametrize(("multiplier", "rows"), [(None, [5, 6, 7]), (10_000.0, [1, 2, 3])])
def test_dsr_frame_multiarea(multiplier, rows) -> None:
    raw = as_strings(REF / "dsr" / "dsr_input_multiarea.csv").rename(columns={"esp2013": "stdpop"})
    out = dsr_frame(raw, multiplier=multiplier)
    assert list(out.columns) == [
        "area",
        "total_count",
        "total_pop",
        "value",
        *LIMITS,
        "confidence",
        "statistic",
        "method",
    ]
    check_dsr(out, rows, LIMITS)


def test_dsr_frame_defaults_to_esp2013_by_position() -> None:
    raw = as_strings(REF / "dsr" / "dsr_input_multiarea.csv").drop(columns="esp2013")
    check_dsr(dsr_frame(raw), [5, 6, 7], LIMITS)
    problems = problems_of(dsr_frame, raw.iloc[:-1])
    assert any("exactly 19 age-band rows" in p for p in problems)


def test_dsr_frame_esp1976_single_confidence() -> None:
    raw = as_strings(REF / "dsr" / "dsr_input_esp1976.csv").rename(columns={"esp1976": "stdpop"})
    out = dsr_frame(raw.assign(area="testdata_1976"), confidence=0.95)
    want = DSR_RESULTS.loc[[8]].rename(columns={"lower95_0cl": "lowercl", "upper95_0cl": "uppercl"})
    got = out.set_index("area").loc[want["area"]]
    for col in ["total_count", "total_pop", "value", "lowercl", "uppercl"]:
        same(got[col], want[col])


def test_dsr_frame_nonindependent_events() -> None:
    raw = as_strings(REF / "dsr" / "dsr_input_nonindependent_long.csv")
    raw = raw.drop(columns="events").rename(
        columns={"esp2013": "stdpop", "freq": "eventfreq", "persons": "count"}
    )
    check_dsr(dsr_frame(raw), [9, 10, 11, 12], LIMITS, rtol=0, atol=1e-7)


@pytest.mark.parametrize(
    ("case", "column", "text"),
    [
        ("testdata_err1", "count", "is negative (must be 0 or more)"),
        ("testdata_err3", "pop", "must be greater than zero"),
        ("testdata_err4", "stdpop", "is negative (must be 0 or more)"),
    ],
)
def test_dsr_frame_invalid_reference_inputs(case: str, column: str, text: str) -> None:
    raw = as_strings(REF / "dsr" / "dsr_isr_invalid_inputs.csv").drop(columns="expected_error")
    raw = raw[raw["case"] == case].reset_index(drop=True)
    bad_rows = np.flatnonzero(pd.to_numeric(raw[column]) < 0) + 2
    assert len(bad_rows) == 1
    value = raw.loc[bad_rows[0] - 2, column]
    assert problems_of(dsr_frame, raw) == [f"row {bad_rows[0]}, column '{column}': {value} {text}"]


def test_dsr_frame_zero_population_is_reported() -> None:
    raw = as_strings(REF / "isr" / "isr_input_zero_population.csv")
    problems = problems_of(dsr_frame, raw.assign(stdpop="1000"))
    assert problems == ["row 3, column 'pop': 0 must be greater than zero"]


def test_dsr_frame_lists_every_problem() -> None:
    raw = as_strings(REF / "dsr" / "dsr_input_multiarea.csv").rename(columns={"esp2013": "stdpop"})
    raw.loc[3, "count"] = "abc"
    raw.loc[5, "pop"] = ""
    raw.loc[8, "stdpop"] = "-1"
    raw.loc[9, "pop"] = "1e400"
    problems = problems_of(dsr_frame, raw)
    assert problems == [
        "row 5, column 'count': 'abc' is not a number",
        "row 11, column 'pop': '1e400' is not a number",
        "row 7, column 'pop': a value is required",
        "row 10, column 'stdpop': -1 is negative (must be 0 or more)",
    ]
    assert problems_of(dsr_frame, raw.drop(columns=["count", "pop"])) == [
        "column 'count' is missing",
        "column 'pop' is missing",
    ]
    assert problems_of(dsr_frame, raw, multiplier=0)[0].startswith("multiplier")
    assert problems_of(dsr_frame, raw, confidence=(0.5,))[0].startswith("confidence")


def test_dsr_frame_nonindependent_needs_ageband_and_whole_frequencies() -> None:
    raw = as_strings(REF / "dsr" / "dsr_input_nonindependent_long.csv")
    raw = raw.drop(columns="events").rename(
        columns={"esp2013": "stdpop", "freq": "eventfreq", "persons": "count"}
    )
    assert any("ageband" in p for p in problems_of(dsr_frame, raw.drop(columns="ageband")))
    raw.loc[0, "eventfreq"] = "1.5"
    assert problems_of(dsr_frame, raw) == [
        "row 2, column 'eventfreq': 1.5 must be a whole number of at least 1"
    ]


# --------------------------------------------------------------------------------- isr

isr_frame = tabular.get_method("isr")
ISR_RESULTS = expected(REF / "isr" / "isr_results.csv").set_index("result_row")


def check_isr(out: pd.DataFrame, rows: list[int], columns: list[str]) -> None:
    want = ISR_RESULTS.loc[rows]
    got = out.set_index("area").loc[want["area"]]
    for col in ["observed", "expected", "value", *columns]:
        same(got[col], want[col])
    assert list(got["statistic"]) == list(want["statistic"])
    assert list(got["method"]) == list(want["method"])


@pytest.mark.parametrize(("multiplier", "rows"), [(None, [10, 11, 12]), (1.0, [7, 8, 9])])
def test_isr_frame_multiarea(multiplier, rows) -> None:
    raw = as_strings(REF / "isr" / "isr_input_multiarea_with_ref.csv")
    out = isr_frame(raw, multiplier=multiplier)
    assert list(out.columns) == [
        "area",
        "observed",
        "expected",
        "value",
        *LIMITS,
        "confidence",
        "statistic",
        "method",
    ]
    check_isr(out, rows, LIMITS)


def with_reference_columns(raw: pd.DataFrame) -> pd.DataFrame:
    """Attach isr_refdata.csv to each area by band position (the labels differ: 55-69)."""
    ref = as_strings(REF / "isr" / "isr_refdata.csv")
    position = raw.groupby("area").cumcount().to_numpy()
    return raw.assign(
        refcount=ref["refcount"].to_numpy()[position], refpop=ref["refpop"].to_numpy()[position]
    )


def test_isr_frame_zero_population() -> None:
    raw = with_reference_columns(as_strings(REF / "isr" / "isr_input_zero_population.csv"))
    out = isr_frame(raw, confidence=0.95)
    want = ISR_RESULTS.loc[[15, 16]].rename(columns={"lower95_0cl": "lowercl", "upper95_0cl": "uppercl"})
    got = out.set_index("area").loc[want["area"]]
    for col in ["observed", "expected", "value", "lowercl", "uppercl"]:
        same(got[col], want[col])


def test_isr_frame_invalid_reference_inputs() -> None:
    raw = as_strings(REF / "dsr" / "dsr_isr_invalid_inputs.csv").drop(columns=["expected_error", "stdpop"])
    raw = raw.rename(columns={"case": "area"})
    raw = with_reference_columns(raw[raw["area"] != "testdata_err4"].reset_index(drop=True))
    problems = problems_of(isr_frame, raw)
    negative_count = np.flatnonzero(pd.to_numeric(raw["count"]) < 0)[0] + 2
    negative_pop = np.flatnonzero(pd.to_numeric(raw["pop"]) < 0)[0] + 2
    assert problems == [
        f"row {negative_count}, column 'count': -26 is negative (must be 0 or more)",
        f"row {negative_pop}, column 'pop': -558 is negative (must be 0 or more)",
    ]


def test_isr_frame_other_problems() -> None:
    raw = as_strings(REF / "isr" / "isr_input_multiarea_with_ref.csv")
    raw.loc[0, "refpop"] = "0"
    raw.loc[1, "refcount"] = "x"
    problems = problems_of(isr_frame, raw)
    assert problems == [
        "row 3, column 'refcount': 'x' is not a number",
        "row 2, column 'refpop': 0 must be greater than zero",
    ]
    assert problems_of(isr_frame, raw.drop(columns="refpop")) == ["column 'refpop' is missing"]


# ----------------------------------------------------------------------- life expectancy

le_frame = tabular.get_method("life-expectancy")
LE = REF / "life_expectancy"
LE_STANDARD = expected(LE / "le_standard_20_bands.csv")


def check_le(out: pd.DataFrame, limits=("lowercl", "uppercl")) -> None:
    ages = out["startage"].str.extract(r"(\d+)")[0].astype(int)
    want = LE_STANDARD.set_index("startage").loc[ages.to_numpy()]
    same(out["value"], want["value"], rtol=0, atol=1e-4)
    same(out[limits[0]], want["lowercl"], rtol=0, atol=1e-4)
    same(out[limits[1]], want["uppercl"], rtol=0, atol=1e-4)
    same(out["pops_used"], want["pops_used"], rtol=0)
    same(out["dths_used"], want["dths_used"], rtol=0)


def test_le_frame_standard() -> None:
    raw = as_strings(LE / "le_standard_20_bands.csv")[["startage", "pops", "deaths"]]
    out = le_frame(raw, confidence=0.95)
    check_le(out)
    assert list(out["startage"]) == list(raw["startage"])
    both = le_frame(raw)
    check_le(both, limits=("lower95_0cl", "upper95_0cl"))
    assert {"lower99_8cl", "upper99_8cl", "note"} <= set(both.columns)


@pytest.mark.parametrize("case", ["unordered_numeric_startage", "string_age_labels_out_of_order"])
def test_le_frame_ordering_variants(case: str) -> None:
    raw = as_strings(LE / "le_input_ordering_variants.csv")
    raw = raw[raw["case"] == case][["startage", "pops", "deaths"]]
    out = le_frame(raw, confidence=0.95)
    check_le(out)
    assert out["startage"].iloc[3] == ("10 – 14" if case.startswith("string") else "10")


def test_le_frame_wide_ci_suppression() -> None:
    raw = as_strings(LE / "le_wide_ci_suppression.csv")
    want = expected(LE / "le_wide_ci_suppression.csv")
    out = le_frame(raw[["area", "startage", "pops", "deaths"]])
    assert list(out["area"]) == list(want["area"])
    assert list(out["startage"]) == list(raw["startage"])
    for col in ["value", "lower95_0cl", "upper95_0cl"]:
        same(out[col], want[f"expected_{col}"], rtol=0, atol=1e-4)


def test_le_frame_invalid_inputs_file() -> None:
    raw = as_strings(LE / "le_invalid_inputs.csv").rename(columns={"age": "startage", "pop": "pops"})
    out = le_frame(raw.drop(columns="expected"))
    assert len(out) == len(raw) == 218
    computed = out[out["value"].notna()]
    assert set(computed["area"]) == {"Good data"}
    assert (computed["note"] == "").all()
    notes = out[out["area"] != "Good data"].groupby("case")["note"].first()
    wanted = raw.groupby("case")["expected"].first().str.extract(r"warning: (.*)")[0].dropna()
    assert notes.loc[wanted.index].to_dict() == wanted.to_dict()


def test_le_frame_problems() -> None:
    raw = as_strings(LE / "le_standard_20_bands.csv")[["startage", "pops", "deaths"]]
    raw.loc[2, "pops"] = "many"
    raw.loc[4, "deaths"] = ""
    raw.loc[6, "startage"] = "old"
    assert problems_of(le_frame, raw) == [
        "row 4, column 'pops': 'many' is not a number",
        "row 6, column 'deaths': a value is required",
        "row 8, column 'startage': 'old' has no start age",
    ]
    assert problems_of(le_frame, raw.drop(columns="pops")) == ["column 'pops' is missing"]
    good = as_strings(LE / "le_standard_20_bands.csv")[["startage", "pops", "deaths"]]
    assert problems_of(le_frame, good, multiplier=100.0) == ["multiplier does not apply to life expectancy"]
    assert problems_of(le_frame, good.iloc[1:]) == ["column 'startage': no age band starts at 0"]
