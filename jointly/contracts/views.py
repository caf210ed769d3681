"""Contract register, detail, change control, expiry, timeline, pipeline, procurement and OCDS pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jointly.accounts.permissions import Perm, Scope
from jointly.contracts import actions, exporting, planning, queries, terms
from jointly.contracts.forms import (
    ConflictForm,
    ContractForm,
    ContractMoneyForm,
    DecisionForm,
    DocumentForm,
    ExpiryForm,
    FundingShareForm,
    OcdsImportForm,
    ProcurementForm,
    RegisterFilterForm,
    StageForm,
    SubcontractorForm,
    VariationForm,
)
from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    ContractDocument,
    ContractSubcontractor,
    FundingShare,
    OcdsImportLog,
    OcdsImportStatus,
    ProcurementProject,
    ProcurementStage,
    Variation,
    VariationStatus,
)
from jointly.core import imports, uploads
from jointly.core.access import get_partnership, get_scope
from jointly.core.approvals import FourEyesError
from jointly.core.asat import as_at_for, today_for
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.history import history_for
from jointly.core.models import StaleEdit
from jointly.core.pages import partnership_context
from jointly.core.query_params import BadQueryParameter
from jointly.core.views import handle_versioned_form
from jointly.partnerships.models import Partnership

FORM = "partnerships/form.html"


NO_CONTRACTS = "You do not have permission to see contracts in this partnership."


def _today(request: HttpRequest, partnership: Partnership) -> dt.date:
    """The partnership's "today" (its reference date, else the real date); see core.asat."""
    return today_for(partnership)


# --- register and detail --------------------------------------------------------------------------


def register(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_CONTRACTS)
    form = RegisterFilterForm(request.GET or None, partnership=partnership, scope=scope)
    as_at = as_at_for(request, partnership)
    rows = planning.rows(form.apply(queries.register(partnership, scope)), as_at)
    fmt = request.GET.get("format")
    if fmt == "csv":
        return csv_response(f"{slug}-contracts.csv", exporting.HEADERS, exporting.register_rows(rows))
    if fmt == "xlsx":
        return xlsx_response(
            f"{slug}-contracts.xlsx", "Contracts", exporting.HEADERS, exporting.register_rows(rows)
        )
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "contracts/register.html",
        partnership_context(
            request,
            partnership,
            form=form,
            rows=rows,
            query=query.urlencode(),
            provider_view=not scope.everything,
            as_at=as_at,
        ),
    )


def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_CONTRACTS)
    contract = get_object_or_404(queries.detail(partnership, scope), pk=pk)
    return _render_detail(request, partnership, contract, scope)


def _render_detail(
    request: HttpRequest,
    partnership: Partnership,
    contract: Contract,
    scope: Scope | None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    current = contract.current_terms()
    as_at = as_at_for(request, partnership)
    decision_for = extra.pop("decision_for", None)
    decision_form = extra.pop("decision_form", None)
    variations = list(contract.variations.all())
    for v in variations:
        if v.status == VariationStatus.PROPOSED:
            # four eyes (enforced in actions.decide_variation): the proposer sees why, not a form
            if request.user.pk in (v.proposed_by_id, v.modified_by_id):
                v.four_eyes = str(FourEyesError("variation", "approve or reject"))
            v.decision_form = (
                decision_form if v.pk == decision_for else DecisionForm(initial={"version": v.version})
            )
    return render(
        request,
        "contracts/detail.html",
        partnership_context(
            request, partnership,
            contract=contract, current=current, variations=variations,
            as_at=as_at, status_label=contract.status_label_as_at(as_at),
            notice_by=terms.notice_by(current.end_date, contract.notice_months),
            latest_end=terms.latest_possible_end(current.end_date, contract.extension_count, contract.extension_months),
            funding=queries.funding_table(contract),
            value_by_year=queries.value_by_year(contract, current),
            history=history_for(contract),
            variation_history=queries.variation_history(contract),
            provider_view=scope is not None and not scope.everything,
            **extra,
        ),
        status=status,
    )  # fmt: skip


def contract_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACTS)
    instance = get_object_or_404(Contract, partnership=partnership, pk=pk) if pk else None
    form = ContractForm(request.POST or None, instance=instance, partnership=partnership)
    return handle_versioned_form(
        request, form, template=FORM,
        context=partnership_context(
            request, partnership,
            heading=f"Edit {instance.reference}" if instance else "Add a contract",
            cancel_url=instance.get_absolute_url() if instance else reverse("contracts:register", args=[slug])),
        success_message="Contract saved.",
    )  # fmt: skip


def money_form(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A contract's value and efficiency requirement: finance (and commissioners) keep them."""
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACT_MONEY)
    instance = get_object_or_404(Contract, partnership=partnership, pk=pk)
    form = ContractMoneyForm(request.POST or None, instance=instance)
    return handle_versioned_form(
        request, form, template=FORM,
        context=partnership_context(request, partnership, heading=f"Value and efficiency: {instance.reference}",
                                    cancel_url=instance.get_absolute_url()),
        success_message="Contract value and efficiency saved.",
    )  # fmt: skip


def _child_form(
    request: HttpRequest,
    slug: str,
    pk: int,
    model: type,
    form_class: type,
    child_pk: int | None,
    heading: str,
    anchor: str,
    perm: Perm = Perm.EDIT_CONTRACTS,
) -> HttpResponse:
    partnership = get_partnership(request, slug, perm)
    contract = get_object_or_404(
        Contract.objects.select_related("partnership"), partnership=partnership, pk=pk
    )
    instance = get_object_or_404(model, contract=contract, pk=child_pk) if child_pk else None
    form = form_class(request.POST or None, instance=instance, contract=contract)
    return handle_versioned_form(
        request, form, template=FORM,
        context=partnership_context(request, partnership, heading=f"{heading}: {contract.reference}",
                                    cancel_url=contract.get_absolute_url()),
        success_message="Saved.", success_url=contract.get_absolute_url() + anchor,
    )  # fmt: skip


def funding_form(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    heading = "Edit funding share" if child_pk else "Add a funding share"
    return _child_form(
        request,
        slug,
        pk,
        FundingShare,
        FundingShareForm,
        child_pk,
        heading,
        "#funding",
        Perm.EDIT_CONTRACT_MONEY,
    )


def document_form(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    heading = "Edit document link" if child_pk else "Add a document link"
    return _child_form(request, slug, pk, ContractDocument, DocumentForm, child_pk, heading, "#documents")


def subcontractor_form(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    heading = "Edit sub-contractor" if child_pk else "Add a sub-contractor"
    return _child_form(
        request, slug, pk, ContractSubcontractor, SubcontractorForm, child_pk, heading, "#subcontractors"
    )


def variation_form(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    heading = "Edit proposed variation" if child_pk else "Propose a variation"
    return _child_form(request, slug, pk, Variation, VariationForm, child_pk, heading, "#variations")


@require_POST
def decide_variation(request: HttpRequest, slug: str, pk: int, variation_pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.APPROVE_VARIATIONS)
    contract = get_object_or_404(queries.detail(partnership), pk=pk)
    variation = get_object_or_404(Variation, contract=contract, pk=variation_pk)
    form = DecisionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.decide_variation(
                variation,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleEdit as exc:
            form.add_error(None, str(exc))
            status = 409
        except actions.ChangeControlError as exc:
            form.add_error(None, str(exc))
            status = 409
        except FourEyesError as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(
                request, f"Variation {'approved' if variation.status == 'approved' else 'rejected'}."
            )
            return HttpResponseRedirect(contract.get_absolute_url() + "#variations")
        contract = get_object_or_404(queries.detail(partnership), pk=pk)
    return _render_detail(
        request, partnership, contract, None, status=status, decision_form=form, decision_for=variation.pk
    )


# --- expiry, alignment and timeline -----------------------------------------------------------------


def _expiry_params(request: HttpRequest, partnership: Partnership) -> tuple[ExpiryForm, int, int, dt.date]:
    form = ExpiryForm(request.GET or None)
    months, window, as_at = 12, 6, _today(request, partnership)
    if request.GET and form.is_valid():
        months = form.cleaned_data["months"] or months
        window = form.cleaned_data["window"] if form.cleaned_data["window"] is not None else window
        as_at = form.cleaned_data["as_at"] or as_at
    return form, months, window, as_at


def expiry(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_CONTRACTS)
    form, months, window, today = _expiry_params(request, partnership)
    all_rows = planning.rows(queries.register(partnership, scope), today)
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request,
        "contracts/expiry.html",
        partnership_context(
            request, partnership, form=form, months=months, window=window, today=today,
            expiring=planning.expiring(all_rows, today, months),
            alignments=[] if not scope.everything else planning.alignments(all_rows, window),
            provider_view=not scope.everything,
        ),
        status=status,
    )  # fmt: skip


def timeline(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_CONTRACTS)
    _form, _months, _window, today = _expiry_params(request, partnership)
    all_rows = planning.rows(queries.register(partnership, scope), today)
    return render(
        request,
        "contracts/timeline.html",
        partnership_context(request, partnership, chart=planning.timeline(all_rows, today), today=today),
    )


# --- procurement ------------------------------------------------------------------------------------


def pipeline(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_CONTRACTS)
    rows = planning.pipeline_rows(queries.procurements(partnership))
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        body = exporting.pipeline_rows(rows)
        if fmt == "csv":
            return csv_response(f"{slug}-pipeline.csv", exporting.PIPELINE_HEADERS, body)
        return xlsx_response(f"{slug}-pipeline.xlsx", "Pipeline", exporting.PIPELINE_HEADERS, body)
    return render(
        request,
        "contracts/pipeline.html",
        partnership_context(
            request, partnership, groups=planning.group_by_quarter(rows),
            opportunities=planning.joint_opportunities(rows),
        ),
    )  # fmt: skip


def procurement(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_CONTRACTS)
    project = get_object_or_404(queries.procurement_detail(partnership), pk=pk)
    return render(
        request,
        "contracts/procurement.html",
        partnership_context(request, partnership, project=project, history=history_for(project)),
    )


def procurement_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACTS)
    instance = get_object_or_404(ProcurementProject, partnership=partnership, pk=pk) if pk else None
    form = ProcurementForm(request.POST or None, instance=instance, partnership=partnership)
    return handle_versioned_form(
        request, form, template=FORM,
        context=partnership_context(
            request, partnership,
            heading=f"Edit {instance.reference}" if instance else "Add a procurement project",
            cancel_url=instance.get_absolute_url() if instance else reverse("contracts:pipeline", args=[slug])),
        success_message="Procurement project saved.",
    )  # fmt: skip


def _project_child(
    request: HttpRequest, slug: str, pk: int, model: type, form_class: type, child_pk: int | None,
    heading: str, anchor: str,
) -> HttpResponse:  # fmt: skip
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACTS)
    project = get_object_or_404(
        ProcurementProject.objects.select_related("partnership"), partnership=partnership, pk=pk
    )
    instance = get_object_or_404(model, project=project, pk=child_pk) if child_pk else None
    form = form_class(request.POST or None, instance=instance, project=project)
    return handle_versioned_form(
        request, form, template=FORM,
        context=partnership_context(request, partnership, heading=f"{heading}: {project.reference}",
                                    cancel_url=project.get_absolute_url()),
        success_message="Saved.", success_url=project.get_absolute_url() + anchor,
    )  # fmt: skip


def stage_form(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    heading = "Edit stage" if child_pk else "Add a stage"
    return _project_child(request, slug, pk, ProcurementStage, StageForm, child_pk, heading, "#stages")


def conflict_form(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    heading = "Edit declaration" if child_pk else "Record a declaration of interest"
    return _project_child(
        request, slug, pk, ConflictOfInterest, ConflictForm, child_pk, heading, "#conflicts"
    )


def conflicts(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_CONTRACTS)
    declarations = (
        ConflictOfInterest.objects.filter(project__partnership=partnership)
        .select_related("project")
        .order_by("-declared_on", "id")
    )
    return render(
        request,
        "contracts/conflicts.html",
        partnership_context(request, partnership, declarations=declarations),
    )


# --- OCDS ---------------------------------------------------------------------------------------------


def ocds_export(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_CONTRACTS)
    kind = request.GET.get("kind", "release")
    if kind not in ("release", "record"):
        raise BadQueryParameter("kind", "Ask for kind=release or kind=record.")
    package = exporting.ocds_package(partnership, kind=kind, base_uri=request.build_absolute_uri("/"))
    response = HttpResponse(
        json.dumps(package, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-ocds-{kind}-package.json"'
    return response


OCDS_KEEP_SECONDS = 2 * 24 * 3600


def _ocds_dir() -> Path:
    path = Path(settings.VAR_DIR) / "ocds-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _ocds_stored(log: OcdsImportLog) -> Path | None:
    """The checked upload of a log (``<log id>-<random>.json``), while it is kept."""
    return next(iter(sorted(_ocds_dir().glob(f"{int(log.pk)}-*.json"))), None)


def _sweep_ocds(now: float | None = None) -> None:
    """Checked packages nobody imported are deleted after two days."""
    limit = (now if now is not None else time.time()) - OCDS_KEEP_SECONDS
    for path in _ocds_dir().glob("*.json"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _ocds_logs(partnership: Partnership) -> list[OcdsImportLog]:
    return list(OcdsImportLog.objects.filter(partnership=partnership).select_related("uploaded_by")[:20])


@uploads.upload_view
def ocds_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a package and check it: the import is run and rolled back, and the log's page shows
    what importing would create and asks to import it. The role is checked and the size capped
    before the body is read (see ``core/uploads.py``)."""
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACTS)
    if uploads.body_too_large(request, uploads.max_upload_bytes()):
        form = uploads.refused_form(OcdsImportForm(), uploads.too_large_message(uploads.max_upload_bytes()))
        ctx = partnership_context(request, partnership, form=form, result=None, logs=_ocds_logs(partnership))
        return render(request, "contracts/import.html", ctx, status=413)
    if failed := uploads.csrf_failure(request):
        return failed
    form = OcdsImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            upload.seek(0)
            raw = upload.read()  # already read whole by the form's JSON parser, within the upload cap
            log, result = actions.logged_import_ocds(
                partnership, form.cleaned_data["data"], by=request.user, file_name=upload.name,
                checksum=hashlib.sha256(raw).hexdigest(), check_only=True,
            )  # fmt: skip
            if result.ok:
                _sweep_ocds()
                (_ocds_dir() / f"{log.pk}-{uuid.uuid4().hex}.json").write_bytes(raw)
                return HttpResponseRedirect(reverse("contracts:ocds_import_log", args=[slug, log.pk]))
    ctx = partnership_context(request, partnership, form=form, result=result, logs=_ocds_logs(partnership))
    return render(request, "contracts/import.html", ctx, status=status)


def ocds_import_log(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An OCDS import's report, kept with its log. A checked package is imported from here
    (POST): the stored file must be the one checked."""
    # Only those who may import see the logs: a report names every contract and party of the
    # package, which a provider (scoped to its own contracts) must not read.
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACTS)
    log = get_object_or_404(
        OcdsImportLog.objects.select_related("uploaded_by"), pk=pk, partnership=partnership
    )
    stored = _ocds_stored(log) if log.status == OcdsImportStatus.CHECKED else None
    if request.method == "POST":
        if stored is None:
            return HttpResponse("This package cannot be imported now: upload it again.", status=409)
        raw = stored.read_bytes()
        stored.unlink(missing_ok=True)
        if hashlib.sha256(raw).hexdigest() != log.checksum:
            return HttpResponse(
                "The stored file has changed since it was checked: upload it again.", status=409
            )
        try:
            data = imports.load_json(raw, limits=uploads.limits())
        except imports.ImportRefused:
            return HttpResponse("The stored file can no longer be read: upload it again.", status=409)
        log.uploaded_by = request.user
        actions.logged_import_ocds(
            partnership, data, by=request.user, file_name=log.file_name, checksum=log.checksum, log=log
        )
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "contracts/import_log.html",
        partnership_context(request, partnership, log=log, report=log.report, can_import=stored is not None),
    )
