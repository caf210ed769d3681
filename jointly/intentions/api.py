"""API for themes, intentions, milestones and quarterly progress."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from rest_framework import serializers

from jointly.accounts.permissions import Perm
from jointly.core import asat, scoping
from jointly.core import rules as core_rules
from jointly.core.api import (
    PlainModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.core.fields import canonical
from jointly.intentions import actions, rules
from jointly.intentions.models import QUARTER, Intention, Milestone, ProgressUpdate, Rag, Theme
from jointly.outcomes.models import Outcome
from jointly.partnerships.api import org_field, partnership_field

scoping.register(Theme, "partnership", every=Perm.VIEW_PLANNING)
scoping.register(Intention, "partnership", every=Perm.VIEW_PLANNING)
scoping.register(Milestone, "intention__partnership", every=Perm.VIEW_PLANNING)
scoping.register(ProgressUpdate, "intention__partnership", every=Perm.VIEW_PLANNING)


class ThemeSerializer(PlainModelSerializer):
    partnership = partnership_field()

    class Meta:
        model = Theme
        fields = ["id", "partnership", "name"]


class ThemeViewSet(ScopedViewSet):
    queryset = Theme.objects.select_related("partnership")
    serializer_class = ThemeSerializer
    filterset_fields = ["partnership__slug"]


class IntentionSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    lead_commissioner = org_field(allow_null=True, required=False)
    partner_commissioners = org_field(many=True, required=False)
    coordinating_commissioner = org_field(allow_null=True, required=False)
    providers_affected = org_field(many=True, required=False)
    themes = ScopedPrimaryKeyRelatedField(
        many=True, queryset=Theme.objects.all(), required=False, scope="partnership"
    )
    outcomes = ScopedPrimaryKeyRelatedField(
        many=True, queryset=Outcome.objects.all(), required=False, scope="framework__partnership"
    )
    # Blank until a progress update gives a RAG: the document's enum says so.
    current_rag = serializers.ChoiceField(choices=Rag.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Intention
        fields = [
            "id", "partnership", "reference", "title", "aim", "objectives", "scope",
            "benefits_users", "benefits_staff", "benefits_organisation", "metrics",
            "expected_outcome", "integrated", "lead_commissioner", "partner_commissioners",
            "coordinating_commissioner", "providers_affected", "themes", "outcomes", "stage",
            "sro", "lead_officer", "start_date", "end_date", "current_rag", "illustrative", "source",
            "outcomes_inferred", "version",
        ]  # fmt: skip
        read_only_fields = ["current_rag"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = partial(core_rules.current, attrs, self.instance)
        partnership = current("partnership")
        errors: dict[str, str] = {}
        member_ids = set(partnership.members.values_list("organisation_id", flat=True))
        for name in ("lead_commissioner", "coordinating_commissioner"):
            org = current(name)
            if org is not None and org.pk not in member_ids:
                errors[name] = f"{org.name} is not a member of this partnership."
        for name in ("partner_commissioners", "providers_affected"):
            outside = [o.name for o in current(name) or [] if o.pk not in member_ids]
            if outside:
                errors[name] = "Not members of this partnership: " + ", ".join(outside)
        errors.update(
            rules.intention_partners(current("lead_commissioner"), current("partner_commissioners"))
        )
        if any(t.partnership_id != partnership.pk for t in current("themes") or []):
            errors["themes"] = "Themes must belong to this partnership."
        if any(o.framework.partnership_id != partnership.pk for o in current("outcomes") or []):
            errors["outcomes"] = "Outcomes must belong to this partnership's frameworks."
        errors.update(rules.intention_dates(current("start_date"), current("end_date")))
        errors.update(rules.intention_reference(partnership, current("reference"), self.instance))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class IntentionViewSet(ScopedViewSet):
    queryset = Intention.objects.select_related(
        "partnership", "lead_commissioner", "coordinating_commissioner"
    ).prefetch_related("partner_commissioners", "providers_affected", "themes", "outcomes")
    serializer_class = IntentionSerializer
    filterset_fields = ["partnership__slug", "stage", "current_rag", "integrated"]


class MilestoneSerializer(VersionedModelSerializer):
    intention = ScopedPrimaryKeyRelatedField(queryset=Intention.objects.all(), scope="partnership")
    status = serializers.SerializerMethodField(
        help_text="done, done late, overdue or due, as at ?as_at= (default: the partnership's today)"
    )

    class Meta:
        model = Milestone
        fields = [
            "id", "intention", "title", "due_date", "completed_on", "status", "illustrative", "source", "version",
        ]  # fmt: skip

    def get_status(self, obj: Milestone) -> str:
        return obj.status_at(asat.for_serializer(self.context, obj.intention.partnership))


class MilestoneViewSet(ScopedViewSet):
    queryset = Milestone.objects.select_related("intention__partnership")
    serializer_class = MilestoneSerializer
    partnership_path = "intention__partnership"
    filterset_fields = ["intention"]


class ProgressSerializer(VersionedModelSerializer):
    intention = ScopedPrimaryKeyRelatedField(queryset=Intention.objects.all(), scope="partnership")

    class Meta:
        model = ProgressUpdate
        fields = [
            "id", "intention", "period", "rag", "narrative", "author", "date", "illustrative",
            "rag_illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def validate_period(self, value: str) -> str:
        """Any spelling of a financial quarter, stored canonical (``2013/14 Q2``)."""
        return canonical(value, QUARTER)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        intention = core_rules.current(attrs, self.instance, "intention")
        period = core_rules.current(attrs, self.instance, "period")
        if problems := rules.progress_period(intention, period, self.instance):
            raise serializers.ValidationError(problems)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Any:
        with transaction.atomic():
            update = super().create(validated_data)
            actions.refresh_rag(update.intention)
        return update

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        with transaction.atomic():
            update = super().update(instance, validated_data)
            actions.refresh_rag(update.intention)
        return update


class ProgressViewSet(ScopedViewSet):
    queryset = ProgressUpdate.objects.select_related("intention__partnership")
    serializer_class = ProgressSerializer
    partnership_path = "intention__partnership"
    filterset_fields = ["intention", "period", "rag"]
