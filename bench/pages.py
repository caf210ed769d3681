"""Time the main pages and API lists of one partnership, and how they grow with other partnerships' data.

    python bench/pages.py --save demo.json                   # at demo scale (`jointly demo load`)
    jointly demo national --partnerships 150                 # add national-scale synthetic data
    python bench/pages.py --compare demo.json                # again, with the ratio to the first run
    python bench/pages.py --only "api contracts" --profile 25   # where a page's time goes (cProfile)

Runs in-process with Django's test client against the configured database (``DATABASE_URL``),
signed in as the partnership's commissioner (``--partnership``, default ``essex``); the
cross-partnership lists are read as the platform admin. Each page is fetched ``--repeat`` times
after one warm-up; prints p50 and p95 in milliseconds, the number of SQL queries and the size of
the answer, and with ``--compare`` the p95 ratio and whether the query count changed. The target
(issue 16): every partnership page's p95 at national scale within 1.5× of demo scale, queries
constant. No timing here is asserted by a test.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pages(slug: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, path) of the partnership's pages and API lists, and of the cross-partnership lists."""
    from jointly.contracts.models import Contract
    from jointly.intentions.models import Intention
    from jointly.needs.models import Indicator
    from jointly.needs.queries import partnership_indicators
    from jointly.partnerships.models import Partnership
    from jointly.performance.models import Kpi

    p = Partnership.objects.get(slug=slug)
    base = f"/p/{slug}"
    intention = Intention.objects.filter(partnership=p).order_by("reference").first()
    contract = Contract.objects.filter(partnership=p).order_by("reference").first()
    kpi = Kpi.objects.filter(partnership=p).order_by("code").first()
    indicator = partnership_indicators(p).first() or Indicator.objects.order_by("code").first()
    own = [
        ("home", f"{base}/"),
        ("governance", f"{base}/governance/"),
        ("outcomes", f"{base}/outcomes/"),
        ("intentions", f"{base}/intentions/"),
        ("contracts register", f"{base}/contracts/"),
        ("contracts expiry", f"{base}/contracts/expiry/"),
        ("services", f"{base}/services/"),
        ("service map", f"{base}/services/map/"),
        ("performance", f"{base}/performance/"),
        ("needs", f"{base}/needs/"),
        ("needs area profile", f"{base}/needs/profile/"),
    ]
    if intention:
        own.append(("intention", f"{base}/intentions/{intention.reference}/"))
    if contract:
        own.append(("contract", f"{base}/contracts/{contract.pk}/"))
        own.append(("contract performance", f"{base}/performance/contracts/{contract.pk}/"))
    if kpi:
        own.append(("kpi", f"{base}/performance/kpis/{kpi.code}/"))
    for name in ("intentions", "contracts", "services", "kpis", "kpi-returns", "progress", "meetings"):
        own.append((f"api {name}", f"/api/v1/{name}/?partnership={slug}"))
    if indicator:
        own.append(("api indicator-values", f"/api/v1/indicator-values/?indicator={indicator.pk}&limit=100"))
    cross = [
        (f"api {name} (all)", f"/api/v1/{name}/")
        for name in ("intentions", "contracts", "services", "kpi-returns", "progress", "partnerships")
    ]
    return own, cross


def measure(client, path: str, repeat: int, profile: int = 0) -> dict[str, float | int]:
    from django.db import connection

    response = client.get(path)  # warm-up (and the status)
    status = response.status_code
    size = len(response.content)
    queries: list[tuple[float, str]] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(count):
        client.get(path)
    timings = []
    profiler = cProfile.Profile() if profile else None
    for _ in range(repeat):
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        client.get(path)
        if profiler is not None:
            profiler.disable()
        timings.append((time.perf_counter() - started) * 1000)
    if profiler is not None:  # the functions with the most time of their own, over the repeats
        pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)
    return {
        "status": status,
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": len(queries),
        "bytes": size,
        "slowest": sorted(queries, reverse=True)[:3],
    }


def signed_in(email: str):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jointly.accounts.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:  # a platform admin signs in with two factors
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnership", default="essex")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--compare", type=Path, help="a file --save wrote earlier: print the ratios")
    parser.add_argument("--only", help="only pages whose name contains this text")
    parser.add_argument("--sql", action="store_true", help="also print each page's three slowest queries")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile the repeats: each page's N dearest functions",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
    import django

    django.setup()
    from django.conf import settings

    from jointly.intentions.models import Intention
    from jointly.needs.models import IndicatorValue
    from jointly.partnerships.models import Partnership
    from jointly.performance.models import KpiReturn

    settings.DEBUG = False
    own, cross = pages(args.partnership)
    sizes = (
        f"{Partnership.objects.count():,} partnerships, {Intention.objects.count():,} intentions, "
        f"{KpiReturn.objects.count():,} KPI returns, {IndicatorValue.objects.count():,} indicator values"
    )
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; {sizes}")
    before = json.loads(args.compare.read_text()) if args.compare else {}
    results: dict[str, dict[str, float | int]] = {}
    head = f"{'page':<30} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'KiB':>7}"
    if before:
        head += f" {'p50 ×':>6} {'p95 ×':>6} {'queries then':>12}"
    for title, client, group in (
        (
            f"{args.partnership} (commissioner)",
            signed_in(f"commissioner.{args.partnership}@jointly.test"),
            own,
        ),
        ("cross-partnership (platform admin)", signed_in("admin@jointly.test"), cross),
    ):
        print(f"\n{title}\n{head}")
        for name, path in group:
            if args.only and args.only not in name:
                continue
            r = measure(client, path, args.repeat, args.profile)
            results[name] = r
            line = (
                f"{name:<30} {r['status']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['queries']:>7} "
                f"{r['bytes'] / 1024:>7.1f}"
            )
            if name in before:
                then = before[name]
                line += (
                    f" {r['p50'] / then['p50']:>6.2f} {r['p95'] / then['p95']:>6.2f} {then['queries']:>12}"
                )
            print(line)
            if args.sql:
                for ms, sql in r["slowest"]:  # type: ignore[union-attr]
                    print(f"    {ms:8.1f} ms  {sql[:300]}")
    if args.save:
        saved = {k: {n: v for n, v in r.items() if n != "slowest"} for k, r in results.items()}
        args.save.write_text(json.dumps(saved, indent=1))
        print(f"\nsaved to {args.save}")


if __name__ == "__main__":
    main()
