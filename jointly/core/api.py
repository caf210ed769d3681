"""API plumbing shared by every app: permissions, stale-edit handling, errors."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

from jointly.core.models import StaleEdit


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = StaleEdit.__init__.__doc__ or "Conflict"
    default_code = "stale_edit"


def exception_handler(exc: Exception, context: dict[str, Any]):  # type: ignore[no-untyped-def]
    if isinstance(exc, StaleEdit):
        exc = Conflict(str(exc))
    return drf_exception_handler(exc, context)


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

from django.core.exceptions import ValidationError as DjangoValidationError  # noqa: E402
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
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def get_queryset(self):  # type: ignore[no-untyped-def]
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

    def _split_m2m(self, data: dict[str, Any]) -> dict[str, Any]:
        m2m = {}
        for name in list(data):
            field = self.Meta.model._meta.get_field(name) if name != "version" else None
            if field is not None and field.many_to_many:
                m2m[name] = data.pop(name)
        return m2m

    def create(self, validated_data: dict[str, Any]) -> Any:
        validated_data.pop("version", None)
        m2m = self._split_m2m(validated_data)
        instance = self.Meta.model(**validated_data)
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
        return self.queryset.all()

    def get_queryset(self):  # type: ignore[no-untyped-def]
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

    def perform_create(self, serializer: serializers.Serializer) -> None:
        self._check_write(self._partnership_from(serializer.validated_data))
        serializer.save()

    def perform_update(self, serializer: serializers.Serializer) -> None:
        self._check_write(self._home_of(serializer.instance))
        new_home = self._partnership_from(serializer.validated_data, default=None)
        if new_home is not None:
            self._check_write(new_home)
        serializer.save()

    def perform_destroy(self, instance: Any) -> None:
        self._check_write(follow(instance, self.partnership_path))
        instance.delete()

    def _partnership_from(self, data: dict[str, Any], default: Any = ...) -> Any:
        first, _, rest = self.partnership_path.partition("__")
        if first not in data:
            if default is not ...:
                return default
            raise serializers.ValidationError({first: "This field is required."})
        return follow(data[first], rest) if rest else data[first]
