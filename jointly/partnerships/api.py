"""API for organisations, areas, partnerships and governance."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from jointly.accounts.permissions import Perm
from jointly.core import scoping
from jointly.core.api import (
    PlainModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.partnerships.models import (
    Action,
    Agreement,
    Area,
    Board,
    BoardMember,
    CommissioningFunction,
    Decision,
    Meeting,
    Organisation,
    Partnership,
)

scoping.reference(Area, Organisation, CommissioningFunction)
scoping.register(Partnership, "", every=Perm.VIEW_PARTNERSHIP)
scoping.register(Board, "partnership", every=Perm.VIEW_PLANNING)
scoping.register(BoardMember, "board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Meeting, "board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Decision, "meeting__board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Action, "board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Agreement, "partnership", every=Perm.VIEW_PLANNING)


def partnership_field() -> ScopedSlugRelatedField:
    return ScopedSlugRelatedField(slug_field="slug", queryset=Partnership.objects.all(), scope="")


def org_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return ScopedSlugRelatedField(slug_field="slug", queryset=Organisation.objects.all(), **kwargs)


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="gss_code", read_only=True, allow_null=True)

    class Meta:
        model = Area
        fields = ["gss_code", "name", "area_type", "parent"]


class OrganisationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The body a directorate is part of"
    )

    class Meta:
        model = Organisation
        fields = [
            "slug", "name", "short_name", "kind", "parent", "ods_code", "code_valid_from", "code_valid_to",
            "gss_code",
        ]  # fmt: skip


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference geographies (public reference data: any signed-in person may read)."""

    queryset = Area.objects.select_related("parent")
    serializer_class = AreaSerializer
    lookup_field = "gss_code"
    permission_classes = [IsAuthenticated]
    filterset_fields = ["area_type"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations (public reference data). Platform admins change them in Django admin."""

    queryset = Organisation.objects.select_related("parent")
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    permission_classes = [IsAuthenticated]
    filterset_fields = ["kind", "ods_code"]


class MemberSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.slug")
    role = serializers.CharField()


class PartnershipSerializer(VersionedModelSerializer):
    areas = ScopedSlugRelatedField(
        slug_field="gss_code", many=True, queryset=Area.objects.all(), required=False
    )
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug", "name", "description", "population_group", "age_min", "age_max", "areas",
            "members", "version",
        ]  # fmt: skip
        read_only_fields = ["slug"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        lo = attrs.get("age_min", getattr(self.instance, "age_min", 0))
        hi = attrs.get("age_max", getattr(self.instance, "age_max", 25))
        if lo > hi:
            raise serializers.ValidationError({"age_max": "Must not be below age_min."})
        return attrs


class PartnershipViewSet(ScopedViewSet):
    """Partnerships you belong to. Partnership admins may update details; platform admins create them."""

    queryset = Partnership.objects.prefetch_related("areas", "members__organisation")
    serializer_class = PartnershipSerializer
    lookup_field = "slug"
    read_perm = Perm.VIEW_PARTNERSHIP
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "pk"
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        from jointly.accounts.permissions import partnerships_with

        return self.queryset.filter(pk__in=partnerships_with(self.request.user, self.read_perm))

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        self._check_write(serializer.instance)
        serializer.save()


class BoardMemberSerializer(serializers.ModelSerializer):
    organisation = org_field(allow_null=True, required=False)

    class Meta:
        model = BoardMember
        fields = ["id", "name", "organisation", "role"]


class BoardMemberWriteSerializer(PlainModelSerializer):
    board = ScopedPrimaryKeyRelatedField(queryset=Board.objects.all(), scope="partnership")
    organisation = org_field(allow_null=True, required=False)

    class Meta:
        model = BoardMember
        fields = ["id", "board", "name", "organisation", "role"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        board = attrs.get("board") or getattr(self.instance, "board", None)
        org = attrs.get("organisation")
        if org is not None and not board.partnership.members.filter(organisation=org).exists():
            raise serializers.ValidationError(
                {"organisation": f"{org.name} is not a member of this partnership."}
            )
        return attrs


class BoardMemberViewSet(ScopedViewSet):
    queryset = BoardMember.objects.select_related("board__partnership", "organisation")
    serializer_class = BoardMemberWriteSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "board__partnership"
    filterset_fields = ["board"]


class BoardSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    reports_to = ScopedPrimaryKeyRelatedField(
        queryset=Board.objects.all(), allow_null=True, required=False, scope="partnership"
    )
    members = BoardMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Board
        fields = [
            "id", "partnership", "slug", "name", "kind", "purpose", "duties", "chair", "quorum",
            "meeting_frequency", "reports_to", "members", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        partnership = attrs.get("partnership") or getattr(self.instance, "partnership", None)
        reports_to = attrs.get("reports_to")
        if reports_to and reports_to.partnership_id != partnership.pk:
            raise serializers.ValidationError({"reports_to": "Must be a board of the same partnership."})
        if self.instance and reports_to:
            node = reports_to
            while node is not None:
                if node.pk == self.instance.pk:
                    raise serializers.ValidationError({"reports_to": "That would make a reporting loop."})
                node = node.reports_to
        slug = attrs.get("slug", getattr(self.instance, "slug", None))
        clash = Board.objects.filter(partnership=partnership, slug=slug)
        if self.instance:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"slug": "Another board in this partnership uses this slug."})
        return attrs


class BoardViewSet(ScopedViewSet):
    queryset = Board.objects.select_related("partnership").prefetch_related("members__organisation")
    serializer_class = BoardSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    filterset_fields = ["partnership__slug", "kind"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "text"]


class DecisionWriteSerializer(PlainModelSerializer):
    meeting = ScopedPrimaryKeyRelatedField(queryset=Meeting.objects.all(), scope="board__partnership")

    class Meta:
        model = Decision
        fields = ["id", "meeting", "text"]


class DecisionViewSet(ScopedViewSet):
    queryset = Decision.objects.select_related("meeting__board__partnership")
    serializer_class = DecisionWriteSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "meeting__board__partnership"
    filterset_fields = ["meeting"]


class MeetingSerializer(PlainModelSerializer):
    board = ScopedPrimaryKeyRelatedField(queryset=Board.objects.all(), scope="partnership")
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "board", "date", "title", "notes", "decisions"]


class MeetingViewSet(ScopedViewSet):
    queryset = Meeting.objects.select_related("board__partnership").prefetch_related("decisions")
    serializer_class = MeetingSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "board__partnership"
    filterset_fields = ["board"]


class ActionSerializer(VersionedModelSerializer):
    board = ScopedPrimaryKeyRelatedField(queryset=Board.objects.all(), scope="partnership")
    meeting = ScopedPrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), allow_null=True, required=False, scope="board__partnership"
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "board",
            "meeting",
            "description",
            "owner",
            "due_date",
            "status",
            "overdue",
            "version",
        ]

    def get_overdue(self, obj: Action) -> bool:
        return obj.is_overdue()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        board = attrs.get("board") or getattr(self.instance, "board", None)
        meeting = attrs.get("meeting")
        if meeting and board and meeting.board_id != board.pk:
            raise serializers.ValidationError({"meeting": "Must be a meeting of the same board."})
        return attrs


class ActionViewSet(ScopedViewSet):
    queryset = Action.objects.select_related("board__partnership")
    serializer_class = ActionSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "board__partnership"
    filterset_fields = ["board", "status"]


class AgreementSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    host = org_field(allow_null=True, required=False)
    parties = org_field(many=True)
    delegated_functions = ScopedSlugRelatedField(
        slug_field="key", many=True, queryset=CommissioningFunction.objects.all(), required=False
    )
    review_status = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id", "partnership", "slug", "kind", "title", "host", "parties", "delegated_functions",
            "fund_type", "services_in_scope", "services_out_of_scope", "start_date",
            "review_date", "end_date", "illustrative", "review_status", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def get_review_status(self, obj: Agreement) -> str:
        return obj.review_status()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)

        def current(name: str) -> Any:
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        start, end, review = current("start_date"), current("end_date"), current("review_date")
        errors = {}
        if start and end and end < start:
            errors["end_date"] = "Must be on or after the start date."
        if start and review and review < start:
            errors["review_date"] = "Must be on or after the start date."
        partnership = current("partnership")
        slug = current("slug")
        clash = Agreement.objects.filter(partnership=partnership, slug=slug)
        if self.instance:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            errors["slug"] = "Another agreement in this partnership uses this slug."
        host, parties = current("host"), current("parties")
        parties = list(parties.all()) if hasattr(parties, "all") else list(parties or [])
        member_ids = set(partnership.members.values_list("organisation_id", flat=True))
        outside = [o.name for o in parties if o.pk not in member_ids]
        if outside:
            errors["parties"] = "Not members of this partnership: " + ", ".join(outside)
        if host is not None and host.pk not in member_ids:
            errors["host"] = f"{host.name} is not a member of this partnership."
        elif host is not None and host not in parties:
            errors["host"] = "The host must be one of the parties."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AgreementViewSet(ScopedViewSet):
    queryset = Agreement.objects.select_related("partnership", "host").prefetch_related(
        "parties", "delegated_functions"
    )
    serializer_class = AgreementSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    filterset_fields = ["partnership__slug", "kind", "fund_type"]
