"""A Local Offer with published, unpublished and confidential entries, for the directory tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from jointly.contracts.models import Contract
from tests import factories

REFUGE_ADDRESS = "77 Secret Refuge Lane"
REFUGE_POSTCODE = "CO4 9ZZ"
HIDDEN_NAME = "ZZUNPUBLISHED clinic"
CONTRACT_REF = "ZZCONTRACTREF"


@dataclass
class Offer:
    w: Any
    offer: Any
    area: Any
    centres: Any  # published, Colchester, 0-5, free, weekdays
    breaks: Any  # published, paid, weekends, SEND
    refuge: Any  # published but confidential
    hidden: Any  # not published
    elsewhere: Any  # published, another area


@pytest.fixture
def lo(world) -> Offer:
    w = world
    area = factories.area(gss_code="E07000971", name="Colchester", area_type="district")
    other_area = factories.area(gss_code="E07000972", name="Elsewhere", area_type="district")
    offer = factories.local_offer(w.p, w.council, slug="alpha-offer", name="Alpha Local Offer", areas=[area])

    def make(name: str, published: bool = True, areas=(area,), **entry: Any) -> Any:
        s = factories.service(w.p, name=name, provider=w.provider, published=published, areas=areas,
                              age_min=entry.pop("age_min", 0), age_max=entry.pop("age_max", 19))  # fmt: skip
        return factories.directory_entry(s, **entry)

    centres = make("Children's centres", age_min=0, age_max=5, self_referral=True, send_needs="communication",
                   contact_name="Centre team", contact_email="centres@example.org")  # fmt: skip
    factories.location(centres, name="Colchester centre", postcode="CO1 1AA", latitude=Decimal("51.88900"),
                       longitude=Decimal("0.90400"))  # fmt: skip
    factories.schedule(centres, byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(17))
    breaks = make("Short breaks", age_min=5, age_max=18, cost_free=False, cost_description="£5 a session",
                  send_needs="communication,sensory")  # fmt: skip
    factories.schedule(breaks, byday="SA,SU", opens_at=dt.time(10), closes_at=dt.time(16))
    refuge = make("Refuge and support", confidential=True, contact_instructions="Call the helpline.")
    factories.location(refuge, name="Refuge", address_1=REFUGE_ADDRESS, postcode=REFUGE_POSTCODE,
                       latitude=Decimal("51.90000"), longitude=Decimal("0.95000"))  # fmt: skip
    hidden = make(HIDDEN_NAME, published=False)
    factories.location(hidden, name="Hidden place", postcode="CO1 2BB")
    elsewhere = make("Elsewhere service", areas=(other_area,))
    contract = Contract.objects.create(
        partnership=w.p, provider=w.provider, lead_commissioner=w.council, reference=CONTRACT_REF,
        title="Centres contract", contract_type="nhs_standard", start_date=dt.date(2021, 4, 1),
        end_date=dt.date(2030, 3, 31), value=Decimal("987654"),
    )  # fmt: skip
    contract.services.add(centres.service)
    return Offer(w, offer, area, centres, breaks, refuge, hidden, elsewhere)
