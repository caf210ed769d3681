"""The directory's part of ``jointly demo national`` (``settings.JOINTLY_NATIONAL_GENERATORS``).

For each synthetic partnership: a Local Offer of its council over its areas (with an information page
per Schedule 2 heading), and a directory entry
(with one location and one weekly schedule) for each of its published services. Every record is
synthetic and says so (``illustrative``, the national generator's source); postcodes use the
``ZZ`` area, which no real postcode uses; one entry in twenty is confidential (no address is
published for it). Idempotent like the other generators: nothing is made for a partnership that
already has a Local Offer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from jointly.demo.national import PROVIDER_KEYS, SOURCE, Context
from jointly.directory import facts
from jointly.directory.models import (
    DirectoryEntry,
    InformationPage,
    InformationTopic,
    LocalOffer,
    Location,
    Schedule,
    SendNeed,
)
from jointly.services.models import Service

SEND_NEEDS = ["", *SendNeed.values]
BYDAY = ["MO,TU,WE,TH,FR", "SA", "TU,TH", "MO,WE,FR", "SA,SU"]
CONFIDENTIAL_EVERY = 20
#: Entries last checked this many days before the partnership's date, in turn (some out of date).
CHECKED_DAYS_AGO = (10, 60, 150, 400)


def entries(ctx: Context) -> None:
    p = ctx.partnership
    if LocalOffer.objects.filter(partnership=p).exists():
        return
    offer = LocalOffer.objects.create(
        slug=f"{p.slug}-local-offer",
        name=f"Synthetic Local Offer {ctx.code} (illustrative)",
        council=ctx.orgs["council"],
        partnership=p,
        introduction="Synthetic data made by `jointly demo national`: every service here is invented.",
    )
    offer.areas.set(ctx.areas)
    ctx.stats["local offers"] += 1
    services = list(
        Service.objects.filter(partnership=p, published=True).order_by("pk").only("pk", "provider")
    )
    owners = {ctx.orgs[k].pk for k in PROVIDER_KEYS}
    day = p.reference_date or dt.date(2025, 3, 31)
    ctx.bulk(
        DirectoryEntry,
        [
            DirectoryEntry(
                service_id=s.pk,
                uuid=uuid.UUID(int=ctx.rng.getrandbits(128), version=4),
                owner_id=s.provider_id if s.provider_id in owners else ctx.orgs[PROVIDER_KEYS[0]].pk,
                how_to_access="Ask your health visitor or school, or refer yourself online (illustrative).",
                self_referral=k % 2 == 0,
                send_needs=SEND_NEEDS[k % len(SEND_NEEDS)],
                cost_free=k % 4 != 0,
                cost_description="" if k % 4 else "A small charge per session (illustrative)",
                languages="English" if k % 3 else "English, BSL",
                confidential=k % CONFIDENTIAL_EVERY == 0,
                contact_instructions=(
                    "Call the helpline: the address is given to families once it is safe (illustrative)."
                    if k % CONFIDENTIAL_EVERY == 0
                    else ""
                ),
                last_checked=day - dt.timedelta(days=CHECKED_DAYS_AGO[k % len(CHECKED_DAYS_AGO)]),
                illustrative=True,
                source=SOURCE,
            )
            for k, s in enumerate(services)
        ],
    )
    made = list(DirectoryEntry.objects.filter(service__partnership=p).order_by("pk"))
    locations = []
    for k, e in enumerate(made):
        postcode = f"ZZ{ctx.index % 99 + 1} {k % 9 + 1}AA"
        locations.append(
            Location(
                entry=e,
                uuid=uuid.UUID(int=ctx.rng.getrandbits(128), version=4),
                name=f"Venue {k + 1}",
                address_1=f"{k % 200 + 1} Synthetic Street",
                city=f"Synthetic town {ctx.code}",
                postcode=postcode,
                postcode_district=facts.postcode_district(postcode),
                latitude=Decimal("52.00000") + Decimal(k % 500) / 10000,
                longitude=Decimal("-1.00000") + Decimal(k % 700) / 10000,
                confidential=e.confidential,
                illustrative=True,
                source=SOURCE,
            )  # fmt: skip
        )
    ctx.bulk(Location, locations)
    ctx.bulk(
        Schedule,
        [
            Schedule(
                entry=e,
                uuid=uuid.UUID(int=ctx.rng.getrandbits(128), version=4),
                byday=BYDAY[k % len(BYDAY)],
                opens_at=dt.time(9, 0) if k % 3 else None,
                closes_at=dt.time(17, 0) if k % 3 else None,
            )  # fmt: skip
            for k, e in enumerate(made)
        ],
    )
    # One synthetic information page per Schedule 2 heading (published; some out of date).
    ctx.bulk(
        InformationPage,
        [
            InformationPage(
                local_offer=offer,
                topic=topic,
                title=f"{label} (synthetic)",
                slug=topic.replace("_", "-"),
                summary=f"Synthetic text about {label.lower()} for Local Offer {ctx.code} (illustrative).",
                body="Synthetic information made by `jointly demo national`.\n\n- first point\n- second point",
                links=[
                    {"label": "GOV.UK", "url": "https://www.gov.uk/children-with-special-educational-needs"}
                ],
                contact="Synthetic SEND team (illustrative)",
                owner=ctx.orgs["council"],
                last_checked=day - dt.timedelta(days=CHECKED_DAYS_AGO[k % len(CHECKED_DAYS_AGO)]),
                published=True,
                illustrative=True,
                source=SOURCE,
            )
            for k, (topic, label) in enumerate(InformationTopic.choices)
        ],
    )
