"""Demo contracts, procurements and the services they pay for, from ``demo_data.json``.

Drawn from seeds 000 (Essex integrated commissioning intentions), 001 (North East Essex
bundles of care) and 004 (Cambridgeshire's Section 75 joint commissioning remit). Values and
dates the papers do not give are invented and the records are marked illustrative.
Idempotent: records are matched on natural keys and only written when something differs.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    ContractSubcontractor,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    Variation,
)
from jointly.core.seeding import SeedDataError as DemoDataError
from jointly.core.seeding import set_m2m, upsert
from jointly.intentions.models import Intention, Theme
from jointly.partnerships.models import Organisation, Partnership

DATA_FILE = Path(__file__).resolve().parent / "demo_data.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _money(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _demo_people(partnership_slug: str) -> tuple[Any, Any]:
    """Four eyes in the demo: the demo commissioner proposes variations and the demo
    partnership admin decides them (None for both when demo sign-ins were not loaded)."""
    from jointly.accounts.models import User

    people = {
        u.email: u
        for u in User.objects.filter(
            email__in=[f"{r}.{partnership_slug}@jointly.test" for r in ("commissioner", "partnership-admin")]
        )
    }
    return (
        people.get(f"commissioner.{partnership_slug}@jointly.test"),
        people.get(f"partnership-admin.{partnership_slug}@jointly.test"),
    )


def services_app_has_demo() -> bool:
    """The services developer owns services demo data once jointly/services/demo.py exists."""
    return importlib.util.find_spec("jointly.services.demo") is not None


def check(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    orgs = set(Organisation.objects.values_list("slug", flat=True))
    partnerships = set(Partnership.objects.values_list("slug", flat=True))
    intentions = set(Intention.objects.values_list("partnership__slug", "reference"))
    themes = set(Theme.objects.values_list("partnership__slug", "name"))
    services = {(s["partnership"], s["name"]) for s in data.get("services", [])}
    contracts = {(c["partnership"], c["reference"]) for c in data.get("contracts", [])}
    for kind in ("services", "contracts", "procurements"):
        for item in data.get(kind, []):
            label = f"{kind} {item.get('reference') or item.get('name')}"
            p = item["partnership"]
            if p not in partnerships:
                problems.append(f"{label}: unknown partnership {p}")
            for key in ("provider", "lead_commissioner", "coordinating_commissioner"):
                if item.get(key) and item[key] not in orgs:
                    problems.append(f"{label}: unknown organisation {item[key]}")
            for o in item.get("commissioners", []) + [
                s["organisation"] for s in item.get("subcontractors", [])
            ]:
                if o not in orgs:
                    problems.append(f"{label}: unknown organisation {o}")
            for f in item.get("funding", []):
                if f["commissioner"] not in orgs:
                    problems.append(f"{label}: unknown organisation {f['commissioner']}")
            for ref in item.get("intentions", []):
                if (p, ref) not in intentions:
                    problems.append(f"{label}: unknown intention {ref}")
            for t in item.get("themes", []):
                if (p, t) not in themes:
                    problems.append(f"{label}: unknown theme {t!r}")
            for s in item.get("services", []):
                if (p, s) not in services:
                    problems.append(f"{label}: unknown service {s!r}")
            for ref in item.get("replaces", []) + (
                [item["resulting_contract"]] if item.get("resulting_contract") else []
            ):
                if (p, ref) not in contracts:
                    problems.append(f"{label}: unknown contract {ref}")
    return problems


def load(stats: Any, data_file: Path = DATA_FILE) -> None:
    """Called by ``jointly demo load`` (inside its transaction) after the foundation data."""
    from jointly.services.models import Service

    data = json.loads(data_file.read_text(encoding="utf-8"))
    problems = check(data)
    if problems:
        raise DemoDataError(problems)
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    orgs = {o.slug: o for o in Organisation.objects.all()}
    intentions = {
        (i.partnership.slug, i.reference): i for i in Intention.objects.select_related("partnership")
    }
    themes = {(t.partnership.slug, t.name): t for t in Theme.objects.select_related("partnership")}
    owned_elsewhere = services_app_has_demo()

    services: dict[tuple[str, str], Any] = {}
    for s in data.get("services", []):
        p = partnerships[s["partnership"]]
        lookup = {"partnership": p, "name": s["name"]}
        existing = Service.objects.filter(**lookup).first()
        if existing is not None and owned_elsewhere:
            services[(s["partnership"], s["name"])] = existing  # the services app's own record
            continue
        service = upsert(
            Service, stats, lookup,
            {"description": s["description"], "provider": orgs.get(s["provider"] or ""),
             "population": s.get("population", "children"), "level_of_need": s["level_of_need"],
             "camhs_tier": s.get("camhs_tier", ""), "age_min": s["age_min"], "age_max": s["age_max"], "illustrative": s.get("illustrative", False)},
        )  # fmt: skip
        set_m2m(service.commissioners, [orgs[o] for o in s.get("commissioners", [])])
        set_m2m(service.themes, [themes[(s["partnership"], t)] for t in s.get("themes", [])])
        set_m2m(service.intentions, [intentions[(s["partnership"], r)] for r in s.get("intentions", [])])
        services[(s["partnership"], s["name"])] = service

    contracts: dict[tuple[str, str], Contract] = {}
    for c in data.get("contracts", []):
        p = partnerships[c["partnership"]]
        contract = upsert(
            Contract, stats, {"partnership": p, "reference": c["reference"]},
            {"title": c["title"], "description": c["description"], "provider": orgs.get(c["provider"] or ""),
             "lead_commissioner": orgs.get(c["lead_commissioner"] or ""),
             "coordinating_commissioner": orgs.get(c.get("coordinating_commissioner") or ""),
             "contract_type": c["contract_type"], "status": c["status"],
             "start_date": _date(c["start_date"]), "end_date": _date(c["end_date"]), "value": _money(c["value"]),
             "extension_count": c["extension_count"], "extension_months": c["extension_months"],
             "notice_months": c["notice_months"], "efficiency_percent": _money(c["efficiency_percent"]),
             "efficiency_from": _date(c["efficiency_from"]), "bundle": c["bundle"],
             "illustrative": c["illustrative"], "source": "Demo data from the seed papers"},
        )  # fmt: skip
        contracts[(c["partnership"], c["reference"])] = contract
        set_m2m(contract.services, [services[(c["partnership"], s)] for s in c["services"]])
        set_m2m(contract.intentions, [intentions[(c["partnership"], r)] for r in c["intentions"]])
        for f in c["funding"]:
            upsert(
                FundingShare, stats,
                {"contract": contract, "commissioner": orgs[f["commissioner"]],
                 "financial_year": f["financial_year"], "funding_stream": f["funding_stream"]},
                {"amount": _money(f["amount"]), "ring_fenced_public_health": f["ring_fenced_public_health"]},
            )  # fmt: skip
        proposer, approver = _demo_people(c["partnership"])
        for v in c["variations"]:
            decided = v["status"] != "proposed"
            upsert(
                Variation, stats,
                {"contract": contract, "kind": v["kind"], "effective_date": _date(v["effective_date"])},
                {"description": v["description"], "value_change": _money(v["value_change"]),
                 "new_end_date": _date(v["new_end_date"]), "status": v["status"],
                 "decided_on": _date(v.get("decided_on")), "reason": v.get("reason", ""),
                 "proposed_by": proposer, "decided_by": approver if decided else None},
            )  # fmt: skip
        for sub in c["subcontractors"]:
            upsert(
                ContractSubcontractor, stats,
                {"contract": contract, "organisation": orgs[sub["organisation"]]}, {"role": sub["role"]},
            )  # fmt: skip

    for pr in data.get("procurements", []):
        p = partnerships[pr["partnership"]]
        result = pr.get("resulting_contract")
        project = upsert(
            ProcurementProject, stats, {"partnership": p, "reference": pr["reference"]},
            {"title": pr["title"], "description": pr["description"],
             "lead_commissioner": orgs.get(pr["lead_commissioner"] or ""), "route": pr["route"],
             "start_date": _date(pr.get("start_date")), "service_kind": pr.get("service_kind", "healthcare"),
             "status": pr["status"], "estimated_value": _money(pr["estimated_value"]),
             "resulting_contract": contracts[(pr["partnership"], result)] if result else None,
             "illustrative": pr["illustrative"], "source": "Demo data from the seed papers"},
        )  # fmt: skip
        problem = project.route_problem()
        if problem:  # the demo gives each procurement the route of its time
            raise DemoDataError([f"procurements {pr['reference']}: {problem}"])
        set_m2m(project.intentions, [intentions[(pr["partnership"], r)] for r in pr["intentions"]])
        set_m2m(project.replaces, [contracts[(pr["partnership"], r)] for r in pr["replaces"]])
        for s in pr["stages"]:
            upsert(
                ProcurementStage, stats, {"project": project, "stage": s["stage"]},
                {"planned_date": _date(s["planned_date"]), "actual_date": _date(s.get("actual_date"))},
            )  # fmt: skip
        for d in pr.get("conflicts", []):
            upsert(
                ConflictOfInterest, stats,
                {"project": project, "person": d["person"], "declared_on": _date(d["declared_on"])},
                {"person_role": d["person_role"], "interest": d["interest"], "decision": d["decision"],
                 "decision_notes": d["decision_notes"]},
            )  # fmt: skip
