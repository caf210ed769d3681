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

from jointly.contracts import ocds, procurement_law, rules
from jointly.contracts.models import (
    Contract,
    ContractDocument,
    ContractStatus,
    ContractType,
    OcdsImportLog,
    OcdsImportStatus,
    PartyIdentifier,
    ProcurementProject,
    ProcurementStage,
    Variation,
    VariationStatus,
)
from jointly.core.approvals import check_four_eyes
from jointly.core.models import StaleEdit
from jointly.core.models import save_versioned as _save_versioned
from jointly.partnerships.models import (
    MemberRole,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipMember,
)


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
        if approve and (late := rules.variation_in_term(fresh.contract, fresh.effective_date, fresh)):
            raise ChangeControlError(late["effective_date"])
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
    warnings: list[str] = field(default_factory=list)
    reports: list[ocds.ReleaseReport] = field(default_factory=list)
    contracts_created: int = 0
    procurements_created: int = 0
    organisations_created: int = 0
    #: How each party was found: {"buyer": {"matched": n, "added": n}, "supplier": {...}} (distinct parties).
    parties: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The organisations added (name, kind), for the report.
    added_organisations: list[dict[str, str]] = field(default_factory=list)
    seen_parties: set[tuple[str, int]] = field(default_factory=set, repr=False)

    def count_party(self, role: str, pk: int, how: str) -> None:
        if (role, pk) in self.seen_parties:
            return
        self.seen_parties.add((role, pk))
        counts = self.parties.setdefault(role, {"matched": 0, "added": 0})
        counts[how] += 1

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def report(self) -> dict[str, Any]:
        return ocds_report(self)

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


_KIND_WORDS = [
    ("nhs england", OrganisationKind.NHS_ENGLAND), ("integrated care board", OrganisationKind.ICB),
    ("clinical commissioning group", OrganisationKind.CCG), ("commissioning support", OrganisationKind.CSU),
    ("police", OrganisationKind.POLICE), ("district council", OrganisationKind.DISTRICT_COUNCIL),
    ("council", OrganisationKind.COUNCIL), ("london borough", OrganisationKind.COUNCIL),
    ("nhs trust", OrganisationKind.NHS_TRUST), ("nhs foundation trust", OrganisationKind.NHS_TRUST),
    ("school", OrganisationKind.SCHOOL), ("academy", OrganisationKind.SCHOOL),
]  # fmt: skip


def organisation_kind(ref: ocds.OrgRef) -> str:
    """The kind of a new organisation from its party: its name's words first (a council, an ICB, an
    NHS trust…), then its roles: a buyer is a public body, a supplier a provider (voluntary when
    the notice says VCSE)."""
    name = f" {ref.name.lower()} "
    for word, kind in _KIND_WORDS:
        if word in name:
            return kind
    if ref.scheme.upper() == "GB-NHS":
        return OrganisationKind.NHS_TRUST
    if "buyer" in ref.roles and "supplier" not in ref.roles:
        return OrganisationKind.PUBLIC_BODY
    return OrganisationKind.VOLUNTARY_PROVIDER if ref.vcse else OrganisationKind.INDEPENDENT_PROVIDER


def _name_key(name: str) -> str:
    return " ".join(name.lower().replace(",", " ").replace(".", " ").split())


class _Organisations:
    """Finds a party's organisation by identifier (a scheme and id seen before, or GB-NHS = an ODS
    code), then by name; creates it otherwise (remembering its identifier for the next import)."""

    def __init__(self, result: ImportResult, by: Any) -> None:
        self.result, self.by = result, by
        self.by_name = {_name_key(name): pk for pk, name in Organisation.objects.values_list("pk", "name")}
        self.by_ods = {
            code.upper(): pk
            for pk, code in Organisation.objects.exclude(ods_code="").values_list("pk", "ods_code")
        }
        self.by_identifier = {
            (scheme.upper(), code.upper()): pk
            for scheme, code, pk in PartyIdentifier.objects.values_list(
                "scheme", "identifier", "organisation_id"
            )
        }
        self.slugs = set(Organisation.objects.values_list("slug", flat=True))

    def find(self, ref: ocds.OrgRef) -> tuple[int | None, str]:
        key = (ref.scheme.upper(), ref.identifier.upper())
        if ref.scheme and key in self.by_identifier:
            return self.by_identifier[key], f"by identifier {ref.scheme} {ref.identifier}"
        if ref.scheme.upper() == "GB-NHS" and ref.identifier.upper() in self.by_ods:
            return self.by_ods[ref.identifier.upper()], f"by ODS code {ref.identifier}"
        pk = self.by_name.get(_name_key(ref.name))
        return pk, "by name"

    def resolve(self, ref: ocds.OrgRef, role: str, report: ocds.ReleaseReport) -> int:
        pk, how = self.find(ref)
        if pk is None:
            kind = organisation_kind(ref)
            org = Organisation(slug=_unique_slug(ref.name, self.slugs), name=ref.name, kind=kind)
            save_versioned(org, expected_version=None, by=self.by)
            pk = org.pk
            self.by_name[_name_key(ref.name)] = pk
            self.result.organisations_created += 1
            self.result.added_organisations.append(
                {"name": org.name, "kind": org.get_kind_display(), "role": role}
            )
            self.result.count_party(role, pk, "added")
            report.notes.append(
                f"{role} {ref.name!r} added as an organisation ({org.get_kind_display().lower()})"
            )
        else:
            self.result.count_party(role, pk, "matched")
            if how != "by name" or role == "buyer":
                report.notes.append(f"{role} {ref.name!r} matched {how}")
        key = (ref.scheme.upper(), ref.identifier.upper())
        if ref.scheme and ref.identifier and key not in self.by_identifier:
            PartyIdentifier.objects.create(organisation_id=pk, scheme=ref.scheme, identifier=ref.identifier)
            self.by_identifier[key] = pk
        return pk


def _known_ocids(partnership: Partnership) -> set[str]:
    """The processes already in the register: imported ones by their ocid, and our own exports'
    ocids (``ocds-jntly0-<partnership>-c<id>``), so re-importing our export creates nothing."""
    known: set[str] = set()
    for model, kind in ((Contract, "c"), (ProcurementProject, "p")):
        for pk, ocid in model.objects.filter(partnership=partnership).values_list("pk", "ocid"):
            known.add(ocid or f"{ocds.OCID_PREFIX}-{partnership.slug}-{kind}{pk}")
    return known


class _DryRun(Exception):
    """Rolls a check-only import back once its report is made."""


def import_ocds(
    partnership: Partnership, data: Any, *, by: Any, source: str = "OCDS import", dry_run: bool = False
) -> ImportResult:
    """Load a release package into the register: whole or not at all.

    Releases already in the register (same ocid) are reported and skipped, so importing the
    same file twice creates nothing the second time. ``dry_run`` does all of it and rolls it
    back: the result says what importing would create, and nothing is kept.
    """
    try:
        with transaction.atomic():
            result = _import_ocds(partnership, data, by=by, source=source)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _import_ocds(partnership: Partnership, data: Any, *, by: Any, source: str) -> ImportResult:
    plan = ocds.plan_import(data, source=source)
    result = ImportResult(problems=list(plan.problems), reports=plan.reports)
    if result.problems:
        return result
    result.warnings = list(plan.warnings)
    known = _known_ocids(partnership)
    reports = {r.ocid: r for r in plan.reports if r.created}
    contract_refs = set(Contract.objects.filter(partnership=partnership).values_list("reference", flat=True))
    project_refs = set(
        ProcurementProject.objects.filter(partnership=partnership).values_list("reference", flat=True)
    )
    commissioners = set(
        PartnershipMember.objects.filter(
            partnership=partnership, role__in=[MemberRole.HOST, MemberRole.PARTNER]
        ).values_list("organisation_id", flat=True)
    )
    orgs = _Organisations(result, by)

    def unique_ref(ref: str, taken: set[str]) -> str:
        candidate, i = ref, 2
        while candidate in taken:
            suffix = f"-{i}"
            candidate = ref[: 100 - len(suffix)] + suffix
            i += 1
        taken.add(candidate)
        return candidate

    def buyer_ids(ref: ocds.OrgRef | None, report: ocds.ReleaseReport) -> tuple[int | None, int | None]:
        """(buyer, lead commissioner): the buyer is kept; it leads only if it is one of our commissioners."""
        if ref is None:
            report.skipped.append("no buyer named: lead commissioner left blank")
            return None, None
        pk = orgs.resolve(ref, "buyer", report)
        if pk in commissioners:
            return pk, pk
        report.notes.append(
            f"buyer {ref.name!r} is not one of the partnership's commissioners: recorded as the buyer, "
            "lead commissioner left blank"
        )
        return pk, None

    today = timezone.localdate()
    try:
        with transaction.atomic():
            for c in plan.contracts:
                report = reports[c.ocid]
                if c.ocid in known:
                    report.created = ""
                    report.skipped.insert(0, "whole release: already in the register (same ocid)")
                    continue
                buyer, lead = buyer_ids(c.buyer, report)
                supplier_pks = list(
                    dict.fromkeys(orgs.resolve(s, "supplier", report) for s in c.suppliers or [c.supplier])
                )
                contract = Contract(
                    partnership=partnership,
                    reference=unique_ref(c.reference, contract_refs),
                    title=c.title,
                    description=c.description,
                    provider_id=supplier_pks[0],
                    lead_commissioner_id=lead,
                    buyer_id=buyer,
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
                contract.suppliers.set(supplier_pks)
                if len(supplier_pks) > 1:
                    report.notes.append(f"{len(supplier_pks)} suppliers recorded (the first as the provider)")
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
                buyer, lead = buyer_ids(p.buyer, report)
                project = ProcurementProject(
                    partnership=partnership,
                    reference=unique_ref(p.reference, project_refs),
                    title=p.title,
                    description=p.description,
                    lead_commissioner_id=lead,
                    buyer_id=buyer,
                    route=p.route,
                    start_date=min((s.planned_date for s in p.stages), default=None),
                    status=p.status,
                    estimated_value=p.estimated_value,
                    ocid=p.ocid,
                    source=p.source,
                )
                # An OCDS "open" tender of 2014 was a PCR 2006 one: the route of its time.
                project.route = procurement_law.equivalent_route(
                    project.route,
                    project.buyer_kind,
                    project.start_date,
                    procurement_law.ServiceKind.HEALTHCARE,
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


# --- Import logs -----------------------------------------------------------------------------------


def ocds_report(result: ImportResult) -> dict[str, Any]:
    """The import report kept on the log (JSON): problems, warnings, parties, release by release."""
    return {
        "problems": list(result.problems),
        "warnings": list(result.warnings),
        "parties": result.parties,
        "added_organisations": result.added_organisations[:500],
        "releases": [
            {"ocid": r.ocid, "release_id": r.release_id, "title": r.title, "created": r.created,
             "warnings": r.warnings, "notes": r.notes, "skipped": r.skipped}
            for r in result.reports
        ],
    }  # fmt: skip


def logged_import_ocds(
    partnership: Partnership,
    data: Any,
    *,
    by: Any,
    file_name: str,
    checksum: str = "",
    check_only: bool = False,
    log: OcdsImportLog | None = None,
) -> tuple[OcdsImportLog, ImportResult]:
    """:func:`import_ocds` (or its dry run) with its outcome and report kept on an import log."""
    result = import_ocds(
        partnership, data, by=by, source=f"OCDS import of {file_name}"[:200], dry_run=check_only
    )
    if log is None:
        log = OcdsImportLog(
            partnership=partnership, uploaded_by=by if getattr(by, "pk", None) else None,
            file_name=file_name[:255], checksum=checksum,
        )  # fmt: skip
    if not result.ok:
        log.status = OcdsImportStatus.FAILED
    else:
        log.status = OcdsImportStatus.CHECKED if check_only else OcdsImportStatus.DONE
    log.releases = len(result.reports)
    log.contracts_created = result.contracts_created
    log.procurements_created = result.procurements_created
    log.organisations_created = result.organisations_created
    log.problem_count = len(result.problems)
    log.report = ocds_report(result)
    log.finished_on = timezone.now()
    log.save()
    return log, result
