"""Fund positions for N partnerships × 20 funds × 12 months, computed and exported as CSV.

    python bench/finance.py [--partnerships 150] [--funds 20] [--lines 8]

Builds the figures in memory (fixed seed) in the shape ``finance/queries.py`` hands to the pure
``finance/calc.py`` (budgets, 12 months of actuals, a forecast each month), then for every fund,
year-month and partner computes the position and the risk-share split (pooled funds with a capped
host rule then proportional; aligned budgets by own variance) and writes the ``fund-position``
export's rows. Prints the time at 15 and at N partnerships and how it grows. The database is not
timed here: the pages and exports fetch a partnership's funds in a constant number of queries
(tests/finance/test_pages.py), so the work that grows with data is this.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jointly.finance import calc  # noqa: E402

COLUMNS = [
    "fund", "partner", "financial_year", "contribution_gbp", "budget_gbp", "actual_to_date_gbp",
    "forecast_outturn_gbp", "variance_gbp", "share_of_variance_gbp",
]  # fmt: skip


def build(partnerships: int, funds: int, lines: int, seed: int = 20141) -> list:
    rng = random.Random(seed)
    out = []
    for p in range(partnerships):
        for f in range(funds):
            partners = [f"org-{p}-{i}" for i in range(rng.randint(2, 4))]
            aligned = f % 3 == 0
            fund_lines = []
            for _ in range(lines):
                budget = Decimal(rng.randint(50_000, 5_000_000))
                monthly = budget / 12
                actuals = {
                    m: (monthly * Decimal(rng.uniform(0.9, 1.1))).quantize(calc.PENNY) for m in range(1, 13)
                }
                forecasts = {
                    m: (budget * Decimal(rng.uniform(0.95, 1.08))).quantize(calc.PENNY) for m in range(1, 13)
                }
                fund_lines.append(calc.LineFigures(budget, actuals, forecasts, owner=rng.choice(partners)))
            contributions = {o: Decimal(rng.randint(100_000, 9_000_000)) for o in partners}
            rules = [calc.Rule(calc.HOST, cap_amount=Decimal("100000")), calc.Rule(calc.PROPORTIONAL)]
            out.append((f"fund-{p}-{f}", aligned, fund_lines, contributions, partners[0], rules))
    return out


def run(data: list) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    rows = 0
    for name, aligned, lines, contributions, host, rules in data:
        for month in range(1, 13):
            pos = calc.position(lines, month)
            if aligned:
                shares = calc.share_variance(pos.variance, [], budget=pos.budget, contributions=contributions,
                                             own_variances=calc.own_variances(lines, month))  # fmt: skip
            else:
                shares = calc.share_variance(pos.variance, rules, budget=pos.budget, contributions=contributions,
                                             host=host)  # fmt: skip
            assert calc.total(shares.values()) == pos.variance
            for partner, contribution in contributions.items():
                writer.writerow([name, partner, "2014/15", contribution, pos.budget, pos.actual_to_date,
                                 pos.forecast_outturn, pos.variance, shares.get(partner, calc.ZERO)])  # fmt: skip
                rows += 1
    return rows


def timed(partnerships: int, funds: int, lines: int) -> tuple[float, int]:
    data = build(partnerships, funds, lines)
    start = time.perf_counter()
    rows = run(data)
    return time.perf_counter() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=150)
    parser.add_argument("--funds", type=int, default=20)
    parser.add_argument("--lines", type=int, default=8)
    args = parser.parse_args()
    small, small_rows = timed(15, args.funds, args.lines)
    large, large_rows = timed(args.partnerships, args.funds, args.lines)
    print(f"15 partnerships × {args.funds} funds × 12 months: {small:.2f}s ({small_rows:,} rows)")
    print(
        f"{args.partnerships} partnerships × {args.funds} funds × 12 months: {large:.2f}s ({large_rows:,} rows)"
    )
    print(f"growth: ×{large / small:.1f} time for ×{args.partnerships / 15:.0f} partnerships")


if __name__ == "__main__":
    main()
