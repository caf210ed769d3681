"""Needs pages: indicators, area profile, compare areas, trend, funnel, gaps, imports, assessments."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from jointly.accounts.permissions import Perm, has_permission
from jointly.core import uploads
from jointly.core.access import get_partnership, require
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.history import history_for
from jointly.core.pages import partnership_context
from jointly.core.query_params import BadQueryParameter
from jointly.core.views import handle_versioned_form
from jointly.jobs import runner
from jointly.needs import benchmarking, charts, importer, overlay, queries
from jointly.needs import cache as profile_cache
from jointly.needs import funnel as needs_funnel
from jointly.needs import jobs as needs_jobs
from jointly.needs.forms import (
    ComparatorGroupForm,
    FetchForm,
    ImportForm,
    IndicatorForm,
    NeedsAssessmentForm,
)
from jointly.needs.models import (
    ComparatorGroup,
    ImportLayout,
    ImportLog,
    ImportStatus,
    Indicator,
    NeedsAssessment,
    ValueType,
)
from jointly.partnerships.models import Area, Partnership

SYNC_BELOW_BYTES = 2 * 1024 * 1024
FETCH_PREFIX = "fetch"


# --- Shared selection: area, confidence level, comparator group ---------------------------------


@dataclass
class Selection:
    areas: list[Area]
    area: Area | None
    level: str
    groups: list[ComparatorGroup]
    group: ComparatorGroup | None

    def query(self, **extra: Any) -> str:
        params = {"area": self.area.gss_code if self.area else "", "level": self.level}
        if self.group is not None:
            params["group"] = self.group.pk
        params.update(extra)
        return urlencode(params)


def _select(request: HttpRequest, partnership: Partnership) -> Selection:
    """Area (one of the partnership's), level (95 / 99.8) and comparator group from the query string."""
    areas = queries.partnership_areas(partnership)
    code = request.GET.get("area")
    area = next((a for a in areas if a.gss_code == code), areas[0] if areas else None)
    if code and (area is None or area.gss_code != code):
        raise BadQueryParameter("area", "That area is not one of this partnership's areas.")
    groups = list(queries.comparator_groups(partnership))
    chosen = request.GET.get("group", "")
    group = next((g for g in groups if str(g.pk) == chosen), None)
    if chosen and group is None:
        raise BadQueryParameter("group", "No such comparator group.")
    if group is None and area is not None:
        group = next((g for g in groups if g.area_id == area.pk), None)
    return Selection(areas, area, benchmarking.clean_level(request.GET.get("level")), groups, group)


def _context(
    request: HttpRequest, partnership: Partnership, sel: Selection | None = None, **extra: Any
) -> dict:
    ctx = partnership_context(request, partnership, **extra)
    if sel is not None:
        ctx.update(sel=sel, levels=benchmarking.LEVELS)
    return ctx


def _indicator(pk: int) -> Indicator:
    return get_object_or_404(Indicator, pk=pk)


def _map_link(partnership: Partnership, gap: overlay.EvidencedGap) -> str | None:
    """A link to the service map cell, where the services app has that page."""
    try:
        url = reverse("services:map_cell", args=[partnership.slug])
    except Exception:  # noqa: BLE001 - the services app may not offer the page
        return None
    params: dict[str, Any] = {"theme": gap.theme_id, "level": gap.cell.level}
    code = getattr(gap.cell.area, "code", "")
    if code:
        params["area"] = code
    return f"{url}?{urlencode(params)}"


def _curve_link(partnership: Partnership, row: benchmarking.ProfileRow, area: Area | None) -> str | None:
    """A link to "turn the curve" for the indicator in the area, where an app offers that page (the
    performance app does; needs never imports it)."""
    if area is None:
        return None
    try:
        return reverse(
            "performance:indicator_curve", args=[partnership.slug, row.indicator.pk, area.gss_code]
        )
    except Exception:  # noqa: BLE001 - no app offers the page
        return None


# --- Index -----------------------------------------------------------------------------------------


def index(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    indicators = list(queries.partnership_indicators(partnership))
    imports = list(ImportLog.objects.filter(partnership=partnership).select_related("uploaded_by")[:10])
    return render(
        request,
        "needs/index.html",
        _context(
            request, partnership, indicators=indicators, imports=imports,
            assessments=queries.recent_assessments(partnership),
        ),
    )  # fmt: skip


# --- Area profile ----------------------------------------------------------------------------------


def _profile_rows(partnership: Partnership, sel: Selection) -> tuple[list[benchmarking.ProfileRow], list]:
    if sel.area is None:
        return [], []
    indicators = list(queries.partnership_indicators(partnership))
    rows = profile_cache.build_profile(indicators, sel.area, level=sel.level, group=sel.group)
    gaps: list[overlay.EvidencedGap] = []
    evidence = overlay.evidence_from_rows(rows)
    if evidence:
        from jointly.services import queries as service_queries
        from jointly.services import servicemap

        smap = servicemap.build_map(**service_queries.map_inputs(partnership, area=sel.area))
        gaps = overlay.gaps_with_evidence(smap.cells, evidence)
        overlay.attach_gaps(rows, gaps)
    return rows, gaps


def profile(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    sel = _select(request, partnership)
    rows, gaps = _profile_rows(partnership, sel)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"{slug}-profile-{sel.area.gss_code if sel.area else 'none'}.{fmt}"
        data = benchmarking.profile_export_rows(rows)
        if fmt == "csv":
            return csv_response(name, benchmarking.PROFILE_EXPORT_HEADERS, data)
        return xlsx_response(name, "Area profile", benchmarking.PROFILE_EXPORT_HEADERS, data)
    for gap in gaps:
        gap.map_url = _map_link(partnership, gap)
    spines = [(row, charts.spine(row), _curve_link(partnership, row, sel.area)) for row in rows]
    return render(
        request,
        "needs/profile.html",
        _context(
            request, partnership, sel, rows=spines, gaps=gaps, spine_width=charts.SPINE_WIDTH,
        ),
    )  # fmt: skip


# --- One indicator: trend, compare areas, funnel ----------------------------------------------------


def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    indicator = _indicator(pk)
    sel = _select(request, partnership)
    row = benchmarking.trend(indicator, sel.area, level=sel.level) if sel.area else None
    fmt = request.GET.get("format")
    if fmt == "csv" and row is not None:
        eng = {v.period: v.value for v in row.england_series}
        return csv_response(
            f"{slug}-{indicator.code}-trend.csv",
            ["period", "area_code", "count", "denominator", "value", "lower", "upper", "england_value", "value_note"],
            ([v.period, sel.area.gss_code, v.count, v.denominator, v.value, *v.limits(sel.level), eng.get(v.period),
              v.value_note] for v in row.series),
        )  # fmt: skip
    return render(
        request,
        "needs/indicator.html",
        _context(
            request, partnership, sel, indicator=indicator, row=row,
            chart=charts.trend_chart(row) if row else None, history=history_for(indicator),
            themes=indicator.themes.filter(partnership=partnership),
            outcomes=indicator.outcomes.filter(framework__partnership=partnership).select_related("framework"),
        ),
    )  # fmt: skip


def compare(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    indicator = _indicator(pk)
    sel = _select(request, partnership)
    areas: dict[int, Area] = {a.pk: a for a in sel.areas}
    if sel.group is not None:
        areas.update({m.pk: m for m in sel.group.members.all()})
    region = queries.region_of(sel.area) if sel.area else None
    if region is not None:
        areas[region.pk] = region
    result = benchmarking.compare_areas(
        indicator, list(areas.values()), level=sel.level, period=request.GET.get("period")
    )
    eng = result["england"]
    fmt = request.GET.get("format")
    if fmt == "csv":
        return csv_response(
            f"{slug}-{indicator.code}-compare-{result['period']}.csv",
            ["area_code", "area", "period", "count", "denominator", "value", "lower", "upper", "compared_with_england",
             "value_note"],
            ([v.area.gss_code, v.area.name, v.period, v.count, v.denominator, v.value, *v.limits(sel.level), r,
              v.value_note] for v, r in result["points"]),
        )  # fmt: skip
    chart = charts.bars(result["points"], sel.level, eng.value if eng else None)
    return render(
        request,
        "needs/compare.html",
        _context(request, partnership, sel, indicator=indicator, result=result, chart=chart),
    )


def funnel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    indicator = _indicator(pk)
    sel = _select(request, partnership)
    context = _context(request, partnership, sel, indicator=indicator, chart=None, points=[], period=None)
    if indicator.value_type not in needs_funnel.FUNNEL_TYPES or sel.area is None:
        context["unsupported"] = True
        return render(request, "needs/funnel.html", context)
    row = benchmarking.trend(indicator, sel.area, level=sel.level)
    if row is None or row.latest is None:
        return render(request, "needs/funnel.html", context)
    values = [
        v for v in queries.values_at([(indicator.pk, row.latest.period, row.sex, row.age)], sel.area.area_type)
        if v.count is not None and (v.denominator or indicator.value_type == ValueType.DSR)
    ]  # fmt: skip
    context["period"] = row.latest.period
    if len(values) < 2:
        return render(request, "needs/funnel.html", context)
    plot = needs_funnel.funnel(
        indicator.value_type, [v.count for v in values], [v.denominator for v in values],
        [v.value for v in values], indicator.multiplier,
    )  # fmt: skip
    baseline = plot.baseline
    points = [
        {"area": v.area, "x": float(a), "y": float(b), "significance": str(s), "own": v.area_id == sel.area.pk,
         "value": v.value, "count": v.count, "denominator": v.denominator}
        for v, a, b, s in zip(values, plot.xs, plot.ys, plot.significance, strict=True)
    ]  # fmt: skip
    context.update(
        chart=charts.funnel_chart(points, plot.limits, baseline), points=points, baseline=baseline,
        statistic=plot.statistic,
    )  # fmt: skip
    return render(request, "needs/funnel.html", context)


def indicator_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.IMPORT_NEEDS)
    instance = _indicator(pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=instance, partnership=partnership)
    success = None
    if instance is not None:
        success = reverse("needs:indicator", args=[slug, instance.pk])
    response = handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(
            request, partnership, heading=f"Edit {instance.name}" if instance else "Add an indicator",
            cancel_url=success or reverse("needs:index", args=[slug])),
        success_message="Indicator saved.", success_url=success or reverse("needs:index", args=[slug]),
    )  # fmt: skip
    return response


# --- Gaps with evidence ------------------------------------------------------------------------------


def gaps(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    sel = _select(request, partnership)
    comparator = request.GET.get("comparator", benchmarking.ENGLAND)
    if comparator not in (benchmarking.ENGLAND, benchmarking.REGION, benchmarking.GROUP):
        raise BadQueryParameter("comparator", "Compare with England, the region or a comparator group.")
    indicators = list(queries.partnership_indicators(partnership))
    groups = {g.area_id: g for g in sel.groups if g.area_id}
    found, _ = overlay.partnership_gaps(
        partnership, indicators, sel.areas, level=sel.level, comparator=comparator, groups=groups
    )
    for gap in found:
        gap.map_url = _map_link(partnership, gap)
    return render(
        request,
        "needs/gaps.html",
        _context(
            request, partnership, sel, gaps=found, comparator=comparator,
            can_see_map=has_permission(request.user, Perm.VIEW_CONTRACTS, partnership),
        ),
    )  # fmt: skip


# --- Imports ------------------------------------------------------------------------------------------


def _upload_dir() -> Path:
    return needs_jobs.upload_dir()


def _sync(size: int) -> bool:
    """Small files are checked and loaded within the request; larger ones by a background job."""
    return getattr(settings, "JOINTLY_NEEDS_IMPORT_SYNC", False) or size < getattr(
        settings, "JOINTLY_NEEDS_IMPORT_SYNC_BELOW", SYNC_BELOW_BYTES
    )


@uploads.upload_view
def import_values(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file and check it (nothing is written): the status page shows the report and asks
    to load it. The role is checked and the size capped before the body is read (``core/uploads.py``)."""
    partnership = get_partnership(request, slug, Perm.IMPORT_NEEDS)
    limit = uploads.max_upload_bytes("needs")
    if uploads.body_too_large(request, limit):
        form = uploads.refused_form(ImportForm(), uploads.too_large_message(limit))
        imports = list(ImportLog.objects.filter(partnership=partnership).select_related("uploaded_by")[:20])
        ctx = _context(
            request, partnership, form=form, fetch_form=FetchForm(prefix=FETCH_PREFIX), imports=imports
        )
        return render(request, "needs/import.html", ctx, status=413)
    if failed := uploads.csrf_failure(request):
        return failed
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        layout = form.cleaned_data["layout"]
        strict = form.cleaned_data["strict"]
        needs_jobs.sweep_uploads()
        log = importer.start_log(
            file_name=upload.name, layout=layout, by=request.user, partnership=partnership
        )
        stored = _upload_dir() / f"{log.pk}-{uuid.uuid4().hex}.csv"  # no user text in the name
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if _sync(upload.size):
            importer.run(log, stored, strict=strict, check_only=True)
            if log.status != ImportStatus.CHECKED:
                stored.unlink(missing_ok=True)  # refused: nothing to load later
        else:
            needs_jobs.enqueue_import(log, stored, strict=strict, by=request.user, check_only=True)
        return HttpResponseRedirect(reverse("needs:import_status", args=[slug, log.pk]))
    imports = list(ImportLog.objects.filter(partnership=partnership).select_related("uploaded_by")[:20])
    return render(
        request,
        "needs/import.html",
        _context(request, partnership, form=form, fetch_form=FetchForm(prefix=FETCH_PREFIX), imports=imports),
        status=400 if request.method == "POST" else 200,
    )


def fetch_values(request: HttpRequest, slug: str) -> HttpResponse:
    """Fetch from the Fingertips API as a background job: the download is checked like an upload
    and the status page (progress, then the report) offers to load it."""
    partnership = get_partnership(request, slug, Perm.IMPORT_NEEDS)
    form = FetchForm(request.POST or None, prefix=FETCH_PREFIX)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        what = f"profile-{data['profile']}" if data.get("profile") else str(data["indicator"])
        needs_jobs.sweep_uploads()
        log = importer.start_log(
            file_name=f"fingertips-api-{what}-{data['area_type']}.csv", layout=ImportLayout.FINGERTIPS,
            by=request.user, partnership=partnership,
        )  # fmt: skip
        needs_jobs.enqueue_fetch(
            log, indicator=data.get("indicator"), profile=data.get("profile"), area_type=data["area_type"],
            parent_area_type=data["parent_area_type"], strict=data["strict"], by=request.user,
        )  # fmt: skip
        return HttpResponseRedirect(reverse("needs:import_status", args=[slug, log.pk]))
    imports = list(ImportLog.objects.filter(partnership=partnership).select_related("uploaded_by")[:20])
    return render(
        request,
        "needs/import.html",
        _context(request, partnership, form=ImportForm(), fetch_form=form, imports=imports),
        status=400 if request.method == "POST" else 200,
    )


def _load_checked(request: HttpRequest, log: ImportLog, job: Any) -> HttpResponse | None:
    """Load a checked file (the confirm button): the stored file must still be the one checked.
    Returns an error response, or None when the load has run or been queued."""
    stored = needs_jobs.stored_for(log)
    if log.status != ImportStatus.CHECKED or stored is None:
        return HttpResponse("This file cannot be loaded now: upload it again.", status=409)
    if importer.file_checksum(stored) != log.checksum:
        stored.unlink(missing_ok=True)
        return HttpResponse("The stored file has changed since it was checked: upload it again.", status=409)
    strict = bool(log.report.get("strict"))
    # The check's job (if any) has ended: the load is a new run of the same log.
    ImportLog.objects.filter(pk=log.pk).update(status=ImportStatus.PENDING, progress=0, stage="")
    log.status = ImportStatus.PENDING
    if _sync(stored.stat().st_size):
        try:
            importer.run(log, stored, strict=strict)
        finally:
            stored.unlink(missing_ok=True)
    else:
        needs_jobs.enqueue_import(log, stored, strict=strict, by=request.user)
    return None


def import_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The import's report; while its job runs, htmx refreshes the panel in place. POST
    ``action=load`` loads a checked file; any other POST retries a stopped job."""
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    log = get_object_or_404(ImportLog.objects.select_related("uploaded_by"), pk=pk, partnership=partnership)
    job = needs_jobs.job_for(log)
    if request.method == "POST":
        require(request, Perm.IMPORT_NEEDS, partnership)
        if request.POST.get("action") == "load":
            if refused := _load_checked(request, log, job):
                return refused
            return HttpResponseRedirect(request.path)
        if job is None or not runner.retry(job):
            return HttpResponse("This import cannot be run again: load the file again.", status=409)
        messages.success(request, "The import is queued to run again.")
        return HttpResponseRedirect(request.path)
    log.refresh_from_db()  # the job check may have just marked it stopped
    if job is not None and not job.finished:
        log.progress, log.stage = job.percent, job.message
    running = not log.finished if job is None else not job.finished
    return render(
        request,
        "needs/_import_panel.html" if request.headers.get("HX-Request") else "needs/import_status.html",
        _context(
            request, partnership, log=log, job=job, problems=importer.problems_for_display(log.problems),
            more=max(log.problem_count - len(log.problems), 0), running=running,
            can_load=log.status == ImportStatus.CHECKED and needs_jobs.stored_for(log) is not None,
        ),
    )  # fmt: skip


# --- Comparator groups ------------------------------------------------------------------------------


def comparator_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    return render(
        request,
        "needs/comparators.html",
        _context(request, partnership, groups=list(queries.comparator_groups(partnership))),
    )


def comparator_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.IMPORT_NEEDS)
    instance = get_object_or_404(ComparatorGroup, pk=pk, partnership=partnership) if pk else None
    form = ComparatorGroupForm(request.POST or None, instance=instance, partnership=partnership)
    url = reverse("needs:comparators", args=[slug])
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(
            request, partnership, cancel_url=url,
            heading=f"Edit {instance.name}" if instance else "Add a comparator group"),
        success_message="Comparator group saved.", success_url=url,
    )  # fmt: skip


# --- Needs assessments ------------------------------------------------------------------------------


def assessment_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    return render(
        request,
        "needs/assessments.html",
        _context(request, partnership, assessments=list(queries.assessments(partnership))),
    )


def assessment_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_NEEDS)
    assessment = get_object_or_404(queries.assessments(partnership), pk=pk)
    return render(
        request,
        "needs/assessment.html",
        _context(request, partnership, assessment=assessment, history=history_for(assessment)),
    )


def assessment_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.IMPORT_NEEDS)
    instance = get_object_or_404(NeedsAssessment, pk=pk, partnership=partnership) if pk else None
    form = NeedsAssessmentForm(request.POST or None, instance=instance, partnership=partnership)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(
            request, partnership, heading=f"Edit {instance.topic}" if instance else "Add a needs assessment",
            cancel_url=instance.get_absolute_url() if instance else reverse("needs:assessments", args=[slug])),
        success_message="Needs assessment saved.",
    )  # fmt: skip
