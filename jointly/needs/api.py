"""API for the needs app: indicators, values (+ CSV import), comparator groups, assessments, profiles.

Indicators and values are shared reference data: anyone holding VIEW_NEEDS in some partnership
reads them. Importing values needs IMPORT_NEEDS in the partnership named in the request.
Comparator groups and needs assessments belong to a partnership (read VIEW_NEEDS, write
IMPORT_NEEDS), like every other scoped record.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, partnerships_with, visible_partnerships
from jointly.core import scoping, uploads
from jointly.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.core.rules import current
from jointly.intentions.models import Intention
from jointly.needs import benchmarking, importer, queries, rules
from jointly.needs import cache as profile_cache
from jointly.needs import jobs as needs_jobs
from jointly.needs.models import (
    ComparatorGroup,
    ImportLayout,
    ImportLog,
    ImportStatus,
    Indicator,
    IndicatorValue,
    NeedsAssessment,
)
from jointly.outcomes.models import Outcome
from jointly.partnerships.api import partnership_field
from jointly.partnerships.models import Area

scoping.reference(Indicator, IndicatorValue)
scoping.register(ComparatorGroup, "partnership", every=Perm.VIEW_NEEDS)
scoping.register(NeedsAssessment, "partnership", every=Perm.VIEW_NEEDS)


def _may_read_needs(user: Any) -> bool:
    return partnerships_with(user, Perm.VIEW_NEEDS).exists()


class IndicatorSerializer(serializers.ModelSerializer):
    themes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    outcomes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id", "code", "name", "definition", "value_type", "multiplier", "unit", "polarity", "source",
            "fingertips_id", "needed_level", "themes", "outcomes", "illustrative", "notes", "version",
        ]  # fmt: skip


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator catalogue (read; edited on the pages)."""

    queryset = Indicator.objects.prefetch_related("themes", "outcomes").order_by("name")
    serializer_class = IndicatorSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["code", "fingertips_id", "value_type", "polarity"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return self.queryset.all() if _may_read_needs(self.request.user) else Indicator.objects.none()


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    area_code = serializers.CharField(source="area.gss_code", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = [
            "id", "indicator", "indicator_code", "area_code", "period", "period_order", "sex", "age",
            "category_type", "category", "count", "denominator", "value", "lower95", "upper95",
            "lower998", "upper998", "value_note", "import_log",
        ]  # fmt: skip


class ImportRequestSerializer(serializers.Serializer):
    partnership = serializers.SlugField(
        help_text="The partnership you load for (you need IMPORT_NEEDS in it)"
    )
    layout = serializers.ChoiceField(choices=ImportLayout.choices)
    file = serializers.FileField()
    strict = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Refuse indicators and areas not known yet (by default the Fingertips layout adds them)",
    )
    create_areas = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Ignored: areas are added unless `strict` (kept for old clients)",
    )


class ImportLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportLog
        fields = [
            "id", "file_name", "checksum", "layout", "status", "rows", "created", "updated",
            "problem_count", "problems", "message", "report", "started_on", "finished_on",
        ]  # fmt: skip


def _check_may_import(user: Any) -> None:
    """Before the body is read: 404 for a caller who sees no partnership, 403 for one who may import in none."""
    if not visible_partnerships(user).exists():
        raise NotFound("No such partnership.")
    if not partnerships_with(user, Perm.IMPORT_NEEDS).exists():
        raise PermissionDenied("Your role does not allow importing indicator values.")


class QueuedImportSerializer(ImportLogSerializer):
    job = serializers.IntegerField(help_text="The background job loading the file: GET /api/v1/jobs/{job}/")

    class Meta(ImportLogSerializer.Meta):
        fields = [*ImportLogSerializer.Meta.fields, "job"]


def _in_background(size: int) -> bool:
    from jointly.needs.views import SYNC_BELOW_BYTES

    if getattr(settings, "JOINTLY_NEEDS_IMPORT_SYNC", False):
        return False
    return size >= getattr(settings, "JOINTLY_NEEDS_IMPORT_SYNC_BELOW", SYNC_BELOW_BYTES)


def _enqueue(request: Request, upload: Any, data: dict[str, Any], partnership: Any) -> Response:
    log = importer.start_log(
        file_name=upload.name, layout=data["layout"], by=request.user, partnership=partnership
    )
    stored = needs_jobs.upload_dir() / f"{log.pk}-{uuid.uuid4().hex}.csv"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = needs_jobs.enqueue_import(log, stored, strict=data["strict"], by=request.user)
    log.refresh_from_db()
    body = {**ImportLogSerializer(log).data, "job": job.pk}
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": f"/api/v1/jobs/{job.pk}/"})


#: A values list must name an indicator or an area (RESOLUTIONS 13): unfiltered, it would page
#: through (and count) tens of millions of rows at national scale.
NARROWING_FILTERS = (
    "indicator", "indicator__code", "indicator__fingertips_id", "area__gss_code", "area__gss_code__in",
)  # fmt: skip
NEEDS_A_FILTER = (
    "Name an indicator or an area: give one of " + ", ".join(f"?{n}=" for n in NARROWING_FILTERS) + "."
)
VALUES_LIST_DESCRIPTION = (
    "Indicator values, filtered. The list needs at least one of the filters ``indicator``, "
    "``indicator__code``, ``indicator__fingertips_id``, ``area__gss_code`` or ``area__gss_code__in``: "
    "without one it answers 400 (at national scale the whole list holds tens of millions of rows). "
    "Pages hold at most 500 values (``limit``); ``count`` is the number matching the filters."
)


class IndicatorValueViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator values (read, filterable); ``POST import/`` loads a CSV with the same checks as the page."""

    queryset = IndicatorValue.objects.select_related("indicator", "area").order_by(
        "indicator_id", "area_id", "period_order", "id"
    )
    serializer_class = IndicatorValueSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = {
        "indicator": ["exact"],
        "indicator__code": ["exact"],
        "indicator__fingertips_id": ["exact"],
        "area__gss_code": ["exact", "in"],
        "period": ["exact"],
        "sex": ["exact"],
        "age": ["exact"],
        "category_type": ["exact"],
    }

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return self.queryset.all() if _may_read_needs(self.request.user) else IndicatorValue.objects.none()

    @extend_schema(
        description=VALUES_LIST_DESCRIPTION,
        responses={
            200: IndicatorValueSerializer(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='No narrowing filter (``{"filter": [message]}``), or a malformed filter value.',
            ),
        },
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not any(request.query_params.get(name, "").strip() for name in NARROWING_FILTERS):
            raise serializers.ValidationError({"filter": [NEEDS_A_FILTER]})
        return super().list(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action == "import_csv":  # size and role before anything reads the body
            uploads.guard_api_upload(request, uploads.max_upload_bytes("needs"), check_role=_check_may_import)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        responses={
            201: ImportLogSerializer,
            202: QueuedImportSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Nothing loaded: either the import log listing every problem by row and "
                "column (as in 201), or the request's own field errors ({field: [messages]}).",
            ),
            404: OpenApiResponse(description="No such partnership, or none the caller may see."),
            413: OpenApiResponse(description="The file is over the size limit."),
        }
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=ImportRequestSerializer,
    )
    def import_csv(self, request: Request) -> Response:
        """Load a CSV (whole or nothing). 201 with the import log, or 400 listing every problem.

        A large file is loaded by a background job instead: 202 with the import log (pending) and
        the job to follow at ``/api/v1/jobs/{job}/`` (its ``status``, ``percent`` and ``error``).
        413 for a body over ``JOINTLY_MAX_NEEDS_UPLOAD_BYTES``; 403, before the body is read, for a
        caller who may import in no partnership.
        """
        _check_may_import(request.user)
        data = ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        partnership = (
            visible_partnerships(request.user).filter(slug=data.validated_data["partnership"]).first()
        )
        if partnership is None:
            raise NotFound("No such partnership.")
        if not has_permission(request.user, Perm.IMPORT_NEEDS, partnership):
            raise PermissionDenied("Your role does not allow importing indicator values.")
        upload = data.validated_data["file"]
        if _in_background(upload.size):
            return _enqueue(request, upload, data.validated_data, partnership)
        log = importer.import_file(
            upload.file,
            data.validated_data["layout"],
            file_name=upload.name,
            by=request.user,
            partnership=partnership,
            strict=data.validated_data["strict"],
        )
        body = ImportLogSerializer(log).data
        ok = log.status == ImportStatus.DONE
        return Response(body, status=status.HTTP_201_CREATED if ok else status.HTTP_400_BAD_REQUEST)


class ComparatorGroupSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    area = ScopedSlugRelatedField(
        slug_field="gss_code", queryset=Area.objects.all(), allow_null=True, required=False
    )
    members = ScopedSlugRelatedField(slug_field="gss_code", queryset=Area.objects.all(), many=True)

    class Meta:
        model = ComparatorGroup
        fields = ["id", "partnership", "name", "kind", "area", "members", "description", "version"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        partnership = current(attrs, self.instance, "partnership")
        if problems := rules.comparator_group_name(
            partnership, current(attrs, self.instance, "name"), self.instance
        ):
            raise serializers.ValidationError(problems)
        return attrs


class ComparatorGroupViewSet(ScopedViewSet):
    queryset = ComparatorGroup.objects.select_related("partnership", "area").prefetch_related("members")
    serializer_class = ComparatorGroupSerializer
    read_perm = Perm.VIEW_NEEDS
    write_perm = Perm.IMPORT_NEEDS
    filterset_fields = ["partnership__slug", "kind"]


class NeedsAssessmentSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    area = ScopedSlugRelatedField(
        slug_field="gss_code", queryset=Area.objects.all(), allow_null=True, required=False
    )
    indicators = ScopedPrimaryKeyRelatedField(many=True, queryset=Indicator.objects.all(), required=False)
    outcomes = ScopedPrimaryKeyRelatedField(many=True, queryset=Outcome.objects.all(), required=False)
    intentions = ScopedPrimaryKeyRelatedField(many=True, queryset=Intention.objects.all(), required=False)

    class Meta:
        model = NeedsAssessment
        fields = [
            "id", "partnership", "topic", "area", "date", "key_findings", "recommendations", "indicators",
            "outcomes", "intentions", "illustrative", "version",
        ]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        partnership = current(attrs, self.instance, "partnership")
        errors: dict[str, str] = {}
        if any(o.framework.partnership_id != partnership.pk for o in attrs.get("outcomes", [])):
            errors["outcomes"] = "Outcomes must belong to this partnership's frameworks."
        if any(i.partnership_id != partnership.pk for i in attrs.get("intentions", [])):
            errors["intentions"] = "Intentions must belong to this partnership."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class NeedsAssessmentViewSet(ScopedViewSet):
    queryset = NeedsAssessment.objects.select_related("partnership", "area").prefetch_related(
        "indicators", "outcomes", "intentions"
    )
    serializer_class = NeedsAssessmentSerializer
    read_perm = Perm.VIEW_NEEDS
    write_perm = Perm.IMPORT_NEEDS
    filterset_fields = ["partnership__slug"]


class _ProfileAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class _ProfileComparisonSerializer(serializers.Serializer):
    key = serializers.CharField()
    comparator = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    result = serializers.CharField()


class _ProfileSpreadSerializer(serializers.Serializer):
    worst = serializers.FloatField()
    q25 = serializers.FloatField()
    q75 = serializers.FloatField()
    best = serializers.FloatField()
    areas = serializers.IntegerField()


class _ProfileIndicatorSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    polarity = serializers.CharField()
    sex = serializers.CharField()
    age = serializers.CharField()
    period = serializers.CharField(allow_null=True)
    count = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    value_note = serializers.CharField(
        allow_blank=True, help_text="The publisher's note (suppressed, combined areas…), '' for none"
    )
    lower = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)
    comparisons = _ProfileComparisonSerializer(many=True)
    recent_trend = serializers.CharField()
    spread = _ProfileSpreadSerializer(allow_null=True)


class NeedsProfileSerializer(serializers.Serializer):
    """Documents the answer of ``GET /api/v1/needs-profile/`` (built by hand in the view)."""

    partnership = serializers.CharField()
    area = _ProfileAreaSerializer()
    level = serializers.ChoiceField(choices=benchmarking.LEVELS)
    comparator_group = serializers.CharField(allow_null=True)
    indicators = _ProfileIndicatorSerializer(many=True)


class AreaProfileViewSet(viewsets.ViewSet):
    """``GET /api/v1/needs-profile/?partnership=SLUG&area=GSS&level=95|99.8&group=ID``: the area profile."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="needs_profile_retrieve",
        parameters=[
            OpenApiParameter("partnership", OpenApiTypes.STR, required=True, description="Partnership slug"),
            OpenApiParameter(
                "area", OpenApiTypes.STR, description="GSS code of one of its areas (default: the first)"
            ),
            OpenApiParameter(
                "level",
                OpenApiTypes.STR,
                enum=list(benchmarking.LEVELS),
                description="Confidence level of the comparisons (default 95)",
            ),  # fmt: skip
            OpenApiParameter("group", OpenApiTypes.INT, description="Comparator group id"),
        ],
        responses={200: NeedsProfileSerializer},
    )
    def list(self, request: Request) -> Response:
        slug = request.query_params.get("partnership", "")
        partnership = get_object_or_404(visible_partnerships(request.user), slug=slug) if slug else None
        if partnership is None:
            raise NotFound("Name a partnership: ?partnership=SLUG")
        if not has_permission(request.user, Perm.VIEW_NEEDS, partnership):
            raise PermissionDenied("Your role does not include needs data.")
        areas = queries.partnership_areas(partnership)
        code = request.query_params.get("area")
        area = next((a for a in areas if a.gss_code == code), None) if code else (areas[0] if areas else None)
        if area is None:
            raise NotFound("That area is not one of this partnership's areas.")
        groups = list(queries.comparator_groups(partnership))
        chosen = request.query_params.get("group")
        group = next((g for g in groups if str(g.pk) == chosen), None)
        if chosen and group is None:
            raise NotFound("No such comparator group.")
        group = group or next((g for g in groups if g.area_id == area.pk), None)
        level = benchmarking.clean_level(request.query_params.get("level"))
        rows = profile_cache.build_profile(
            list(queries.partnership_indicators(partnership)), area, level=level, group=group
        )
        return Response(
            {
                "partnership": partnership.slug,
                "area": {"code": area.gss_code, "name": area.name},
                "level": level,
                "comparator_group": group.name if group else None,
                "indicators": [_profile_json(r) for r in rows],
            }
        )


def _profile_json(row: benchmarking.ProfileRow) -> dict[str, Any]:
    v = row.latest
    return {
        "indicator": row.indicator.pk,
        "code": row.indicator.code,
        "name": row.indicator.name,
        "unit": row.indicator.unit,
        "polarity": row.indicator.polarity,
        "sex": row.sex,
        "age": row.age,
        "period": v.period if v else None,
        "count": v.count if v else None,
        "denominator": v.denominator if v else None,
        "value": v.value if v else None,
        "value_note": v.value_note if v else "",
        "lower": row.lower,
        "upper": row.upper,
        "comparisons": [
            {"key": c.key, "comparator": c.comparator, "value": c.value, "result": c.result}
            for c in row.comparisons
        ],  # fmt: skip
        "recent_trend": row.trend,
        "spread": None if row.spread is None else row.spread.__dict__,
    }


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("indicators", IndicatorViewSet)
    router.register("indicator-values", IndicatorValueViewSet)
    router.register("comparator-groups", ComparatorGroupViewSet)
    router.register("needs-assessments", NeedsAssessmentViewSet)
    router.register("needs-profile", AreaProfileViewSet, basename="needs-profile")
