"""API for organisations, areas, partnerships and governance."""

from __future__ import annotations

from functools import partial
from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from jointly.accounts.permissions import Perm
from jointly.core import asat, scoping
from jointly.core import rules as core_rules
from jointly.core.api import (
    PlainModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.partnerships import rules
from jointly.partnerships.models import (
    KIND_BASIS,
    Action,
    Agreement,
    Area,
    Board,
    BoardMember,
    CommissioningFunction,
    Decision,
    Flexibility,
    LegalBasis,
    Meeting,
    Organisation,
    Partnership,
    ReportingLine,
)

scoping.reference(Area, Organisation, CommissioningFunction)
scoping.register(Partnership, "", every=Perm.VIEW_PARTNERSHIP)
scoping.register(Board, "partnership", every=Perm.VIEW_PLANNING)
scoping.register(BoardMember, "board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Meeting, "board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Decision, "meeting__board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Action, "board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Agreement, "partnership", every=Perm.VIEW_PLANNING)
scoping.register(ReportingLine, "board__partnership", every=Perm.VIEW_PLANNING)


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
            "reference_date", "members", "version",
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


class ReportingLineSerializer(VersionedModelSerializer):
    """A further reporting line of a board (its principal line is the board's ``reports_to``)."""

    board = ScopedPrimaryKeyRelatedField(queryset=Board.objects.all(), scope="partnership")
    to_board = ScopedPrimaryKeyRelatedField(queryset=Board.objects.all(), scope="partnership")

    class Meta:
        model = ReportingLine
        fields = ["id", "board", "to_board", "cadence", "notes", "illustrative", "source", "version"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        board = attrs.get("board") or getattr(self.instance, "board", None)
        target = attrs.get("to_board") or getattr(self.instance, "to_board", None)
        if board is None or target is None:
            return attrs
        if target.pk == board.pk:
            raise serializers.ValidationError({"to_board": "A board cannot report to itself."})
        if target.partnership_id != board.partnership_id:
            raise serializers.ValidationError({"to_board": "Must be a board of the same partnership."})
        if board.reports_to_id == target.pk:
            raise serializers.ValidationError(
                {"to_board": "This is already the board's principal reporting line."}
            )
        clash = ReportingLine.objects.filter(board=board, to_board=target)
        if self.instance:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"to_board": "The board already reports to this one."})
        return attrs


class ReportingLineReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingLine
        fields = ["id", "to_board", "cadence", "notes", "illustrative", "source"]


class ReportingLineViewSet(ScopedViewSet):
    """Further reporting lines of boards, each with its cadence."""

    queryset = ReportingLine.objects.select_related("board__partnership", "to_board")
    serializer_class = ReportingLineSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "board__partnership"
    filterset_fields = ["board", "to_board", "cadence"]


class BoardSerializer(VersionedModelSerializer):
    partnership = partnership_field()
    reports_to = ScopedPrimaryKeyRelatedField(
        queryset=Board.objects.all(), allow_null=True, required=False, scope="partnership"
    )
    members = BoardMemberSerializer(many=True, read_only=True)
    reporting_lines = ReportingLineReadSerializer(many=True, read_only=True)

    class Meta:
        model = Board
        fields = [
            "id", "partnership", "slug", "name", "kind", "purpose", "duties", "chair", "quorum",
            "meeting_frequency", "reports_to", "reporting_cadence", "reporting_lines", "members",
            "illustrative", "source", "version",
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
            if self.instance.reporting_lines.filter(to_board=reports_to).exists():
                raise serializers.ValidationError(
                    {"reports_to": "It already reports there along another line: remove that line first."}
                )
        if problems := rules.board_slug(
            partnership, core_rules.current(attrs, self.instance, "slug"), self.instance
        ):
            raise serializers.ValidationError(problems)
        return attrs


class BoardViewSet(ScopedViewSet):
    queryset = Board.objects.select_related("partnership").prefetch_related(
        "members__organisation", "reporting_lines"
    )
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
        fields = [
            "id",
            "board",
            "date",
            "title",
            "notes",
            "held_in_public",
            "illustrative",
            "source",
            "decisions",
        ]


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
        """Overdue as at ``?as_at=`` or the partnership's "today" (see core.asat)."""
        return obj.is_overdue(asat.for_serializer(self.context, obj.board.partnership))

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
    legal_bases = serializers.ListField(
        child=serializers.ChoiceField(choices=LegalBasis.choices), required=False,
        help_text="Sections of the NHS Act 2006 it is made under; several at once for 'Section 75/256'",
    )  # fmt: skip
    flexibilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Flexibility.choices), required=False,
        help_text="Section 75 flexibilities used",
    )  # fmt: skip
    host = org_field(allow_null=True, required=False)
    parties = org_field(many=True)
    delegated_by = org_field(allow_null=True, required=False)
    delegated_to = org_field(allow_null=True, required=False)
    delegated_functions = ScopedSlugRelatedField(
        slug_field="key", many=True, queryset=CommissioningFunction.objects.all(), required=False
    )
    pool_manager = org_field(allow_null=True, required=False)
    managing_board = ScopedPrimaryKeyRelatedField(
        queryset=Board.objects.all(), allow_null=True, required=False, scope="partnership"
    )
    transfer_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, required=False, min_value=0, coerce_to_string=True
    )
    transfer_from = org_field(allow_null=True, required=False)
    transfer_to = org_field(allow_null=True, required=False)
    review_status = serializers.SerializerMethodField()
    reporting_duties = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id", "partnership", "slug", "kind", "legal_bases", "title", "host", "parties",
            "flexibilities", "delegated_by", "delegated_to", "delegated_functions", "pool_manager",
            "managing_board", "fund_type", "transfer_amount", "transfer_from", "transfer_to",
            "transfer_purpose", "services_in_scope", "services_out_of_scope", "start_date",
            "review_date", "end_date", "sources_disagree", "illustrative", "source", "review_status",
            "reporting_duties", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def get_review_status(self, obj: Agreement) -> str:
        """As at ``?as_at=`` or the partnership's "today" (see core.asat)."""
        return obj.review_status(asat.for_serializer(self.context, obj.partnership))

    def get_reporting_duties(self, obj: Agreement) -> list[str]:
        return obj.reporting_duties()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = partial(core_rules.current, attrs, self.instance)
        start, end, review = current("start_date"), current("end_date"), current("review_date")
        errors = {}
        if start and end and end < start:
            errors["end_date"] = "Must be on or after the start date."
        if start and review and review < start:
            errors["review_date"] = "Must be on or after the start date."
        partnership = current("partnership")
        errors.update(rules.agreement_slug(partnership, current("slug"), self.instance))
        host, parties = current("host"), current("parties")
        parties = list(parties.all()) if hasattr(parties, "all") else list(parties or [])
        member_ids = set(partnership.members.values_list("organisation_id", flat=True))
        outside = [o.name for o in parties if o.pk not in member_ids]
        if outside:
            errors["parties"] = "Not members of this partnership: " + ", ".join(outside)
        if host is not None and host.pk not in member_ids:
            errors["host"] = f"{host.name} is not a member of this partnership."
        implied = KIND_BASIS.get(current("kind"))
        bases = list(current("legal_bases") or [])
        if implied and implied not in bases:  # a Section 75 agreement is made under s75
            attrs["legal_bases"] = [implied.value, *bases]
        probe = Agreement(partnership=partnership)
        for name in ("kind", "legal_bases", "flexibilities", "fund_type", "transfer_amount", "managing_board",
                     "host", "delegated_by", "delegated_to", "pool_manager", "transfer_from", "transfer_to"):  # fmt: skip
            value = current(name)
            if name in ("legal_bases", "flexibilities"):
                value = list(value or [])
            setattr(probe, name, "none" if name == "fund_type" and value is None else value)
        for name, message in probe.problems(parties).items():
            errors.setdefault(name, message)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AgreementViewSet(ScopedViewSet):
    queryset = Agreement.objects.select_related(
        "partnership", "host", "delegated_by", "delegated_to", "pool_manager", "transfer_from", "transfer_to"
    ).prefetch_related("parties", "delegated_functions")
    serializer_class = AgreementSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    filterset_fields = ["partnership__slug", "kind", "fund_type"]
