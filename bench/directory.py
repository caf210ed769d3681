"""Search latency of the public Local Offer and its Open Referral UK list at 10,000 and 100,000
published services.

    python bench/directory.py [--sizes 10000 100000] [--repeat 5]

Builds one Local Offer in a fresh SQLite database in a temporary directory (or ``DATABASE_URL``
when set: use a scratch database), grows it to each size (bulk inserts, not timed), then times
each query through the Django test client (pages rendered, JSON built) and prints the median and
worst of ``--repeat`` runs in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "/local-offer/bench/",
    "/local-offer/bench/?q=family+support",
    "/local-offer/bench/?age=4&postcode=CO1&cost=free",
    "/local-offer/bench/?send=semh&day=SA&page=3",
    "/local-offer/bench/oruk/services?per_page=100",
    "/local-offer/bench/oruk/services?search=support&minimum_age=5",
    "/local-offer/bench/oruk/service_at_locations?postcode=CO1&proximity=3000",
]
WORDS = ["family", "support", "speech", "therapy", "youth", "club", "short", "breaks", "nursing", "clinic"]


def grow(to: int, partnership, provider, area) -> None:
    from jointly.directory.models import DirectoryEntry, Location, Schedule
    from jointly.services.models import Service

    have = Service.objects.filter(partnership=partnership).count()
    step = 5000
    while have < to:
        n = min(step, to - have)
        services = Service.objects.bulk_create(
            [
                Service(
                    partnership=partnership, provider=provider, published=True, level_of_need="universal",
                    name=f"{WORDS[i % 10]} {WORDS[(i // 10) % 10]} {i}", description=f"{WORDS[(i * 7) % 10]} service",
                    age_min=i % 12, age_max=12 + i % 13,
                )
                for i in range(have, have + n)
            ]
        )  # fmt: skip
        Service.areas.through.objects.bulk_create(
            [Service.areas.through(service_id=s.pk, area_id=area.pk) for s in services]
        )
        entries = DirectoryEntry.objects.bulk_create(
            [
                DirectoryEntry(
                    service=s, owner=provider, uuid=uuid.uuid4(), cost_free=bool(k % 3),
                    send_needs=["semh", "communication", "sensory", ""][k % 4],
                )
                for k, s in enumerate(services, start=have)
            ]
        )  # fmt: skip
        Location.objects.bulk_create(
            [
                Location(
                    entry=e, uuid=uuid.uuid4(), name=f"Venue {k}", postcode=f"CO{k % 9 + 1} 1AA",
                    postcode_district=f"CO{k % 9 + 1}", latitude=51.85 + (k % 100) / 1000,
                    longitude=0.85 + (k % 97) / 1000,
                )
                for k, e in enumerate(entries, start=have)
            ]
        )  # fmt: skip
        Schedule.objects.bulk_create(
            [
                Schedule(entry=e, uuid=uuid.uuid4(), byday=["MO,TU,WE", "SA,SU", "FR"][k % 3])
                for k, e in enumerate(entries)
            ]
        )
        have += n


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

        from jointly.directory.models import LocalOffer
        from jointly.partnerships.models import Area, Organisation, Partnership

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        council = Organisation.objects.create(slug="bench-council", name="Bench Council", kind="council")
        provider = Organisation.objects.create(slug="bench-trust", name="Bench Trust", kind="nhs_trust")
        partnership = Partnership.objects.create(slug="bench", name="Bench")
        area = Area.objects.create(gss_code="E06000999", name="Bench Town", area_type="unitary")
        offer = LocalOffer.objects.create(
            slug="bench", name="Bench Local Offer", council=council, partnership=partnership
        )
        offer.areas.add(area)
        client = Client(HTTP_HOST="127.0.0.1")
        client.get("/local-offer/bench/")  # the first request loads templates and static file lists
        for size in sorted(args.sizes):
            started = time.perf_counter()
            grow(size, partnership, provider, area)
            print(f"\n{size:,} published services (built in {time.perf_counter() - started:.0f} s)")
            for url in QUERIES:
                times = []
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                print(f"  {statistics.median(times):8.1f} ms median {max(times):8.1f} ms worst  {url}")


if __name__ == "__main__":
    main()
