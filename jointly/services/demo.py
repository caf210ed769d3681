"""Demo services (``demo_data.json``), loaded after the foundation's demo data.

Idempotent: services are matched on (partnership, name) and written only when something
differs (see :func:`jointly.core.seeding.upsert`). Every reference is checked first; a bad
reference stops the load before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from jointly.core.seeding import SeedDataError as DemoDataError
from jointly.core.seeding import Stats, set_m2m, upsert
from jointly.intentions.models import Intention, Theme
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import Area, Organisation, Partnership
from jointly.services import levels
from jointly.services.models import CamhsTier, Service

DATA_FILE = Path(__file__).resolve().parent / "demo_data.json"


def read(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["services"]


class _Refs:
    """Everything the services refer to, fetched once, keyed by natural key."""

    def __init__(self, rows: list[dict[str, Any]]):
        slugs = {r["partnership"] for r in rows}
        self.partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=slugs)}
        self.orgs = {o.slug: o for o in Organisation.objects.all()}
        self.areas = {a.gss_code: a for a in Area.objects.all()}
        self.themes = {(t.partnership.slug, t.name): t for t in Theme.objects.select_related("partnership")}
        self.intentions = {
            (i.partnership.slug, i.reference): i
            for i in Intention.objects.filter(partnership__slug__in=slugs).select_related("partnership")
        }
        self.outcomes = {
            (o.framework.slug, o.code): o
            for o in Outcome.objects.filter(framework__partnership__slug__in=slugs).select_related(
                "framework"
            )
        }

    def problems(self, rows: list[dict[str, Any]]) -> list[str]:
        found: list[str] = []
        seen: set[tuple[str, str]] = set()
        for r in rows:
            p, name = r["partnership"], r["name"]
            where = f"service {p}/{name}"
            if (p, name) in seen:
                found.append(f"{where}: listed twice")
            seen.add((p, name))
            if p not in self.partnerships:
                found.append(f"{where}: unknown partnership")
            for slug in [r.get("provider"), *r.get("commissioners", [])]:
                if slug and slug not in self.orgs:
                    found.append(f"{where}: unknown organisation {slug}")
            found += [f"{where}: unknown area {c}" for c in r.get("areas", []) if c not in self.areas]
            found += [
                f"{where}: unknown theme {t!r}" for t in r.get("themes", []) if (p, t) not in self.themes
            ]
            found += [
                f"{where}: unknown intention {i}"
                for i in r.get("intentions", [])
                if (p, i) not in self.intentions
            ]
            found += [
                f"{where}: unknown outcome {o}"
                for o in r.get("outcomes", [])
                if tuple(o) not in self.outcomes
            ]
            found += [
                f"{where}: {problem}"
                for problem in levels.problems(
                    r.get("population", levels.CHILDREN), r.get("need_scale", levels.WINDSCREEN),
                    r["level_of_need"], r["age_min"], r["age_max"],
                ).values()
            ]  # fmt: skip
            if r.get("camhs_tier", "") not in CamhsTier.values:
                found.append(f"{where}: unknown CAMHS tier {r['camhs_tier']}")
        return found


@transaction.atomic
def load(stats: Stats, path: Path = DATA_FILE) -> None:
    """Create or update the demo services (called by ``jointly demo`` through JOINTLY_DEMO_LOADERS)."""
    rows = read(path)
    refs = _Refs(rows)
    problems = refs.problems(rows)
    if problems:
        raise DemoDataError(problems)
    for r in rows:
        p = r["partnership"]
        service = upsert(
            Service, stats, {"partnership": refs.partnerships[p], "name": r["name"]},
            {"description": r.get("description", ""), "provider": refs.orgs.get(r.get("provider") or ""),
             "population": r.get("population", levels.CHILDREN),
             "need_scale": r.get("need_scale", levels.WINDSCREEN),
             "level_of_need": r["level_of_need"], "camhs_tier": r.get("camhs_tier", ""),
             "age_min": r["age_min"], "age_max": r["age_max"], "capacity": r.get("capacity"),
             "capacity_unit": r.get("capacity_unit", ""), "published": bool(r.get("published")),
             "illustrative": bool(r.get("illustrative"))},
        )  # fmt: skip
        set_m2m(service.commissioners, [refs.orgs[o] for o in r.get("commissioners", [])])
        set_m2m(service.areas, [refs.areas[c] for c in r.get("areas", [])])
        set_m2m(service.themes, [refs.themes[(p, t)] for t in r.get("themes", [])])
        set_m2m(service.intentions, [refs.intentions[(p, i)] for i in r.get("intentions", [])])
        set_m2m(service.outcomes, [refs.outcomes[tuple(o)] for o in r.get("outcomes", [])])
