"""DSR at its edges: the "fewer than 10 events" rule on both sides, worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jointly.stats.dsr import calculate_dsr


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
    assert out["statistic"].iloc[0] == "dsr NA for total count < 10"
