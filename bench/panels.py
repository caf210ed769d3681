"""Panel aggregates for N partnerships × M cases: the suppressed tables every page outside a panel shows.

    python bench/panels.py [--partnerships 150] [--cases 200] [--year 2024/25]

Builds, in memory with a fixed seed, the package versions each partnership's panel would hand to the
pure aggregates (``jointly/panels/queries.py`` → ``suppression.PackageFacts``: a third of packages
with a second version from a review, two or three funders each), then for every partnership computes
the year's aggregates (four dimensions with primary, secondary and dominance suppression) and the
commitments, and writes them as CSV. Prints the time at 15 and at N partnerships and how it grows.
The database is not timed: the aggregates page and export read a partnership's packages in a
constant number of queries (tests/panels/test_pages.py), so the work that grows with data is this.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jointly.panels import money, suppression  # noqa: E402

TYPES = ["Residential placement", "Fostering through an agency", "Short breaks", "Health-funded nursing care at home",
         "Education placement"]  # fmt: skip
BANDS = ["Additional", "Intensive", "Specialist"]


def build(partnerships: int, cases: int, seed: int = 20242) -> list[list[suppression.PackageFacts]]:
    rng = random.Random(seed)
    out = []
    for p in range(partnerships):
        funders = [f"Council {p} (social care)", f"ICB {p} (continuing care)", f"Council {p} (high needs)"]
        areas = [f"Area {p}-{i}" for i in range(4)]
        facts = []
        for c in range(cases):
            weekly = Decimal(rng.randint(300, 7000))
            cost = money.Cost(weekly, "week", 52)
            start = dt.date(2023, 4, 1) + dt.timedelta(days=rng.randint(0, 700))
            end = start + dt.timedelta(days=rng.choice([364, 728]))
            chosen = funders[: rng.choice([2, 3])]
            shares = money.split(
                cost.amount, {f: money.Share(percent=Fraction(100, len(chosen))) for f in chosen}
            )
            common = {"reference": f"PC-{p}-{c}", "package_type": rng.choice(TYPES), "need_band": rng.choice(BANDS),
                      "area": rng.choice(areas)}  # fmt: skip
            if rng.random() < 0.33:
                mid = start + dt.timedelta(days=182)
                facts.append(suppression.PackageFacts(**common, cost=cost, start=start, end=mid - dt.timedelta(days=1),
                                                      shares=shares))  # fmt: skip
                cost2 = cost.scaled((weekly * Decimal("1.1")).quantize(Decimal("1")))
                shares2 = money.split(
                    cost2.amount, {f: money.Share(percent=Fraction(100, len(chosen))) for f in chosen}
                )
                facts.append(suppression.PackageFacts(**common, cost=cost2, start=mid, end=end, shares=shares2,
                                                      confirmed=rng.random() < 0.8))  # fmt: skip
            else:
                facts.append(
                    suppression.PackageFacts(**common, cost=cost, start=start, end=end, shares=shares)
                )
        out.append(facts)
    return out


def run(data: list[list[suppression.PackageFacts]], year: str) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(suppression.AGGREGATE_HEADER)
    rows = 0
    for facts in data:
        cases = suppression.case_facts_for_year(facts, year)
        for row in suppression.aggregate_rows(cases, year):
            writer.writerow(row)
            rows += 1
        for row in suppression.commitment_rows(cases, year):
            writer.writerow(row)
            rows += 1
    return rows


def timed(data: list, year: str) -> tuple[float, int]:
    start = time.perf_counter()
    rows = run(data, year)
    return time.perf_counter() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=150)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--year", default="2024/25")
    args = parser.parse_args()
    small = build(15, args.cases)
    full = build(args.partnerships, args.cases)
    t_small, rows_small = timed(small, args.year)
    t_full, rows_full = timed(full, args.year)
    print(f"15 partnerships × {args.cases} cases: {t_small:.2f} s ({rows_small} rows)")
    print(f"{args.partnerships} partnerships × {args.cases} cases: {t_full:.2f} s ({rows_full} rows), "
          f"{t_full / args.partnerships * 1000:.1f} ms a partnership")  # fmt: skip
    print(f"growth: ×{t_full / t_small:.1f} for ×{args.partnerships / 15:.1f} the partnerships")


if __name__ == "__main__":
    main()
