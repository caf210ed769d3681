"""Querysets for service pages and the inputs of the service map (select/prefetch in one place)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from jointly.accounts.permissions import Scope
from jointly.intentions.models import Theme
from jointly.partnerships.models import Area, Partnership
from jointly.services import levels, servicemap
from jointly.services.models import LEVEL_ORDER, Service


def has_contracts() -> bool:
    """Does the contracts app link contracts to services yet (``Contract.services``)?"""
    try:
        Service._meta.get_field("contracts")
    except FieldDoesNotExist:
        return False
    return True


def scoped(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Service]:
    """The partnership's services; a provider's ``scope`` narrows them to its own."""
    qs = Service.objects.filter(partnership=partnership)
    return qs if scope is None else scope.filter(qs, "provider")


def listing(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Service]:
    return (
        scoped(partnership, scope)
        .select_related("provider", "partnership")
        .prefetch_related("commissioners", "areas", "themes")
        .order_by("name", "pk")
    )


def detail(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Service]:
    related = ["commissioners", "areas", "themes", "intentions", "outcomes__framework"]
    if has_contracts():
        related.append("contracts")
    return scoped(partnership, scope).select_related("provider", "partnership").prefetch_related(*related)


def area_parents() -> dict[int, int | None]:
    """``{area id: parent id}`` for every area (reference data: small, one query)."""
    return dict(Area.objects.values_list("id", "parent_id"))


def related_area_ids(area_id: int, parents: dict[int, int | None]) -> set[int]:
    """The area, the areas containing it and the areas inside it."""
    result = {area_id}
    current = parents.get(area_id)
    while current is not None and current not in result:
        result.add(current)
        current = parents.get(current)
    return result | _descendants({area_id}, parents)


def _descendants(top: set[int], parents: dict[int, int | None]) -> set[int]:
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    result, todo = set(top), list(top)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in result:
                result.add(child)
                todo.append(child)
    return result


def scope_area_ids(partnership: Partnership, parents: dict[int, int | None] | None = None) -> set[int]:
    """The partnership's areas and every area inside them."""
    parents = area_parents() if parents is None else parents
    return _descendants(set(partnership.areas.values_list("id", flat=True)), parents)


def scope_areas(partnership: Partnership) -> QuerySet[Area]:
    """Areas a service of this partnership may cover, and the service map's area filter."""
    return Area.objects.filter(pk__in=scope_area_ids(partnership)).order_by("name")


def themes(partnership: Partnership) -> QuerySet[Theme]:
    return Theme.objects.filter(partnership=partnership).order_by("name")


def to_map_service(s: Service) -> servicemap.MapService:
    commissioners = list(s.commissioners.all())
    return servicemap.MapService(
        id=s.pk,
        name=s.name,
        level=s.level_of_need,
        theme_ids=frozenset(t.pk for t in s.themes.all()),
        area_ids=frozenset(a.pk for a in s.areas.all()),
        commissioner_ids=frozenset(o.pk for o in commissioners),
        commissioner_names=tuple(sorted(o.name for o in commissioners)),
        provider_id=s.provider_id,
        provider_name=s.provider.name if s.provider else "",
        age_min=s.age_min,
        age_max=s.age_max,
        url=s.get_absolute_url(),
    )


def map_inputs(
    partnership: Partnership, *, area: Area | None = None, age: int | None = None
) -> dict[str, Any]:
    """Keyword arguments for :func:`servicemap.build_map` for one partnership: a fixed number of
    queries whatever the number of services, themes or areas."""
    qs = listing(partnership)
    if age is not None:
        qs = qs.filter(Q(age_min__lte=age) & Q(age_max__gte=age))
    children = [s for s in qs if s.level_of_need]  # adults' and all-age services carry no level
    services = [to_map_service(s) for s in children]
    map_themes = [servicemap.MapTheme(t.pk, t.name) for t in themes(partnership)]
    if area is None:
        map_area = servicemap.MapArea.whole(partnership.areas.values_list("id", flat=True))
    else:
        map_area = servicemap.MapArea(area.pk, area.name, area.gss_code)
    return {
        "services": services,
        "themes": map_themes,
        "levels": levels.map_levels({s.need_scale for s in children}) if children else LEVEL_ORDER,
        "areas": [map_area],
        "parents": area_parents(),
    }
