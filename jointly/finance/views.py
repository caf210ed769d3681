"""Finance pages: the overview, a fund (position, partner split, monthly chart), entering and
uploading actuals, a savings plan, a budget model and the reconciliation.

Finance officers and partnership admins change finance; commissioners, analysts and viewers read
it; providers are refused (403) and people outside the partnership get 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from jointly.accounts.permissions import Perm, has_permission
from jointly.core import asat, uploads
from jointly.core.access import get_partnership
from jointly.core.approvals import FourEyesError, may_decide
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.history import history_for
from jointly.core.imports import ImportRefused, group_problems
from jointly.core.models import StaleEdit, save_versioned
from jointly.core.pages import partnership_context
from jointly.finance import actions, calc, chart, exporting, importing, queries, returns
from jointly.finance.forms import (
    ConsultationForm,
    DecisionForm,
    DeliveryForm,
    FundChangeForm,
    MonthFigureForm,
    UploadForm,
)
from jointly.finance.models import ChangeStatus, FundChange, PublicHealthAssurance, PublicHealthConsultation


def _as_at(request: HttpRequest) -> queries.AsAt | None:
    """``?as_at=`` as the last closed month on or before it; None: each year's latest month."""
    day = asat.requested_as_at(request)
    return queries.AsAt.of(day) if day else None


def _latest_month(fund: Any, year: str) -> int:
    months = [m.month for line in fund.lines.all() for m in line.monthly.all() if m.financial_year == year]
    return max(months) if months else 12


def _fund_year(fund: Any, request: HttpRequest) -> queries.FundYear | None:
    years = queries.fund_years(fund)
    if not years:
        return None
    as_at = _as_at(request)
    year = request.GET.get("year") or (
        as_at.financial_year if as_at and as_at.financial_year in years else years[-1]
    )
    if year not in years:
        raise Http404("No figures for that year.")
    month = as_at.month_for(year) if as_at else None
    if month is None:
        month = _latest_month(fund, year)
    return queries.fund_year(fund, year, month)


def index(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_FINANCE)
    what = request.GET.get("export")
    if what:
        if what not in exporting.WHATS:
            raise Http404("No such export.")
        rows = list(exporting.rows(what, partnership, _as_at(request)))
        if request.GET.get("format") == "xlsx":
            return xlsx_response(f"{slug}-{what}.xlsx", what, exporting.COLUMNS[what], rows)
        return csv_response(f"{slug}-{what}.csv", exporting.COLUMNS[what], rows)
    as_at = _as_at(request)
    funds = []
    for fund in queries.funds(partnership):
        positions = queries.fund_positions(fund, as_at)
        funds.append((fund, positions[-1] if positions else None))
    plans = []
    for plan in queries.savings_plans(partnership):
        years = queries.plan_years(plan)
        plans.append(
            (plan, [(y, queries.plan_total(plan, y), queries.plan_delivered(plan, y)) for y in years])
        )
    models = list(queries.budget_models(partnership))
    recon = queries.reconciliation(partnership)
    return render(request, "finance/index.html", partnership_context(
        request, partnership, funds=funds, plans=plans, models=models, as_at=as_at,
        differences=[r for r in recon if r.differs], recon_count=len(recon), exports=exporting.WHATS,
    ))  # fmt: skip


def _fund(partnership: Any, fund_slug: str) -> Any:
    fund = queries.funds(partnership).filter(slug=fund_slug).first()
    if fund is None:
        raise Http404("No such fund.")
    return fund


def fund_detail(request: HttpRequest, slug: str, fund_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_FINANCE)
    fund = _fund(partnership, fund_slug)
    fy = _fund_year(fund, request)
    series = queries.monthly_series(fy) if fy else []
    committed = (
        [c for c in queries.commitments(partnership, fy.financial_year, [fund]) if c.fund] if fy else []
    )
    changes = list(fund.changes.select_related("line", "from_line", "organisation", "board"))
    return render(request, "finance/fund.html", partnership_context(
        request, partnership, fund=fund, fy=fy, series=series, years=queries.fund_years(fund),
        committed=committed, committed_total=calc.total(c.amount for c in committed), changes=changes,
        chart=chart.month_chart(series, fy.position.budget) if fy else None,
        rules=sorted(fund.rules.all(), key=lambda r: (r.applies_to, r.order)),
        contributions=sorted(fund.contributions.all(), key=lambda c: (c.financial_year, c.organisation.name)),
        history=history_for(fund),
    ))  # fmt: skip


def actuals(request: HttpRequest, slug: str, fund_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_FINANCE)
    fund = _fund(partnership, fund_slug)
    form = MonthFigureForm(request.POST or None, fund=fund)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.record_month(data["line"], data["financial_year"], data["month"], actual=data["actual"],
                                     forecast=data["forecast_outturn"], by=request.user)  # fmt: skip
            except StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, f"Recorded month {data['month']} of {data['financial_year']} for "
                                          f"{data['line'].code}.")  # fmt: skip
                return HttpResponseRedirect(reverse("finance:fund", args=[slug, fund.slug]))
        else:
            status = 400
    return render(request, "finance/actuals.html", partnership_context(
        request, partnership, fund=fund, form=form, submit_label="Save",
        upload_url=reverse("finance:upload", args=[slug, fund.slug]),
    ), status=status)  # fmt: skip


@uploads.upload_view
def upload(request: HttpRequest, slug: str, fund_slug: str) -> HttpResponse:
    """Upload a month of actuals from a ledger export: every problem by row and column, nothing
    saved unless the whole file is good. The role is checked and the size capped before reading."""
    partnership = get_partnership(request, slug, Perm.EDIT_FINANCE)
    fund = _fund(partnership, fund_slug)
    if request.GET.get("template"):
        return csv_response("actuals-template.csv", importing.REQUIRED["actuals"], [])
    if uploads.body_too_large(request, uploads.max_upload_bytes()):
        ctx = partnership_context(request, partnership, fund=fund, form=UploadForm(),
                                  problems=[uploads.too_large_message(uploads.max_upload_bytes())])  # fmt: skip
        return render(request, "finance/upload.html", ctx, status=413)
    if failed := uploads.csrf_failure(request):
        return failed
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            count = importing.run("actuals", partnership, file.file, file.name, by=request.user)
        except ImportRefused as exc:
            problems = exc.problems
        except StaleEdit:
            problems = [
                "Someone changed these figures while the file was loading; nothing was saved. Try again."
            ]
        else:
            messages.success(request, f"Loaded {count} rows of actuals and forecasts.")
            return HttpResponseRedirect(reverse("finance:fund", args=[slug, fund.slug]))
    status = 400 if request.method == "POST" else 200
    return render(request, "finance/upload.html", partnership_context(
        request, partnership, fund=fund, form=form, problems=problems, groups=group_problems(
            [p for p in problems if not isinstance(p, str)]), submit_label="Upload",
    ), status=status)  # fmt: skip


def savings(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_FINANCE)
    plan = queries.savings_plans(partnership).filter(slug=plan_slug).first()
    if plan is None:
        raise Http404("No such savings plan.")
    can_edit = has_permission(request.user, Perm.EDIT_FINANCE, partnership)
    if request.method == "POST" and not can_edit:
        get_partnership(request, slug, Perm.EDIT_FINANCE)  # 403
    form = DeliveryForm(request.POST or None, plan=plan) if can_edit else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            actions.record_delivery(d["scheme"], d["financial_year"], d["month"], amount=d["amount"],
                                    by=request.user)  # fmt: skip
            messages.success(request, f"Recorded a saving of £{d['amount']:,} for {d['scheme'].name}.")
            return HttpResponseRedirect(reverse("finance:savings", args=[slug, plan.slug]))
        status = 400
    years = queries.plan_years(plan)
    programmes = []
    for programme in plan.programmes.all():
        stated = {s.financial_year: s for s in programme.stated.all()}
        schemes = [(s, [(queries.scheme_planned(s, y), queries.scheme_delivered(s, y)) for y in years])
                   for s in programme.schemes.all()]  # fmt: skip
        totals = []
        for y in years:
            computed = queries.programme_total(programme, y)
            st = stated.get(y)
            totals.append((computed, queries.programme_delivered(programme, y), st,
                           (st.amount - computed) if st else None))  # fmt: skip
        programmes.append((programme, schemes, totals))
    plan_stated = [(s, queries.plan_total(plan, s.financial_year or None)) for s in plan.stated.all()
                   if not s.savings_programme_id]  # fmt: skip
    year_totals = [(y, queries.plan_total(plan, y), queries.plan_total(plan, y, identified_only=True),
                    queries.plan_delivered(plan, y)) for y in years]  # fmt: skip
    charts = [
        (
            y,
            chart.grouped_bars(
                [(p.name, [t[i][0], t[i][1]]) for p, _s, t in programmes], ["Planned", "Delivered"]
            ),
            f"savings-chart-{i + 1}",
        )
        for i, y in enumerate(years)
    ]
    return render(request, "finance/savings.html", partnership_context(
        request, partnership, charts=charts, plan=plan, years=years, programmes=programmes, year_totals=year_totals,
        plan_stated=[(s, c, s.amount - c) for s, c in plan_stated], form=form, submit_label="Record saving",
        history=history_for(plan),
    ), status=status)  # fmt: skip


def budget_model(request: HttpRequest, slug: str, model_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_FINANCE)
    model = queries.budget_models(partnership).filter(slug=model_slug).first()
    if model is None:
        raise Http404("No such budget model.")
    years = queries.model_years(model)
    sections = []
    for section in model.sections.all():
        lines = [(line, [queries.line_amount(line, y) for y in years]) for line in section.lines.all()]
        sections.append((section, lines, [queries.section_total(section, y) for y in years]))
    recon = [r for r in queries.reconciliation_for_model(model)]
    bars = chart.grouped_bars([(section.name, totals) for section, _l, totals in sections], years)
    return render(request, "finance/model.html", partnership_context(
        request, partnership, model=model, chart=bars, years=years, sections=sections,
        totals=[queries.model_total(model, y) for y in years], recon=recon,
        assumptions=sorted(model.assumptions.all(), key=lambda a: (a.kind, a.financial_year, a.name)),
        divisor=1000 if model.units == "thousands" else 1, history=history_for(model),
    ))  # fmt: skip


def reconciliation(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_FINANCE)
    rows = queries.reconciliation(partnership)
    return render(
        request, "finance/reconciliation.html", partnership_context(request, partnership, rows=rows)
    )


# --- change control ------------------------------------------------------------------------------


def change_new(request: HttpRequest, slug: str, fund_slug: str) -> HttpResponse:
    """Propose an in-year change to a fund (it alters nothing until the named board approves it)."""
    partnership = get_partnership(request, slug, Perm.EDIT_FINANCE)
    fund = _fund(partnership, fund_slug)
    form = FundChangeForm(request.POST or None, fund=fund)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        change = FundChange(fund=fund, kind=d["kind"], financial_year=d["financial_year"],
                            description=d["description"], line=d.get("line"), from_line=d.get("from_line"),
                            organisation=d.get("organisation"), amount=d.get("amount"), rule=d.get("rule"),
                            shares=d.get("shares") or {})  # fmt: skip
        save_versioned(change, expected_version=None, by=request.user)
        messages.success(request, "Change proposed: it alters the fund once the board approves it.")
        return HttpResponseRedirect(reverse("finance:change", args=[slug, fund.slug, change.pk]))
    return render(request, "finance/change_new.html", partnership_context(
        request, partnership, fund=fund, form=form, submit_label="Propose the change",
    ), status=400 if request.method == "POST" else 200)  # fmt: skip


def change_detail(request: HttpRequest, slug: str, fund_slug: str, pk: int) -> HttpResponse:
    """A proposed change, its Public Health consultations and, for finance, the board's decision."""
    partnership = get_partnership(request, slug, Perm.VIEW_FINANCE)
    fund = _fund(partnership, fund_slug)
    change = (
        FundChange.objects.filter(fund=fund, pk=pk)
        .select_related(
            "fund__agreement__managing_board",
            "fund__change_board",
            "line",
            "from_line",
            "organisation",
            "rule",
            "board",
        )  # fmt: skip
        .first()
    )
    if change is None:
        raise Http404("No such change.")
    can_edit = has_permission(request.user, Perm.EDIT_FINANCE, partnership)
    if request.method == "POST" and not can_edit:
        get_partnership(request, slug, Perm.EDIT_FINANCE)  # 403
    open_ = change.status == ChangeStatus.PROPOSED
    form = DecisionForm(request.POST or None, change=change) if can_edit and open_ else None
    status = 200
    if form is not None and request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.decide_change(
                    change, approve=d["decision"] == "approve", board=d.get("board"), decided_on=d.get("decided_on"),
                    decision_reference=d.get("decision_reference", ""), reason=d.get("reason", ""),
                    expected_version=d["version"], by=request.user,
                )  # fmt: skip
            except actions.ChangeControlError as exc:
                form.add_error(None, str(exc))
                status = 409
            except FourEyesError as exc:
                form.add_error(None, str(exc))
                status = 403
            except StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, "Decision recorded.")
                return HttpResponseRedirect(reverse("finance:change", args=[slug, fund.slug, change.pk]))
    return render(request, "finance/change.html", partnership_context(
        request, partnership, fund=fund, change=change, form=form, submit_label="Record the decision",
        may_decide=may_decide(request.user, change.proposed_by_id, record=change, also=[change.modified_by_id]),
        consultations=list(change.consultations.select_related("consulted")), history=history_for(change),
    ), status=status)  # fmt: skip


# --- Public Health ---------------------------------------------------------------------------------


def public_health(request: HttpRequest, slug: str) -> HttpResponse:
    """The ring-fenced grant's quarterly return (page, XLSX, DOCX), the consultation log and the
    yearly assurance statements."""
    partnership = get_partnership(request, slug, Perm.VIEW_FINANCE)
    lines = list(queries.public_health_lines(partnership))
    years = queries.public_health_years(lines)
    year = request.GET.get("year") or (years[-1] if years else "")
    quarter_text = request.GET.get("quarter") or "4"
    if (years and year not in years) or quarter_text not in ("1", "2", "3", "4"):
        raise Http404("No Public Health figures for that year or quarter.")
    ret = queries.public_health_return(partnership, year, int(quarter_text), lines) if years else None
    assurances = list(PublicHealthAssurance.objects.filter(partnership=partnership, financial_year=year)
                      .select_related("organisation"))  # fmt: skip
    what = request.GET.get("export")
    if what and ret is not None:
        name = f"{slug}-public-health-{year.replace('/', '-')}-q{quarter_text}"
        if what == "xlsx":
            return xlsx_response(f"{name}.xlsx", "Public Health return", returns.COLUMNS, returns.rows(ret))
        if what == "docx":
            response = HttpResponse(
                returns.docx_bytes(ret, assurances),
                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
            return response
        raise Http404("No such export.")
    consultations = list(
        PublicHealthConsultation.objects.filter(partnership=partnership)
        .select_related("consulted", "contract", "fund_change__fund")
    )  # fmt: skip
    return render(request, "finance/public_health.html", partnership_context(
        request, partnership, ret=ret, years=years, year=year, quarter=int(quarter_text), quarters=(1, 2, 3, 4),
        consultations=consultations, assurances=assurances,
    ))  # fmt: skip


def consultation_new(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_FINANCE)
    initial = (
        {"fund_change": request.GET.get("change"), "subject": "funding_change"}
        if request.GET.get("change")
        else None
    )
    form = ConsultationForm(request.POST or None, partnership=partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_versioned(PublicHealthConsultation(partnership=partnership, **form.cleaned_data), expected_version=None,
                       by=request.user)  # fmt: skip
        messages.success(request, "Consultation logged.")
        change = form.cleaned_data.get("fund_change")
        if change is not None:
            return HttpResponseRedirect(reverse("finance:change", args=[slug, change.fund.slug, change.pk]))
        return HttpResponseRedirect(reverse("finance:public_health", args=[slug]) + "#consultations")
    return render(request, "finance/consultation_new.html", partnership_context(
        request, partnership, form=form, submit_label="Log the consultation",
    ), status=400 if request.method == "POST" else 200)  # fmt: skip
