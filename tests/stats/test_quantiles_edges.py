"""Quantile assignment at its edges: defaults, group sizes at k, input types, messages pinned whole.

Expected values are worked out by hand from the formula in ``jointly/stats/quantiles.py``'s
docstring (the R package's), never taken from the code under test.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from jointly.stats.quantiles import TOO_FEW_WARNING, assign_quantiles, quantile_description


def test_ten_quantiles_by_default() -> None:
    # 20 values, k = 10: two per decile; inverted by default, so the highest values are in 1.
    got = assign_quantiles(np.arange(1, 21, dtype=float))
    want = np.repeat(np.arange(10, 0, -1), 2).astype(float)
    np.testing.assert_array_equal(got, want)


def test_one_quantile_puts_every_value_in_it() -> None:
    np.testing.assert_array_equal(assign_quantiles([3.0, 1.0, 2.0], 1), [1.0, 1.0, 1.0])


@pytest.mark.parametrize("k", [0, -1])
def test_fewer_than_one_quantile_is_refused_in_these_words(k: int) -> None:
    with pytest.raises(ValueError, match=r"^nquantiles must be a whole number of at least 1$"):
        assign_quantiles([1.0, 2.0], k)


def test_a_group_of_exactly_k_values_gets_every_quantile_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = assign_quantiles([10.0, 20.0, 30.0, 40.0], 4, invert=False)
    np.testing.assert_array_equal(got, [1.0, 2.0, 3.0, 4.0])


def test_a_group_of_k_minus_one_values_gets_none_and_warns() -> None:
    with pytest.warns(UserWarning, match=rf"^{re.escape(TOO_FEW_WARNING)}$"):
        got = assign_quantiles([10.0, 20.0, 30.0], 4, invert=False)
    assert np.isnan(got).all()
    assert TOO_FEW_WARNING == (
        "One or more groups had too few small areas with values to allow quantiles to be assigned"
    )


def test_none_is_a_missing_value() -> None:
    got = assign_quantiles([1, 2, None, 4], 3, invert=False)
    np.testing.assert_array_equal(np.isnan(got), [False, False, True, False])
    np.testing.assert_array_equal(got[[0, 1, 3]], [1.0, 2.0, 3.0])


def test_group_labels_are_told_apart_by_type() -> None:
    # The number 1 and the text "1" are different groups (labels are kept as objects).
    got = assign_quantiles([1.0, 2.0, 5.0, 6.0], 2, invert=False, groups=[1, 1, "1", "1"])
    np.testing.assert_array_equal(got, [1.0, 2.0, 1.0, 2.0])


def test_invert_flags_are_truthiness_so_1_and_2_are_both_true() -> None:
    got = assign_quantiles([1.0, 2.0], 2, invert=[1, 2])
    np.testing.assert_array_equal(got, [2.0, 1.0])


def test_descriptions_in_the_packages_words() -> None:
    assert quantile_description(True) == "lowest quantile represents highest values"
    assert quantile_description(False) == "lowest quantile represents lowest values"
