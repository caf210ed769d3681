"""Services list, detail, edit and history pages; the service map and its cells."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from jointly.accounts.permissions import Perm
from jointly.core.access import get_partnership, get_scope
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.history import history_for
from jointly.core.pages import partnership_context
from jointly.core.query_params import BadQueryParameter
from jointly.core.views import handle_versioned_form
from jointly.partnerships.models import Partnership
from jointly.services import queries, servicemap
from jointly.services.forms import MapFilterForm, ServiceFilterForm, ServiceForm
from jointly.services.models import LevelOfNeed, Service

LEVEL_LABELS = dict(LevelOfNeed.choices)

SERVICE_HEADERS = [
    "id", "name", "level_of_need", "camhs_tier", "provider", "commissioners", "age_min", "age_max",
    "areas", "themes", "intentions", "outcomes", "capacity", "capacity_unit", "published",
    "illustrative", "description",
]  # fmt: skip

CELL_HEADERS = [
    "area", "area_code", "theme", "level_of_need", "status", "status_label", "services",
    "service_names", "providers", "commissioners", "overlapping_pairs",
]  # fmt: skip


NO_SERVICES = "You do not have permission to see services in this partnership."


def _names(items: Iterable[Any], attr: str = "name") -> str:
    return "; ".join(str(getattr(i, attr)) for i in items)


def _service_rows(services: Iterable[Service]) -> Iterator[list[Any]]:
    for s in services:
        yield [
            s.pk, s.name, s.get_level_of_need_display(), s.get_camhs_tier_display() if s.camhs_tier else "",
            s.provider.name if s.provider else "", _names(s.commissioners.all()), s.age_min, s.age_max,
            _names(s.areas.all()), _names(s.themes.all()), _names(s.intentions.all(), "reference"),
            "; ".join(f"{o.framework.slug}:{o.code}" for o in s.outcomes.all()),
            s.capacity, s.capacity_unit, s.published, s.illustrative, s.description,
        ]  # fmt: skip


def service_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_SERVICES)
    form = ServiceFilterForm(request.GET or None, partnership=partnership, scope=scope)
    services = form.apply(queries.listing(partnership, scope))
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):  # the downloads also list each service's intentions and outcomes
        rows = _service_rows(services.prefetch_related("intentions", "outcomes__framework"))
        if fmt == "csv":
            return csv_response(f"{slug}-services.csv", SERVICE_HEADERS, rows)
        return xlsx_response(f"{slug}-services.xlsx", "Services", SERVICE_HEADERS, rows)
    query = request.GET.copy()
    query.pop("format", None)
    services = list(services)
    return render(
        request,
        "services/list.html",
        partnership_context(
            request, partnership, form=form, services=services, query=query.urlencode(),
            provider_view=not scope.everything,
        ),
    )  # fmt: skip


def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_SERVICES)
    service = get_object_or_404(queries.detail(partnership, scope), pk=pk)
    contracts = list(service.contracts.all()) if queries.has_contracts() else None
    return render(
        request,
        "services/detail.html",
        partnership_context(
            request, partnership, service=service, contracts=contracts, history=history_for(service, limit=10)
        ),
    )


def history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_SERVICES)
    service = get_object_or_404(queries.scoped(partnership, scope), pk=pk)
    return render(
        request,
        "services/history.html",
        partnership_context(request, partnership, service=service, history=history_for(service, limit=500)),
    )


def service_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACTS)
    instance = get_object_or_404(Service, partnership=partnership, pk=pk) if pk else None
    form = ServiceForm(request.POST or None, instance=instance, partnership=partnership)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(
            request, partnership,
            heading=f"Edit {instance.name}" if instance else "Add a service",
            cancel_url=instance.get_absolute_url() if instance else reverse("services:list", args=[slug])),
        success_message="Service saved.",
    )  # fmt: skip


# --- Service map ------------------------------------------------------------------------------


def _build(request: HttpRequest, partnership: Partnership) -> tuple[MapFilterForm, servicemap.ServiceMap]:
    form = MapFilterForm(request.GET or None, partnership=partnership)
    area = age = None
    if form.is_bound:
        if not form.is_valid():
            name = next(iter(form.errors), "area")
            raise BadQueryParameter(
                name, " ".join(form.errors[name]) if name in form.errors else "Choose again."
            )
        area, age = form.cleaned_data["area"], form.cleaned_data["age"]
    return form, servicemap.build_map(**queries.map_inputs(partnership, area=area, age=age))


def _cell_url(slug: str, cell: servicemap.Cell, age: Any) -> str:
    params = {"theme": cell.theme.id, "level": cell.level}
    if cell.area.id is not None:
        params["area"] = cell.area.code
    if age not in (None, ""):
        params["age"] = age
    return reverse("services:map_cell", args=[slug]) + "?" + urlencode(params)


def _cell_rows(smap: servicemap.ServiceMap) -> Iterator[list[Any]]:
    for c in smap.cells:
        yield [
            c.area.name, c.area.code, c.theme.name, LEVEL_LABELS.get(c.level, c.level), str(c.status),
            c.status.label, len(c.services),
            "; ".join(p.service.name + (" (part of area)" if p.coverage == servicemap.PART else "") for p in c.services),
            "; ".join(dict.fromkeys(p.service.provider_name for p in c.services if p.service.provider_name)),
            "; ".join(c.commissioner_names),
            "; ".join(f"{a.name} / {b.name}" for a, b in c.overlaps),
        ]  # fmt: skip


def service_map(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_CONTRACTS)
    form, smap = _build(request, partnership)
    area_name = smap.areas[0].name
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        suffix = smap.areas[0].code or "all-areas"
        name = f"{slug}-service-map-{suffix}.{fmt}"
        if fmt == "csv":
            return csv_response(name, CELL_HEADERS, _cell_rows(smap))
        return xlsx_response(name, "Service map", CELL_HEADERS, _cell_rows(smap))
    age = request.GET.get("age", "")
    rows = [
        (theme, [(cell, _cell_url(slug, cell, age), LEVEL_LABELS[cell.level]) for cell in cells])
        for theme, cells in smap.rows
    ]
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "services/map.html",
        partnership_context(
            request, partnership, form=form, smap=smap, rows=rows, area_name=area_name,
            levels=[(lv, LEVEL_LABELS[lv]) for lv in smap.levels], counts=smap.counts(),
            statuses=list(servicemap.CellStatus), query=query.urlencode(),
        ),
    )  # fmt: skip


def map_cell(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_CONTRACTS)
    try:
        theme_id = int(request.GET.get("theme", ""))
    except ValueError as exc:
        raise BadQueryParameter("theme", "Choose a theme.") from exc
    level = request.GET.get("level", "")
    if level not in LEVEL_LABELS:
        raise BadQueryParameter(
            "level", "Choose a level of need: " + ", ".join(str(v) for v in LEVEL_LABELS.values()) + "."
        )
    form, smap = _build(request, partnership)
    try:
        cell = smap.cell(theme_id, level, smap.areas[0].id)
    except KeyError as exc:
        raise Http404("No such theme in this partnership.") from exc
    back = request.GET.copy()
    for key in ("theme", "level", "format"):
        back.pop(key, None)
    return render(
        request,
        "services/cell.html",
        partnership_context(
            request, partnership, cell=cell, level_label=LEVEL_LABELS[level],
            map_url=reverse("services:map", args=[slug]) + ("?" + back.urlencode() if back else ""),
        ),
    )  # fmt: skip
