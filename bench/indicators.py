"""Throughput of the Wilson proportion and Byar's / exact rate limits.

Usage: python bench/indicators.py [--rows N] [--chunk C] [--seed S]

Generates N deterministic random numerator/denominator pairs (fixed seed; denominators
log-uniform between 10 and 1,000,000, numerators binomial with a rate between 0 and 30%,
so a few percent of rows have fewer than 10 events and take the exact Poisson path),
then computes Wilson limits and rate limits at 95% and 99.8% for every row, in chunks
so memory stays bounded.  Prints rows per second for each method and the total time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jointly.stats.proportions import proportion, rate

LEVELS = (0.95, 0.998)


def make_chunk(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Random denominators (log-uniform 10..1e6) and binomial numerators."""
    den = np.floor(10.0 ** rng.uniform(1.0, 6.0, size))
    num = rng.binomial(den.astype(np.int64), rng.uniform(0.0, 0.3, size)).astype(float)
    return num, den


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    timings = {"wilson": 0.0, "rate": 0.0}
    exact_rows = 0
    checksum = 0.0
    start = time.perf_counter()
    done = 0
    while done < args.rows:
        size = min(args.chunk, args.rows - done)
        num, den = make_chunk(rng, size)
        exact_rows += int(np.count_nonzero(num < 10))

        t0 = time.perf_counter()
        prop = proportion(num, den, LEVELS, 1.0)
        timings["wilson"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        rates = rate(num, den, LEVELS, 100_000.0)
        timings["rate"] += time.perf_counter() - t0

        checksum += float(np.nansum(prop["upper99_8cl"])) + float(np.nansum(rates["lower95_0cl"]))
        done += size
    total = time.perf_counter() - start

    print(f"rows: {args.rows:,} (chunks of {args.chunk:,}, seed {args.seed})")
    print(f"rows with < 10 events (exact Poisson): {exact_rows:,}")
    for name, label in (
        ("wilson", "Wilson 95% + 99.8%"),
        ("rate", "rate Byar's/exact 95% + 99.8%"),
    ):
        secs = timings[name]
        print(f"{label:32s} {secs:8.2f} s  {args.rows / secs:14,.0f} rows/s")
    print(f"total wall time (including data generation): {total:.2f} s")
    print(f"checksum: {checksum:.6e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
