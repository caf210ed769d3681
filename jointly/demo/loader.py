"""Load the demo partnerships from ``jointly/demo/data/*.json`` (see SCHEMA.md there).

Idempotent: records are matched on natural keys and only written when something
differs, so a second load changes nothing (and adds no audit history). The
whole load is checked first and runs in one transaction: it loads whole or not
at all.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from jointly.accounts.models import Membership, Role, User
from jointly.core.seeding import SeedDataError as DemoDataError
from jointly.core.seeding import Stats, set_m2m, upsert
from jointly.intentions.models import Intention, Milestone, ProgressUpdate, Theme
from jointly.outcomes.models import Framework, Outcome, OutcomeLink
from jointly.partnerships import codes
from jointly.partnerships.models import (
    Action,
    Agreement,
    Area,
    Board,
    BoardMember,
    CommissioningFunction,
    Decision,
    Meeting,
    Organisation,
    Partnership,
    PartnershipMember,
    ReportingLine,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "jointly-demo"
DEMO_ROLES = [
    Role.COMMISSIONER, Role.VIEWER, Role.PARTNERSHIP_ADMIN, Role.ANALYST, Role.FINANCE, Role.PROVIDER,
]  # fmt: skip


def read_data(data_dir: Path = DATA_DIR) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(data_dir.glob("*.json")):
        content = json.loads(path.read_text(encoding="utf-8"))
        for key, items in content.items():
            merged.setdefault(key, []).extend(items)
    return merged


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _money(value: str | None) -> Decimal | None:
    """Money is written as a string in the data files (never a JSON float)."""
    return Decimal(value).quantize(Decimal("0.01")) if value not in (None, "") else None


def provenance(record: dict[str, Any], default_source: str) -> dict[str, Any]:
    """``illustrative`` and ``source`` for a record: its own ``source``, else its paper's."""
    illustrative = bool(record.get("illustrative"))
    return {"illustrative": illustrative, "source": record.get("source") or default_source}


def _check_governance(
    data: dict[str, list[dict[str, Any]]], orgs: set[str], functions: set[str]
) -> list[str]:
    """Boards' members and reporting lines, and agreements' bodies, functions and money."""
    problems: list[str] = []
    board_keys = {(b["partnership"], b["slug"]) for b in data.get("boards", [])}
    for b in data.get("boards", []):
        for m in b.get("members", []):
            if m.get("organisation") and m["organisation"] not in orgs:
                problems.append(f"board {b['slug']}: unknown organisation {m['organisation']}")
        for line in b.get("reporting_lines", []):
            if (b["partnership"], line["to"]) not in board_keys:
                problems.append(f"board {b['slug']}: reports to unknown board {line['to']}")
            if line["to"] == b.get("reports_to"):
                problems.append(f"board {b['slug']}: {line['to']} is already its principal line")
    for a in data.get("agreements", []):
        for f in a.get("delegated_functions", []):
            if f not in functions:
                problems.append(f"agreement {a['slug']}: unknown function {f}")
        named = ("host", "pool_manager", "delegated_by", "delegated_to", "transfer_from", "transfer_to")
        for o in [*(a.get(k) for k in named), *a.get("parties", [])]:
            if o and o not in orgs:
                problems.append(f"agreement {a['slug']}: unknown organisation {o}")
        if a.get("managing_board") and (a["partnership"], a["managing_board"]) not in board_keys:
            problems.append(f"agreement {a['slug']}: unknown board {a['managing_board']}")
        if isinstance(a.get("transfer_amount"), float):
            problems.append(f"agreement {a['slug']}: write money as a string, not a float")
    return problems


def check(data: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Referential checks across all files, before anything is written."""
    problems: list[str] = []
    areas = {a["gss_code"] for a in data.get("areas", [])}
    orgs = {o["slug"] for o in data.get("organisations", [])}
    partnerships = {p["slug"] for p in data.get("partnerships", [])}
    functions = {f["key"] for f in data.get("commissioning_functions", [])}
    outcome_keys: set[tuple[str, str]] = set()

    def walk(fw: str, nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            outcome_keys.add((fw, node["code"]))
            walk(fw, node.get("children", []))

    for fw in data.get("frameworks", []):
        walk(fw["slug"], fw.get("outcomes", []))
        if fw["partnership"] not in partnerships:
            problems.append(f"framework {fw['slug']}: unknown partnership {fw['partnership']}")
    themes = {(t["partnership"], t["name"]) for t in data.get("themes", [])}
    for a in data.get("areas", []):
        if problem := codes.gss_problem(a["gss_code"], a["area_type"]):
            problems.append(f"area {a['name']}: {problem}")
    kinds = {o["slug"]: o["kind"] for o in data.get("organisations", [])}
    for o in data.get("organisations", []):
        if o.get("area") and o["area"] not in areas:
            problems.append(f"organisation {o['slug']}: unknown area {o['area']}")
        for problem in (codes.ods_problem(o.get("ods_code", ""), o["kind"]),
                        codes.council_gss_problem(o.get("gss_code", ""))):  # fmt: skip
            if problem:
                problems.append(f"organisation {o['slug']}: {problem}")
        if o["kind"] == "public_health" and kinds.get(o.get("parent") or "") not in (
            "council",
            "district_council",
        ):
            problems.append(f"organisation {o['slug']}: Public Health is part of a council: give its parent")
    for p in data.get("partnerships", []):
        for m in p.get("members", []):
            if m["organisation"] not in orgs:
                problems.append(f"partnership {p['slug']}: unknown organisation {m['organisation']}")
    problems += _check_governance(data, orgs, functions)
    for link in data.get("outcome_links", []):
        for end in ("from", "to"):
            if tuple(link[end]) not in outcome_keys:
                problems.append(f"outcome link: unknown outcome {link[end]}")
    for i in data.get("intentions", []):
        ref = i["reference"]
        for o in [i.get("lead_commissioner"), i.get("coordinating_commissioner"),
                  *i.get("partner_commissioners", []), *i.get("providers_affected", [])]:  # fmt: skip
            if o and o not in orgs:
                problems.append(f"intention {ref}: unknown organisation {o}")
        for t in i.get("themes", []):
            if (i["partnership"], t) not in themes:
                problems.append(f"intention {ref}: unknown theme {t!r}")
        for key in i.get("outcomes", []):
            if tuple(key) not in outcome_keys:
                problems.append(f"intention {ref}: unknown outcome {key}")
    return problems


@transaction.atomic
def load(data_dir: Path = DATA_DIR, with_users: bool = True) -> Stats:
    data = read_data(data_dir)
    problems = check(data)
    if problems:
        raise DemoDataError(problems)
    stats = Stats()
    areas: dict[str, Area] = {}
    for a in data.get("areas", []):
        areas[a["gss_code"]] = upsert(Area, stats, {"gss_code": a["gss_code"]},
                                      {"name": a["name"], "area_type": a["area_type"]})  # fmt: skip
    for a in data.get("areas", []):
        parent = areas.get(a.get("parent") or "")
        upsert(Area, stats, {"gss_code": a["gss_code"]}, {"parent": parent})
    orgs: dict[str, Organisation] = {}
    for o in sorted(data.get("organisations", []), key=lambda o: bool(o.get("parent"))):  # parents first
        orgs[o["slug"]] = upsert(
            Organisation, stats, {"slug": o["slug"]},
            {"name": o["name"], "kind": o["kind"], "ods_code": o.get("ods_code", ""),
             "short_name": o.get("short_name", ""), "parent": orgs.get(o.get("parent") or ""),
             "code_valid_from": _date(o.get("code_valid_from")), "code_valid_to": _date(o.get("code_valid_to")),
             "gss_code": o.get("gss_code", ""), "area": areas.get(o.get("area") or "")},
        )  # fmt: skip
    functions: dict[str, CommissioningFunction] = {}
    for f in data.get("commissioning_functions", []):
        functions[f["key"]] = upsert(CommissioningFunction, stats, {"key": f["key"]},
                                     {"label": f["label"], "stage": f["stage"]})  # fmt: skip
    partnerships: dict[str, Partnership] = {}
    # The paper each partnership's records come from, unless a record names its own source.
    paper = {p["slug"]: p.get("source", "") for p in data.get("partnerships", [])}
    for p in data.get("partnerships", []):
        obj = upsert(
            Partnership, stats, {"slug": p["slug"]},
            {"name": p["name"], "description": p.get("description", ""),
             "population_group": p.get("population_group") or "Children, young people and families",
             "age_min": p.get("age_min") or 0, "age_max": p.get("age_max") or 25,
             "reference_date": _date(p.get("reference_date"))},
        )  # fmt: skip
        partnerships[p["slug"]] = obj
        set_m2m(obj.areas, [areas[c] for c in p.get("areas", []) if c in areas])
        for m in p.get("members", []):
            upsert(PartnershipMember, stats, {"partnership": obj, "organisation": orgs[m["organisation"]]},
                   {"role": m["role"]})  # fmt: skip
    for t in data.get("themes", []):
        upsert(Theme, stats, {"partnership": partnerships[t["partnership"]], "name": t["name"]}, {})
    outcomes: dict[tuple[str, str], Outcome] = {}
    for fw in data.get("frameworks", []):
        framework = upsert(
            Framework, stats, {"partnership": partnerships[fw["partnership"]], "slug": fw["slug"]},
            {"name": fw["name"], "kind": fw["kind"], "description": fw.get("description", "")},
        )  # fmt: skip

        def place(
            nodes: list[dict[str, Any]],
            parent: Outcome | None,
            framework: Framework = framework,
            fw: dict = fw,
        ) -> None:
            for position, node in enumerate(nodes):
                outcome = upsert(
                    Outcome, stats, {"framework": framework, "code": node["code"]},
                    {"title": node["title"], "description": node.get("description", ""),
                     "parent": parent, "position": position},
                )  # fmt: skip
                outcomes[(fw["slug"], node["code"])] = outcome
                place(node.get("children", []), outcome, framework, fw)

        place(fw.get("outcomes", []), None)
    for link in data.get("outcome_links", []):
        source, target = outcomes[tuple(link["from"])], outcomes[tuple(link["to"])]
        if source.pk != target.pk:
            upsert(OutcomeLink, stats, {"source": source, "target": target}, {})
    boards: dict[tuple[str, str], Board] = {}
    for b in data.get("boards", []):
        p = partnerships[b["partnership"]]
        boards[(b["partnership"], b["slug"])] = upsert(
            Board, stats, {"partnership": p, "slug": b["slug"]},
            {"name": b["name"], "kind": b.get("kind", "board"), "purpose": b.get("purpose", ""),
             "duties": "\n".join(b.get("duties", [])), "chair": b.get("chair") or "",
             "quorum": b.get("quorum") or "", "meeting_frequency": b.get("meeting_frequency") or "as_required",
             "reporting_cadence": b.get("reporting_cadence") or "", **provenance(b, paper[b["partnership"]])},
        )  # fmt: skip
    for b in data.get("boards", []):
        board = boards[(b["partnership"], b["slug"])]
        parent = boards.get((b["partnership"], b.get("reports_to") or ""))
        upsert(Board, stats, {"pk": board.pk}, {"reports_to": parent})
        for line in b.get("reporting_lines", []):
            upsert(ReportingLine, stats, {"board": board, "to_board": boards[(b["partnership"], line["to"])]},
                   {"cadence": line.get("cadence") or "", "notes": line.get("notes") or "",
                    **provenance(line, paper[b["partnership"]])})  # fmt: skip
        for m in b.get("members", []):
            upsert(BoardMember, stats, {"board": board, "name": m["name"]},
                   {"organisation": orgs.get(m.get("organisation") or ""), "role": m.get("role") or "member"})  # fmt: skip
        for mt in b.get("meetings", []):
            meeting = upsert(Meeting, stats, {"board": board, "date": _date(mt["date"]), "title": mt["title"]},
                             {"notes": mt.get("notes", ""), **provenance(mt, paper[b["partnership"]])})  # fmt: skip
            for text in mt.get("decisions", []):
                upsert(Decision, stats, {"meeting": meeting, "text": text}, {})
            for a in mt.get("actions", []):
                upsert(Action, stats, {"board": board, "description": a["description"]},
                       {"meeting": meeting, "owner": a["owner"], "due_date": _date(a["due_date"]),
                        "status": a.get("status", "open")})  # fmt: skip
    for a in data.get("agreements", []):
        agreement = upsert(
            Agreement, stats, {"partnership": partnerships[a["partnership"]], "slug": a["slug"]},
            {"kind": a["kind"], "legal_bases": a.get("legal_bases", []), "title": a["title"],
             "host": orgs.get(a.get("host") or ""), "flexibilities": a.get("flexibilities", []),
             "delegated_by": orgs.get(a.get("delegated_by") or ""),
             "delegated_to": orgs.get(a.get("delegated_to") or ""),
             "pool_manager": orgs.get(a.get("pool_manager") or ""),
             "managing_board": boards.get((a["partnership"], a.get("managing_board") or "")),
             "fund_type": a.get("fund_type", "none"), "transfer_amount": _money(a.get("transfer_amount")),
             "transfer_from": orgs.get(a.get("transfer_from") or ""),
             "transfer_to": orgs.get(a.get("transfer_to") or ""),
             "transfer_purpose": a.get("transfer_purpose", ""),
             "services_in_scope": "\n".join(a.get("services_in_scope", [])),
             "services_out_of_scope": "\n".join(a.get("services_out_of_scope", [])),
             "start_date": _date(a["start_date"]), "review_date": _date(a.get("review_date")),
             "end_date": _date(a.get("end_date")), "sources_disagree": "\n".join(a.get("sources_disagree", [])),
             **provenance(a, paper[a["partnership"]])},
        )  # fmt: skip
        set_m2m(agreement.parties, [orgs[o] for o in a.get("parties", [])])
        set_m2m(agreement.delegated_functions, [functions[f] for f in a.get("delegated_functions", [])])
        wrong = agreement.problems([orgs[o] for o in a.get("parties", [])])
        if wrong:
            raise DemoDataError([f"agreement {a['slug']}: {k}: {v}" for k, v in wrong.items()])
    for i in data.get("intentions", []):
        p = partnerships[i["partnership"]]
        intention = upsert(
            Intention, stats, {"partnership": p, "reference": i["reference"]},
            {"title": i["title"], **{k: i.get(k) or "" for k in (
                "aim", "objectives", "scope", "benefits_users", "benefits_staff",
                "benefits_organisation", "metrics", "expected_outcome", "sro", "lead_officer")},
             "integrated": bool(i.get("integrated", True)),
             "lead_commissioner": orgs.get(i.get("lead_commissioner") or ""),
             "coordinating_commissioner": orgs.get(i.get("coordinating_commissioner") or ""),
             "stage": i.get("stage") or "plan", "start_date": _date(i.get("start_date")),
             "end_date": _date(i.get("end_date")), "outcomes_inferred": bool(i.get("outcomes_inferred")),
             **provenance(i, paper[i["partnership"]])},
        )  # fmt: skip
        set_m2m(intention.partner_commissioners, [orgs[o] for o in i.get("partner_commissioners", [])])
        set_m2m(intention.providers_affected, [orgs[o] for o in i.get("providers_affected", [])])
        set_m2m(intention.themes, list(Theme.objects.filter(partnership=p, name__in=i.get("themes", []))))
        set_m2m(intention.outcomes, [outcomes[tuple(k)] for k in i.get("outcomes", [])])
        for m in i.get("milestones", []):
            upsert(Milestone, stats, {"intention": intention, "title": m["title"]},
                   {"due_date": _date(m["due_date"]), "completed_on": _date(m.get("completed_on")),
                    **provenance(m, paper[i["partnership"]])})  # fmt: skip
        latest = ""
        for pr in sorted(i.get("progress", []), key=lambda x: x["period"]):
            upsert(ProgressUpdate, stats, {"intention": intention, "period": pr["period"]},
                   {"rag": pr["rag"], "narrative": pr["narrative"], "author": pr.get("author") or "",
                    "date": _date(pr.get("date")) or p.reference_date or dt.date.today(),
                    "rag_illustrative": bool(pr.get("rag_illustrative") or pr.get("illustrative")),
                    **provenance(pr, paper[i["partnership"]])})  # fmt: skip
            latest = pr["rag"]
        upsert(Intention, stats, {"pk": intention.pk}, {"current_rag": latest})
    if with_users:
        load_users(partnerships, stats)
    for path in settings.JOINTLY_DEMO_LOADERS:
        import_string(path)(stats)
    return stats


def demo_accounts() -> list[tuple[str, str, str]]:
    """(email, partnership slug, role) for every demo sign-in that exists in the database."""
    rows = []
    if User.objects.filter(email="admin@jointly.test").exists():
        rows.append(("admin@jointly.test", "", "platform admin"))
    memberships = (
        Membership.objects.filter(user__email__endswith="@jointly.test")
        .select_related("user", "partnership")
        .order_by("partnership__slug", "user__email")
    )
    for m in memberships:
        rows.append((m.user.email, m.partnership.slug if m.partnership else "", m.get_role_display()))
    return rows


def load_users(partnerships: dict[str, Partnership], stats: Stats) -> None:
    admin = User.objects.filter(email="admin@jointly.test").first()
    if admin is None:
        User.objects.create_superuser(email="admin@jointly.test", password=DEMO_PASSWORD,
                                      first_name="Platform", last_name="Admin", is_staff=True)  # fmt: skip
        stats["User created"] += 1
    for slug, partnership in partnerships.items():
        members = list(partnership.members.select_related("organisation"))
        host = next((m.organisation for m in members if m.role == "host"), members[0].organisation)
        provider = next((m.organisation for m in members if m.role == "provider"), None)
        for role in DEMO_ROLES:
            org = provider if role == Role.PROVIDER else host
            if org is None:
                continue
            email = f"{role.value.replace('_', '-')}.{slug}@jointly.test"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, first_name=role.label,
                    last_name=f"({partnership.name})",
                )  # fmt: skip
                stats["User created"] += 1
            upsert(Membership, stats, {"user": user, "organisation": org, "partnership": partnership, "role": role},
                   {"job_title": f"Demo {role.label.lower()}"})  # fmt: skip
