"""API for the services app: services (read/write) and the service map (read-only).

Routes (registered by :func:`register`): ``/api/v1/services/`` and
``/api/v1/service-map/?partnership=SLUG[&area=GSS][&age=N]``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.core import rules as core_rules
from jointly.core import scoping
from jointly.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.intentions.models import Intention, Theme
from jointly.outcomes.models import Outcome
from jointly.partnerships.api import org_field, partnership_field
from jointly.partnerships.models import Area
from jointly.services import levels, queries, rules, servicemap
from jointly.services.models import NeedScale, Population, Service

scoping.register(Service, "partnership", "provider", every=Perm.VIEW_CONTRACTS, own=Perm.VIEW_OWN_CONTRACTS)


class ServiceSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    provider = org_field(allow_null=True, required=False)
    commissioners = org_field(many=True, required=False)
    areas = ScopedSlugRelatedField(
        slug_field="gss_code", many=True, queryset=Area.objects.all(), required=False
    )
    themes = ScopedPrimaryKeyRelatedField(many=True, queryset=Theme.objects.all(), required=False)
    intentions = ScopedPrimaryKeyRelatedField(many=True, queryset=Intention.objects.all(), required=False)
    outcomes = ScopedPrimaryKeyRelatedField(many=True, queryset=Outcome.objects.all(), required=False)
    contracts = serializers.SerializerMethodField(help_text="Ids of the contracts that pay for it")

    class Meta:
        model = Service
        fields = [
            "id", "partnership", "name", "description", "provider", "commissioners", "population",
            "need_scale", "level_of_need", "camhs_tier", "age_min", "age_max", "areas", "themes", "intentions",
            "outcomes", "capacity", "capacity_unit", "published", "illustrative", "contracts",
            "version",
        ]  # fmt: skip
        validators: list[Any] = []
        extra_kwargs = {"age_min": {"max_value": levels.MAX_AGE}, "age_max": {"max_value": levels.MAX_AGE}}

    def get_contracts(self, obj: Service) -> list[int]:
        if not queries.has_contracts():
            return []
        return [c.pk for c in obj.contracts.all()]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = partial(core_rules.current, attrs, self.instance)
        partnership = current("partnership")
        errors: dict[str, str] = {}
        member_ids = set(partnership.members.values_list("organisation_id", flat=True))
        provider = current("provider")
        if provider is not None and provider.pk not in member_ids:
            errors["provider"] = f"{provider.name} is not a member of this partnership."
        outside = [o.name for o in current("commissioners") or [] if o.pk not in member_ids]
        if outside:
            errors["commissioners"] = "Not members of this partnership: " + ", ".join(outside)
        in_scope = queries.scope_area_ids(partnership)
        outside = [a.gss_code for a in current("areas") or [] if a.pk not in in_scope]
        if outside:
            errors["areas"] = "Areas outside this partnership: " + ", ".join(outside)
        if any(t.partnership_id != partnership.pk for t in current("themes") or []):
            errors["themes"] = "Themes must belong to this partnership."
        if any(i.partnership_id != partnership.pk for i in current("intentions") or []):
            errors["intentions"] = "Intentions must belong to this partnership."
        if any(o.framework.partnership_id != partnership.pk for o in current("outcomes") or []):
            errors["outcomes"] = "Outcomes must belong to this partnership's frameworks."
        age_min = current("age_min")
        age_max = current("age_max")
        age_min = 0 if age_min is None else age_min
        age_max = Service._meta.get_field("age_max").default if age_max is None else age_max
        errors.update(rules.check_ages(age_min, age_max))
        for field, problem in levels.problems(
            current("population") or Population.CHILDREN,
            current("need_scale") or NeedScale.WINDSCREEN,
            current("level_of_need") or "",
            age_min,
            age_max,
        ).items():
            errors.setdefault(field, problem)
        errors.update(rules.service_name(partnership, current("name") or "", self.instance))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ServiceViewSet(ScopedViewSet):
    """Services. Readers of contracts see all of a partnership's services; providers see the
    services their organisation provides; commissioners (EDIT_CONTRACTS) change them."""

    queryset = Service.objects.select_related("partnership", "provider").prefetch_related(
        "commissioners", "areas", "themes", "intentions", "outcomes"
    )
    serializer_class = ServiceSerializer
    read_perm = Perm.VIEW_CONTRACTS
    write_perm = Perm.EDIT_CONTRACTS
    own_perm = Perm.VIEW_OWN_CONTRACTS
    provider_paths = ("provider",)
    filterset_fields = ["partnership__slug", "level_of_need", "camhs_tier", "provider__slug"]

    def base_queryset(self) -> QuerySet[Service]:
        qs = self.queryset.all()
        if queries.has_contracts():
            qs = qs.prefetch_related("contracts")
        return qs


def map_json(smap: servicemap.ServiceMap) -> dict[str, Any]:
    """The service map as plain JSON-ready data (also useful to other features)."""
    return {
        "areas": [{"code": a.code or None, "name": a.name} for a in smap.areas],
        "levels": list(smap.levels),
        "themes": [{"id": t.id, "name": t.name} for t in smap.themes],
        "counts": {str(k): v for k, v in smap.counts().items()},
        "cells": [
            {
                "theme": c.theme.id,
                "level": c.level,
                "area": c.area.code or None,
                "status": str(c.status),
                "status_label": c.status.label,
                "services": [
                    {
                        "id": p.service.id,
                        "name": p.service.name,
                        "coverage": p.coverage,
                        "provider": p.service.provider_name or None,
                        "commissioners": list(p.service.commissioner_names),
                    }
                    for p in c.services
                ],
                "overlaps": [[a.id, b.id] for a, b in c.overlaps],
            }
            for c in smap.cells
        ],
        "unplaced": [{"id": s.id, "name": s.name} for s in smap.unplaced],
    }


class ServiceMapViewSet(viewsets.ViewSet):
    """The service map of one partnership: a cell per theme × level of need for one area
    (or all areas), each with its services and its status (gap, partial, covered, possible
    duplication, possible duplication across commissioners)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", str, required=True, description="Partnership slug"),
            OpenApiParameter("area", str, required=False, description="GSS code; omit for all areas"),
            OpenApiParameter("age", int, required=False, description="Only services serving this age"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        slug = request.query_params.get("partnership")
        if not slug:
            raise ValidationError({"partnership": "Give the partnership's slug."})
        partnership = get_object_or_404(visible_partnerships(request.user), slug=slug)
        if not has_permission(request.user, Perm.VIEW_CONTRACTS, partnership):
            raise PermissionDenied("Your role does not show the service map.")
        area = None
        code = request.query_params.get("area")
        if code:
            area = Area.objects.filter(gss_code=code, pk__in=queries.scope_area_ids(partnership)).first()
            if area is None:
                raise ValidationError({"area": f"{code} is not an area of this partnership."})
        age = None
        if request.query_params.get("age"):
            try:
                age = int(request.query_params["age"])
            except ValueError as exc:
                raise ValidationError({"age": "A whole number from 0 to 25."}) from exc
            if not 0 <= age <= 25:
                raise ValidationError({"age": "A whole number from 0 to 25."})
        smap = servicemap.build_map(**queries.map_inputs(partnership, area=area, age=age))
        return Response({"partnership": partnership.slug, **map_json(smap)})


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("services", ServiceViewSet)
    router.register("service-map", ServiceMapViewSet, basename="service-map")
