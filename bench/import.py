"""Load Fingertips-layout CSVs through the needs importer: rows per second, against a plain COPY, and memory.

    python bench/import.py [--rows 200000] [--small 50000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch python bench/import.py --rows 200000

Generates two files (fixed seed; ``--small`` and ``--rows`` rows) in a temporary directory and
loads each into a fresh SQLite database there, or into ``DATABASE_URL`` when that is set (the
tables are migrated first; use a scratch database). Each load runs in a child process, which
reports its peak resident memory during the load and what Django itself took before it (``VmHWM``)
and, with ``--tracemalloc``, Python's own peak allocations (slower): the two sizes show whether
memory stays flat as the file grows. On PostgreSQL the same file is also loaded by a plain
``COPY … FROM STDIN (FORMAT csv, HEADER)`` into an unindexed table with the file's columns, the
floor our import is measured against (target: at least a quarter of its rows/s). It also times a
``COPY`` of the same values into a table shaped like the values table (its unique key and
indexes, without foreign keys or upsert): the database's own cost of writing rows where the
pages can find them, which the plain figure leaves out.

Timings: generation is not counted; the import figure covers reading, checking every row,
computing nothing (Fingertips values are as published) and the load in one transaction.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


COPY_COLUMNS = [
    ("Indicator ID", "integer"), ("Indicator Name", "text"), ("Parent Code", "text"), ("Parent Name", "text"),
    ("Area Code", "text"), ("Area Name", "text"), ("Area Type", "text"), ("Sex", "text"), ("Age", "text"),
    ("Category Type", "text"), ("Category", "text"), ("Time period", "text"), ("Value", "double precision"),
    ("Lower CI 95.0 limit", "double precision"), ("Upper CI 95.0 limit", "double precision"),
    ("Lower CI 99.8 limit", "double precision"), ("Upper CI 99.8 limit", "double precision"),
    ("Count", "double precision"), ("Denominator", "double precision"), ("Value note", "text"),
    ("Recent Trend", "text"), ("Compared to England value or percentiles", "text"),
    ("Time period Sortable", "integer"),
]  # fmt: skip


def plain_copy(path: Path) -> float:
    """Seconds for a plain PostgreSQL COPY of the file into an unindexed table (committed)."""
    from django.db import connection, transaction

    columns = ", ".join(f'"{name}" {kind}' for name, kind in COPY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_copy")
        cursor.execute(f"CREATE TABLE bench_plain_copy ({columns})")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as fh:
        with cursor.cursor.copy("COPY bench_plain_copy FROM STDIN (FORMAT csv, HEADER)") as copy:
            for block in iter(lambda: fh.read(1 << 20), b""):
                copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain_copy")
    return elapsed


def shaped_copy(path: Path) -> float:
    """Seconds to COPY the file's values into a table shaped like the values table (committed).

    The table is ``LIKE needs_indicatorvalue INCLUDING ALL``: the same columns, unique key and
    indexes (no foreign keys, no upsert). The file is first loaded into an unlogged scratch
    table (not timed) so that only the indexed COPY is counted: the database's own floor for
    writing these rows where the pages can read them."""
    from django.db import connection, transaction

    plain = ", ".join(f'"{name}" {kind}' for name, kind in COPY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw, bench_shaped")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_raw ({plain})")
        with (
            path.open("rb") as fh,
            cursor.cursor.copy("COPY bench_raw FROM STDIN (FORMAT csv, HEADER)") as copy,
        ):
            for block in iter(lambda: fh.read(1 << 20), b""):
                copy.write(block)
        cursor.execute("CREATE TABLE bench_shaped (LIKE needs_indicatorvalue INCLUDING ALL)")
        cursor.execute(
            'SELECT i.id, a.id, r."Time period", r."Time period Sortable", r."Sex", r."Age", r."Value", '
            'r."Count", r."Denominator", r."Lower CI 95.0 limit", r."Upper CI 95.0 limit" FROM bench_raw r '
            'JOIN needs_indicator i ON i.fingertips_id = r."Indicator ID" '
            'JOIN partnerships_area a ON a.gss_code = r."Area Code"'
        )
        rows = cursor.fetchall()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        columns = "indicator_id, area_id, period, period_order, sex, age, value, count, denominator, lower95, upper95"
        extra = "category_type, category, value_note"
        with cursor.cursor.copy(f"COPY bench_shaped ({columns}, {extra}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, "", "", ""))
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw, bench_shaped")
    return elapsed


def _status_mb(field: str) -> float:
    """A figure from /proc/self/status in MB (VmRSS now, VmHWM the peak since the last reset)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(path: Path, use_tracemalloc: bool) -> None:
    """Load ``path`` twice (inserts, then updates in place) and print the figures as JSON.

    Memory: the peak resident set (VmHWM) is reset after Django has started (``clear_refs``), so
    the figure is the load's own peak; ``ru_maxrss`` is not used because Linux keeps it across
    ``exec`` (it would show the parent's peak from generating the file)."""
    import django

    django.setup()
    import tracemalloc

    from jointly.needs import importer

    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    base = _status_mb("VmRSS")
    if use_tracemalloc:
        tracemalloc.start()
    out: dict[str, Any] = {}
    for label in ("insert", "update"):
        started = time.perf_counter()
        log = importer.import_file(path, "fingertips")
        elapsed = time.perf_counter() - started
        assert log.status == "done", log.problems[:5]
        out[label] = {"rows": log.rows, "seconds": elapsed, "created": log.created, "updated": log.updated}
    out["rss_mb"] = _status_mb("VmHWM")
    out["base_mb"] = base
    if use_tracemalloc:
        out["traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--small", type=int, default=0, help="the smaller file (default: a quarter of --rows)"
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python's allocations (slower)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
    if args.child:
        child(Path(args.child), args.tracemalloc)
        return
    sizes = [args.small or args.rows // 4, args.rows]
    with tempfile.TemporaryDirectory(prefix="jointly-bench-") as tmp:
        os.environ["JOINTLY_VAR_DIR"] = tmp
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from jointly.needs.models import Indicator, IndicatorValue
        from jointly.partnerships.models import Area

        call_command("migrate", verbosity=0)
        print(
            f"database: {connection.vendor}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
        )
        table = []
        for rows in sizes:
            path = Path(tmp) / f"fingertips-{rows}.csv"
            n_ind, n_areas = generate(path, rows)
            Indicator.objects.bulk_create(
                [
                    Indicator(
                        code=f"bench-{i}", name=f"Bench {i}", value_type="proportion", multiplier=100,
                        fingertips_id=i,
                    )
                    for i in range(90000, 90000 + n_ind)
                ],
                ignore_conflicts=True,
            )  # fmt: skip
            Area.objects.bulk_create(
                [
                    Area(gss_code=f"E{90_000_000 + a:08d}", name=f"Bench area {a}", area_type="unitary")
                    for a in range(n_areas)
                ],
                ignore_conflicts=True,
            )
            IndicatorValue.objects.all().delete()
            copy_s = plain_copy(path) if connection.vendor == "postgresql" else None
            shaped_s = shaped_copy(path) if connection.vendor == "postgresql" else None
            connection.close()
            command = [sys.executable, __file__, "--child", str(path)]
            if args.tracemalloc:
                command.append("--tracemalloc")
            result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            table.append((rows, path.stat().st_size / 1e6, copy_s, shaped_s, result))
        print()
        print(
            "| rows | file MB | plain COPY rows/s | COPY into the values table's shape, rows/s | "
            "import rows/s (insert) | share of plain COPY | share of shaped COPY | import rows/s (update) | "
            "peak RSS, MB (before the load) | traced peak, MB |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for rows, size, copy_s, shaped_s, r in table:
            ins = r["insert"]["rows"] / r["insert"]["seconds"]
            upd = r["update"]["rows"] / r["update"]["seconds"]
            copy_rate = f"{rows / copy_s:,.0f}" if copy_s else "–"
            share = f"{ins / (rows / copy_s):.0%}" if copy_s else "–"
            shaped_rate = f"{rows / shaped_s:,.0f}" if shaped_s else "–"
            shaped_share = f"{ins / (rows / shaped_s):.0%}" if shaped_s else "–"
            traced = f"{r['traced_mb']:.0f}" if "traced_mb" in r else "–"
            print(f"| {rows:,} | {size:.0f} | {copy_rate} | {shaped_rate} | {ins:,.0f} | {share} | {shaped_share} | {upd:,.0f} | "
                  f"{r['rss_mb']:.0f} ({r['base_mb']:.0f}) | {traced} |")  # fmt: skip


if __name__ == "__main__":
    main()
