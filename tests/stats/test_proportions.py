"""Wilson proportions and Byar's / exact rates against the PHEindicatormethods reference data.

Every row of every CSV in ``proportions_and_rates/`` is checked at the README's relative
tolerance (1e-9), with missing-value positions compared exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jointly.stats.proportions import (
    byars_limits,
    exact_poisson_limits,
    limit_column_names,
    normal_z,
    proportion,
    proportion_statistic,
    rate,
    rate_limits,
    rate_method,
    rate_statistic,
    wilson_limits,
)
from tests.paths import REFERENCE

REF = REFERENCE
DIR = REF / "phe_indicator_methods" / "proportions_and_rates"
RTOL = 1e-9
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DIR / name, keep_default_na=False, na_values=["NA"])


def assert_matches(actual, expected, rtol: float = RTOL) -> None:
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0, equal_nan=True)


def conf_of(text: str) -> float:
    return float(text.rstrip("%")) / 100


def test_z_values_are_unrounded() -> None:
    assert normal_z(0.95) == pytest.approx(1.959963984540054, rel=1e-15)
    assert normal_z(0.998) == pytest.approx(3.090232306167813, rel=1e-15)
    assert limit_column_names(0.95) == ("lower95_0cl", "upper95_0cl")
    assert limit_column_names(0.998) == ("lower99_8cl", "upper99_8cl")
    assert limit_column_names(0.9) == ("lower90_0cl", "upper90_0cl")
    assert limit_column_names(0.9995) == ("lower99_95cl", "upper99_95cl")


class TestByarsWilsonFile:
    df = read("byars_wilson_ci.csv")

    def test_file_size(self) -> None:
        assert len(self.df) == 15

    @pytest.mark.parametrize("conf", ["95%", "99.8%"])
    def test_byars_rows(self, conf: str) -> None:
        rows = self.df[(self.df.method == "Byars") & (self.df.confidence == conf)]
        assert len(rows) >= 3
        lo, hi = byars_limits(rows.x.to_numpy(), conf_of(conf))
        assert_matches(lo, rows.lowercl)  # includes the NA lower limit for x = 1 at 99.8%
        assert_matches(hi, rows.uppercl)

    @pytest.mark.parametrize("conf", ["95%", "99.8%", "100%"])
    def test_wilson_rows(self, conf: str) -> None:
        rows = self.df[(self.df.method == "Wilson") & (self.df.confidence == conf)]
        assert len(rows) >= 2
        lo, hi = wilson_limits(rows.x.to_numpy(), rows.n.to_numpy(), conf_of(conf))
        # The 100% rows assert one side each; the other side is NA in the file.
        for got, want in ((lo, rows.lowercl.to_numpy()), (hi, rows.uppercl.to_numpy())):
            known = ~np.isnan(want)
            assert_matches(got[known], want[known])

    def test_every_row_was_checked(self) -> None:
        combos = set(zip(self.df.method, self.df.confidence, strict=True))
        assert combos == {
            ("Byars", "95%"),
            ("Byars", "99.8%"),
            ("Wilson", "95%"),
            ("Wilson", "99.8%"),
            ("Wilson", "100%"),
        }


def test_proportion_file_every_row() -> None:
    df = read("proportion_wilson.csv")
    assert len(df) == 19
    for multiplier, rows in df.groupby("multiplier"):
        got = proportion(rows.Numerator, rows.Denominator, (0.95, 0.998), float(multiplier))
        for col in ["value", *LIMITS]:
            assert_matches(got[col], rows[col])
        assert (rows.statistic == proportion_statistic(multiplier)).all()
    assert (df.method == "Wilson").all()


def test_proportion_grouped_file() -> None:
    raw = read("proportion_wilson.csv")[["Area", "Numerator", "Denominator"]]
    summed = raw.groupby("Area", sort=False).sum(min_count=1, skipna=False)
    expected = read("proportion_wilson_grouped_results.csv").set_index("Area")
    assert len(expected) == 11
    summed = summed.loc[expected.index]
    assert_matches(summed.Numerator, expected.Numerator)
    assert_matches(summed.Denominator, expected.Denominator)
    got = proportion(summed.Numerator, summed.Denominator, 0.95, 1)
    assert_matches(got["value"], expected.value)
    assert_matches(got["lower95_0cl"], expected.lowercl)
    assert_matches(got["upper95_0cl"], expected.uppercl)
    assert (expected.statistic == proportion_statistic(1)).all()


def test_rate_file_every_row() -> None:
    df = read("rate_byars_exact.csv")
    assert len(df) == 20
    for multiplier, rows in df.groupby("multiplier"):
        got = rate(rows.Numerator, rows.Denominator, (0.95, 0.998), float(multiplier))
        for col in ["value", *LIMITS]:
            assert_matches(got[col], rows[col])
        assert (rows.statistic == rate_statistic(multiplier)).all()
    methods = rate_method(df.Numerator.to_numpy())
    expected = df.method.to_numpy(dtype=object)
    assert [m if isinstance(m, str) else None for m in expected] == list(methods)


def test_rate_grouped_file() -> None:
    raw = read("rate_byars_exact.csv")[["Area", "Numerator", "Denominator"]]
    summed = raw.groupby("Area", sort=False).sum(min_count=1, skipna=False)
    expected = read("rate_grouped_results.csv").set_index("Area")
    assert len(expected) == 12
    summed = summed.loc[expected.index]
    assert_matches(summed.Numerator, expected.Numerator)
    got = rate(summed.Numerator, summed.Denominator, 0.95, 100_000)
    assert_matches(got["value"], expected.value)
    assert_matches(got["lower95_0cl"], expected.lowercl)
    assert_matches(got["upper95_0cl"], expected.uppercl)
    methods = [m if isinstance(m, str) else None for m in expected.method]
    assert methods == list(rate_method(summed.Numerator.to_numpy()))


def test_ncmp_supplementary_percentages() -> None:
    df = pd.read_csv(
        DIR / "supplementary_ncmp_wilson_percent.csv",
        keep_default_na=False,
        na_values=["NA"],
        dtype={"SchoolYear": str},
    )
    assert len(df) == 240
    got = proportion(df.Count, df.Measured, 0.95, 100)
    assert_matches(got["value"], df.Rate)
    assert_matches(got["lower95_0cl"], df.LCL)
    assert_matches(got["upper95_0cl"], df.UCL)
    se = (got["upper95_0cl"] - got["lower95_0cl"]) / (2 * normal_z(0.95))
    assert_matches(se, df.SE)


# ---------------------------------------------------------------- properties / edge cases


def test_switch_between_exact_and_byars_is_at_ten() -> None:
    x = np.array([0.0, 9.0, 9.5, 10.0, 11.0])
    lo, hi = rate_limits(x, np.ones_like(x), 0.95, 1.0)
    elo, ehi = exact_poisson_limits(x[:3], 0.95)
    blo, bhi = byars_limits(x[3:], 0.95)
    np.testing.assert_array_equal(lo, np.r_[elo, blo])
    np.testing.assert_array_equal(hi, np.r_[ehi, bhi])
    assert list(rate_method(x)) == ["Exact", "Exact", "Exact", "Byars", "Byars"]


def test_exact_limits_agree_with_chi_square_formula() -> None:
    x = np.arange(0, 30, dtype=float)
    for c in (0.9, 0.95, 0.998):
        lo, hi = exact_poisson_limits(x, c)
        with np.errstate(invalid="ignore"):
            want_lo = np.where(x == 0, 0.0, stats.chi2.ppf((1 - c) / 2, 2 * x) / 2)
        want_hi = stats.chi2.ppf(c + (1 - c) / 2, 2 * x + 2) / 2
        np.testing.assert_allclose(lo, want_lo, rtol=1e-12)
        np.testing.assert_allclose(hi, want_hi, rtol=1e-12)


def test_wilson_limits_bracket_the_proportion_and_nest() -> None:
    rng = np.random.default_rng(1)
    n = rng.integers(1, 10_000, 5_000).astype(float)
    x = np.floor(rng.random(5_000) * (n + 1))
    lo95, hi95 = wilson_limits(x, n, 0.95)
    lo998, hi998 = wilson_limits(x, n, 0.998)
    p = x / n
    assert np.all((lo998 <= lo95 + 1e-15) & (lo95 <= p + 1e-15))
    assert np.all((p <= hi95 + 1e-15) & (hi95 <= hi998 + 1e-15))
    assert np.all((lo998 >= -1e-15) & (hi998 <= 1 + 1e-15))


def test_missing_inputs_give_missing_outputs() -> None:
    got = rate([np.nan, 10, 5], [100, np.nan, 100], 0.95)
    assert np.isnan(got["value"][:2]).all() and np.isnan(got["lower95_0cl"][:2]).all()
    assert not np.isnan(got["upper95_0cl"][2])


def test_exact_limits_for_many_repeated_counts_match_element_wise() -> None:
    # Large inputs take the "each distinct count once" path; it must give the same answers.
    rng = np.random.default_rng(5)
    x = np.r_[rng.integers(0, 10, 20_000).astype(float), 2.5, np.nan]
    lo, hi = exact_poisson_limits(x, 0.998)
    with np.errstate(invalid="ignore"):
        want_lo = np.where(x == 0, 0.0, stats.chi2.ppf(0.001, 2 * x) / 2)
    want_hi = stats.chi2.ppf(0.999, 2 * x + 2) / 2
    np.testing.assert_allclose(lo, want_lo, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(hi, want_hi, rtol=1e-12, equal_nan=True)
