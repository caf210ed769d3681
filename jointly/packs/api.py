"""API for board packs: agenda items, packs (build, issue) and what minuted decisions decide.

Routes (registered by :func:`register`): ``/api/v1/agenda-items/`` (a generated paper by key, or an
uploaded PDF/DOCX sent as ``file`` in a multipart body, checked as the page checks it), ``/api/v1/packs/``
(read; ``POST`` starts a build as a background job and answers 202; ``POST /packs/{id}/issue/`` freezes
it) and ``/api/v1/decision-links/`` (``POST`` records what a minuted decision decides and applies it to
its record; ``POST /decision-links/{id}/apply/`` confirms one not yet applied). Partnership staff with
``view_planning`` and the board's members read; partnership admins (``edit_governance``) write;
applying a decision also needs the record's own permission (:mod:`jointly.packs.decisions`).
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

from jointly.accounts.permissions import Perm, has_permission, partnerships_with, visible_to
from jointly.contracts.models import Variation
from jointly.core import scoping
from jointly.core import uploads as core_uploads
from jointly.core.api import (
    PlainModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    VersionedModelSerializer,
)
from jointly.finance.models import FundChange
from jointly.intentions.models import Intention
from jointly.packs import actions, build, decisions, papers, uploads
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
        max_length=60,
        help_text="A generated paper's key (JOINTLY_PACK_PAPERS), or 'upload' with the paper sent as `file`",
    )
    file = serializers.FileField(
        write_only=True, required=False,
        help_text="The uploaded paper (paper 'upload'): a PDF or Word (.docx) file, sent as multipart/form-data; "
        "at most JOINTLY_MAX_UPLOAD_BYTES. A file that is not a real PDF or DOCX is refused (400).",
    )  # fmt: skip

    class Meta:
        model = AgendaItem
        fields = [
            "id", "meeting", "position", "title", "presenter", "purpose", "part", "paper", "file", "summary",
            "recommendations", "upload_name", "upload_format", "illustrative", "version",
        ]  # fmt: skip
        read_only_fields = ["upload_name", "upload_format"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        paper = attrs.get("paper", getattr(self.instance, "paper", None))
        known = papers.kinds()
        upload = attrs.pop("file", None)
        if upload is not None:
            if paper != UPLOAD:
                raise ValidationError({"file": "Set paper to 'upload' to send a file, or send no file."})
            content = upload.read(uploads.max_upload_bytes() + 1)
            try:
                attrs["upload_format"] = uploads.check(upload.name or "", content)
            except uploads.BadPaper as exc:
                raise ValidationError({"file": str(exc)}) from exc
            attrs["upload"], attrs["upload_name"] = content, (upload.name or "paper")[-200:]
        elif paper == UPLOAD and not (self.instance and self.instance.upload_format):
            raise ValidationError(
                {
                    "file": "Upload the paper (a PDF or a Word DOCX file) as `file` in a multipart/form-data body."
                }
            )
        elif paper != UPLOAD and "paper" in attrs:
            attrs["upload"], attrs["upload_format"], attrs["upload_name"] = None, "", ""
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
    # Parsers: the defaults (JSON, form, multipart): an uploaded paper comes as multipart `file`.

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action in (
            "create",
            "update",
            "partial_update",
        ):  # the page's size cap, before the body is read
            core_uploads.guard_api_upload(
                request, core_uploads.max_upload_bytes(), check_role=_may_edit_somewhere
            )
        super().initial(request, *args, **kwargs)


def _may_edit_somewhere(user: Any) -> None:
    if not partnerships_with(user, Perm.EDIT_GOVERNANCE).exists():
        raise PermissionDenied("Your role does not allow changes here.")


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
    fund = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The fund of the fund change (set from fund_change)"
    )
    fund_change = ScopedPrimaryKeyRelatedField(
        queryset=FundChange.objects.all(), required=False, allow_null=True
    )
    risk = ScopedPrimaryKeyRelatedField(queryset=Risk.objects.all(), required=False, allow_null=True)
    applied = serializers.BooleanField(
        read_only=True, help_text="Whether the decision has been applied to the record it names"
    )
    not_applied = serializers.CharField(
        read_only=True, help_text="Why it was not applied (the record's rules refused, or it waits for "
        "someone allowed to confirm it); empty once applied",
    )  # fmt: skip

    class Meta:
        model = DecisionLink
        fields = [
            "id", "decision", "kind", "intention", "stage", "variation", "fund", "fund_change", "risk", "outcome",
            "applied", "applied_on", "not_applied",
        ]  # fmt: skip
        read_only_fields = ["applied_on"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        link = DecisionLink(**{k: v for k, v in attrs.items() if k != "decision"})
        errors = link.problems()
        decision = attrs.get("decision")
        if decision is not None:
            home = decision.meeting.board.partnership_id
            for name in ("intention", "risk"):
                target = attrs.get(name)
                if target is not None and target.partnership_id != home:
                    errors[name] = "Must belong to the decision's partnership."
            variation = attrs.get("variation")
            if variation is not None and variation.contract.partnership_id != home:
                errors["variation"] = "Must belong to the decision's partnership."
            change = attrs.get("fund_change")
            if change is not None and change.fund.partnership_id != home:
                errors["fund_change"] = "Must belong to the decision's partnership."
        if errors:
            raise ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> DecisionLink:
        return decisions.record(DecisionLink(**validated_data), by=self.context["request"].user)


class DecisionLinkViewSet(ScopedViewSet):
    """What a minuted decision decides (an intention's stage, a variation, a fund change, a risk's acceptance)."""

    queryset = DecisionLink.objects.select_related("decision__meeting__board__partnership")
    serializer_class = DecisionLinkSerializer
    read_perm = Perm.VIEW_PLANNING
    write_perm = Perm.EDIT_GOVERNANCE
    partnership_path = "decision__meeting__board__partnership"
    filterset_fields = ["decision", "kind"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(request=None, responses={200: DecisionLinkSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a minuted decision on its record: needs the record's own permission (403 otherwise).
        200 with the link: ``applied``, or ``not_applied`` saying why the record's rules refused."""
        link = self.get_object()
        if not decisions.may_apply(request.user, link):
            raise PermissionDenied("Your role does not allow applying this decision to its record.")
        decisions.apply(link, by=request.user)
        return Response(self.get_serializer(link).data)


def register(router: DefaultRouter) -> None:
    router.register("agenda-items", AgendaItemViewSet)
    router.register("packs", PackViewSet)
    router.register("decision-links", DecisionLinkViewSet)
