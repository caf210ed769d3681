"""SPC against the NHSRplotthedots scenario outputs, and the CSV entry point ``spc_frame``.

Every row of nhsrplotthedots_scenarios/spc_points.csv (1 798 points), spc_summary.csv (93 groups)
and asserted_values.csv (50 statements) is checked against values computed here from the scenario
inputs (x, y, facet) and run options (summary: direction, screening, fix_after_n_points, rebase
dates, targets).  Rule-level cases are in test_spc_rules.py.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jointly.stats import spc
from jointly.stats.errors import InputProblem
from tests.paths import SPC_REFERENCE

REF = SPC_REFERENCE
SCENARIOS = REF / "nhsrplotthedots_scenarios"

RTOL = 1e-9  # README: mean and limits to relative 1e-9


@functools.cache
def _points() -> pd.DataFrame:
    return pd.read_csv(SCENARIOS / "spc_points.csv", dtype={"facet": str})


@functools.cache
def _summary() -> pd.DataFrame:
    return pd.read_csv(SCENARIOS / "spc_summary.csv", dtype={"facet": str, "rebase": str, "target": str})


def _runs() -> list[tuple[str, str]]:
    pts = pd.read_csv(SCENARIOS / "spc_points.csv", usecols=["scenario", "improvement_direction"])
    return list(pts.drop_duplicates().itertuples(index=False, name=None))


RUNS = _runs()


def _per_facet(cell: object, facets: list[str]) -> dict[str, str | None]:
    """Summary cells are 'NA', a plain value (all facets) or 'A=x;B=y' / 'A=x' (per facet);
    several values for one facet are separated by '|'."""
    if not isinstance(cell, str) or cell == "NA":
        return dict.fromkeys(facets)
    if "=" not in cell:
        return dict.fromkeys(facets, cell)
    given = dict(part.split("=", 1) for part in cell.split(";"))
    return {f: given.get(f) for f in facets}


def _options(scenario: str, direction: str) -> dict:
    row = _summary()[
        (_summary()["scenario"] == scenario) & (_summary()["improvement_direction"] == direction)
    ].iloc[0]
    fix = row["fix_after_n_points"]
    return {
        "screen_outliers": bool(row["screen_outliers"]),
        "fix_after_n_points": None if pd.isna(fix) else int(fix),
        "rebase": row["rebase"],
        "target": row["target"],
    }


def _warning_threshold(scenario: str) -> int:
    # The icon tests run without the short-group warning (the reference rows say False for the
    # facets of 12 points there); a threshold of 12 gives that.  Everything else uses the
    # package default of 13.
    return 12 if scenario.startswith("tests_icons") else spc.DEFAULT_WARNING_THRESHOLD


def _inputs(scenario: str, direction: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(reference rows, long input frame for spc_points, options) of one scenario run."""
    pts = _points()
    ref = pts[(pts["scenario"] == scenario) & (pts["improvement_direction"] == direction)]
    opts = _options(scenario, direction)
    facets = list(dict.fromkeys(ref["facet"]))
    rebase_dates = {f: (v or "").split("|") for f, v in _per_facet(opts["rebase"], facets).items()}
    targets = {f: float(v) if v else np.nan for f, v in _per_facet(opts["target"], facets).items()}
    frame = pd.DataFrame(
        {
            "series": ref["facet"],
            "date": ref["x"],
            "value": ref["y"],
            "target": ref["facet"].map(targets),
            "improvement_direction": direction,
            "rebase": [x in rebase_dates[f] for f, x in zip(ref["facet"], ref["x"], strict=True)],
        },
        index=ref.index,
    )
    return ref, frame, opts


def _run_core(scenario: str, direction: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    ref, frame, opts = _inputs(scenario, direction)
    out = spc.spc_points(
        frame,
        fix_after_n_points=opts["fix_after_n_points"],
        screen_outliers=opts["screen_outliers"],
        warning_threshold=_warning_threshold(scenario),
    )
    return ref, out


def _bools(col: pd.Series) -> np.ndarray:
    return col.astype(str).map({"True": True, "False": False}).to_numpy()


# ----------------------------------------------------------------------------------------------
# spc_points.csv: every point of every scenario run
# ----------------------------------------------------------------------------------------------


def test_run_count() -> None:
    assert len(RUNS) == 77
    assert len(_points()) == 1798


@pytest.mark.parametrize(("scenario", "direction"), RUNS)
def test_scenario_points(scenario: str, direction: str) -> None:
    ref, out = _run_core(scenario, direction)
    # the reference is in (facet, date) order; ours is too, keyed by the input index
    assert list(out.index) == list(ref.index)
    np.testing.assert_array_equal(out["point_index"], ref["point_index"])
    np.testing.assert_array_equal(out["rebase_group"], ref["rebase_group"])
    np.testing.assert_array_equal(out["short_group_warning"], _bools(ref["short_group_warning"]))
    np.testing.assert_array_equal(np.isnan(out["fix_y"]), ref["fix_y"].isna())
    np.testing.assert_array_equal(out["fix_y"].dropna(), ref["fix_y"].dropna())
    for col in ("mean_col", "lpl", "upl"):
        np.testing.assert_allclose(out[col], ref[col], rtol=RTOL, atol=0, err_msg=col)
    np.testing.assert_array_equal(out["outside_limits"], _bools(ref["outside_limits"]))
    np.testing.assert_array_equal(out["relative_to_mean"], ref["relative_to_mean"])
    np.testing.assert_array_equal(out["close_to_limits"], _bools(ref["close_to_limits"]))
    assert out["special_cause_type"].astype(str).tolist() == ref["special_cause_type"].tolist()
    np.testing.assert_array_equal(out["special_cause_flag"], _bools(ref["special_cause_flag"]))
    assert out["point_type"].astype(str).tolist() == ref["point_type"].tolist()
    np.testing.assert_array_equal(out["target"], ref["target"])


def _single_facet_runs() -> list[tuple[str, str]]:
    pts = pd.read_csv(SCENARIOS / "spc_points.csv", usecols=["scenario", "facet"], dtype=str)
    single = pts.groupby("scenario")["facet"].nunique() == 1
    return [(s, d) for s, d in RUNS if single[s]]


SINGLE_FACET_RUNS = _single_facet_runs()


@pytest.mark.parametrize(("scenario", "direction"), SINGLE_FACET_RUNS)
def test_spc_series_agrees_with_reference(scenario: str, direction: str) -> None:
    ref, frame, opts = _inputs(scenario, direction)
    target = frame["target"].iloc[0]
    # shuffled input order must not matter
    shuffled = np.random.default_rng(1).permutation(len(frame))
    res = spc.spc_series(
        frame["date"].to_numpy()[shuffled],
        frame["value"].to_numpy()[shuffled],
        target=None if np.isnan(target) else target,
        improvement_direction=direction,
        rebase_dates=frame.loc[frame["rebase"], "date"].tolist(),
        fix_after_n_points=opts["fix_after_n_points"],
        screen_outliers=opts["screen_outliers"],
        warning_threshold=_warning_threshold(scenario),
    )
    assert [d.isoformat() for d in res.dates] == ref["x"].tolist()
    np.testing.assert_allclose(res.mean, ref["mean_col"], rtol=RTOL, atol=0)
    np.testing.assert_allclose(res.lpl, ref["lpl"], rtol=RTOL, atol=0)
    np.testing.assert_allclose(res.upl, ref["upl"], rtol=RTOL, atol=0)
    np.testing.assert_array_equal(res.rebase_group, ref["rebase_group"])
    assert res.special_cause_type == ref["special_cause_type"].tolist()
    assert res.point_type == ref["point_type"].tolist()
    assert res.variation_type == ref["point_type"].iloc[-1]
    assert res.short_group_warning == bool(_bools(ref["short_group_warning"]).any())
    records = res.points()
    assert [r["point_type"] for r in records] == ref["point_type"].tolist()
    assert records[0]["date"] == ref["x"].iloc[0]


# ----------------------------------------------------------------------------------------------
# spc_summary.csv: one row per scenario run x facet x rebase group
# ----------------------------------------------------------------------------------------------

SUMMARY_ROWS = list(range(93))


@functools.cache
def _cached_run(scenario: str, direction: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _run_core(scenario, direction)


@pytest.mark.parametrize("i", SUMMARY_ROWS)
def test_scenario_summary(i: int) -> None:
    row = _summary().iloc[i]
    scenario, direction = row["scenario"], row["improvement_direction"]
    _, out = _cached_run(scenario, direction)
    facet_points = out[out["series"] == row["facet"]]
    grp = facet_points[facet_points["rebase_group"] == row["rebase_group"]]
    assert len(grp) == row["n"]
    for col in ("mean_col", "lpl", "upl"):
        np.testing.assert_allclose(grp[col], row[col], rtol=RTOL, atol=0)
    pt = grp["point_type"].astype(str)
    assert grp["special_cause_flag"].sum() == row["n_special_cause"]
    assert (pt == "special_cause_improvement").sum() == row["n_improvement"]
    assert (pt == "special_cause_concern").sum() == row["n_concern"]
    assert (pt == "special_cause_neutral_high").sum() == row["n_neutral_high"]
    assert (pt == "special_cause_neutral_low").sum() == row["n_neutral_low"]
    assert pt.iloc[-1] == row["variation_type_last_point"]
    # warnings: raised for the run if any group is short
    short = bool(out["short_group_warning"].any())
    assert short == (not pd.isna(row["warnings"]))
    if short:
        assert row["warnings"] == spc.SHORT_GROUP_WARNING
    # assurance: the package gives it on the last rebase group of the facet only
    summ = spc.spc_summary(out).set_index("series")
    is_last_group = row["rebase_group"] == facet_points["rebase_group"].iloc[-1]
    expected = None if pd.isna(row["assurance_type"]) else row["assurance_type"]
    if is_last_group:
        assert summ.loc[row["facet"], "assurance_type"] == expected
        assert summ.loc[row["facet"], "variation_type"] == row["variation_type_last_point"]
    else:
        assert expected is None


# ----------------------------------------------------------------------------------------------
# asserted_values.csv: what the package's tests, snapshots, README and vignettes state
# ----------------------------------------------------------------------------------------------

ASSERTED = pd.read_csv(SCENARIOS / "asserted_values.csv", dtype=str, keep_default_na=False)


def _sig(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}")


def _first_direction(scenario: str) -> str:
    return next(d for s, d in RUNS if s == scenario)


def _check_asserted(row: pd.Series) -> None:
    """One branch per kind of statement in asserted_values.csv."""
    scenario, quantity, value = row["scenario"], row["quantity"], row["asserted_value"]
    _, out = _cached_run(scenario, _first_direction(scenario))
    summ = spc.spc_summary(out).set_index("series")
    facet = row["facet"] or None

    if quantity == "y[1:4]":
        assert [round(v, 8) for v in out["value"].iloc[:4]] == [float(v) for v in value.split()]
    elif quantity.endswith("(all rows)"):
        col = quantity.split()[0]
        assert out[col].nunique() == 1
        assert _sig(out[col].iloc[0], 7) == float(value)
    elif quantity == "relative_to_mean (first values shown)":
        shown = [int(v) for v in value.split()]
        assert out["relative_to_mean"].iloc[: len(shown)].tolist() == shown
    elif quantity in ("outside_limits[1:8]", "close_to_limits[1:8]"):
        assert value == "FALSE x8"
        assert not out[quantity.split("[")[0]].iloc[:8].any()
    elif quantity == "upl - lpl greater than for the screened run":
        _, screened = _cached_run(scenario.replace("not_screened", "screened"), "increase")
        width = (out["upl"] - out["lpl"]).iloc[0]
        assert (width > (screened["upl"] - screened["lpl"]).iloc[0]) == (value == "TRUE")
    elif quantity == "lpl and upl differ from the unfixed run":
        _, unfixed = _cached_run("tests_seed123_rnorm20", "increase")
        differ = (out["lpl"].iloc[0] != unfixed["lpl"].iloc[0]) and (
            out["upl"].iloc[0] != unfixed["upl"].iloc[0]
        )
        assert differ == (value == "TRUE")
    elif quantity == "rebase_group":
        assert value == "0 x10 then 1 x10"
        assert out["rebase_group"].tolist() == [0] * 10 + [1] * 10
    elif quantity.startswith("summary: mean_col / lpl / upl / n / common_cause"):
        parts = [v.strip() for v in value.split("/")]
        grp = out if facet is None else out[out["series"] == facet]
        for col, v in zip(("mean_col", "lpl", "upl"), parts[:3], strict=True):
            assert _sig(grp[col].iloc[0], 3) == float(v)
        assert len(grp) == int(parts[3])
        assert (grp["point_type"] == "common_cause").sum() == int(parts[4])
        if len(parts) > 5:
            assert (grp["point_type"] == "special_cause_improvement").sum() == int(parts[5])
    elif quantity == "point_type of last two points":
        assert out["point_type"].astype(str).iloc[-2:].tolist() == value.split()
    elif quantity == "variation icon":
        icon = summ.loc[facet, "variation_icon"]
        assert f"variation/{icon}.svg" == value
    elif quantity == "assurance icon":
        icon = summ.loc[facet, "assurance_icon"]
        assert f"assurance/{icon}.svg" == value
    elif quantity == "upl / mean_col / lpl":
        expected = [float(v) for v in value.split("/")]
        assert [round(out[c].iloc[0], 2) for c in ("upl", "mean_col", "lpl")] == expected
    elif quantity == "point types" and scenario == "vignette_deviations_outlier_screened":
        assert out["value"].iloc[4] == 10
        expected = ["common_cause"] * len(out)
        expected[4] = "special_cause_improvement"
        assert out["point_type"].astype(str).tolist() == expected
    elif quantity == "point types" and scenario == "vignette_ae_monthly_total_attendances_rebased":
        assert out.groupby("rebase_group").size().tolist() == [12, 12, 12]
        assert (out["point_type"] == "common_cause").all()
    elif quantity == "summary variation_type / assurance_type":
        variation, assurance = (v.strip() for v in value.split("/"))
        assert summ.iloc[-1]["variation_type"] == variation
        assert summ.iloc[-1]["assurance_type"] == assurance
    elif quantity == "special cause run":
        run = out[out["special_cause_type"].astype(str).str.startswith("7 Points")]
        assert len(run) == 8
        assert np.all(np.diff(run["point_index"]) == 1)
        assert run["date"].iloc[0].strftime("%Y-%m") == "2017-02"
        assert run["date"].iloc[-1].strftime("%Y-%m") == "2017-09"
        assert (run["point_type"] == "special_cause_improvement").all()
    else:  # pragma: no cover - every statement must be handled
        pytest.fail(f"unhandled asserted quantity {quantity!r}")


@pytest.mark.parametrize("i", range(len(ASSERTED)))
def test_asserted_values(i: int) -> None:
    _check_asserted(ASSERTED.iloc[i])


def test_asserted_count() -> None:
    assert len(ASSERTED) == 50


# ----------------------------------------------------------------------------------------------
# spc_frame round trip: the scenario inputs as an analyst's CSV reproduce spc_points.csv
# ----------------------------------------------------------------------------------------------


def _as_csv_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """The scenario input as the string table an analyst would upload (read with dtype=str)."""
    return pd.DataFrame(
        {
            "series": frame["series"].astype(str),
            "date": frame["date"].astype(str),
            "value": [repr(float(v)) for v in frame["value"]],
            "target": ["" if np.isnan(t) else repr(float(t)) for t in frame["target"]],
            "improvement_direction": frame["improvement_direction"],
            "rebase": np.where(frame["rebase"], "1", ""),
        }
    )


@pytest.mark.parametrize(("scenario", "direction"), RUNS)
def test_frame_round_trip(scenario: str, direction: str) -> None:
    ref, frame, opts = _inputs(scenario, direction)
    table = _as_csv_strings(frame)
    # present the rows newest first, to show that file order does not matter
    table = table.iloc[::-1].reset_index(drop=True)
    ref = ref.iloc[::-1]
    out = spc.spc_frame(
        table,
        fix_after_n_points=opts["fix_after_n_points"],
        screen_outliers=opts["screen_outliers"],
    )
    assert list(out.columns) == list(table.columns) + [
        "mean_col",
        "lpl",
        "upl",
        "special_cause_flag",
        "special_cause_type",
        "point_type",
        "assurance_type",
    ]
    pd.testing.assert_frame_equal(out[table.columns], table)
    for col in ("mean_col", "lpl", "upl"):
        np.testing.assert_allclose(out[col], ref[col], rtol=RTOL, atol=0)
    np.testing.assert_array_equal(out["special_cause_flag"].astype(bool), _bools(ref["special_cause_flag"]))
    assert out["special_cause_type"].tolist() == ref["special_cause_type"].tolist()
    assert out["point_type"].tolist() == ref["point_type"].tolist()
    # assurance on the latest row of each series (the first row here, as the order is reversed)
    summary = _summary()
    summary = summary[(summary["scenario"] == scenario) & (summary["improvement_direction"] == direction)]
    last_groups = summary.groupby("facet", sort=False).tail(1).set_index("facet")
    expected = np.full(len(out), "", dtype=object)
    first_rows = ~table["series"].duplicated()
    for i in np.flatnonzero(first_rows):
        value = last_groups.loc[table["series"].iloc[i], "assurance_type"]
        expected[i] = "" if pd.isna(value) else value
    assert out["assurance_type"].tolist() == expected.tolist()


def test_frame_round_trip_through_csv(tmp_path: Path) -> None:
    _, frame, _ = _inputs("syn_two_facets_named_targets_and_rebase", "increase")
    path = tmp_path / "in.csv"
    _as_csv_strings(frame).to_csv(path, index=False)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = spc.spc_frame(table)
    again = pd.read_csv(_write(out, tmp_path / "out.csv"), dtype=str, keep_default_na=False)
    ref = _points()
    ref = ref[ref["scenario"] == "syn_two_facets_named_targets_and_rebase"]
    assert again["special_cause_flag"].tolist() == ref["special_cause_flag"].astype(str).tolist()
    assert again["assurance_type"].tolist() == [""] * 19 + ["consistent_pass"] + [""] * 19 + ["inconsistent"]


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


# ----------------------------------------------------------------------------------------------
# spc_frame input handling and validation
# ----------------------------------------------------------------------------------------------


def _table(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows).fillna("").astype(str)


def _good_rows(n: int = 15, series: str = "A") -> list[dict[str, str]]:
    return [
        {"series": series, "date": f"2021-{1 + i // 28:02d}-{1 + i % 28:02d}", "value": str(i % 5)}
        for i in range(n)
    ]


def _problems(table: pd.DataFrame) -> list[str]:
    with pytest.raises(InputProblem) as info:
        spc.spc_frame(table)
    return info.value.problems


def test_frame_minimal_columns_and_defaults() -> None:
    out = spc.spc_frame(_table(_good_rows()))
    assert out["assurance_type"].eq("").all()
    assert out["special_cause_type"].ne("").all()
    direct = spc.spc_series(pd.to_datetime(out["date"]), out["value"].astype(float))
    np.testing.assert_allclose(out["upl"], direct.upl)


def test_frame_accepts_uk_dates_and_word_flags() -> None:
    rows = _good_rows(20)
    iso = spc.spc_frame(_table(rows))
    for r in rows:
        y, m, d = r["date"].split("-")
        r["date"] = f"{d}/{m}/{y}"
        r["rebase"] = ""
        r["improvement_direction"] = "Decrease"
    rows[10]["rebase"] = "Yes"
    uk = spc.spc_frame(_table(rows))
    np.testing.assert_allclose(uk["mean_col"].iloc[:10], iso["value"].astype(float)[:10].mean())
    assert uk["mean_col"].iloc[10] == pytest.approx(iso["value"].astype(float)[10:].mean())


def test_frame_missing_values_are_left_out() -> None:
    rows = _good_rows(16)
    full = spc.spc_frame(_table([r for i, r in enumerate(rows) if i != 5]))
    rows[5]["value"] = ""
    out = spc.spc_frame(_table(rows))
    assert np.isnan(out["mean_col"].iloc[5]) and out["special_cause_type"].iloc[5] == ""
    assert pd.isna(out["special_cause_flag"].iloc[5])
    kept = out.drop(index=5).reset_index(drop=True)
    np.testing.assert_allclose(kept["upl"], full["upl"])
    assert kept["point_type"].tolist() == full["point_type"].tolist()


def test_frame_target_on_some_rows_only() -> None:
    rows = _good_rows(15)
    rows[0]["target"] = "100"
    out = spc.spc_frame(_table(rows))
    assert out["assurance_type"].tolist() == [""] * 14 + ["consistent_fail"]


def test_frame_missing_required_columns() -> None:
    table = _table(_good_rows()).drop(columns=["value", "date"])
    assert _problems(table) == ["missing required column 'date'", "missing required column 'value'"]


def test_frame_reports_every_bad_cell() -> None:
    rows = _good_rows(15) + _good_rows(15, series="B")
    for r in rows:
        r.update(target="", improvement_direction="", rebase="")
    rows[3]["value"] = "abc"  # row 5
    rows[4]["date"] = "2021-02-30"  # row 6
    rows[5]["date"] = "5 Jan 2021"  # row 7
    rows[6]["target"] = "ten"  # row 8
    rows[7]["improvement_direction"] = "up"  # row 9
    rows[8]["rebase"] = "maybe"  # row 10
    rows[9]["value"] = "inf"  # row 11
    rows[10]["date"] = rows[2]["date"]  # row 12 duplicates row 4
    rows[15]["target"] = "8"  # row 17, series B
    rows[20]["target"] = "9"  # row 22, series B: differs
    rows[16]["improvement_direction"] = "decrease"  # row 18
    rows[17]["improvement_direction"] = "neutral"  # row 19: differs
    assert _problems(_table(rows)) == [
        "row 5, column 'value': 'abc' is not a number",
        "row 6, column 'date': '2021-02-30' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        "row 7, column 'date': '5 Jan 2021' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        "row 8, column 'target': 'ten' is not a number",
        "row 9, column 'improvement_direction': 'up' is not one of increase, decrease, neutral",
        "row 10, column 'rebase': 'maybe' is not one of 1, 0, true, false, yes, no (or empty)",
        "row 11, column 'value': 'inf' is not a number",
        "row 12, column 'date': series 'A' already has a point on 2021-01-03 (row 4)",
        (
            "row 19, column 'improvement_direction': 'neutral' differs from 'decrease' in row 18 "
            "for series 'B' (a series must have one improvement direction)"
        ),
        (
            "row 22, column 'target': '9' differs from '8' in row 17 for series 'B' "
            "(a series must have one target)"
        ),
    ]


def test_frame_problem_is_a_value_error_with_all_messages() -> None:
    rows = _good_rows(3)
    rows[0]["value"] = "x"
    rows[1]["value"] = "y"
    with pytest.raises(ValueError, match="row 2, column 'value': 'x' is not a number; row 3"):
        spc.spc_frame(_table(rows))


def test_frame_empty_table() -> None:
    out = spc.spc_frame(_table([]).reindex(columns=["series", "date", "value"]))
    assert len(out) == 0 and "point_type" in out.columns


# ----------------------------------------------------------------------------------------------
# single-series API details
# ----------------------------------------------------------------------------------------------


def test_spc_series_refuses_bad_options() -> None:
    dates = pd.date_range("2021-01-01", periods=14, freq="MS")
    with pytest.raises(ValueError, match="improvement_direction"):
        spc.spc_series(dates, np.arange(14.0), improvement_direction="up")
    with pytest.raises(ValueError, match="same length"):
        spc.spc_series(dates, np.arange(13.0))
    with pytest.raises(ValueError, match="more than one point"):
        spc.spc_series(list(dates[:13]) + [dates[0]], np.arange(14.0))


def test_spc_series_short_warning_and_icons() -> None:
    dates = pd.date_range("2021-01-01", periods=12, freq="MS")
    res = spc.spc_series(dates, [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 9], target=-5.0)
    assert res.short_group_warning and res.warnings == [spc.SHORT_GROUP_WARNING]
    assert res.point_type[-1] == "special_cause_improvement"
    assert res.variation_icon == "improvement_high"
    assert res.assurance_type == "consistent_pass" and res.assurance_icon == "pass"
    longer = spc.spc_series(pd.date_range("2021-01-01", periods=13, freq="MS"), np.ones(13))
    assert not longer.short_group_warning and longer.warnings == []


def test_constant_series_has_no_limits() -> None:
    # all moving ranges 0: none is strictly below 3.267 * 0, so screening leaves no moving range
    # and the limits are undefined (as in the R package); every point is common cause
    res = spc.spc_series(pd.date_range("2021-01-01", periods=15, freq="MS"), np.full(15, 4.0))
    assert np.isnan(res.upl).all() and res.mean[0] == 4.0
    assert set(res.point_type) == {"common_cause"}


def test_many_series_match_one_by_one() -> None:
    rng = np.random.default_rng(7)
    n_series, n_points = 40, 30
    frame = pd.DataFrame(
        {
            "series": np.repeat([f"s{i}" for i in range(n_series)], n_points),
            "date": np.tile(pd.date_range("2020-01-01", periods=n_points, freq="MS"), n_series),
            "value": rng.normal(10, 2, n_series * n_points).round(1),
            "improvement_direction": np.repeat(
                rng.choice(["increase", "decrease", "neutral"], n_series), n_points
            ),
            "rebase": np.tile(np.arange(n_points) == 17, n_series) & (rng.random(1200) < 0.5),
        }
    )
    frame = frame.sample(frac=1.0, random_state=3)  # shuffled rows
    together = spc.spc_points(frame)
    for key, grp in frame.groupby("series"):
        alone = spc.spc_points(grp)
        mine = together[together["series"] == key]
        pd.testing.assert_frame_equal(alone, mine)
