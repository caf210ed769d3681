"""A background job: one row per piece of long work, holding its status and progress (ADR 0012).

The queue (Celery) only carries the job's id; everything a page or the API shows about the job is
read from this row, so any web process on any machine sees the same progress, and a job whose
worker died is still on record (and can be retried).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class Job(models.Model):
    kind = models.CharField(max_length=60, help_text="What the job does, e.g. needs.import")
    arguments = models.JSONField(
        default=dict, blank=True, help_text="Identifiers and options only, never personal data"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True, help_text="Current stage, or the outcome")
    error = models.TextField(blank=True, help_text="Why the job failed (a summary, no personal data)")
    retryable = models.BooleanField(default=False, help_text="A failed job that running again may fix")
    partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateTimeField(auto_now_add=True)
    started_on = models.DateTimeField(null=True, blank=True)
    finished_on = models.DateTimeField(null=True, blank=True)
    heartbeat_on = models.DateTimeField(null=True, blank=True, help_text="Last sign of life from its worker")
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process running it")

    public_fields = (
        "id", "kind", "arguments", "status", "done", "total", "message", "error", "retryable",
        "partnership", "created_on", "started_on", "finished_on", "heartbeat_on", "attempts", "worker",
    )  # fmt: skip
    personal_fields = ("created_by",)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["status"], name="jobs_job_status")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def can_retry(self) -> bool:
        return self.status == JobStatus.FAILED and self.retryable
