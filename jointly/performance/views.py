"""Performance pages: KPI lists, icons summaries, exceptions, scorecards, KPI detail with SPC,
returns (form, upload, template, review thread), remedial plans and "turn the curve"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from jointly.accounts.permissions import Perm, Scope, has_permission
from jointly.core import uploads
from jointly.core.access import get_partnership, require
from jointly.core.approvals import FourEyesError, may_decide
from jointly.core.asat import as_at_for
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.history import history_for
from jointly.core.imports import group_problems
from jointly.core.models import StaleEdit
from jointly.core.pages import partnership_context
from jointly.core.query_params import BadQueryParameter
from jointly.core.views import handle_versioned_form
from jointly.performance import actions, analysis, charts, queries, reports
from jointly.performance import returns as rules
from jointly.performance.forms import (
    ActionForm,
    CloseNoticeForm,
    EscalationForm,
    KpiForm,
    NoticeForm,
    PlanForm,
    ReplyForm,
    ReturnsGridForm,
    ReviewForm,
    TurnTheCurveForm,
    UploadForm,
)
from jointly.performance.models import (
    QUADRANT_ORDER,
    Kpi,
    KpiReturn,
    PerformanceNotice,
    Quadrant,
    RemedialAction,
    Route,
    TurnTheCurve,
)
from jointly.services.models import Service
from jointly.stats.spc import spc_series

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _statuses(kpi_qs: QuerySet[Kpi]) -> list[analysis.KpiStatus]:
    return analysis.statuses(list(kpi_qs), queries.return_rows(kpi_qs))


def _contract(partnership: Any, scope: Scope, contract_id: int) -> Any:
    return get_object_or_404(queries.contracts(partnership, scope), pk=contract_id)


def _kpi(partnership: Any, scope: Scope | None, code: str, qs: QuerySet[Kpi] | None = None) -> Kpi:
    return get_object_or_404(qs if qs is not None else queries.kpis(partnership, scope), code=code)


# --- Lists and summaries --------------------------------------------------------------------


def kpi_list(request: HttpRequest, slug: str, contract_id: int | None = None) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    contract = _contract(partnership, scope, contract_id) if contract_id else None
    kpi_qs = queries.kpis(partnership, scope)
    if contract:
        kpi_qs = kpi_qs.filter(contract=contract)
    ctx = partnership_context(
        request,
        partnership,
        contract=contract,
        statuses=_statuses(kpi_qs),
        contracts=list(queries.contracts(partnership, scope)) if contract is None else [],
        notices=list(queries.notices(partnership, scope).filter(contract=contract)) if contract else [],
    )
    return render(request, "performance/kpi_list.html", ctx)


def summary(request: HttpRequest, slug: str, contract_id: int | None = None) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    contract = _contract(partnership, scope, contract_id) if contract_id else None
    kpi_qs = queries.kpis(partnership, scope)
    if contract:
        kpi_qs = kpi_qs.filter(contract=contract)
    ctx = partnership_context(
        request, partnership, contract=contract, statuses=analysis.worst_first(_statuses(kpi_qs))
    )
    return render(request, "performance/summary.html", ctx)


def exceptions(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    ctx = partnership_context(
        request, partnership, statuses=analysis.exceptions(_statuses(queries.kpis(partnership, scope)))
    )
    return render(request, "performance/exceptions.html", ctx)


def late(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    kpi_qs = queries.kpis(partnership, scope)
    as_at = as_at_for(request, partnership)
    result = analysis.compliance(list(kpi_qs), queries.submitted_rows(kpi_qs), as_at)
    ctx = partnership_context(request, partnership, compliance=result, as_at=as_at)
    return render(request, "performance/late.html", ctx)


def scorecard(
    request: HttpRequest, slug: str, contract_id: int | None = None, service_id: int | None = None
) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    kpi_qs = queries.kpis(partnership, scope)
    if contract_id:
        subject = _contract(partnership, scope, contract_id)
        kpi_qs = kpi_qs.filter(contract=subject)
    else:
        services = scope.filter(Service.objects.filter(partnership=partnership), "provider")
        subject = get_object_or_404(services, pk=service_id)
        kpi_qs = kpi_qs.filter(service=subject)
    statuses = _statuses(kpi_qs)
    quadrants = [(Quadrant(q).label, [s for s in statuses if s.kpi.quadrant == q]) for q in QUADRANT_ORDER]
    ctx = partnership_context(request, partnership, subject=subject, quadrants=quadrants)
    return render(request, "performance/scorecard.html", ctx)


# --- One KPI --------------------------------------------------------------------------------


def _spc(kpi: Kpi, kpi_returns: list[KpiReturn]) -> Any:
    ordered = sorted(kpi_returns, key=lambda r: r.period_start)
    return spc_series(
        [r.period_start for r in ordered],
        [r.value for r in ordered],
        target=kpi.target_float,
        improvement_direction=kpi.direction,
    )


def kpi_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    kpi = _kpi(partnership, scope, code, queries.kpi_detail(partnership, scope))
    kpi_returns = list(kpi.returns.all())
    result = _spc(kpi, kpi_returns)
    status = analysis.statuses([kpi], [(kpi.pk, r.period_start, r.value, r.period) for r in kpi_returns])[0]
    ctx = partnership_context(
        request,
        partnership,
        kpi=kpi,
        status=status,
        spc=result,
        chart=mark_safe(  # noqa: S308 - charts escapes everything it writes
            charts.spc_svg(result, title=f"{kpi.code} {kpi.name}", unit=kpi.unit, frequency=kpi.frequency)
        ),
        table=charts.spc_table(result, kpi.unit, kpi.frequency),
        kpi_returns=kpi_returns,
        history=history_for(kpi),
    )
    return render(request, "performance/kpi_detail.html", ctx)


def kpi_form(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    partnership, _ = queries.access(request, slug)
    require(request, Perm.REVIEW_RETURNS, partnership)
    instance = _kpi(partnership, None, code) if code else None
    initial = {}
    if instance is None and request.GET.get("contract"):
        initial["contract"] = request.GET["contract"]
    form = KpiForm(request.POST or None, instance=instance, partnership=partnership, initial=initial)
    return handle_versioned_form(
        request,
        form,
        template="partnerships/form.html",
        context=partnership_context(
            request,
            partnership,
            heading=f"Edit {instance.code}" if instance else "Add a KPI",
            cancel_url=instance.get_absolute_url() if instance else reverse("performance:index", args=[slug]),
        ),
        success_message="KPI saved.",
    )


# --- Returns --------------------------------------------------------------------------------


def _submittable(request: HttpRequest, partnership: Any, contract: Any) -> list[Kpi]:
    """The KPIs the person may return for: the provider's own; every KPI of the contract for a
    commissioner keying in on the provider's behalf (:func:`_on_behalf`)."""
    if _on_behalf(request, partnership):
        return list(queries.kpis(partnership).filter(contract=contract))
    scope = queries.submit_scope(request.user, partnership)
    if not scope.allows(contract.provider_id):
        raise Http404("No such contract.")
    return list(queries.kpis(partnership, scope).filter(contract=contract))


def _on_behalf(request: HttpRequest, partnership: Any) -> bool:
    """A commissioner (not the provider) keys in a small provider's figures: recorded as such."""
    return queries.keys_in_on_behalf(request.user, partnership)


def return_form(request: HttpRequest, slug: str, contract_id: int) -> HttpResponse:
    """One period's returns for a provider's contract, all KPIs of that frequency at once."""
    partnership, scope = queries.access(request, slug)
    contract = _contract(partnership, scope, contract_id)
    kpis = _submittable(request, partnership, contract)
    offered_frequencies = [f for f in FREQUENCIES if any(k.frequency == f for k in kpis)]
    frequency = (
        request.GET.get("frequency")
        or request.POST.get("frequency")
        or (offered_frequencies[0] if offered_frequencies else rules.MONTHLY)
    )
    if frequency not in FREQUENCIES:
        raise BadQueryParameter("frequency", "Choose monthly, quarterly or annual.")
    kpis = [k for k in kpis if k.frequency == frequency]
    as_at = as_at_for(request, partnership)
    offered, done = _offered_periods(contract, kpis, frequency, as_at)
    period_text = (request.POST.get("period") or request.GET.get("period") or "").strip()
    if period_text:
        try:
            period = rules.parse_period(period_text, frequency)
        except ValueError as exc:
            raise BadQueryParameter("period", str(exc)) from exc
    else:
        period = rules.first_to_return(offered, done) or rules.period_of(as_at, frequency)
    if kpis and period.label not in {p.label for p in offered}:
        problem = (
            f"{period.label} is not a period you can return for: it is outside the contract and KPI dates "
            f"or has not ended by {as_at:%-d %B %Y}. Choose one of the periods offered."
            if offered
            else f"No {frequency} period of this contract's KPIs has ended by {as_at:%-d %B %Y}."
        )
        ctx = partnership_context(
            request, partnership, contract=contract, period=period, frequency=frequency, rows=[],
            problems=[], period_problem=problem, offered=offered, as_at=as_at,
            frequencies=offered_frequencies,
        )  # fmt: skip
        return render(request, "performance/return_form.html", ctx, status=400 if period_text else 200)
    current = {
        r.kpi_id: r for r in KpiReturn.objects.filter(kpi__in=[k.pk for k in kpis], period=period.label)
    }
    grid = ReturnsGridForm(
        request.POST if request.method == "POST" else None, kpis=kpis, period=period.label, existing=current
    )
    if grid.is_valid():
        try:
            actions.submit_returns(
                grid.clean_rows,
                kpis,
                by=request.user,
                route=Route.WEB,
                on_behalf=_on_behalf(request, partnership),
            )
        except StaleEdit:
            grid.problems = [
                rules.Problem(
                    0, "", "Someone else submitted these figures meanwhile. Reload the page and check them."
                )
            ]
        else:
            messages.success(request, f"Returns for {period.label} saved ({len(grid.clean_rows)}).")
            return HttpResponseRedirect(reverse("performance:contract", args=[slug, contract.pk]))
    problems = grid.problems
    rows_out = grid.rows()
    ctx = partnership_context(
        request,
        partnership,
        contract=contract,
        period=period,
        frequency=frequency,
        rows=rows_out,
        problems=problems,
        on_behalf=_on_behalf(request, partnership),
        offered=offered,
        as_at=as_at,
        frequencies=offered_frequencies,
    )
    return render(request, "performance/return_form.html", ctx, status=400 if problems else 200)


FREQUENCIES = (rules.MONTHLY, rules.QUARTERLY, rules.ANNUAL)


def _offered_periods(
    contract: Any, kpis: list[Kpi], frequency: str, as_at: dt.date
) -> tuple[list[rules.Period], set[str]]:
    """The periods offered for ``kpis`` on ``as_at`` (inside the contract's and each KPI's dates and
    ended by then) and the labels of those every KPI covering them has already returned."""
    contract_end = contract.current_terms().end_date
    spans = [
        (
            max(d for d in (k.effective_from, contract.start_date) if d is not None),
            min(d for d in (k.effective_to, contract_end) if d is not None),
        )
        for k in kpis
    ]
    offered = rules.offered_periods(spans, frequency, as_at)
    returned: dict[str, set[int]] = {}
    for kpi_id, label in KpiReturn.objects.filter(kpi__in=[k.pk for k in kpis]).values_list(
        "kpi_id", "period"
    ):
        returned.setdefault(label, set()).add(kpi_id)
    done = set()
    for p in offered:
        needed = {
            k.pk for k, (start, end) in zip(kpis, spans, strict=True) if start <= p.start and p.end <= end
        }
        if needed <= returned.get(p.label, set()):
            done.add(p.label)
    return offered, done


@uploads.upload_view
def upload(request: HttpRequest, slug: str, contract_id: int) -> HttpResponse:
    """A CSV/XLSX file of returns: loads whole or not at all, listing every problem.

    The role is checked and the size capped before the body is read (see ``core/uploads.py``)."""
    partnership, scope = queries.access(request, slug)
    contract = _contract(partnership, scope, contract_id)
    kpis = _submittable(request, partnership, contract)
    limit = uploads.max_upload_bytes()
    if uploads.body_too_large(request, limit):
        too_large = [rules.Problem(0, "", uploads.too_large_message(limit), "file")]
        ctx = partnership_context(
            request, partnership, contract=contract, form=UploadForm(), problems=too_large, kpis=kpis
        )
        return render(request, "performance/upload.html", ctx, status=413)
    if failed := uploads.csrf_failure(request):
        return failed
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[rules.Problem] = []
    warnings: list[Any] = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        rows, problems = rules.read_table(f.file, f.name, limits=uploads.limits(), warnings=warnings)
        if not problems:
            clean, problems = actions.check(rows, kpis, table=True)
            if not problems:
                try:
                    saved = actions.submit_returns(
                        clean,
                        kpis,
                        by=request.user,
                        route=Route.FILE,
                        on_behalf=_on_behalf(request, partnership),
                    )
                except StaleEdit:
                    problems = [
                        rules.Problem(0, "", "someone else changed these returns meanwhile: upload again")
                    ]
                else:
                    revised = sum(1 for c in clean if c.is_revision)
                    messages.success(
                        request, f"Loaded {len(saved)} returns from {f.name} ({revised} of them revisions)."
                    )
                    for group in group_problems(warnings):
                        messages.warning(request, f"Check: {group}")
                    return HttpResponseRedirect(reverse("performance:contract", args=[slug, contract.pk]))
    ctx = partnership_context(
        request, partnership, contract=contract, form=form, problems=problems, kpis=kpis,
        on_behalf=_on_behalf(request, partnership),
    )  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render(request, "performance/upload.html", ctx, status=status)


def upload_template(request: HttpRequest, slug: str, contract_id: int) -> HttpResponse:
    """The returns file template: one row per KPI for the latest ended period, to fill in."""
    partnership, scope = queries.access(request, slug)
    contract = _contract(partnership, scope, contract_id)
    kpis = list(queries.kpis(partnership, scope).filter(contract=contract))
    today = timezone.localdate()
    rows = []
    for k in kpis:
        p = rules.period_of(today, k.frequency)
        p = rules.period_of(p.start - dt.timedelta(days=1), k.frequency)
        rows.append([k.code, p.label, "", "", ""])
    name = f"{slug}-{contract.reference}-returns"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{name}.xlsx", "Returns", list(rules.COLUMNS), rows)
    return csv_response(f"{name}.csv", list(rules.COLUMNS), rows)


def return_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A return's revisions and its accept/query thread; commissioners review, the provider replies."""
    partnership, scope = queries.access(request, slug)
    kpi_return = get_object_or_404(
        queries.returns_for(partnership, scope).prefetch_related(
            "revisions__submitted_by", "comments__author"
        ),
        pk=pk,
    )
    can_review = has_permission(request.user, Perm.REVIEW_RETURNS, partnership)
    can_reply = has_permission(request.user, Perm.SUBMIT_RETURNS, partnership)
    review_form = ReviewForm(request.POST if request.POST.get("action") == "review" else None)
    status = 400 if request.method == "POST" else 200
    reply_form = ReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "review":
            if not can_review:
                raise PermissionDenied("Only commissioners review returns.")
            if review_form.is_valid():
                try:
                    actions.review(
                        kpi_return,
                        accept=review_form.cleaned_data["decision"] == "accept",
                        text=review_form.cleaned_data["text"],
                        by=request.user,
                    )
                except FourEyesError as exc:
                    review_form.add_error(None, str(exc))
                    status = 403
                else:
                    messages.success(request, "Review recorded.")
                    return HttpResponseRedirect(request.path)
        elif action == "reply":
            if not can_reply:
                raise PermissionDenied("Only the provider replies to a query.")
            if reply_form.is_valid():
                actions.reply(kpi_return, text=reply_form.cleaned_data["text"], by=request.user)
                messages.success(request, "Reply sent.")
                return HttpResponseRedirect(request.path)
        else:
            raise Http404("Unknown action")
    ctx = partnership_context(
        request,
        partnership,
        r=kpi_return,
        kpi=kpi_return.kpi,
        review_form=review_form,
        reply_form=reply_form,
        can_review=can_review,
        can_reply=can_reply,
        history=history_for(kpi_return),
    )
    return render(request, "performance/return_detail.html", ctx, status=status)


# --- Remedial: notices, plans, actions, escalations -----------------------------------------


def notice_new(request: HttpRequest, slug: str, contract_id: int) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    require(request, Perm.REVIEW_RETURNS, partnership)
    contract = _contract(partnership, scope, contract_id)
    kpi_qs = queries.kpis(partnership).filter(contract=contract)
    initial = {"kpis": [k for k in kpi_qs if k.code in request.GET.getlist("kpi")]}
    form = NoticeForm(request.POST or None, kpis=kpi_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        notice = actions.raise_notice(
            contract, list(form.cleaned_data["kpis"]), reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(
            request, "Performance notice issued; the provider now drafts its remedial action plan."
        )
        return HttpResponseRedirect(notice.get_absolute_url())
    ctx = partnership_context(
        request,
        partnership,
        form=form,
        heading=f"Contract performance notice: {contract.reference}",
        cancel_url=reverse("performance:contract", args=[slug, contract.pk]),
        submit_label="Issue notice",
    )
    return render(request, "partnerships/form.html", ctx, status=400 if request.method == "POST" else 200)


def _notice(partnership: Any, scope: Scope, pk: int) -> PerformanceNotice:
    return get_object_or_404(queries.notices(partnership, scope), pk=pk)


def _notice_post(request: HttpRequest, partnership: Any, item: PerformanceNotice, close_form: Any) -> int:
    """Agree the plan, close the notice or log an escalation (commissioners); the HTTP status of
    a refusal, or 0 when done (the caller redirects)."""
    require(request, Perm.REVIEW_RETURNS, partnership)
    action = request.POST.get("action")
    try:
        if action == "agree":
            plan = getattr(item, "plan", None)
            if plan is None:
                raise actions.NoticeError("The provider has not drafted a plan yet.")
            actions.agree_plan(plan, expected_version=_int(request.POST.get("version")), by=request.user)
            messages.success(request, "Plan agreed; the notice stays open until its actions are done.")
            return 0
        if action == "close":
            if not close_form.is_valid():
                return 400
            actions.close_notice(
                item, reason=close_form.cleaned_data["reason"],
                expected_version=close_form.cleaned_data["version"], by=request.user,
            )  # fmt: skip
            messages.success(request, "Notice closed.")
            return 0
    except StaleEdit:
        messages.error(request, "Someone else changed this meanwhile; check it and try again.")
        return 409
    except FourEyesError as exc:
        messages.error(request, str(exc))
        return 403
    except actions.NoticeError as exc:
        messages.error(request, str(exc))
        return 409
    raise Http404("Unknown action")


def notice(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    item = _notice(partnership, scope, pk)
    action = request.POST.get("action")
    form = EscalationForm(request.POST if action == "escalate" else None)
    close_form = CloseNoticeForm(
        request.POST if action == "close" else None, initial={"version": item.version}
    )
    status = 200
    if request.method == "POST":
        if action == "escalate":
            require(request, Perm.REVIEW_RETURNS, partnership)
            if form.is_valid():
                actions.escalate(
                    item, level=form.cleaned_data["level"], note=form.cleaned_data["note"], by=request.user
                )
                messages.success(request, "Escalation logged.")
                return HttpResponseRedirect(request.path)
            status = 400
        else:
            status = _notice_post(request, partnership, item, close_form)
            if status in (0, 409):
                return HttpResponseRedirect(request.path)
            item = _notice(partnership, scope, pk)
    plan = getattr(item, "plan", None)
    as_at = as_at_for(request, partnership)
    plan_actions = [(a, a.is_overdue(as_at)) for a in plan.actions.all()] if plan else []
    can_review = has_permission(request.user, Perm.REVIEW_RETURNS, partnership)
    drafted = can_review and plan is not None and plan.status == "draft" and item.status == "open"
    own = drafted and not may_decide(
        request.user, plan.proposed_by_id, record=plan, also=[plan.modified_by_id]
    )
    ctx = partnership_context(
        request, partnership, notice=item, plan=plan, plan_actions=plan_actions, as_at=as_at,
        form=form, close_form=close_form, history=history_for(item),
        can_draft=item.status == "open" and actions.may_draft(request.user, item),
        can_agree=drafted and not own,
        four_eyes=str(FourEyesError("remedial action plan", "agree")) if own else "",
    )  # fmt: skip
    return render(request, "performance/notice.html", ctx, status=status)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _drafting(request: HttpRequest, slug: str, pk: int) -> tuple[Any, PerformanceNotice]:
    """The notice whose plan the person may work on: its provider, or a commissioner."""
    partnership, scope = queries.access(request, slug)
    item = _notice(partnership, scope, pk)
    if not actions.may_draft(request.user, item):
        raise PermissionDenied("Only the provider (or a commissioner) works on the remedial action plan.")
    return partnership, item


def plan_form(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, item = _drafting(request, slug, pk)
    form = PlanForm(request.POST or None, instance=getattr(item, "plan", None), notice=item)
    return handle_versioned_form(
        request,
        form,
        template="partnerships/form.html",
        context=partnership_context(
            request, partnership, heading="Remedial action plan", cancel_url=item.get_absolute_url()
        ),
        success_message="Plan saved.",
        success_url=item.get_absolute_url(),
    )


def action_form(request: HttpRequest, slug: str, pk: int, action_id: int | None = None) -> HttpResponse:
    partnership, item = _drafting(request, slug, pk)
    plan = getattr(item, "plan", None)
    if plan is None:
        raise Http404("Draft the plan before adding actions.")
    instance = get_object_or_404(RemedialAction, plan=plan, pk=action_id) if action_id else None
    form = ActionForm(request.POST or None, instance=instance, plan=plan)
    response = handle_versioned_form(
        request,
        form,
        template="partnerships/form.html",
        context=partnership_context(
            request,
            partnership,
            heading="Edit action" if instance else "Add an action to the plan",
            cancel_url=item.get_absolute_url(),
        ),
        success_message="Action saved.",
        success_url=item.get_absolute_url() + "#actions",
    )
    if response.status_code == 302:
        actions.action_saved(form.instance, by=request.user)
    return response


# --- Turn the curve: of a KPI, or of a population indicator in one of the partnership's areas ----


def _curve_page(
    request: HttpRequest,
    partnership: Any,
    report: reports.CurveReport,
    filename: str,
    edit_url: str,
    **ctx: Any,
) -> HttpResponse:
    """The page (or, with ``?format=docx``, the Word document) of a turn-the-curve report."""
    if request.GET.get("format") == "docx":
        response = HttpResponse(reports.curve_docx(report, partnership), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    context = partnership_context(
        request,
        partnership,
        report=report,
        chart=mark_safe(report.svg),  # noqa: S308 - charts escapes everything it writes
        **ctx,
    )
    if context.pop("can_edit_curve"):
        context["edit_url"] = edit_url
    return render(request, "performance/curve.html", context)


def _curve_form(
    request: HttpRequest, partnership: Any, form: TurnTheCurveForm, heading: str, url: str
) -> HttpResponse:
    return handle_versioned_form(
        request,
        form,
        template="partnerships/form.html",
        context=partnership_context(
            request, partnership, heading=f"Turn the curve: {heading}", cancel_url=url
        ),
        success_message="Turn-the-curve plan saved.",
        success_url=url,
    )


def curve(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    kpi = _kpi(partnership, scope, code)
    return _curve_page(
        request, partnership, reports.turn_the_curve(kpi), f"{slug}-{kpi.code}-turn-the-curve.docx",
        reverse("performance:curve_edit", args=[slug, kpi.code]), kpi=kpi,
        can_edit_curve=has_permission(request.user, Perm.REVIEW_RETURNS, partnership),
    )  # fmt: skip


def curve_form(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    require(request, Perm.REVIEW_RETURNS, partnership)
    kpi = _kpi(partnership, scope, code)
    instance = TurnTheCurve.objects.filter(kpi=kpi).first()
    form = TurnTheCurveForm(request.POST or None, instance=instance, kpi=kpi)
    return _curve_form(
        request, partnership, form, kpi.code, reverse("performance:curve", args=[slug, kpi.code])
    )


def _indicator_area(partnership: Any, indicator_id: int, area_gss: str) -> tuple[Any, Any]:
    from jointly.needs.models import Indicator

    indicator = get_object_or_404(Indicator, pk=indicator_id)
    area = get_object_or_404(partnership.areas.all(), gss_code=area_gss)
    return indicator, area


def _may_edit_indicator_curve(user: Any, partnership: Any) -> bool:
    return has_permission(user, Perm.REVIEW_RETURNS, partnership) or has_permission(
        user, Perm.IMPORT_NEEDS, partnership
    )


def indicator_curve(request: HttpRequest, slug: str, indicator_id: int, area_gss: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    indicator, area = _indicator_area(partnership, indicator_id, area_gss)
    return _curve_page(
        request, partnership, reports.indicator_curve(partnership, indicator, area),
        f"{slug}-{indicator.code}-{area.gss_code}-turn-the-curve.docx",
        reverse("performance:indicator_curve_edit", args=[slug, indicator.pk, area.gss_code]),
        indicator=indicator, area=area, can_edit_curve=_may_edit_indicator_curve(request.user, partnership),
    )  # fmt: skip


def indicator_curve_form(request: HttpRequest, slug: str, indicator_id: int, area_gss: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    if not _may_edit_indicator_curve(request.user, partnership):
        raise PermissionDenied("You may not edit turn-the-curve plans in this partnership.")
    indicator, area = _indicator_area(partnership, indicator_id, area_gss)
    instance = TurnTheCurve.objects.filter(partnership=partnership, indicator=indicator, area=area).first()
    form = TurnTheCurveForm(
        request.POST or None, instance=instance, partnership=partnership, indicator=indicator, area=area
    )
    url = reverse("performance:indicator_curve", args=[slug, indicator.pk, area.gss_code])
    return _curve_form(request, partnership, form, f"{indicator.name}, {area.name}", url)


# --- The partnership's performance pack -----------------------------------------------------


def pack(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = queries.access(request, slug)
    data = reports.pack(partnership, scope, as_at=as_at_for(request, partnership))
    if request.GET.get("format") == "docx":
        response = HttpResponse(reports.pack_docx(data), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{slug}-performance-pack.docx"'
        return response
    return render(request, "performance/pack.html", partnership_context(request, partnership, pack=data))
