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

from django.db import models as dj_models  # noqa: E402
from django.db import transaction  # noqa: E402
from rest_framework import permissions as drf_permissions  # noqa: E402
from rest_framework import viewsets  # noqa: E402
from rest_framework.exceptions import PermissionDenied  # noqa: E402

from jointly.accounts.permissions import Perm, has_permission, partnerships_with  # noqa: E402
from jointly.core.models import VersionedModel, save_versioned  # noqa: E402


def follow(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


class ScopedRelatedFieldMixin:
    """A related field whose choices are limited to partnerships the caller may see.

    ``scope`` is the lookup path from the related model to its partnership
    ("" when the related model *is* a partnership). Unknown and invisible
    objects get the same "does not exist" error, so nothing leaks.
    """

    def __init__(self, *args: Any, scope: str | None = None, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if self.scope is None or request is None:
            return qs
        visible = partnerships_with(request.user, Perm.VIEW_PARTNERSHIP)
        key = f"{self.scope}__in" if self.scope else "pk__in"
        return qs.filter(**{key: visible}).distinct()


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
    permission_classes = [drf_permissions.IsAuthenticated]

    def base_queryset(self) -> dj_models.QuerySet:
        return self.queryset.all()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        allowed = partnerships_with(self.request.user, self.read_perm)
        return self.base_queryset().filter(**{f"{self.partnership_path}__in": allowed})

    def _check_write(self, partnership: Any) -> None:
        if not has_permission(self.request.user, self.write_perm, partnership):
            raise PermissionDenied("Your role does not allow changes here.")

    def perform_create(self, serializer: serializers.Serializer) -> None:
        self._check_write(self._partnership_from(serializer.validated_data))
        serializer.save()

    def perform_update(self, serializer: serializers.Serializer) -> None:
        self._check_write(follow(serializer.instance, self.partnership_path))
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
