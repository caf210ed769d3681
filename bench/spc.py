"""Benchmark the vectorised SPC core on many series at once.

    python bench/spc.py [--series N] [--points P]

Generates N series x P monthly points (fixed seed: the same data every run), with a mix of
improvement directions, targets, level shifts and a rebase in some series, runs
``jointly.stats.spc.spc_points`` once over all of them, and prints the throughput.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jointly.stats.spc import spc_points, spc_summary


def make_data(n_series: int, n_points: int, seed: int = 20240611) -> pd.DataFrame:
    """Deterministic long frame of ``n_series`` x ``n_points`` points."""
    rng = np.random.default_rng(seed)
    total = n_series * n_points
    series = np.repeat(np.arange(n_series), n_points)
    dates = np.tile(pd.date_range("2020-01-01", periods=n_points, freq="MS").to_numpy(), n_series)
    level = rng.normal(100, 20, n_series)[series]
    noise = rng.normal(0, 5, total)
    # a level shift two-thirds of the way through in a quarter of the series
    shift_at = (2 * n_points) // 3
    shifted = np.repeat(rng.random(n_series) < 0.25, n_points) & (
        np.tile(np.arange(n_points), n_series) >= shift_at
    )
    values = level + noise + np.where(shifted, 15.0, 0.0)
    directions = np.array(["increase", "decrease", "neutral"])[rng.integers(0, 3, n_series)]
    targets = np.where(rng.random(n_series) < 0.5, rng.normal(100, 20, n_series), np.nan)
    rebase = np.repeat(rng.random(n_series) < 0.1, n_points) & (
        np.tile(np.arange(n_points), n_series) == shift_at
    )
    return pd.DataFrame(
        {
            "series": series,
            "date": dates,
            "value": values,
            "target": targets[series],
            "improvement_direction": directions[series],
            "rebase": rebase,
        }
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=36)
    args = parser.parse_args(argv)

    data = make_data(args.series, args.points)
    start = time.perf_counter()
    points = spc_points(data)
    core_seconds = time.perf_counter() - start
    summary = spc_summary(points)
    total_seconds = time.perf_counter() - start

    flagged = float(points["special_cause_flag"].mean())
    print(f"{args.series:,} series x {args.points} points = {len(points):,} points")
    print(f"spc_points: {core_seconds:.2f} s ({args.series / core_seconds:,.0f} series/s)")
    print(f"with spc_summary: {total_seconds:.2f} s ({args.series / total_seconds:,.0f} series/s)")
    print(f"special-cause points: {flagged:.1%}; series summarised: {len(summary):,}")


if __name__ == "__main__":
    main()
