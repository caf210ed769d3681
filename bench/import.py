"""Load a 1-million-row Fingertips-layout CSV through the needs importer and print rows per second.

    python bench/import.py [--rows 1000000]

Generates the file (fixed seed) in a temporary directory and loads it into a fresh SQLite
database there, or into ``DATABASE_URL`` when that is set (the tables are migrated first;
use a scratch database). Timings: generation is not counted; the import figure covers
reading, validating every row, computing nothing (Fingertips values are as published) and
the upsert in one transaction.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int, seed: int = 20240501) -> tuple[int, int]:
    """Write ``rows`` rows: 50 indicators × areas × 10 periods (× 2 sexes). Returns (indicators, areas)."""
    rng = np.random.default_rng(seed)
    indicators, periods, sexes = 50, 10, ("Male", "Female")
    areas = -(-rows // (indicators * periods * len(sexes)))
    ind = np.repeat(np.arange(90000, 90000 + indicators), areas * periods * len(sexes))[:rows]
    area = np.tile(np.repeat(np.arange(areas), periods * len(sexes)), indicators)[:rows]
    period = np.tile(np.repeat(np.arange(2011, 2011 + periods), len(sexes)), indicators * areas)[:rows]
    sex = np.tile(np.array(sexes), rows // len(sexes) + 1)[:rows]
    denominator = rng.integers(1_000, 200_000, rows)
    count = rng.binomial(denominator, rng.uniform(0.01, 0.3, rows))
    value = count / denominator * 100
    half = 1.96 * np.sqrt(value * (100 - value) / denominator)
    frame = pd.DataFrame(
        {
            "Indicator ID": ind,
            "Indicator Name": [f"Bench indicator {i}" for i in ind],
            "Parent Code": "E92000001",
            "Parent Name": "England",
            "Area Code": [f"E{90_000_000 + a:08d}" for a in area],
            "Area Name": [f"Bench area {a}" for a in area],
            "Area Type": "Counties & UAs",
            "Sex": sex,
            "Age": "All ages",
            "Category Type": "",
            "Category": "",
            "Time period": [f"{p}/{(p + 1) % 100:02d}" for p in period],
            "Value": value.round(4),
            "Lower CI 95.0 limit": (value - half).round(4),
            "Upper CI 95.0 limit": (value + half).round(4),
            "Lower CI 99.8 limit": (value - 1.58 * half).round(4),
            "Upper CI 99.8 limit": (value + 1.58 * half).round(4),
            "Count": count,
            "Denominator": denominator,
            "Value note": "",
            "Recent Trend": "",
            "Compared to England value or percentiles": "",
            "Time period Sortable": period * 10000,
        }
    )
    frame.to_csv(path, index=False)
    return indicators, int(area.max()) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jointly-bench-") as tmp:
        os.environ["JOINTLY_VAR_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from jointly.needs import importer
        from jointly.needs.models import Indicator, IndicatorValue
        from jointly.partnerships.models import Area

        call_command("migrate", verbosity=0)
        path = Path(tmp) / "fingertips-all-data.csv"
        started = time.perf_counter()
        n_ind, n_areas = generate(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
        Indicator.objects.bulk_create(
            [
                Indicator(
                    code=f"bench-{i}",
                    name=f"Bench {i}",
                    value_type="proportion",
                    multiplier=100,
                    fingertips_id=i,
                )
                for i in range(90000, 90000 + n_ind)
            ],
            ignore_conflicts=True,
        )
        Area.objects.bulk_create(
            [
                Area(gss_code=f"E{90_000_000 + a:08d}", name=f"Bench area {a}", area_type="unitary")
                for a in range(n_areas)
            ],
            ignore_conflicts=True,
        )
        for label in ("first load (inserts)", "second load (updates in place)"):
            started = time.perf_counter()
            log = importer.import_file(path, "fingertips")
            elapsed = time.perf_counter() - started
            assert log.status == "done", log.problems[:5]
            print(
                f"{label}: {log.rows:,} rows in {elapsed:.1f} s = {log.rows / elapsed:,.0f} rows/s "
                f"({log.created:,} new, {log.updated:,} updated)"
            )
        print(f"indicator values stored: {IndicatorValue.objects.count():,}")


if __name__ == "__main__":
    main()
