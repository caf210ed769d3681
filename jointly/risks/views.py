"""Risk register pages: register, heat map, a risk with its history chart, forms, matrix, import, and
providers' proposed risks (propose; the list; accept or decline, four eyes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from jointly.accounts.permissions import Perm, has_permission
from jointly.core import asat, uploads
from jointly.core.access import get_partnership, get_scope
from jointly.core.approvals import FourEyesError, may_decide
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.history import history_for
from jointly.core.imports import group_problems
from jointly.core.models import StaleEdit
from jointly.core.pages import partnership_context
from jointly.core.views import handle_versioned_form
from jointly.finance.models import Fund
from jointly.partnerships.models import Partnership
from jointly.risks import actions, exporting, importer, queries, scoring
from jointly.risks.forms import (
    ActionForm,
    ControlForm,
    ImportForm,
    MatrixForm,
    ProposalDecisionForm,
    ProposalForm,
    RescoreForm,
    RiskFilterForm,
    RiskForm,
)
from jointly.risks.models import ProposalStatus, Risk, RiskAction, RiskControl, RiskMatrix

NO_RISKS = "You do not have permission to see risks in this partnership."
NO_PROPOSALS = "You do not have permission to see proposed risks in this partnership."
ONLY_PROVIDERS_PROPOSE = "Only a provider proposes a risk, on its own contracts and services (commissioners record risks directly)."
FORM_TEMPLATE = "partnerships/form.html"


def _scope(request: HttpRequest, slug: str) -> tuple[Partnership, Any]:
    """Planning readers see every risk; a provider sees the risks of its own contracts."""
    return get_scope(request, slug, every=Perm.VIEW_PLANNING, own=Perm.VIEW_OWN_CONTRACTS, message=NO_RISKS)


def _categories(partnership: Partnership, scope: Any) -> list[str]:
    values = queries.scoped(partnership, scope).exclude(category="").values_list("category", flat=True)
    return sorted(set(values))


def register(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = _scope(request, slug)
    matrix = queries.matrix_for(partnership)
    as_at = asat.as_at_for(request, partnership)
    funds = Fund.objects.filter(partnership=partnership) if scope.everything else None
    form = RiskFilterForm(
        request.GET or None, categories=_categories(partnership, scope), matrix=matrix, funds=funds
    )
    risks = form.apply(queries.listing(partnership, scope))
    fmt = request.GET.get("format")
    if fmt == "csv":
        return csv_response(f"{slug}-risks.csv", exporting.HEADERS, exporting.rows(risks, matrix))
    if fmt == "xlsx":
        return xlsx_response(f"{slug}-risks.xlsx", "Risks", exporting.HEADERS, exporting.rows(risks, matrix))
    rows = [
        (r, matrix.band(r.inherent_rating), matrix.band(r.current_rating), r.review_overdue(as_at))
        for r in risks
    ]
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "risks/register.html",
        partnership_context(
            request, partnership, form=form, rows=rows, query=query.urlencode(), as_at=as_at, matrix=matrix,
            provider_view=not scope.everything,
            waiting=queries.waiting_proposals(partnership) if scope.everything else None,
        ),
    )  # fmt: skip


def _heat(
    partnership: Partnership, slug: str, risks: list[Risk], matrix: scoring.Matrix, basis: str
) -> dict[str, Any]:
    pairs = [(getattr(r, f"{basis}_impact"), getattr(r, f"{basis}_likelihood")) for r in risks]
    grid = scoring.heat_grid(pairs, matrix)
    base = reverse("risks:register", args=[slug])
    links = {
        (c.impact, c.likelihood): base
        + "?"
        + urlencode({"basis": basis, "impact": c.impact, "likelihood": c.likelihood})
        for row in grid
        for c in row
    }
    layout = scoring.heat_layout(grid)
    return {
        "basis": basis,
        "title": "Inherent (before controls)" if basis == "inherent" else "Current (after controls)",
        "layout": layout,
        "cells": [(p, links[(p.cell.impact, p.cell.likelihood)]) for p in layout.cells],
        "rows": [[(c, links[(c.impact, c.likelihood)]) for c in row] for row in grid],
        "unscored": sum(1 for i, lk in pairs if i is None or lk is None),
        "total": sum(c.count for row in grid for c in row),
    }


def heat_map(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = _scope(request, slug)
    matrix = queries.matrix_for(partnership)
    risks = list(queries.scoped(partnership, scope).exclude(status="closed"))
    maps = [_heat(partnership, slug, risks, matrix, basis) for basis in ("inherent", "current")]
    return render(
        request,
        "risks/heat_map.html",
        partnership_context(
            request, partnership, maps=maps, matrix=matrix, provider_view=not scope.everything
        ),
    )


def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope = _scope(request, slug)
    risk = get_object_or_404(queries.detail(partnership, scope), pk=pk)
    matrix = queries.matrix_for(partnership)
    as_at = asat.as_at_for(request, partnership)
    reviews = list(risk.reviews.all())
    chart = scoring.history_chart([(r.reviewed_on, r.rating) for r in reviews], matrix)
    scores = [
        ("Inherent", risk.inherent_impact, risk.inherent_likelihood, risk.inherent_rating),
        ("Current", risk.current_impact, risk.current_likelihood, risk.current_rating),
        ("Target", risk.target_impact, risk.target_likelihood, risk.target_rating),
    ]
    return render(
        request,
        "risks/detail.html",
        partnership_context(
            request, partnership, risk=risk, as_at=as_at, chart=chart, reviews=reviews,
            scores=[(label, i, lk, r, matrix.band(r)) for label, i, lk, r in scores],
            actions=[(a, a.is_overdue(as_at)) for a in risk.actions.all()],
            review_overdue=risk.review_overdue(as_at), history=history_for(risk, limit=10),
            proposal=risk.proposals.select_related("organisation").first(),
        ),
    )  # fmt: skip


def history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope = _scope(request, slug)
    risk = get_object_or_404(queries.scoped(partnership, scope), pk=pk)
    return render(
        request,
        "risks/history.html",
        partnership_context(request, partnership, risk=risk, history=history_for(risk, limit=500)),
    )


def risk_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_RISKS)
    instance = get_object_or_404(Risk, partnership=partnership, pk=pk) if pk else None
    form = RiskForm(request.POST or None, instance=instance, partnership=partnership)
    context = partnership_context(
        request, partnership, heading=f"Edit {instance.reference}" if instance else "Record a risk",
        cancel_url=instance.get_absolute_url() if instance else reverse("risks:register", args=[slug]),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            risk = form.save_as(by=request.user)
        except StaleEdit:
            return render(request, FORM_TEMPLATE, {**context, "form": form}, status=409)
        if instance is None:
            actions.record_first_review(
                risk, on=risk.identified_on or asat.today_for(partnership), by=request.user
            )
        messages.success(request, "Risk saved.")
        return HttpResponseRedirect(risk.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, FORM_TEMPLATE, {**context, "form": form}, status=status)


def rescore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_RISKS)
    risk = get_object_or_404(Risk, partnership=partnership, pk=pk)
    initial = {
        "version": risk.version, "impact": risk.current_impact, "likelihood": risk.current_likelihood,
        "reviewed_on": asat.today_for(partnership), "review_due": risk.review_due,
    }  # fmt: skip
    form = RescoreForm(request.POST or None, initial=initial)
    context = partnership_context(
        request, partnership, heading=f"Re-score {risk.reference}", cancel_url=risk.get_absolute_url(),
        submit_label="Save the review",
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.rescore(
                risk, impact=d["impact"], likelihood=d["likelihood"], reviewed_on=d["reviewed_on"],
                note=d["note"], review_due=d["review_due"], expected_version=d["version"], by=request.user,
            )  # fmt: skip
        except StaleEdit as exc:
            form.add_error(None, str(exc))
            return render(request, FORM_TEMPLATE, {**context, "form": form}, status=409)
        messages.success(
            request, f"Review saved: {risk.reference} is now rated {d['impact'] * d['likelihood']}."
        )
        return HttpResponseRedirect(risk.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, FORM_TEMPLATE, {**context, "form": form}, status=status)


def _child_form(
    request: HttpRequest, slug: str, pk: int, model: type, form_class: type, item: int | None, noun: str
) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_RISKS)
    risk = get_object_or_404(Risk, partnership=partnership, pk=pk)
    instance = get_object_or_404(model, risk=risk, pk=item) if item else None
    form = form_class(request.POST or None, instance=instance, risk=risk)
    return handle_versioned_form(
        request, form, template=FORM_TEMPLATE,
        context=partnership_context(
            request, partnership, heading=f"{'Edit' if instance else 'Add'} {noun}: {risk.reference}",
            cancel_url=risk.get_absolute_url(),
        ),
        success_message=f"{noun.capitalize()} saved.",
    )  # fmt: skip


def control_form(request: HttpRequest, slug: str, pk: int, item: int | None = None) -> HttpResponse:
    return _child_form(request, slug, pk, RiskControl, ControlForm, item, "a control")


def action_form(request: HttpRequest, slug: str, pk: int, item: int | None = None) -> HttpResponse:
    return _child_form(request, slug, pk, RiskAction, ActionForm, item, "an action")


def matrix(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's bands and escalation: everyone who reads risks sees it; admins change it."""
    partnership, scope = _scope(request, slug)
    row = queries.matrix_row(partnership)
    can_edit = partnership_context(request, partnership)["can"].get(str(Perm.EDIT_GOVERNANCE), False)
    if request.method == "POST" and not can_edit:
        get_partnership(request, slug, Perm.EDIT_GOVERNANCE)  # 403
    form = MatrixForm(
        request.POST or None, instance=row or RiskMatrix(partnership=partnership), partnership=partnership
    )
    grid = scoring.heat_grid([], row.as_matrix() if row else scoring.DEFAULT_MATRIX)
    return handle_versioned_form(
        request, form, template="risks/matrix.html",
        context=partnership_context(
            request, partnership, heading="Risk matrix", grid=grid, row=row, can_edit=can_edit,
            cancel_url=reverse("risks:register", args=[slug]),
        ),
        success_message="Risk matrix saved.",
        success_url=reverse("risks:matrix", args=[slug]),
    )  # fmt: skip


@uploads.upload_view
def import_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a register: every problem by row and column, nothing saved unless all is well."""
    partnership = get_partnership(request, slug, Perm.EDIT_RISKS)
    if request.GET.get("template"):
        return csv_response("risks-template.csv", importer.REQUIRED + importer.OPTIONAL, [])
    if uploads.body_too_large(request, uploads.max_upload_bytes()):
        problems: list[Any] = [uploads.too_large_message(uploads.max_upload_bytes())]
        ctx = partnership_context(
            request, partnership, form=ImportForm(), problems=problems, submit_label="Import"
        )
        return render(request, "risks/import.html", ctx, status=413)
    if failed := uploads.csrf_failure(request):
        return failed
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, warnings = importer.read_table(
                upload.name, upload.file, limits=uploads.limits(max_rows=importer.MAX_ROWS)
            )
            result = importer.import_risks(partnership, rows, by=request.user, on=asat.today_for(partnership))
        except importer.ImportProblems as exc:
            problems = exc.problems
        except StaleEdit:
            problems = [
                "Someone changed one of these risks while the file was loading; nothing was saved. Try again."
            ]
        else:
            messages.success(
                request,
                f"Imported {len(result.created)} new and updated {len(result.updated)} existing risks.",
            )
            for group in group_problems(warnings):
                messages.warning(request, f"Check: {group}")
            return HttpResponseRedirect(reverse("risks:register", args=[slug]))
    status = 400 if request.method == "POST" else 200
    ctx = partnership_context(request, partnership, form=form, problems=problems, submit_label="Import")
    return render(request, "risks/import.html", ctx, status=status)


# --- Providers' proposed risks ---------------------------------------------------------------------


def propose(request: HttpRequest, slug: str) -> HttpResponse:
    """A provider proposes a risk on one of its own contracts or services (``?contract=`` or
    ``?service=`` chooses it in advance, from that record's page)."""
    partnership, scope = get_scope(
        request, slug, every=None, own=Perm.PROPOSE_RISKS, message=ONLY_PROVIDERS_PROPOSE
    )
    initial = {k: request.GET[k] for k in ("contract", "service") if request.GET.get(k, "").isdigit()}
    form = ProposalForm(request.POST or None, initial=initial, partnership=partnership, scope=scope)
    context = partnership_context(
        request, partnership, heading="Propose a risk", submit_label="Send the proposal",
        cancel_url=reverse("risks:proposals", args=[slug]),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = actions.propose(
            partnership, contract=d["contract"], service=d["service"], title=d["title"],
            description=d["description"], category=d["category"], impact=d["impact"],
            likelihood=d["likelihood"], by=request.user,
        )  # fmt: skip
        messages.success(request, "Risk proposed: a commissioner will accept or decline it.")
        return HttpResponseRedirect(made.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "risks/propose.html", {**context, "form": form}, status=status)


def _proposal_scope(request: HttpRequest, slug: str) -> tuple[Partnership, Any]:
    """Planning readers see every proposal; a provider its own organisation's."""
    return get_scope(request, slug, every=Perm.VIEW_PLANNING, own=Perm.PROPOSE_RISKS, message=NO_PROPOSALS)


def proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """Proposed risks, waiting ones first. A fixed number of queries whatever their number."""
    partnership, scope = _proposal_scope(request, slug)
    rows = list(queries.proposals(partnership, scope))
    rows.sort(key=lambda p: p.status != ProposalStatus.PROPOSED)  # stable: newest first within each
    matrix = queries.matrix_for(partnership)
    return render(
        request,
        "risks/proposals.html",
        partnership_context(
            request, partnership, rows=[(p, matrix.band(p.rating)) for p in rows],
            provider_view=not scope.everything,
        ),
    )  # fmt: skip


def proposal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A proposed risk; commissioners and partnership admins accept or decline it (not their own)."""
    partnership, scope = _proposal_scope(request, slug)
    found = queries.proposals(partnership, scope).filter(pk=pk).first()
    if found is None:
        raise Http404("No such proposal.")
    can_decide = has_permission(request.user, Perm.EDIT_RISKS, partnership)
    if request.method == "POST" and not can_decide:
        get_partnership(request, slug, Perm.EDIT_RISKS)  # 403
    open_ = found.status == ProposalStatus.PROPOSED
    form = (
        ProposalDecisionForm(request.POST or None, initial={"version": found.version})
        if can_decide and open_
        else None
    )
    status = 200
    if request.method == "POST" and not open_:
        messages.error(request, f"This proposal was already {found.get_status_display().lower()}.")
        status = 409
    if form is not None and request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.decide_proposal(
                    found, accept=d["decision"] == "accept", reference=d.get("reference", ""),
                    reason=d.get("reason", ""), on=asat.today_for(partnership), expected_version=d["version"],
                    by=request.user,
                )  # fmt: skip
            except FourEyesError as exc:
                form.add_error(None, str(exc))
                status = 403
            except actions.ProposalError as exc:
                form.add_error(exc.field, str(exc))
                status = 400 if exc.field else 409
            except StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                found.refresh_from_db()
                if found.risk_id:
                    messages.success(request, f"Accepted: {found.risk.reference} is in the register.")
                    return HttpResponseRedirect(found.risk.get_absolute_url())
                messages.success(request, "Proposal declined.")
                return HttpResponseRedirect(reverse("risks:proposals", args=[slug]))
    matrix = queries.matrix_for(partnership)
    return render(request, "risks/proposal.html", partnership_context(
        request, partnership, proposal=found, band=matrix.band(found.rating), form=form,
        submit_label="Record the decision", history=history_for(found),
        may_decide=may_decide(request.user, found.proposed_by_id, record=found, also=[found.modified_by_id]),
    ), status=status)  # fmt: skip
