"""Demo engagement (``demo_data.json``): activities from the seeds, illustrative feedback and
"you said, we did" responses on the Essex Local Offer. Idempotent; references checked first."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jointly.core.seeding import SeedDataError, Stats, set_m2m, upsert
from jointly.directory.models import DirectoryEntry, LocalOffer
from jointly.engagement.models import EngagementActivity, Feedback, FeedbackTheme, Response
from jointly.intentions.models import Intention
from jointly.partnerships.models import Partnership
from jointly.services.models import Service

DATA_FILE = Path(__file__).resolve().parent / "demo_data.json"
ILLUSTRATIVE = "illustrative"


def _refs(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    refs: dict[str, Any] = {
        "offers": {o.slug: o for o in LocalOffer.objects.select_related("partnership")},
        "partnerships": {p.slug: p for p in Partnership.objects.all()},
        "intentions": {
            (i.partnership.slug, i.reference): i for i in Intention.objects.select_related("partnership")
        },
        "services": {(s.partnership.slug, s.name): s for s in Service.objects.select_related("partnership")},
    }
    problems: list[str] = []
    for a in data["activities"]:
        if a["partnership"] not in refs["partnerships"]:
            problems.append(f"activity {a['title']}: unknown partnership")
        problems += [
            f"activity {a['title']}: unknown intention {i}"
            for i in a.get("intentions", [])
            if (a["partnership"], i) not in refs["intentions"]
        ]
    for row in data["themes"] + data["feedback"] + data["responses"]:
        if row["offer"] not in refs["offers"]:
            problems.append(f"unknown Local Offer {row['offer']}")
    for r in data["responses"]:
        offer = refs["offers"].get(r["offer"])
        slug = offer.partnership.slug if offer else ""
        problems += [
            f"response: unknown intention {i}" for i in r["intentions"] if (slug, i) not in refs["intentions"]
        ]
        problems += [
            f"response: unknown service {s}" for s in r["services"] if (slug, s) not in refs["services"]
        ]
    return refs, problems


@transaction.atomic
def load(stats: Stats, path: Path = DATA_FILE) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    refs, problems = _refs(data)
    if problems:
        raise SeedDataError(problems)
    today = timezone.localdate()
    for a in data["activities"]:
        activity = upsert(
            EngagementActivity, stats, {"partnership": refs["partnerships"][a["partnership"]], "title": a["title"]},
            {"kind": a["kind"], "held_on": a.get("held_on"), "young_people": a.get("young_people"),
             "parents_carers": a.get("parents_carers"), "professionals": a.get("professionals"),
             "others": a.get("others"), "heard": a.get("heard", ""), "illustrative": a.get("illustrative", False),
             "source": a.get("source", "")},
        )  # fmt: skip
        set_m2m(
            activity.intentions, [refs["intentions"][(a["partnership"], i)] for i in a.get("intentions", [])]
        )
    themes = {}
    for t in data["themes"]:
        themes[(t["offer"], t["name"])] = upsert(
            FeedbackTheme, stats, {"local_offer": refs["offers"][t["offer"]], "name": t["name"]}, {}
        )
    for f in data["feedback"]:
        offer = refs["offers"][f["offer"]]
        entry = None
        if f.get("service"):
            entry = DirectoryEntry.objects.filter(service=refs["services"].get(tuple(f["service"]))).first()
        received = today - timedelta(days=f["days_ago"])
        upsert(
            Feedback, stats, {"local_offer": offer, "comment": f["comment"]},
            {"category": f["category"], "received_on": received, "retain_until": received + timedelta(days=730),
             "theme": themes.get((f["offer"], f.get("theme", ""))), "entry": entry,
             "status": "themed" if f.get("theme") else "new", "illustrative": True, "source": ILLUSTRATIVE},
        )  # fmt: skip
    for r in data["responses"]:
        offer = refs["offers"][r["offer"]]
        slug = offer.partnership.slug
        response = upsert(
            Response, stats, {"local_offer": offer, "you_said": r["you_said"]},
            {"we_did": r["we_did"], "theme": themes.get((r["offer"], r.get("theme", ""))),
             "published": r["published"],
             "published_on": today - timedelta(days=r["published_days_ago"]) if r["published"] else None,
             "illustrative": True, "source": ILLUSTRATIVE},
        )  # fmt: skip
        set_m2m(response.intentions, [refs["intentions"][(slug, i)] for i in r["intentions"]])
        set_m2m(response.services, [refs["services"][(slug, s)] for s in r["services"]])
