"""API for board packs: agenda items, packs (build, issue) and what minuted decisions decide.

Routes (registered by :func:`register`): ``/api/v1/agenda-items/`` (generated papers; an uploaded paper
is added on the page), ``/api/v1/packs/`` (read; ``POST`` starts a build as a background job and
answers 202; ``POST /packs/{id}/issue/`` freezes it) and ``/api/v1/decision-links/``. Partnership staff
with ``view_planning`` and the board's members read; partnership admins (``edit_governance``) write.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, visible_to
from jointly.contracts.models import Variation
from jointly.core import scoping
from jointly.core.api import (
    PlainModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.finance.models import Fund
from jointly.intentions.models import Intention
from jointly.packs import actions, build, papers
from jointly.packs.models import UPLOAD, AgendaItem, DecisionLink, Pack, PackIssued
from jointly.partnerships.models import Decision, Meeting
from jointly.risks.models import Risk

scoping.register(AgendaItem, "meeting__board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(Pack, "meeting__board__partnership", every=Perm.VIEW_PLANNING)
scoping.register(DecisionLink, "decision__meeting__board__partnership", every=Perm.VIEW_PLANNING)


class _BoardMembersRead:
    """Staff read through the scope primitive; a board's members read their own board's records too."""

    def get_queryset(self) -> Any:
        from django.db.models import Q

        from jointly.partnerships.models import BoardMember

        base = self.base_queryset()  # type: ignore[attr-defined]
        user = self.request.user  # type: ignore[attr-defined]
        staff = visible_to(user, base, self.partnership_path, every=Perm.VIEW_PLANNING, own=None)  # type: ignore[attr-defined]
        if not user.is_authenticated:
            return staff
        boards = BoardMember.objects.filter(user=user).values("board_id")
        return base.filter(Q(pk__in=staff.values("pk")) | Q(meeting__board_id__in=boards))


class AgendaItemSerializer(VersionedModelSerializer):
    meeting = ScopedPrimaryKeyRelatedField(queryset=Meeting.objects.all(), scope="board__partnership")
    paper = serializers.CharField(
        max_length=60, help_text="A generated paper's key (JOINTLY_PACK_PAPERS); 'upload' only on the page"
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id", "meeting", "position", "title", "presenter", "purpose", "part", "paper", "summary",
            "recommendations", "upload_name", "upload_format", "illustrative", "version",
        ]  # fmt: skip
        read_only_fields = ["upload_name", "upload_format"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        paper = attrs.get("paper", getattr(self.instance, "paper", None))
        known = papers.kinds()
        if paper == UPLOAD and not (self.instance and self.instance.upload_format):
            raise ValidationError(
                {"paper": "Upload a paper on the agenda page; the API takes generated papers."}
            )
        if paper != UPLOAD and paper not in known:
            raise ValidationError({"paper": f"An agenda item needs a paper: one of {', '.join(known)}."})
        meeting = attrs.get("meeting", getattr(self.instance, "meeting", None))
        position = attrs.get("position", getattr(self.instance, "position", None))
        clash = AgendaItem.objects.filter(meeting=meeting, position=position)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError({"position": f"Item {position} is already on the agenda."})
        return attrs


class AgendaItemViewSet(_BoardMembersRead, ScopedViewSet):
    """A meeting's agenda, in order."""

    queryset = AgendaItem.objects.select_related("meeting__board__partnership").defer("upload")
    serializer_class = AgendaItemSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "meeting__board__partnership"
    filterset_fields = ["meeting"]


class PackSerializer(serializers.ModelSerializer):
    meeting = ScopedPrimaryKeyRelatedField(queryset=Meeting.objects.all(), scope="board__partnership")
    job = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Pack
        fields = [
            "id", "meeting", "number", "status", "as_at", "publication_date", "pages", "changes", "message",
            "job", "built_on", "issued_on",
        ]  # fmt: skip
        read_only_fields = [
            "number", "status", "publication_date", "pages", "changes", "message", "job", "built_on", "issued_on",
        ]  # fmt: skip


class PackViewSet(
    _BoardMembersRead,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Packs of a meeting. ``POST`` (meeting, as_at) starts a build: 202 with the pack, whose ``job``
    shows the progress (``/api/v1/jobs/{id}/``). Issued packs are frozen."""

    queryset = Pack.objects.select_related("meeting__board__partnership").defer(
        "pdf", "public_pdf", "docx", "snapshot"
    )
    serializer_class = PackSerializer
    partnership_path = "meeting__board__partnership"
    filterset_fields = ["meeting", "status"]

    def base_queryset(self) -> Any:
        return self.queryset.all()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = serializer.validated_data["meeting"]
        if not has_permission(request.user, Perm.EDIT_GOVERNANCE, meeting.board.partnership):
            raise PermissionDenied("Only the partnership's administrators build packs.")
        try:
            pack = actions.start(meeting, serializer.validated_data["as_at"], by=request.user)
        except build.PackError as exc:
            raise ValidationError({"meeting": str(exc)}) from exc
        pack = self.base_queryset().get(pk=pack.pk)
        return Response(self.get_serializer(pack).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: PackSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        pack = self.get_object()
        if not has_permission(request.user, Perm.EDIT_GOVERNANCE, pack.meeting.board.partnership):
            raise PermissionDenied("Only the partnership's administrators issue packs.")
        try:
            actions.issue(Pack.objects.get(pk=pack.pk), by=request.user)
        except (PackIssued, build.PackError) as exc:
            raise ValidationError({"status": str(exc)}) from exc
        return Response(self.get_serializer(self.base_queryset().get(pk=pack.pk)).data)


class DecisionLinkSerializer(PlainModelSerializer):
    decision = ScopedPrimaryKeyRelatedField(queryset=Decision.objects.all())
    intention = ScopedPrimaryKeyRelatedField(
        queryset=Intention.objects.all(), required=False, allow_null=True
    )
    variation = ScopedPrimaryKeyRelatedField(
        queryset=Variation.objects.all(), required=False, allow_null=True
    )
    fund = ScopedPrimaryKeyRelatedField(queryset=Fund.objects.all(), required=False, allow_null=True)
    risk = ScopedPrimaryKeyRelatedField(queryset=Risk.objects.all(), required=False, allow_null=True)

    class Meta:
        model = DecisionLink
        fields = ["id", "decision", "kind", "intention", "stage", "variation", "fund", "risk"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        link = DecisionLink(**{k: v for k, v in attrs.items() if k != "decision"})
        errors = link.problems()
        decision = attrs.get("decision")
        if decision is not None:
            home = decision.meeting.board.partnership_id
            for name in ("intention", "fund", "risk"):
                target = attrs.get(name)
                if target is not None and target.partnership_id != home:
                    errors[name] = "Must belong to the decision's partnership."
            variation = attrs.get("variation")
            if variation is not None and variation.contract.partnership_id != home:
                errors["variation"] = "Must belong to the decision's partnership."
        if errors:
            raise ValidationError(errors)
        return attrs


class DecisionLinkViewSet(ScopedViewSet):
    """What a minuted decision decides (an intention's stage, a variation, a fund change, a risk's acceptance)."""

    queryset = DecisionLink.objects.select_related("decision__meeting__board__partnership")
    serializer_class = DecisionLinkSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "decision__meeting__board__partnership"
    filterset_fields = ["decision", "kind"]
    http_method_names = ["get", "post", "delete", "head", "options"]


def register(router: DefaultRouter) -> None:
    router.register("agenda-items", AgendaItemViewSet)
    router.register("packs", PackViewSet)
    router.register("decision-links", DecisionLinkViewSet)
