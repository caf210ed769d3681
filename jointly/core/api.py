"""API plumbing shared by every app: permissions, stale-edit handling, errors."""

from __future__ import annotations

import logging
import traceback
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db import models as django_models
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, is_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from jointly.core.drf import JSONParser, Pagination  # noqa: F401 (the settings name them here too)
from jointly.core.models import StaleEdit
from jointly.core.validators import NoControlCharactersValidator

logger = logging.getLogger("jointly.api")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = StaleEdit.__init__.__doc__ or "Conflict"
    default_code = "stale_edit"


class BadParameter(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "A parameter or field is out of range or malformed."
    default_code = "invalid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Every error inside an API view answers JSON: never an HTML page, never a traceback.

    A bad parameter that only the database notices (a number out of range, a malformed value)
    is the caller's mistake: 400. Anything else unexpected is a JSON 500 and is logged.
    """
    if isinstance(exc, StaleEdit):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DataError | OverflowError | ValueError):
        exc = BadParameter()
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    set_rollback()
    view = context.get("view")
    # The exception's class, the view and where it happened: its message may hold submitted values.
    where = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("API error %s in %s\n%s", type(exc).__name__, type(view).__name__ if view else "?", where)
    return Response({"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


class PlainTextField(serializers.CharField):
    """Single-line text: refuses control characters, tabs and line breaks."""

    multiline = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(NoControlCharactersValidator(multiline=self.multiline))


class MultiLineTextField(PlainTextField):
    """Multi-line text (descriptions, notes): tabs and line breaks allowed, other controls refused."""

    multiline = True


# Model text columns become the fields above in every API serializer built on the bases below.
TEXT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    django_models.CharField: PlainTextField,
    django_models.TextField: MultiLineTextField,
}


class JointlySchema(AutoSchema):
    """drf-spectacular's schema plus what a client needs: error answers, and ``version`` on update."""

    def _get_request_for_media_type(self, serializer: Any, direction: str = "request") -> Any:
        schema, required = super()._get_request_for_media_type(serializer, direction)
        instance = force_instance(serializer)
        if (
            self.method in ("PUT", "PATCH")
            and schema is not None
            and is_serializer(instance)
            and isinstance(instance, VersionedSerializerMixin)
        ):
            schema, required = {"allOf": [schema, {"required": ["version"]}]}, True
        return schema, required

    def _is_list_view(self, serializer: Any = None) -> bool:
        # Our plain ViewSets (service map, needs profile) answer ``list`` with one object, unless the
        # view declares a list (``Serializer(many=True)``, e.g. /attention/).
        if not isinstance(self.view, GenericAPIView):
            return isinstance(serializer, serializers.ListSerializer)
        return super()._is_list_view(serializer)

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        parameters = operation.get("parameters", [])
        # A record named in the path, or a required lookup (``?partnership=SLUG``), may not exist.
        has_path = any(p.get("in") == "path" or p.get("required") for p in parameters)
        has_query = any(p.get("in") == "query" for p in parameters)
        errors: dict[str, tuple[str, str]] = {}
        if self.method != "GET" or has_query:
            errors["400"] = ("ValidationErrors", "A parameter or a field is invalid: the messages say which.")
        if {} not in operation.get("security", [{}]):
            errors["401"] = ("ErrorDetail", "No valid credentials (token or session) were sent.")
            errors["403"] = ("ErrorDetail", "Your role does not allow this here.")
        if has_path:
            errors["404"] = ("ErrorDetail", "No such record, or not one you may see.")
        if self.method in ("PUT", "PATCH", "POST", "DELETE"):
            errors["409"] = (
                "ErrorDetail",
                "The record changed since you read it (send the version you read), or its state refuses this.",
            )
        for code, (name, description) in errors.items():
            if code not in responses:
                ref = self._error_component(name)
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                }
        # A view may name further refusals with a description only (``OpenApiResponse(description=
        # ...)``): their body is the same ``{"detail": ...}`` as every other error.
        for code, response in responses.items():
            if str(code).startswith("4") and "content" not in response:
                response["content"] = {"application/json": {"schema": self._error_component("ErrorDetail")}}
        return operation

    def _error_component(self, name: str) -> dict[str, str]:
        schemas = {
            "ErrorDetail": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            },
            "ValidationErrors": {
                "description": "Messages by field name (``detail`` or ``non_field_errors`` for the request "
                "as a whole), or a list of messages.",
                "oneOf": [{"type": "object", "additionalProperties": {}}, {"type": "array", "items": {}}],
            },
        }
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schemas[name]
        )
        self.registry.register_on_missing(component)
        return component.ref


class VersionedSerializerMixin(serializers.Serializer):
    """Adds ``version``: required on update, and an update from a stale version is refused (409)."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you read. Required when updating; a stale version gets 409.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": "Send the version you read, so that a concurrent change is detected."}
            )
        return attrs


# --- Scoped serializers and viewsets ----------------------------------------------------------

from django.db import models as dj_models  # noqa: E402
from django.db import transaction  # noqa: E402
from rest_framework import permissions as drf_permissions  # noqa: E402
from rest_framework import viewsets  # noqa: E402
from rest_framework.exceptions import PermissionDenied  # noqa: E402

from jointly.accounts.permissions import Perm, has_permission, visible_to  # noqa: E402
from jointly.core import scoping  # noqa: E402
from jointly.core.models import VersionedModel, save_versioned  # noqa: E402


def follow(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


class ScopedRelatedFieldMixin:
    """A related field whose choices are the records the caller may read.

    The related model's policy (:mod:`jointly.core.scoping`) decides: its partnership, the read
    permission there and, for provider-held records, the provider's own records only. Unknown
    records and records outside the caller's scope get the same "does not exist" error, so
    nothing leaks. ``scope`` (the old partnership path) is accepted and ignored.
    """

    def __init__(self, *args: Any, scope: str | None = None, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(*args, **kwargs)

    def get_queryset(self) -> Any:
        qs = super().get_queryset()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None:
            return qs
        return scoping.visible(request.user, qs)


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):
    pass


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    pass


class VersionedModelSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    """Creates and updates through save_versioned, so the API refuses stale edits too."""

    serializer_field_mapping = TEXT_FIELD_MAPPING

    @property
    def _model(self) -> Any:
        return self.Meta.model

    def _split_m2m(self, data: dict[str, Any]) -> dict[str, Any]:
        m2m = {}
        for name in list(data):
            field = self._model._meta.get_field(name) if name != "version" else None
            if field is not None and field.many_to_many:
                m2m[name] = data.pop(name)
        return m2m

    def create(self, validated_data: dict[str, Any]) -> Any:
        validated_data.pop("version", None)
        m2m = self._split_m2m(validated_data)
        instance = self._model(**validated_data)
        with transaction.atomic():
            if isinstance(instance, VersionedModel):
                save_versioned(instance, expected_version=None, by=self.context["request"].user)
            else:
                instance.save()
            for name, values in m2m.items():
                getattr(instance, name).set(values)
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        expected = validated_data.pop("version", None)
        m2m = self._split_m2m(validated_data)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        with transaction.atomic():
            if isinstance(instance, VersionedModel):
                save_versioned(instance, expected_version=expected, by=self.context["request"].user)
            else:
                instance.save()
            for name, values in m2m.items():
                getattr(instance, name).set(values)
        return instance


class PlainModelSerializer(serializers.ModelSerializer):
    """For unversioned rows (links, decisions): no version field."""

    serializer_field_mapping = TEXT_FIELD_MAPPING


class ScopedViewSet(viewsets.ModelViewSet):
    """A viewset over records that belong to a partnership.

    Reading needs ``read_perm`` in the record's partnership (others get 404);
    writing needs ``write_perm`` there (members without it get 403).
    """

    read_perm: Perm = Perm.VIEW_PLANNING
    write_perm: Perm = Perm.EDIT_INTENTIONS
    partnership_path: str = "partnership"
    own_perm: Perm | None = None
    """With ``own_perm`` (and no ``read_perm``) a provider reads only its own records: those whose
    ``provider_paths`` (lookups to the provider organisation) lead to its organisation."""
    provider_paths: tuple[str, ...] = ()
    permission_classes = [drf_permissions.IsAuthenticated]

    def base_queryset(self) -> dj_models.QuerySet:
        queryset = cast(Any, self).queryset  # a class attribute the stubs read as a manager descriptor
        assert queryset is not None, f"{type(self).__name__} needs a queryset"
        return queryset.all()

    def get_queryset(self) -> Any:
        return visible_to(
            self.request.user,
            self.base_queryset(),
            self.partnership_path,
            *self.provider_paths,
            every=self.read_perm,
            own=self.own_perm,
        )

    def _check_write(self, partnership: Any) -> None:
        if not has_permission(self.request.user, self.write_perm, partnership):
            raise PermissionDenied("Your role does not allow changes here.")

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer:
        serializer = super().get_serializer(*args, **kwargs)
        if "data" in kwargs and self.action in ("create", "update", "partial_update"):
            self._check_write_before_validation(serializer)
        return serializer

    def _check_write_before_validation(self, serializer: serializers.BaseSerializer) -> None:
        """Refuse a write the caller's role does not allow before any validation runs.

        Validation messages would otherwise answer questions about records (clashing references,
        contract dates) to people who may not change them. The target partnership comes from the
        record being changed and from the request's own field leading to the partnership; a target
        the caller cannot read fails that field's validation as "does not exist", like an unknown one.
        """
        if serializer.instance is not None:
            self._check_write(self._home_of(serializer.instance))
        first, _, rest = self.partnership_path.partition("__")
        data = getattr(serializer, "initial_data", None)
        field = serializer.fields.get(first) if isinstance(serializer, serializers.Serializer) else None
        if not isinstance(data, dict) or first not in data or field is None or field.read_only:
            return
        try:
            value = field.run_validation(data[first])
        except (serializers.ValidationError, DjangoValidationError):
            return  # reported by is_valid(), with the same message as for an unknown record
        if value is not None:
            self._check_write(follow(value, rest) if rest else value)

    def _home_of(self, instance: Any) -> Any:
        return instance if self.partnership_path == "pk" else follow(instance, self.partnership_path)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        self._check_write(self._partnership_from(serializer.validated_data))
        serializer.save()

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        self._check_write(self._home_of(serializer.instance))
        new_home = self._partnership_from(serializer.validated_data, default=None)
        if new_home is not None:
            self._check_write(new_home)
        serializer.save()

    def perform_destroy(self, instance: Any) -> None:
        """Delete, unless records others submitted or decided depend on it: then 409 with a
        message naming them by kind and count, and nothing deleted (:mod:`jointly.core.deletes`)."""
        from jointly.core.deletes import DeleteRefused, delete_or_refuse

        self._check_write(follow(instance, self.partnership_path))
        try:
            delete_or_refuse(instance)
        except DeleteRefused as exc:
            raise Conflict(str(exc), code="protected") from None

    def _partnership_from(self, data: dict[str, Any], default: Any = ...) -> Any:
        first, _, rest = self.partnership_path.partition("__")
        if first not in data:
            if default is not ...:
                return default
            raise serializers.ValidationError({first: "This field is required."})
        return follow(data[first], rest) if rest else data[first]


# --- Unmatched API addresses ----------------------------------------------------------------------

from django.contrib.auth.decorators import login_not_required  # noqa: E402
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


@csrf_exempt  # it writes nothing; a POST with a session cookie still gets the JSON 404
@login_not_required
def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any address under ``/api/`` that no route matches: a JSON 404, not the HTML page.

    It comes last in the URLconf, so Django's slash-appending is done here for reads.
    """
    if not request.path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return JsonResponse({"detail": "Not found."}, status=404)
