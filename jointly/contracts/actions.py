"""Multi-record writes for contracts: change control decisions and OCDS imports.

Each runs in one transaction and records who did it (``by=``) in the audit history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from jointly.contracts import ocds, procurement_law
from jointly.contracts.models import (
    Contract,
    ContractDocument,
    ContractStatus,
    ContractType,
    ProcurementProject,
    ProcurementStage,
    Variation,
    VariationStatus,
)
from jointly.core.approvals import check_four_eyes
from jointly.core.models import StaleEdit
from jointly.core.models import save_versioned as _save_versioned
from jointly.partnerships.models import Organisation, OrganisationKind, Partnership


def save_versioned(instance: Any, *, expected_version: int | None, by: Any) -> Any:
    """save_versioned that also names ``by`` in the audit history (outside a request too)."""
    if getattr(by, "pk", None):
        instance._history_user = by
    return _save_versioned(instance, expected_version=expected_version, by=by)


class ChangeControlError(Exception):
    """A decision that change control does not allow (e.g. deciding twice)."""


def decide_variation(
    variation: Variation,
    *,
    approve: bool,
    reason: str,
    expected_version: int | None,
    by: Any,
    on: dt.date | None = None,
) -> Variation:
    """Approve or reject a proposed variation; refuses stale or repeated decisions, and
    (four eyes, :mod:`jointly.core.approvals`) a decision by whoever proposed or last changed it.

    Approving changes the contract's *derived* current value and end date; the contract's
    audit history gets an entry too, so its history shows each step.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ChangeControlError("Give the reason for the decision.")
    with transaction.atomic():
        fresh = Variation.objects.select_for_update().select_related("contract").get(pk=variation.pk)
        if fresh.status != VariationStatus.PROPOSED:
            raise ChangeControlError(f"This variation was already {fresh.get_status_display().lower()}.")
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEdit(fresh)
        check_four_eyes(
            by, fresh.proposed_by_id, record=fresh, also=[fresh.modified_by_id],
            what="variation", decide="approve or reject",
        )  # fmt: skip
        fresh.status = VariationStatus.APPROVED if approve else VariationStatus.REJECTED
        fresh.decided_by = by if getattr(by, "pk", None) else None
        fresh.decided_on = on or timezone.localdate()
        fresh.reason = reason
        save_versioned(fresh, expected_version=fresh.version, by=by)
        if approve:
            contract = fresh.contract
            contract._change_reason = f"Variation {fresh.pk} approved"  # type: ignore[attr-defined]
            if (
                fresh.new_end_date
                and fresh.new_end_date > contract.end_date
                and contract.status
                in (
                    ContractStatus.LIVE,
                    ContractStatus.EXPIRING,
                )
            ):
                contract.status = ContractStatus.EXTENDED
            save_versioned(contract, expected_version=contract.version, by=by)
    variation.__dict__.update(fresh.__dict__)
    return fresh


# --- OCDS import ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    problems: list[str] = field(default_factory=list)
    reports: list[ocds.ReleaseReport] = field(default_factory=list)
    contracts_created: int = 0
    procurements_created: int = 0
    organisations_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def skipped_count(self) -> int:
        return sum(1 for r in self.reports if not r.created)


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, i = base, 2
    while slug in taken:
        slug = f"{base}-{i}"
        i += 1
    taken.add(slug)
    return slug


def import_ocds(partnership: Partnership, data: Any, *, by: Any, source: str = "OCDS import") -> ImportResult:
    """Load a release package into the register: whole or not at all.

    Releases already in the register (same ocid) are reported and skipped, so importing the
    same file twice creates nothing the second time.
    """
    plan = ocds.plan_import(data, source=source)
    result = ImportResult(problems=list(plan.problems), reports=plan.reports)
    if result.problems:
        return result
    known = set(
        Contract.objects.filter(partnership=partnership).exclude(ocid="").values_list("ocid", flat=True)
    ) | set(
        ProcurementProject.objects.filter(partnership=partnership)
        .exclude(ocid="")
        .values_list("ocid", flat=True)
    )
    reports = {r.ocid: r for r in plan.reports if r.created}
    contract_refs = set(Contract.objects.filter(partnership=partnership).values_list("reference", flat=True))
    project_refs = set(
        ProcurementProject.objects.filter(partnership=partnership).values_list("reference", flat=True)
    )
    orgs_by_name = {name.lower(): pk for pk, name in Organisation.objects.values_list("pk", "name")}
    slugs = set(Organisation.objects.values_list("slug", flat=True))

    def unique_ref(ref: str, taken: set[str]) -> str:
        candidate, i = ref, 2
        while candidate in taken:
            suffix = f"-{i}"
            candidate = ref[: 100 - len(suffix)] + suffix
            i += 1
        taken.add(candidate)
        return candidate

    def buyer_id(ref: ocds.OrgRef | None, report: ocds.ReleaseReport) -> int | None:
        if ref is None:
            report.skipped.append("no buyer named: lead commissioner left blank")
            return None
        pk = orgs_by_name.get(ref.name.lower())
        if pk is None:
            report.skipped.append(
                f"buyer {ref.name!r} is not an organisation in Jointly: lead commissioner left blank"
            )
        return pk

    def supplier_id(ref: ocds.OrgRef) -> int:
        pk = orgs_by_name.get(ref.name.lower())
        if pk is None:
            kind = OrganisationKind.VOLUNTARY_PROVIDER if ref.vcse else OrganisationKind.INDEPENDENT_PROVIDER
            org = Organisation(slug=_unique_slug(ref.name, slugs), name=ref.name, kind=kind)
            save_versioned(org, expected_version=None, by=by)
            orgs_by_name[ref.name.lower()] = pk = org.pk
            result.organisations_created += 1
        return pk

    today = timezone.localdate()
    try:
        with transaction.atomic():
            for c in plan.contracts:
                report = reports[c.ocid]
                if c.ocid in known:
                    report.created = ""
                    report.skipped.insert(0, "whole release: already in the register (same ocid)")
                    continue
                contract = Contract(
                    partnership=partnership,
                    reference=unique_ref(c.reference, contract_refs),
                    title=c.title,
                    description=c.description,
                    provider_id=supplier_id(c.supplier),
                    lead_commissioner_id=buyer_id(c.buyer, report),
                    contract_type=ContractType.COUNCIL,
                    status=ContractStatus.ENDED if c.end_date < today else ContractStatus.LIVE,
                    start_date=c.start_date,
                    end_date=c.end_date,
                    value=c.value,
                    notice_months=3,
                    ocid=c.ocid,
                    source=c.source,
                )
                report.skipped.append(
                    "contract type and notice period not in OCDS: set to council contract, 3 months"
                )
                contract.full_clean(validate_unique=False, validate_constraints=False)
                save_versioned(contract, expected_version=None, by=by)
                report.created = f"contract {contract.reference}"
                for title, url in c.documents:
                    doc = ContractDocument(
                        contract=contract, title=title, url=url, kind=ContractDocument.Kind.OTHER
                    )
                    save_versioned(doc, expected_version=None, by=by)
                result.contracts_created += 1
            for p in plan.procurements:
                report = reports[p.ocid]
                if p.ocid in known:
                    report.created = ""
                    report.skipped.insert(0, "whole release: already in the register (same ocid)")
                    continue
                project = ProcurementProject(
                    partnership=partnership,
                    reference=unique_ref(p.reference, project_refs),
                    title=p.title,
                    description=p.description,
                    lead_commissioner_id=buyer_id(p.buyer, report),
                    route=p.route,
                    start_date=min((s.planned_date for s in p.stages), default=None),
                    status=p.status,
                    estimated_value=p.estimated_value,
                    ocid=p.ocid,
                    source=p.source,
                )
                # An OCDS "open" tender of 2014 was a PCR 2006 one: the route of its time.
                project.route = procurement_law.equivalent_route(
                    project.route, project.buyer, project.start_date, procurement_law.ServiceKind.HEALTHCARE
                )
                save_versioned(project, expected_version=None, by=by)
                report.created = f"procurement project {project.reference}"
                for s in p.stages:
                    save_versioned(
                        ProcurementStage(project=project, stage=s.stage, planned_date=s.planned_date),
                        expected_version=None,
                        by=by,
                    )
                result.procurements_created += 1
    except (IntegrityError, ValueError, ValidationError) as exc:  # the transaction rolled back
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        result.problems.append(f"(database): nothing was imported: {detail}")
        result.contracts_created = result.procurements_created = result.organisations_created = 0
        for r in result.reports:
            r.created = ""
    return result
