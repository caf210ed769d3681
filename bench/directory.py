"""Search latency of the public Local Offer and its Open Referral UK list at 10,000 and 100,000
published services.

    python bench/directory.py [--sizes 10000 100000] [--repeat 5]

Builds the data with the national generator's hook (``jointly.demo.national`` and the directory's
generator ``jointly.demo.national_directory.entries``): for each size a synthetic partnership
(``synthetic-9NN``) whose services (80% published) all serve its areas, and its council's Local
Offer with an entry, a location and a schedule for each published service (one in twenty
confidential). Runs in a fresh SQLite database in a temporary directory (or ``DATABASE_URL`` when
set: use a scratch database). Each query goes through the Django test client (pages rendered,
JSON built); prints the median and worst of ``--repeat`` runs in milliseconds, then the smallest
offer again once the largest exists (its search must not slow down with other offers' entries).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "/local-offer/{slug}/",
    "/local-offer/{slug}/?q=family+support",
    "/local-offer/{slug}/?age=4&postcode={district}&cost=free",
    "/local-offer/{slug}/?send=semh&day=SA&page=3",
    "/local-offer/{slug}/oruk/services?per_page=100",
    "/local-offer/{slug}/oruk/services?search=support&minimum_age=5",
    "/local-offer/{slug}/oruk/service_at_locations?postcode={district}&proximity=3000",
]
PUBLISHED_SHARE = 0.8  # national.services publishes four services in five


def build(index: int, size: int) -> tuple[str, str, int]:
    """A synthetic partnership with about ``size`` published entries; (offer slug, district, entries)."""
    import random
    from collections import Counter

    from django.db import transaction

    from jointly.demo import national
    from jointly.demo import national_directory as directory_national
    from jointly.directory import facts
    from jointly.directory.models import DirectoryEntry, LocalOffer

    stats: Counter = Counter()
    with transaction.atomic():
        partnership, orgs, areas = national.ensure_partnership(index, stats)
        ctx = national.Context(partnership, index, 1.0, random.Random(index), orgs, areas, stats)
        national.outcomes_and_themes(ctx)  # the services generator links each service to a theme
        ctx.scale = size / (national.BASE["services"] * PUBLISHED_SHARE)
        national.services(ctx)
        directory_national.entries(ctx)
    offer = LocalOffer.objects.get(partnership=partnership)
    district = facts.postcode_district(f"ZZ{index % 99 + 1} 1AA")
    return offer.slug, district, DirectoryEntry.objects.filter(service__partnership=partnership).count()


def timed(client, slug: str, district: str, repeat: int) -> None:
    for template in QUERIES:
        url = template.format(slug=slug, district=district)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"  {statistics.median(times):8.1f} ms median {max(times):8.1f} ms worst  {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jointly-bench-") as tmp:
        os.environ["JOINTLY_VAR_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        client = Client(HTTP_HOST="127.0.0.1")
        built = []
        for n, size in enumerate(sorted(args.sizes)):
            started = time.perf_counter()
            slug, district, entries = build(901 + n, size)
            built.append((slug, district, entries))
            print(
                f"\n{entries:,} published entries in {slug} (built in {time.perf_counter() - started:.0f} s)"
            )
            client.get(f"/local-offer/{slug}/")  # the first request loads templates and static file lists
            timed(client, slug, district, args.repeat)
        if len(built) > 1:
            slug, district, entries = built[0]
            total = sum(b[2] for b in built)
            print(f"\n{entries:,} entries in {slug} again, with {total:,} published entries held in all")
            timed(client, slug, district, args.repeat)


if __name__ == "__main__":
    main()
