"""Open Contracting Data Standard 1.1: validation, export mapping and import mapping.

Plain Python (no Django model logic): export builders read attributes of the
objects they are given (contracts and procurement projects with their related
rows already fetched); the import side turns a release package into *plans*
(plain dataclasses) plus a per-release report of what was not mapped. Writing
the plans to the database is :func:`jointly.contracts.actions.import_ocds`.

Validation is offline, against the OCDS 1.1.5 schemas shipped in ``schema/`` beside
this module (with their licence and provenance in ``schema/README.md``), with date-time
and URI format checks done here so they are never silently skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jointly.contracts import terms

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
SCHEMA_NAMES = (
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
)
OCID_PREFIX = "ocds-jntly0"
PUBLISHER_NAME = "Jointly"
LICENSE = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# --- validation ---------------------------------------------------------------------------------

DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not DATE_TIME_RE.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = urlparse(value)
    return bool(parsed.scheme) and " " not in value


@lru_cache(maxsize=4)
def _validators(directory: str) -> dict[str, Any]:
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    base = Path(directory)
    schemas = {n: json.loads((base / n).read_text(encoding="utf-8")) for n in SCHEMA_NAMES}
    registry = Registry().with_resources(
        [
            (SCHEMA_BASE + n, Resource.from_contents(s, default_specification=DRAFT4))
            for n, s in schemas.items()
        ]
    )
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    return {
        "release_package": Draft4Validator(
            schemas["release-package-schema.json"], registry=registry, format_checker=checker
        ),
        "record_package": Draft4Validator(
            schemas["record-package-schema.json"], registry=registry, format_checker=checker
        ),
    }


def validate(data: Any) -> list[str]:
    """Schema errors in a release or record package, each as 'path: message'. Empty = valid."""
    problems, warnings = validate_for_import(data)
    return problems + warnings


#: Parts of a release Jointly never stores: a schema error inside one is a publisher's quirk that
#: cannot change what is loaded, so the import warns instead of refusing the package.
NOT_STORED = {
    "address", "contactPoint", "additionalContactPoints", "items", "classification",
    "additionalClassifications", "milestones", "amendments", "relatedProcesses", "links", "bids",
    "lots", "implementation", "planning", "contracts", "minValue", "suitability", "publicationPolicy",
    "extensions", "eligibilityCriteria", "submissionMethod", "submissionMethodDetails", "awardCriteria",
}  # fmt: skip


def _tolerated(error: Any) -> bool:
    """A document or details link that is not a URL (Contracts Finder publishes "http://Contract
    Finder"): the link is dropped. An error under a part Jointly does not store: nothing is lost."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "format" and error.validator_value == "uri":
        return True
    return any(part in NOT_STORED for part in path[:-1] if not part.isdigit()) or (
        "documents" in path and path[-1] != "documents"
    )


def validate_for_import(data: Any) -> tuple[list[str], list[str]]:
    """(problems, warnings): schema errors in what Jointly stores refuse the package; errors in
    what it does not store (or drops, like a link that is not a URL) are warnings."""
    if not isinstance(data, dict):
        return ["(package): an OCDS package is a JSON object with 'releases' or 'records'"], []
    kind = "record_package" if "records" in data else "release_package"
    validator = _validators(str(SCHEMA_DIR))[kind]
    problems, warnings = [], []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(package)"
        text = f"{where}: {error.message[:300]}"
        (warnings if _tolerated(error) else problems).append(text)
    return problems, warnings


# --- export -------------------------------------------------------------------------------------


def _dt(day: dt.date | dt.datetime | None) -> str | None:
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        return day.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{day.isoformat()}T00:00:00Z"


def _money(amount: Decimal | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    number = float(amount)
    return {"amount": int(number) if number.is_integer() else number, "currency": "GBP"}


def _clean(obj: Any) -> Any:
    """Drop None values and empty lists/dicts: OCDS prefers absent fields to empty ones."""
    if isinstance(obj, dict):
        cleaned = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {}, "")}
    if isinstance(obj, list):
        return [_clean(v) for v in obj if v is not None]
    return obj


def party_id(org: Any) -> str:
    return f"GB-JOINTLY-{org.slug}"


class _Parties:
    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}

    def add(self, org: Any, role: str) -> dict[str, str]:
        pid = party_id(org)
        party = self.by_id.setdefault(pid, {"id": pid, "name": org.name, "roles": []})
        if getattr(org, "ods_code", ""):
            party["identifier"] = {"scheme": "GB-NHS", "id": org.ods_code, "legalName": org.name}
        if role not in party["roles"]:
            party["roles"].append(role)
        return {"id": pid, "name": org.name}

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.by_id.values())


CONTRACT_STATUS = {
    "live": "active", "extended": "active", "in_procurement": "active", "expiring": "active",
    "ended": "terminated", "decommissioned": "terminated",
}  # fmt: skip
DOCUMENT_TYPE = {
    "specification": "technicalSpecifications", "contract": "contractSigned",
    "variation": "contractAnnexe", "other": "contractSchedule",
}  # fmt: skip


def _all(obj: Any, name: str) -> list[Any]:
    """``obj.<name>.all()`` for a related manager, [] where the object has none (plain test objects)."""
    manager = getattr(obj, name, None)
    return list(manager.all()) if manager is not None and hasattr(manager, "all") else []


def ocid_for(obj: Any, kind: str, partnership_slug: str) -> str:
    return obj.ocid or f"{OCID_PREFIX}-{partnership_slug}-{kind}{obj.pk}"


def contract_release(contract: Any, partnership_slug: str, published: dt.datetime) -> dict[str, Any]:
    """One OCDS release for a contract: award + contract with approved variations as amendments."""
    ocid = ocid_for(contract, "c", partnership_slug)
    parties = _Parties()
    buying = contract.lead_commissioner or getattr(contract, "buyer", None)
    buyer = parties.add(buying, "buyer") if buying else None
    supplier = parties.add(contract.provider, "supplier") if contract.provider else None
    others = [parties.add(o, "supplier") for o in _all(contract, "suppliers") if o.pk != contract.provider_id]
    for share in contract.funding.all():
        parties.add(share.commissioner, "payer")
    for sub in contract.subcontractors.all():
        parties.add(sub.organisation, "interestedParty")
    variations = list(contract.variations.all())
    current = terms.current_terms(contract.value, contract.end_date, variations, start=contract.start_date)
    period = {"startDate": _dt(contract.start_date), "endDate": _dt(current.end_date)}
    if contract.extension_count:
        latest = terms.latest_possible_end(
            current.end_date, contract.extension_count, contract.extension_months
        )
        period["maxExtentDate"] = _dt(latest)
    award_id = f"{ocid}-award-1"
    amendments = [
        {
            "id": f"variation-{v.pk}",
            "date": _dt(v.decided_on or v.effective_date),
            "rationale": v.reason or v.get_kind_display(),
            "description": v.description,
        }
        for v in (step.variation for step in current.steps)
    ]
    documents = [
        {"id": f"doc-{d.pk}", "documentType": DOCUMENT_TYPE.get(d.kind, "contractSchedule"),
         "title": d.title, "url": d.url}
        for d in contract.documents.all()
    ]  # fmt: skip
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{published:%Y%m%dT%H%M%S}",
        "date": _dt(published),
        "language": "en",
        "tag": ["award", "contract"] + (["contractAmendment"] if amendments else []),
        "initiationType": "tender",
        "parties": parties.as_list(),
        "buyer": buyer,
        "planning": {
            "budget": {
                "description": "Funding shares by commissioner, year and stream",
                "amount": _money(sum((s.amount for s in contract.funding.all()), Decimal("0")) or None),
            }
        },
        "tender": {"id": f"{ocid}-tender", "title": contract.title, "status": "complete"},
        "awards": [
            {
                "id": award_id,
                "title": contract.title,
                "status": "active" if supplier else "pending",
                "value": _money(contract.value),
                "suppliers": ([supplier] if supplier else []) + others,
                "contractPeriod": {"startDate": _dt(contract.start_date), "endDate": _dt(contract.end_date)},
            }
        ],
        "contracts": [
            {
                "id": contract.reference,
                "awardID": award_id,
                "title": contract.title,
                "description": contract.description,
                "status": CONTRACT_STATUS.get(contract.status, "active"),
                "period": period,
                "value": _money(current.value),
                "documents": documents,
                "amendments": amendments,
            }
        ],
    }
    return _clean(release)


PROCUREMENT_METHOD = {
    "pa23_open": "open", "pa23_flexible": "selective", "pa23_direct": "direct",
    "pa23_framework": "selective", "psr_direct_a": "direct", "psr_direct_b": "direct",
    "psr_direct_c": "direct", "psr_most_suitable": "limited", "psr_competitive": "selective",
    "extension": "direct", "pcr06_open": "open", "pcr06_restricted": "selective",
    "pcr06_negotiated": "selective", "pcr06_dialogue": "selective", "pcr06b_advertised": "open",
    "pcr06b_invited": "limited", "pcr06b_direct": "direct", "pcr15_open": "open",
    "pcr15_restricted": "selective", "pcr15_negotiation": "selective", "pcr15_dialogue": "selective",
    "pcr15_no_notice": "direct", "pcr15_ltr": "open", "pcr15_ltr_no_notice": "direct",
    "pcr_framework": "selective",
}  # fmt: skip
TENDER_STATUS = {
    "planned": "planned", "active": "active", "awarded": "complete", "complete": "complete",
    "cancelled": "cancelled",
}  # fmt: skip
MILESTONE_TYPE = {
    "stocktake": "preProcurement", "options": "preProcurement", "specification": "preProcurement",
    "market_engagement": "engagement", "tender": "engagement", "evaluation": "assessment",
    "award": "approval", "standstill": "approval", "mobilisation": "delivery", "go_live": "delivery",
}  # fmt: skip


def procurement_release(project: Any, partnership_slug: str, published: dt.datetime) -> dict[str, Any]:
    """One OCDS release for a procurement project: planning/tender with stages as milestones."""
    ocid = ocid_for(project, "p", partnership_slug)
    parties = _Parties()
    buying = project.lead_commissioner or getattr(project, "buyer", None)
    buyer = parties.add(buying, "buyer") if buying else None
    stages = {s.stage: s for s in project.stages.all()}
    milestones = []
    for s in project.stages.all():
        milestones.append(
            {
                "id": s.stage,
                "title": s.get_stage_display(),
                "type": MILESTONE_TYPE.get(s.stage, "preProcurement"),
                "dueDate": _dt(s.planned_date),
                "dateMet": _dt(s.actual_date),
                "status": "met" if s.actual_date else "scheduled",
            }
        )
    tender_stage, evaluation, go_live = stages.get("tender"), stages.get("evaluation"), stages.get("go_live")
    related = [
        {
            "id": f"prior-{c.pk}",
            "relationship": ["prior"],
            "title": c.title,
            "scheme": "ocid",
            "identifier": ocid_for(c, "c", partnership_slug),
        }
        for c in project.replaces.all()
    ]
    status = TENDER_STATUS.get(project.status, "planned")
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{published:%Y%m%dT%H%M%S}",
        "date": _dt(published),
        "language": "en",
        "tag": ["planning"] if status == "planned" else ["tender"],
        "initiationType": "tender",
        "parties": parties.as_list(),
        "buyer": buyer,
        "tender": {
            "id": project.reference,
            "title": project.title,
            "description": project.description,
            "status": status,
            "value": _money(project.estimated_value),
            "procurementMethod": PROCUREMENT_METHOD.get(project.route),
            "procurementMethodDetails": project.get_route_display(),
            "mainProcurementCategory": "services",
            "tenderPeriod": {
                "startDate": _dt(tender_stage.planned_date) if tender_stage else None,
                "endDate": _dt(evaluation.planned_date) if evaluation else None,
            },
            "contractPeriod": {"startDate": _dt(go_live.planned_date) if go_live else None},
            "milestones": milestones,
        },
        "relatedProcesses": related,
    }
    return _clean(release)


def release_package(releases: list[dict[str, Any]], *, uri: str, published: dt.datetime) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": _dt(published),
        "publisher": {"name": PUBLISHER_NAME},
        "license": LICENSE,
        "publicationPolicy": "https://github.com/jointly/jointly/blob/main/docs/ocds.md",
        "releases": releases,
    }


def record_package(package: dict[str, Any], *, uri: str) -> dict[str, Any]:
    """Records (one per ocid) with embedded releases and a compiled release.

    Each of our processes has one release, so compiling is taking it with the 'compiled' tag.
    """
    by_ocid: dict[str, list[dict[str, Any]]] = {}
    for release in package["releases"]:
        by_ocid.setdefault(release["ocid"], []).append(release)
    records = []
    for ocid, releases in by_ocid.items():
        releases = sorted(releases, key=lambda r: r["date"])
        compiled = {**releases[-1], "id": f"{ocid}-compiled", "tag": ["compiled"]}
        records.append({"ocid": ocid, "releases": releases, "compiledRelease": compiled})
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": package["publishedDate"],
        "publisher": package["publisher"],
        "license": package.get("license"),
        "packages": [package["uri"]],
        "records": records,
    }


# --- import -------------------------------------------------------------------------------------


@dataclass
class OrgRef:
    """A party as a release names it: name, its identifier (scheme and id, e.g. GB-COH 01234567,
    GB-NHS RDE) and roles."""

    name: str
    vcse: bool = False
    scheme: str = ""
    identifier: str = ""
    roles: tuple[str, ...] = ()


@dataclass
class ContractPlan:
    ocid: str
    reference: str
    title: str
    description: str
    buyer: OrgRef | None
    supplier: OrgRef
    start_date: dt.date
    end_date: dt.date
    value: Decimal | None
    documents: list[tuple[str, str]] = field(default_factory=list)  # (title, url)
    source: str = ""
    suppliers: list[OrgRef] = field(default_factory=list)  # every supplier of the award, the first included


@dataclass
class StagePlan:
    stage: str
    planned_date: dt.date


@dataclass
class ProcurementPlan:
    ocid: str
    reference: str
    title: str
    description: str
    buyer: OrgRef | None
    route: str
    status: str
    estimated_value: Decimal | None
    stages: list[StagePlan] = field(default_factory=list)
    source: str = ""


@dataclass
class ReleaseReport:
    ocid: str
    release_id: str
    title: str
    created: str = ""
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how buyers and suppliers were matched or added


@dataclass
class ImportPlan:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    contracts: list[ContractPlan] = field(default_factory=list)
    procurements: list[ProcurementPlan] = field(default_factory=list)
    reports: list[ReleaseReport] = field(default_factory=list)


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _amount(value: Any, where: str, report: ReleaseReport) -> Decimal | None:
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    if value.get("currency", "GBP") != "GBP":
        report.skipped.append(f"{where}: value in {value.get('currency')} not recorded (only GBP)")
        return None
    try:
        amount = Decimal(str(value["amount"]))
    except InvalidOperation:
        report.skipped.append(f"{where}: value {value['amount']!r} is not a number")
        return None
    if abs(amount) >= Decimal("1e12"):
        report.skipped.append(f"{where}: value {amount} too large to record")
        return None
    return amount.quantize(Decimal("0.01"))


ROUTE_FROM_METHOD = {
    "open": "pa23_open", "selective": "pa23_flexible", "limited": "pa23_direct", "direct": "pa23_direct",
}  # fmt: skip
STATUS_FROM_TENDER = {
    "planning": "planned", "planned": "planned", "active": "active", "complete": "complete",
    "cancelled": "cancelled", "unsuccessful": "cancelled", "withdrawn": "cancelled",
}  # fmt: skip
USED_RELEASE_KEYS = {"ocid", "id", "date", "tag", "initiationType", "language", "buyer", "tender", "awards",
                     "parties"}  # fmt: skip
USED_TENDER_KEYS = {"id", "title", "description", "status", "value", "procurementMethod",
                    "procurementMethodDetails", "tenderPeriod", "contractPeriod", "documents",
                    "awardPeriod", "datePublished"}  # fmt: skip


def _party_lookup(release: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p.get("id"): p for p in release.get("parties", []) if isinstance(p, dict) and p.get("id")}


def _org(ref: Any, parties: dict[str, dict[str, Any]]) -> OrgRef | None:
    if not isinstance(ref, dict):
        return None
    party = parties.get(ref.get("id"), {})
    name = (ref.get("name") or party.get("name") or "").strip().rstrip(",").strip()
    if not name:
        return None
    details = party.get("details") if isinstance(party.get("details"), dict) else {}
    identifier = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    scheme, code = str(identifier.get("scheme") or "").strip(), str(identifier.get("id") or "").strip()
    roles = tuple(str(r) for r in party.get("roles", []) if isinstance(r, str))
    return OrgRef(
        name=" ".join(name.split())[:200], vcse=details.get("vcse") is True,
        scheme=scheme[:40] if code else "", identifier=code[:100] if scheme else "", roles=roles,
    )  # fmt: skip


def _unmapped(release: dict[str, Any], report: ReleaseReport) -> None:
    extra = sorted(k for k in release if k not in USED_RELEASE_KEYS)
    tender_extra = sorted(k for k in (release.get("tender") or {}) if k not in USED_TENDER_KEYS)
    if extra:
        report.skipped.append("not recorded: " + ", ".join(extra))
    if tender_extra:
        report.skipped.append("not recorded from the tender: " + ", ".join(tender_extra))
    if any(p.get("contactPoint") for p in release.get("parties", []) if isinstance(p, dict)):
        report.skipped.append("contact names and emails not imported (personal data)")


def _documents(documents: Any, report: ReleaseReport) -> list[tuple[str, str]]:
    """(title, url) of each document with a link; a link that is not a URL is dropped with a warning."""
    out = []
    for d in documents if isinstance(documents, list) else []:
        if not isinstance(d, dict) or not d.get("url"):
            continue
        title = str(d.get("title") or d.get("description") or "Notice")[:300]
        if (
            not isinstance(d["url"], str)
            or not _is_uri(d["url"])
            or not urlparse(d["url"]).netloc
            or (" " in urlparse(d["url"]).netloc)
        ):
            report.warnings.append(
                f"document {str(d.get('id', ''))[:40]!r}: link {str(d['url'])[:80]!r} is not a URL: link dropped"
            )
            continue
        out.append((title, d["url"][:1000]))
    return out


def plan_import(data: Any, *, source: str = "OCDS import") -> ImportPlan:
    """Validate a release package and turn each release into a contract or procurement plan.

    A release with an active award (supplier and contract period) becomes a contract; a planning
    or tender release becomes a procurement project. Everything not mapped is reported per
    release. Schema errors stop the import (``problems``) before anything is planned.
    """
    plan = ImportPlan()
    if not isinstance(data, dict) or "releases" not in data:
        plan.problems.append("(package): not an OCDS release package (no 'releases' list)")
        return plan
    plan.problems, warnings = validate_for_import(data)
    if plan.problems:
        return plan
    # A document link that is not a URL is reported with its release (and dropped) below.
    plan.warnings = [w for w in warnings if not re.match(r"^releases/\d+/.*documents/\d+/url:", w)]
    releases = sorted(data["releases"], key=lambda r: r.get("date", ""))
    latest: dict[str, int] = {r["ocid"]: i for i, r in enumerate(releases)}
    for index, release in enumerate(releases):
        tender = release.get("tender") or {}
        title = (tender.get("title") or release["ocid"]).strip()[:400]
        report = ReleaseReport(release["ocid"], release["id"], title)
        plan.reports.append(report)
        if latest[release["ocid"]] != index:
            report.skipped.append("whole release: superseded by a later release of the same process")
            continue
        parties = _party_lookup(release)
        buyer = _org(release.get("buyer"), parties)
        reference = str(tender.get("id") or release["ocid"]).strip()[:100]
        description = (tender.get("description") or "").strip()
        origin = f"{source}: release {release['id']}"[:300]
        awards = [a for a in release.get("awards", []) if isinstance(a, dict)]
        active = [a for a in awards if a.get("status") == "active"]
        for a in awards:
            if a.get("status") != "active":
                report.skipped.append(f"award {a.get('id')}: status {a.get('status')!r}, not an active award")
        if active:
            award = active[0]
            for extra in active[1:]:
                report.skipped.append(f"award {extra.get('id')}: only the first active award is recorded")
            suppliers = [s for s in (_org(s, parties) for s in award.get("suppliers", [])) if s]
            period = award.get("contractPeriod") or tender.get("contractPeriod") or {}
            start, end = _date(period.get("startDate")), _date(period.get("endDate"))
            problems = []
            if not suppliers:
                problems.append("the award names no supplier")
            if not start or not end:
                problems.append("the award has no contract start and end date")
            elif end < start:
                problems.append("the contract ends before it starts")
            if problems:
                report.skipped.append("whole release: no contract created because " + " and ".join(problems))
                continue
            docs = _documents([*tender.get("documents", []), *award.get("documents", [])], report)
            value = _amount(award.get("value"), "award", report)
            if value is None:
                value = _amount(tender.get("value"), "tender", report)
            plan.contracts.append(
                ContractPlan(release["ocid"], reference, title, description, buyer, suppliers[0],
                             start, end, value, docs, origin, suppliers)
            )  # fmt: skip
            report.created = f"contract {reference}"
        else:
            route = ROUTE_FROM_METHOD.get(tender.get("procurementMethod", ""), "pa23_open")
            if "procurementMethod" not in tender:
                report.skipped.append("no procurement method given: route recorded as open procedure")
            status = STATUS_FROM_TENDER.get(tender.get("status", ""), "planned")
            stages = []
            tender_period = tender.get("tenderPeriod") or {}
            for stage, value in (
                ("tender", tender_period.get("startDate") or tender.get("datePublished")),
                ("evaluation", tender_period.get("endDate")),
                ("award", (tender.get("awardPeriod") or {}).get("startDate")),
                ("go_live", (tender.get("contractPeriod") or {}).get("startDate")),
            ):
                day = _date(value)
                if day:
                    stages.append(StagePlan(stage, day))
            if tender.get("documents"):
                _documents(tender["documents"], report)  # warns about links that are not URLs
                report.skipped.append(f"{len(tender['documents'])} tender document link(s) not recorded")
            value = _amount(tender.get("value"), "tender", report)
            plan.procurements.append(
                ProcurementPlan(release["ocid"], reference, title, description, buyer, route, status,
                                value, stages, origin)
            )  # fmt: skip
            report.created = f"procurement project {reference}"
        _unmapped(release, report)
    return plan
