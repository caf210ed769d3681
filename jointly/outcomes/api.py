"""API for outcomes frameworks, outcomes and contributes-to links."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jointly.accounts.permissions import Perm
from jointly.core import scoping
from jointly.core.api import (
    PlainModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.core.rules import current
from jointly.outcomes import rules
from jointly.outcomes.models import Framework, Outcome, OutcomeLink
from jointly.partnerships.api import partnership_field

scoping.register(Framework, "partnership", every=Perm.VIEW_PARTNERSHIP)
scoping.register(Outcome, "framework__partnership", every=Perm.VIEW_PARTNERSHIP)
scoping.register(OutcomeLink, "source__framework__partnership", every=Perm.VIEW_PARTNERSHIP)


class FrameworkSerializer(VersionedModelSerializer):
    partnership = partnership_field()

    class Meta:
        model = Framework
        fields = ["id", "partnership", "slug", "name", "kind", "description", "version"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        partnership = current(attrs, self.instance, "partnership")
        if problems := rules.framework_slug(
            partnership, current(attrs, self.instance, "slug"), self.instance
        ):
            raise serializers.ValidationError(problems)
        return attrs


class FrameworkViewSet(ScopedViewSet):
    queryset = Framework.objects.select_related("partnership")
    serializer_class = FrameworkSerializer
    read_perm = Perm.VIEW_PARTNERSHIP
    write_perm = Perm.EDIT_OUTCOMES
    filterset_fields = ["partnership__slug", "kind"]


class OutcomeSerializer(VersionedModelSerializer):
    framework = ScopedPrimaryKeyRelatedField(queryset=Framework.objects.all(), scope="partnership")
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Outcome.objects.all(), allow_null=True, required=False, scope="framework__partnership"
    )
    contributes_to = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "id", "framework", "parent", "code", "title", "description", "position",
            "contributes_to", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        framework = current(attrs, self.instance, "framework")
        parent = attrs.get("parent")
        errors = {}
        if parent is not None:
            if parent.framework_id != framework.pk:
                errors["parent"] = "Must be an outcome of the same framework."
            node = parent
            while node is not None and self.instance is not None:
                if node.pk == self.instance.pk:
                    errors["parent"] = "An outcome cannot sit under itself."
                    break
                node = node.parent
        errors.update(rules.outcome_code(framework, current(attrs, self.instance, "code"), self.instance))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class OutcomeViewSet(ScopedViewSet):
    queryset = Outcome.objects.select_related("framework__partnership").prefetch_related("contributes_to")
    serializer_class = OutcomeSerializer
    read_perm = Perm.VIEW_PARTNERSHIP
    write_perm = Perm.EDIT_OUTCOMES
    partnership_path = "framework__partnership"
    filterset_fields = ["framework", "parent"]


class OutcomeLinkSerializer(PlainModelSerializer):
    source = ScopedPrimaryKeyRelatedField(queryset=Outcome.objects.all(), scope="framework__partnership")
    target = ScopedPrimaryKeyRelatedField(queryset=Outcome.objects.all(), scope="framework__partnership")

    class Meta:
        model = OutcomeLink
        fields = ["id", "source", "target"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        source, target = attrs["source"], attrs["target"]
        if source.pk == target.pk:
            raise serializers.ValidationError({"target": "An outcome cannot contribute to itself."})
        if source.framework.partnership_id != target.framework.partnership_id:
            raise serializers.ValidationError(
                {"target": "Both outcomes must belong to the same partnership."}
            )
        if problems := rules.link_target(source, target):
            raise serializers.ValidationError(problems)
        return attrs


class OutcomeLinkViewSet(ScopedViewSet):
    queryset = OutcomeLink.objects.select_related("source__framework__partnership")
    serializer_class = OutcomeLinkSerializer
    read_perm = Perm.VIEW_PARTNERSHIP
    write_perm = Perm.EDIT_OUTCOMES
    partnership_path = "source__framework__partnership"
    http_method_names = ["get", "post", "delete", "head", "options"]
