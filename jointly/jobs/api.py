"""API for background jobs: read a job's status and progress, retry a failed one.

A person sees the jobs they started, and the jobs of a partnership where their role gives the
job kind's view permission (e.g. VIEW_NEEDS for needs imports); anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm, has_permission, partnerships_with
from jointly.core import scoping
from jointly.jobs import registry, runner
from jointly.jobs.models import Job

# For related fields and filters elsewhere; this viewset's own rule is ``visible_jobs`` below
# (the jobs you started, or a partnership's jobs of a kind your role may see).
scoping.register(Job, "partnership", every=Perm.VIEW_NEEDS)


class JobSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id", "kind", "arguments", "status", "done", "total", "percent", "message", "error",
            "retryable", "partnership", "attempts", "created_on", "started_on", "finished_on",
        ]  # fmt: skip
        read_only_fields = fields


def visible_jobs(user: Any) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    scope = Q(created_by=user)
    for kind in registry.KINDS.values():
        if kind.view_perm is not None:
            scope |= Q(kind=kind.name, partnership__in=partnerships_with(user, kind.view_perm))
    return Job.objects.filter(scope).select_related("partnership")


def may_retry(user: Any, job: Job) -> bool:
    kind = registry.KINDS.get(job.kind)
    if job.created_by_id is not None and job.created_by_id == user.pk:
        return True
    return bool(
        kind and kind.retry_perm is not None and job.partnership
        and has_permission(user, kind.retry_perm, job.partnership)
    )  # fmt: skip


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs you started or may see: status, progress (``done`` of ``total``), outcome."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()

    def get_queryset(self) -> QuerySet[Job]:
        return visible_jobs(self.request.user).order_by("-id")

    def get_object(self) -> Job:
        return runner.check(super().get_object())

    @extend_schema(request=None, responses={202: JobSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Run a failed job again (only when it failed for a reason a retry can fix): 202, else 409."""
        job = self.get_object()
        if not may_retry(request.user, job):
            raise PermissionDenied("Only the person who started this job, or an editor, may retry it.")
        if not runner.retry(job):
            return Response(
                {"detail": "Only a failed job that may succeed on a second run can be retried."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def register(router: DefaultRouter) -> None:
    router.register("jobs", JobViewSet, basename="job")
